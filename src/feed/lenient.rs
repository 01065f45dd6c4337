//! The lenient fallback parser: a hand-written, forgiving scanner that reads
//! the entries of any RSS/RDF/Atom dialect by local element names, whatever
//! the namespace or version. Pure.
//!
//! It exists for what feed-rs gives up on: Atom 0.3, RSS 0.90, RSS 1.0 items
//! without `<link>`, Userland-namespace RSS, items outside `<channel>`, and
//! documents that are not well-formed (bare `&`, unclosed CDATA, unclosed
//! elements, a file cut off mid-way). It never fails: it returns what it
//! could read plus a list of the problems met on the way.
//!
//! Entries are `<item>` or `<entry>` elements (any prefix); their fields are
//! their direct children. Field content is kept as a raw slice of the input
//! and converted to text only when the entry is finished.

use std::ops::Range;

use base64::Engine as _;
use url::Url;

use super::{dates, plain};

/// An entry as the fallback parser read it, before ids and links are settled.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LooseEntry {
    pub guid: Option<String>,
    /// Candidate article links, absolute where a base allowed, best first.
    pub links: Vec<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub updated: Option<chrono::DateTime<chrono::Utc>>,
    pub published: Option<chrono::DateTime<chrono::Utc>>,
    /// The entry element was not closed (the document ended inside it).
    pub cut_off: bool,
}

/// What the fallback parser read.
#[derive(Debug, Default)]
pub struct LooseFeed {
    pub title: Option<String>,
    pub entries: Vec<LooseEntry>,
    /// Ill-formedness met on the way, human readable.
    pub problems: Vec<String>,
}

/// One attribute of a start tag, value not yet unescaped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attr<'a> {
    pub name: &'a str,
    pub value: &'a str,
    /// Byte range of the whole `name="value"` within the scanned string.
    pub span: (usize, usize),
}

/// Parses the attributes in `s` (the part of a start tag after its name),
/// tolerating unquoted values and attributes without a value.
pub fn attrs(s: &str) -> Vec<Attr<'_>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        if start == i {
            break;
        }
        let name = &s[start..i];
        let mut j = i;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < b.len() && b[j] == b'=' {
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let (value, end) = match b.get(j) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let close = s[j + 1..].find(q as char).map_or(s.len(), |p| j + 1 + p);
                    (&s[j + 1..close], (close + 1).min(s.len()))
                }
                _ => {
                    let mut k = j;
                    while k < b.len() && !b[k].is_ascii_whitespace() {
                        k += 1;
                    }
                    (&s[j..k], k)
                }
            };
            out.push(Attr {
                name,
                value,
                span: (start, end),
            });
            i = end;
        } else {
            out.push(Attr {
                name,
                value: "",
                span: (start, i),
            });
        }
    }
    out
}

/// The value of attribute `name` (exact, case-insensitive) in `list`.
pub fn attr<'a>(list: &[Attr<'a>], name: &str) -> Option<&'a str> {
    list.iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
        .map(|a| a.value)
}

/// A start tag: qualified name, attribute text and where the tag ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tag<'a> {
    pub name: &'a str,
    pub attrs: &'a str,
    /// Index just after the tag's `>`.
    pub end: usize,
    pub self_closing: bool,
}

/// Reads the start tag at `text[at] == '<'`. `None` when this `<` does not
/// open an element (text such as `a < b`) or when the document ends inside
/// the tag.
pub fn start_tag(text: &str, at: usize) -> Option<Tag<'_>> {
    let b = text.as_bytes();
    let first = *b.get(at + 1)?;
    if !(first.is_ascii_alphabetic() || first == b'_' || first >= 0x80) {
        return None;
    }
    let name_end = b[at + 1..]
        .iter()
        .position(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/' || *c == b'<')
        .map(|p| at + 1 + p)?;
    let mut quote: Option<u8> = None;
    let mut i = name_end;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            // `<` cannot occur in an XML attribute value: the quote is broken.
            // Ending the tag here keeps a stray quote from making every later
            // tag scan to the end of the document (quadratic time).
            Some(_) if c == b'<' => {
                return Some(Tag {
                    name: &text[at + 1..name_end],
                    attrs: &text[name_end..i],
                    end: i,
                    self_closing: false,
                })
            }
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'>' => {
                let self_closing = i > name_end && b[i - 1] == b'/';
                let attrs_end = if self_closing { i - 1 } else { i };
                return Some(Tag {
                    name: &text[at + 1..name_end],
                    attrs: &text[name_end..attrs_end],
                    end: i + 1,
                    self_closing,
                });
            }
            // A `<` before the `>`: the tag is broken; end it here.
            None if c == b'<' => {
                return Some(Tag {
                    name: &text[at + 1..name_end],
                    attrs: &text[name_end..i],
                    end: i,
                    self_closing: false,
                })
            }
            None => {}
        }
        i += 1;
    }
    None
}

/// The part of a qualified name after its prefix.
pub fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

fn is_entry(local: &str) -> bool {
    local.eq_ignore_ascii_case("item") || local == "entry"
}

/// Which field of an entry a direct child fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Link,
    Guid,
    Id,
    Summary,
    Content,
    Published,
    Updated,
    OrigLink,
}

fn field_for(local: &str) -> Option<Field> {
    // Case-insensitive: CDF and some hand-made feeds shout (`<TITLE>`).
    let lower = local.to_ascii_lowercase();
    Some(match lower.as_str() {
        "title" => Field::Title,
        "link" => Field::Link,
        "guid" => Field::Guid,
        "id" => Field::Id,
        "description" | "summary" => Field::Summary,
        "content" | "encoded" => Field::Content,
        "pubdate" | "published" | "issued" | "created" | "date" => Field::Published,
        "updated" | "modified" => Field::Updated,
        "origlink" => Field::OrigLink,
        _ => return None,
    })
}

/// Deeper elements are read as text: bounds the work per end tag on
/// pathological input (thousands of unclosed `<br>` in a description).
const MAX_DEPTH: usize = 256;

/// An element still open during the scan.
struct Open<'a> {
    name: &'a str,
    /// Index just after the start tag.
    content_at: usize,
    field: Option<Field>,
    attrs: &'a str,
    /// A feed-level `<title>` being read.
    feed_title: bool,
    /// This element set an `xml:base`.
    has_base: bool,
}

/// An entry being read: raw field slices and attributes.
#[derive(Default)]
struct Pending<'a> {
    depth: usize,
    about: Option<&'a str>,
    title: Option<(&'a str, &'a str)>,
    link_text: Option<String>,
    href_links: Vec<(String, bool)>,
    orig_link: Option<String>,
    guid: Option<&'a str>,
    id: Option<&'a str>,
    summary: Option<(&'a str, &'a str)>,
    content: Option<(&'a str, &'a str)>,
    published: Option<&'a str>,
    updated: Option<&'a str>,
}

/// Scans `text` (UTF-8, declaration removed) for entries. `base` resolves
/// relative links, together with any `xml:base` on the way down.
pub fn parse(text: &str, base: Option<&Url>) -> LooseFeed {
    let mut feed = LooseFeed::default();
    let mut stack: Vec<Open<'_>> = Vec::new();
    let mut bases: Vec<Url> = base.cloned().into_iter().collect();
    let mut entry: Option<Pending<'_>> = None;
    let mut problems: Vec<String> = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;

    while let Some(p) = text[i..].find('<') {
        let at = i + p;
        let rest = &text[at..];
        if rest.starts_with("<!--") {
            match rest.find("-->") {
                Some(e) => i = at + e + 3,
                None => {
                    problems.push("unclosed comment".into());
                    i = b.len();
                }
            }
        } else if rest.starts_with("<![CDATA[") {
            // An unclosed CDATA section ends, at the latest, where the element
            // holding it is closed: the common mistake is a missing `]]>`.
            let close = rest.find("]]>").map(|e| at + e + 3);
            let guard = stack
                .last()
                .and_then(|o| rest.find(&format!("</{}", o.name)).map(|e| at + e));
            i = match (close, guard) {
                (Some(c), Some(g)) if g < c - 3 => {
                    problems.push("unclosed CDATA section".into());
                    g
                }
                (Some(c), _) => c,
                (None, Some(g)) => {
                    problems.push("unclosed CDATA section".into());
                    g
                }
                (None, None) => {
                    problems.push("unclosed CDATA section".into());
                    b.len()
                }
            };
        } else if rest.starts_with("<?") {
            i = rest.find("?>").map_or(b.len(), |e| at + e + 2);
        } else if rest.starts_with("<!") {
            i = skip_doctype(rest).map_or(b.len(), |e| at + e);
        } else if let Some(name_part) = rest.strip_prefix("</") {
            let Some(gt) = name_part.find('>') else {
                break;
            };
            let name = name_part[..gt].trim();
            i = at + 2 + gt + 1;
            if let Some(k) = stack.iter().rposition(|o| o.name == name) {
                close_down_to(k, at, text, &mut stack, &mut entry, &mut feed, &mut bases);
            }
        } else if let Some(tag) = start_tag(text, at) {
            i = tag.end;
            let lname = local(tag.name);
            let list = attrs(tag.attrs);
            // A new item while one is open (missing `</item>`): finish the old one.
            if is_entry(lname) {
                if let Some(edepth) = entry.as_ref().map(|e| e.depth) {
                    if stack
                        .get(edepth)
                        .is_some_and(|o| local(o.name).eq_ignore_ascii_case(lname))
                    {
                        problems.push(format!("<{}> not closed before the next one", tag.name));
                        close_down_to(
                            edepth, at, text, &mut stack, &mut entry, &mut feed, &mut bases,
                        );
                    }
                }
            }
            let mut has_base = false;
            if let Some(xb) = attr(&list, "xml:base") {
                let xb = unescape_attr(xb);
                let joined = match bases.last() {
                    Some(cur) => cur.join(&xb).ok(),
                    None => Url::parse(&xb).ok(),
                };
                if let Some(u) = joined {
                    bases.push(u);
                    has_base = true;
                }
            }
            let depth = stack.len();
            let mut field = None;
            let mut feed_title = false;
            if entry.is_none() && is_entry(lname) {
                // `rdf:about` (RSS 1.0) and `href` (CDF) name the item's page.
                let about = attr(&list, "rdf:about")
                    .or_else(|| attr(&list, "about"))
                    .or_else(|| attr(&list, "href"));
                entry = Some(Pending {
                    depth,
                    about,
                    ..Pending::default()
                });
            } else if let Some(e) = entry.as_mut() {
                if depth == e.depth + 1 {
                    field = field_for(lname);
                    if field == Some(Field::Link) {
                        if let Some(href) = attr(&list, "href") {
                            let rel = attr(&list, "rel").unwrap_or("alternate");
                            let ty = attr(&list, "type").unwrap_or("text/html");
                            let good = rel.eq_ignore_ascii_case("alternate")
                                && (ty.contains("html") || ty.is_empty());
                            if let Some(u) = absolutize(&unescape_attr(href), bases.last()) {
                                e.href_links.push((u, good));
                            }
                        }
                    }
                }
            } else if lname == "title" && feed.title.is_none() {
                feed_title = stack.last().is_some_and(|o| {
                    matches!(
                        local(o.name).to_ascii_lowercase().as_str(),
                        "channel" | "feed" | "rdf" | "rss"
                    )
                });
            }
            if tag.self_closing {
                if has_base {
                    bases.pop();
                }
            } else if stack.len() < MAX_DEPTH {
                stack.push(Open {
                    name: tag.name,
                    content_at: tag.end,
                    field,
                    attrs: tag.attrs,
                    feed_title,
                    has_base,
                });
            }
        } else {
            // A `<` that opens nothing: text.
            i = at + 1;
        }
    }

    if !stack.is_empty() {
        let names: Vec<&str> = stack.iter().map(|o| o.name).collect();
        problems.push(format!(
            "document ends inside <{}> (cut off or unclosed)",
            names.join("> <")
        ));
        let end = text.len();
        let was_in_entry = entry.is_some();
        let before = feed.entries.len();
        close_down_to(0, end, text, &mut stack, &mut entry, &mut feed, &mut bases);
        if was_in_entry && feed.entries.len() > before {
            if let Some(last) = feed.entries.last_mut() {
                last.cut_off = true;
            }
        }
    }
    problems.dedup();
    feed.problems = problems;
    feed
}

/// Closes the open elements above `depth`, innermost first; their content
/// ends at `end`.
fn close_down_to<'a>(
    depth: usize,
    end: usize,
    text: &'a str,
    stack: &mut Vec<Open<'a>>,
    entry: &mut Option<Pending<'a>>,
    feed: &mut LooseFeed,
    bases: &mut Vec<Url>,
) {
    while stack.len() > depth {
        let Some(open) = stack.pop() else { break };
        close_element(open, end, text, stack.len(), entry, feed, bases);
    }
}

/// Handles the end of `open` (its content ends at `end`).
fn close_element<'a>(
    open: Open<'a>,
    end: usize,
    text: &'a str,
    depth: usize,
    entry: &mut Option<Pending<'a>>,
    feed: &mut LooseFeed,
    bases: &mut Vec<Url>,
) {
    let raw = &text[open.content_at.min(end)..end];
    if open.feed_title {
        feed.title = Some(to_text(raw, open.attrs)).filter(|t| !t.is_empty());
    }
    if let Some(e) = entry.as_mut() {
        if depth == e.depth {
            if let Some(done) = entry.take() {
                let base = bases.last().cloned();
                if open.has_base {
                    bases.pop();
                }
                let le = finish(done, base.as_ref());
                // Every closed entry counts, even one with only a date: "all
                // that can be read". An entry cut off before any field is noise.
                if end < text.len()
                    || le.title.is_some()
                    || !le.links.is_empty()
                    || le.guid.is_some()
                    || le.summary.is_some()
                {
                    feed.entries.push(le);
                }
            }
            return;
        }
        if depth == e.depth + 1 {
            match open.field {
                Some(Field::Title) => e.title = e.title.or(Some((raw, open.attrs))),
                Some(Field::Link) => {
                    let t = xml_text(raw);
                    let t = t.trim();
                    if !t.is_empty() && e.link_text.is_none() {
                        e.link_text = absolutize(t, bases.last());
                    }
                }
                Some(Field::OrigLink) => {
                    e.orig_link = absolutize(xml_text(raw).trim(), bases.last())
                }
                Some(Field::Guid) => e.guid = e.guid.or(Some(raw)),
                Some(Field::Id) => e.id = e.id.or(Some(raw)),
                Some(Field::Summary) => e.summary = e.summary.or(Some((raw, open.attrs))),
                Some(Field::Content) => e.content = e.content.or(Some((raw, open.attrs))),
                Some(Field::Published) => e.published = e.published.or(Some(raw)),
                Some(Field::Updated) => e.updated = e.updated.or(Some(raw)),
                None => {}
            }
        }
    }
    if open.has_base {
        bases.pop();
    }
}

/// Settles an entry's fields.
fn finish(p: Pending<'_>, base: Option<&Url>) -> LooseEntry {
    let mut candidates: Vec<Option<String>> = vec![p.orig_link];
    candidates.extend(
        p.href_links
            .iter()
            .filter(|(_, good)| *good)
            .map(|(h, _)| Some(h.clone())),
    );
    candidates.push(p.link_text);
    candidates.push(p.href_links.into_iter().map(|(h, _)| h).next());
    candidates.push(p.about.and_then(|a| absolutize(&unescape_attr(a), base)));
    let mut links: Vec<String> = Vec::new();
    for l in candidates.into_iter().flatten() {
        if !links.contains(&l) {
            links.push(l);
        }
    }
    let guid = p
        .guid
        .or(p.id)
        .map(|g| xml_text(g).trim().to_string())
        .filter(|g| !g.is_empty());
    let summary = p
        .summary
        .or(p.content)
        .map(|(raw, a)| to_text(raw, a))
        .filter(|s| !s.is_empty());
    LooseEntry {
        guid,
        links,
        title: p
            .title
            .map(|(raw, a)| to_text(raw, a))
            .filter(|t| !t.is_empty()),
        summary,
        updated: p.updated.and_then(|d| dates::parse_date(&xml_text(d))),
        published: p.published.and_then(|d| dates::parse_date(&xml_text(d))),
        cut_off: false,
    }
}

/// Field content → plain text, honouring Atom's `type`/`mode`: plain text is
/// kept as written, base64 is decoded, anything else is treated as HTML.
fn to_text(raw: &str, tag_attrs: &str) -> String {
    let list = attrs(tag_attrs);
    let ty = attr(&list, "type").unwrap_or("").to_ascii_lowercase();
    let mode = attr(&list, "mode").unwrap_or("").to_ascii_lowercase();
    let text = xml_text(raw);
    let binary = !ty.is_empty()
        && ty.contains('/')
        && !ty.starts_with("text/")
        && !ty.ends_with("xml")
        && !ty.contains("html");
    if mode == "base64" || binary {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(compact) {
            return plain::html_to_text(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    if ty == "text" || ty == "text/plain" {
        plain::plain_text(text)
    } else {
        plain::html_to_text(text)
    }
}

/// Raw element content → its character data: CDATA sections verbatim,
/// comments dropped, references decoded (a bare `&` stays), nested markup
/// kept as written (the caller strips it as HTML).
pub fn xml_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(p) = rest.find(['<', '&']) {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            out.push_str(&after[..end]);
            rest = after.get(end + 3..).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
        } else if rest.starts_with('&') {
            match plain::decode_ref(rest) {
                Some((ch, used)) => {
                    // `&lt;` in markup-bearing content re-creates markup, which
                    // the HTML stripper then treats as such: this is what
                    // escaped HTML in RSS means.
                    out.push(ch);
                    rest = &rest[used..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        } else {
            out.push('<');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

fn unescape_attr(v: &str) -> String {
    if v.contains('&') {
        xml_text(v)
    } else {
        v.to_string()
    }
}

/// An absolute URL for `href` (joined with `base` when relative); `None` for
/// text that is no URL at all.
fn absolutize(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    match Url::parse(href) {
        Ok(u) => Some(u.to_string()),
        Err(_) => base.and_then(|b| b.join(href).ok()).map(|u| u.to_string()),
    }
}

/// Skips `<!DOCTYPE …>` including an internal subset `[ … ]`; returns the
/// length consumed.
fn skip_doctype(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.bytes().enumerate() {
        match c {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'>' if depth == 0 => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Rough count of entry elements (`<item`, `<entry`, any prefix) outside
/// comments and CDATA: how many entries a reader should have found.
pub fn count_entries(text: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'<', &text[i..]) {
        let at = i + p;
        let rest = &text[at + 1..];
        match rest.first() {
            Some(b'!') => {
                let close: &[u8] = if rest.starts_with(b"![CDATA[") {
                    b"]]>"
                } else if rest.starts_with(b"!--") {
                    b"-->"
                } else {
                    b">"
                };
                i = memchr::memmem::find(&rest[1..], close)
                    .map_or(text.len(), |e| at + 2 + e + close.len());
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let name_len = rest
                    .iter()
                    .position(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
                    .unwrap_or(rest.len());
                let name = &rest[..name_len];
                let lname = name.rsplit(|c| *c == b':').next().unwrap_or(name);
                if lname.eq_ignore_ascii_case(b"item") || lname == b"entry" {
                    n += 1;
                }
                i = at + 1 + name_len;
            }
            _ => i = at + 1,
        }
    }
    n
}

/// Byte range of the start tag of the document's root element.
pub fn root_range(text: &str) -> Option<Range<usize>> {
    let mut i = 0;
    while let Some(p) = text[i..].find('<') {
        let at = i + p;
        let rest = &text[at..];
        if rest.starts_with("<!--") {
            i = at + rest.find("-->")? + 3;
        } else if rest.starts_with("<?") {
            i = at + rest.find("?>")? + 2;
        } else if rest.starts_with("<!") {
            i = at + skip_doctype(rest)?;
        } else {
            let tag = start_tag(text, at)?;
            return Some(at..tag.end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_atom03_with_dates_and_links() {
        let doc = r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>T</title>
<entry><title mode="escaped" type="text/html">A &lt;b&gt;bold&lt;/b&gt;</title>
<link rel="alternate" type="text/html" href="/a"/><id>tag:x,1</id><issued>2004-01-01T00:00:00Z</issued>
<modified>2004-01-02T00:00:00Z</modified><summary type="text/plain">s</summary></entry></feed>"#;
        let base = Url::parse("http://example.org/feed").ok();
        let f = parse(doc, base.as_ref());
        assert_eq!(f.title.as_deref(), Some("T"));
        assert_eq!(f.entries.len(), 1);
        let e = &f.entries[0];
        assert_eq!(e.title.as_deref(), Some("A bold"));
        assert_eq!(e.links, vec!["http://example.org/a".to_string()]);
        assert_eq!(e.guid.as_deref(), Some("tag:x,1"));
        assert!(e.updated.is_some() && e.published.is_some());
        assert!(f.problems.is_empty());
    }

    #[test]
    fn survives_bare_ampersand_unclosed_cdata_and_truncation() {
        let doc = "<rss><channel><title>A & B</title><item><title>one & two</title><link>http://x/1</link></item>\
<item><title><![CDATA[three</title><link>http://x/3</link></item><item><title>fo";
        let f = parse(doc, None);
        assert_eq!(f.title.as_deref(), Some("A & B"));
        let titles: Vec<_> = f
            .entries
            .iter()
            .map(|e| e.title.clone().unwrap_or_default())
            .collect();
        assert_eq!(titles, vec!["one & two", "three", "fo"]);
        assert!(f.entries[2].cut_off);
        assert_eq!(f.entries[1].links, vec!["http://x/3".to_string()]);
        assert!(f.problems.iter().any(|p| p.contains("CDATA")));
    }

    #[test]
    fn items_outside_channel_and_rdf_about() {
        let doc = r#"<rdf:RDF xmlns:rdf="r" xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>C</title></channel>
<item rdf:about="http://x/a"><title>a</title></item><item><title>b</title><link>http://x/b</link></item></rdf:RDF>"#;
        let f = parse(doc, None);
        assert_eq!(f.entries.len(), 2);
        assert_eq!(f.entries[0].links, vec!["http://x/a".to_string()]);
    }

    #[test]
    fn counts_entries_outside_cdata() {
        assert_eq!(
            count_entries(
                b"<rss><item/><x:item>a</x:item><![CDATA[<item>]]><!-- <entry> --><items/></rss>"
            ),
            2
        );
        assert_eq!(
            root_range(
                "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><!-- c --><rss version='2.0'>"
            ),
            Some(61..80)
        );
    }

    #[test]
    fn broken_quote_stays_linear() {
        let mut doc = String::from("<rss><channel><item><title x=\"oops>T</title>");
        for _ in 0..20_000 {
            doc.push_str("<a>b</a>");
        }
        doc.push_str("</item><item><title>U</title></item>");
        let f = parse(&doc, None);
        assert_eq!(f.entries.len(), 2);
        let deep = "<rss><item><title>x</title><description>".to_string()
            + &"<br>".repeat(5000)
            + "</description></item></rss>";
        assert_eq!(parse(&deep, None).entries.len(), 1);
    }

    #[test]
    fn attribute_parsing_is_tolerant() {
        let a = attrs(r#" a="1" b='x>y' c=z d"#);
        let names: Vec<_> = a.iter().map(|x| (x.name, x.value)).collect();
        assert_eq!(names, vec![("a", "1"), ("b", "x>y"), ("c", "z"), ("d", "")]);
    }
}
