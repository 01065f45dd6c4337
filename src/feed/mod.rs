//! Feeds: bytes → entries (RSS, Atom, JSON Feed), with URL resolution and
//! canonicalisation. Pure.
//!
//! feed-rs does the parsing; this module is the decoding and repair layer in
//! front of it and the safety net behind it:
//!
//! 1. [`decode`]: charset from BOM, XML declaration, HTTP header or sniffing;
//!    the text handed on is UTF-8 without declaration, so feed-rs never
//!    re-decodes (its UTF-16 path can panic).
//! 2. [`repair`]: root-tag fixes for dialects feed-rs rejects (RSS without
//!    or with an unknown `version`, Userland namespace, RSS 0.90).
//! 3. feed-rs, under `catch_unwind`.
//! 4. [`lenient`]: when feed-rs fails, panics, or returns fewer entries than
//!    the document holds, a forgiving scanner reads what can be read, and the
//!    results are merged (feed-rs's entries win where both have one).
//!
//! Every step beyond the plain path is reported in `ParsedFeed::warnings`.

pub mod canon;
pub mod dates;
pub mod decode;
pub mod inspect;
mod jsonfeed;
pub mod lenient;
pub mod plain;
pub mod repair;

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use sha2::{Digest, Sha256};
use url::Url;

use crate::model::{FeedEntry, ParsedFeed};

/// Why a document yielded no feed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("empty body: no feed document was received")]
    EmptyBody,
    #[error("HTML page instead of a feed{}", .title.as_deref().map(|t| format!(" (page title: {t:?})")).unwrap_or_default())]
    HtmlPage { title: Option<String> },
    #[error("not a feed: {0}")]
    NotAFeed(String),
    #[error("unreadable {format} document: {reason}")]
    Unreadable { format: String, reason: String },
    #[error("the feed parser panicked: {0}")]
    Panicked(String),
}

impl FeedError {
    /// A short, stable name for logs, metrics and JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            FeedError::EmptyBody => "empty_body",
            FeedError::HtmlPage { .. } => "html_page",
            FeedError::NotAFeed(_) => "not_a_feed",
            FeedError::Unreadable { .. } => "unreadable",
            FeedError::Panicked(_) => "panicked",
        }
    }
}

/// Parses a feed document. `content_type` is the HTTP header value, `base`
/// the feed's URL (relative links are resolved against it).
///
/// Never panics: a panic anywhere inside becomes [`FeedError::Panicked`].
pub fn parse(
    bytes: &[u8],
    content_type: Option<&str>,
    base: Option<&Url>,
) -> Result<ParsedFeed, FeedError> {
    match catch_unwind(AssertUnwindSafe(|| {
        parse_unguarded(bytes, content_type, base)
    })) {
        Ok(result) => result,
        Err(payload) => Err(FeedError::Panicked(panic_message(&*payload))),
    }
}

fn parse_unguarded(
    bytes: &[u8],
    content_type: Option<&str>,
    base: Option<&Url>,
) -> Result<ParsedFeed, FeedError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
        return Err(FeedError::EmptyBody);
    }
    let mut carried = Vec::new();
    if decode::is_plain_utf8_candidate(bytes, content_type) {
        match fast_path(bytes, base) {
            Ok(feed) => return Ok(feed),
            Err(Some(note)) => carried.push(note),
            Err(None) => {}
        }
    }
    let decoded = decode::decode(bytes, content_type, tld(base));
    let mut warnings: Vec<String> = decoded.note.into_iter().collect();
    warnings.append(&mut carried);
    let text: &str = &decoded.text;
    let body = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    match body.chars().next() {
        None => Err(FeedError::EmptyBody),
        Some('{') => parse_json(body, base, warnings),
        Some('<') => parse_xml(text, base, &mut warnings).map(|mut f| {
            warnings.append(&mut f.warnings);
            f.warnings = warnings;
            f
        }),
        Some(_) => Err(FeedError::NotAFeed(format!(
            "neither XML nor JSON (starts with {:?})",
            body.chars().take(24).collect::<String>()
        ))),
    }
}

/// The common case, with no copy and no extra pass over the text: bytes that
/// claim UTF-8 (or nothing) go straight to feed-rs, which rejects malformed
/// UTF-8 itself (its decoder runs without replacement). Only a clean success
/// that accounts for every entry element is returned; anything else falls
/// back to the full path (`Err`), carrying a contained panic's message.
fn fast_path(bytes: &[u8], base: Option<&Url>) -> Result<ParsedFeed, Option<String>> {
    let head = utf8_prefix(&bytes[..bytes.len().min(1024)]);
    let first = head
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .chars()
        .next();
    let (atom, format) = match first {
        Some('{') => (false, "JSON Feed".to_string()),
        Some('<') => {
            // The root start tag is normally within the first kilobyte; a
            // longer prolog (comments, DOCTYPE) gets a second, wider look.
            let (head, root) = match lenient::root_range(head) {
                Some(root) => (head, root),
                None => {
                    let wide = utf8_prefix(&bytes[..bytes.len().min(16 * 1024)]);
                    (wide, lenient::root_range(wide).ok_or(None)?)
                }
            };
            let tag = &head[root];
            let (dialect, format) = classify(tag);
            if !matches!(dialect, Dialect::Rss | Dialect::Rdf | Dialect::Atom)
                || repair::needs_repair(tag)
            {
                return Err(None);
            }
            (dialect == Dialect::Atom, format)
        }
        _ => return Err(None),
    };
    if decode::stray_declaration(bytes, decode::declaration_end(bytes).unwrap_or(0)).is_some() {
        return Err(None);
    }
    let feed = run_feed_rs(bytes, base).map_err(|p| p.contains("panicked").then_some(p))?;
    let n = feed.entries.len();
    if first == Some('<') && lenient::count_entries(bytes) > n {
        return Err(None);
    }
    let (title, entries) = convert(feed, atom, base);
    Ok(ParsedFeed {
        title,
        format: Some(format),
        entries,
        warnings: Vec::new(),
    })
}

/// The longest valid UTF-8 prefix of `bytes` (a cut multi-byte character at
/// the end of a window is not an error).
fn utf8_prefix(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// A feed-rs feed as marsad's title and entries.
fn convert(
    feed: feed_rs::model::Feed,
    atom: bool,
    base: Option<&Url>,
) -> (Option<String>, Vec<FeedEntry>) {
    let title = feed.title.map(|t| {
        let plain = t.content_type.as_str() == "text/plain";
        text_of(t.content, plain, atom)
    });
    let entries = feed
        .entries
        .into_iter()
        .map(|e| from_feed_rs(e, atom, base))
        .collect();
    (title, entries)
}

/// What kind of XML feed the root element says this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Rss,
    Rdf,
    Atom,
    Cdf,
    Html,
    Other,
}

fn classify(root_tag: &str) -> (Dialect, String) {
    let Some(tag) = lenient::start_tag(root_tag, 0) else {
        return (Dialect::Other, "unknown".into());
    };
    let list = lenient::attrs(tag.attrs);
    let ns = lenient::attr(&list, "xmlns").unwrap_or("");
    let version = lenient::attr(&list, "version");
    match lenient::local(tag.name) {
        "rss" => (
            Dialect::Rss,
            version.map_or("RSS (no version)".into(), |v| format!("RSS {}", v.trim())),
        ),
        "RDF" if ns.contains("netscape.com/rdf/simple/0.9") => {
            (Dialect::Rdf, "RSS 0.90 (RDF)".into())
        }
        "RDF" => (Dialect::Rdf, "RSS 1.0 (RDF)".into()),
        "feed" if ns == "http://purl.org/atom/ns#" || version == Some("0.3") => {
            (Dialect::Atom, "Atom 0.3".into())
        }
        "feed" | "entry" => (Dialect::Atom, "Atom 1.0".into()),
        // Microsoft's Channel Definition Format (1997): uppercase tags.
        n if n.eq_ignore_ascii_case("channel") => (Dialect::Cdf, "CDF".into()),
        n if n.eq_ignore_ascii_case("html") => (Dialect::Html, "HTML".into()),
        n => (Dialect::Other, format!("<{n}>")),
    }
}

fn parse_xml(
    text: &str,
    base: Option<&Url>,
    warnings: &mut Vec<String>,
) -> Result<ParsedFeed, FeedError> {
    let cleaned = decode::neutralise_stray_declarations(text);
    if let std::borrow::Cow::Owned(_) = cleaned {
        warnings
            .push("renamed an XML declaration found after the start of the document".to_string());
    }
    let text: &str = &cleaned;
    let Some(root) = lenient::root_range(text) else {
        if looks_like_html(text) {
            return Err(FeedError::HtmlPage {
                title: html_title(text),
            });
        }
        return Err(FeedError::NotAFeed("no root element".into()));
    };
    let (dialect, format) = classify(&text[root.clone()]);
    if dialect == Dialect::Html || looks_like_html(&text[..root.start]) {
        return Err(FeedError::HtmlPage {
            title: html_title(text),
        });
    }

    let repaired = repair::repair_root(text, root);
    let feedrs_input: &str = match &repaired {
        Some(r) => {
            warnings.extend(r.notes.iter().cloned());
            &r.text
        }
        None => text,
    };
    let outcome = run_feed_rs(feedrs_input.as_bytes(), base);

    let atom = dialect == Dialect::Atom;
    let (fr, fr_problem) = match outcome {
        Ok(feed) => (Some(feed), None),
        Err(problem) => (None, Some(problem)),
    };
    // Entries the document holds, by a cheap count; only a shortfall makes it
    // worth running the fallback when feed-rs succeeded.
    let expected = lenient::count_entries(text.as_bytes());
    if let Some(feed) = fr {
        let (fr_title, entries) = convert(feed, atom, base);
        if entries.len() >= expected {
            return Ok(ParsedFeed {
                title: fr_title,
                format: Some(format),
                entries,
                warnings: Vec::new(),
            });
        }
        let loose = run_lenient(text, base, warnings);
        let n = entries.len();
        let loose_entries: Vec<FeedEntry> = loose
            .entries
            .into_iter()
            .map(|e| from_loose(e, base))
            .collect();
        if loose_entries.len() <= n {
            if n == 0 {
                warnings.push(format!(
                    "{expected} item elements found, but no entry could be read"
                ));
            }
            return Ok(ParsedFeed {
                title: fr_title.or(loose.title),
                format: Some(format),
                entries,
                warnings: Vec::new(),
            });
        }
        warnings.push(format!("feed-rs read {n} of {expected} entries ({format}); recovered {} with the lenient parser", loose_entries.len() - n.min(loose_entries.len())));
        note_problems(&loose.problems, warnings);
        let merged = merge(entries, loose_entries);
        return Ok(ParsedFeed {
            title: fr_title.or(loose.title),
            format: Some(format),
            entries: merged,
            warnings: Vec::new(),
        });
    }

    let problem = fr_problem.unwrap_or_default();
    let loose = run_lenient(text, base, warnings);
    let entries: Vec<FeedEntry> = loose
        .entries
        .into_iter()
        .map(|e| from_loose(e, base))
        .collect();
    if !entries.is_empty() {
        warnings.push(format!(
            "recovered {} entries with the lenient parser after: {problem}",
            entries.len()
        ));
        note_problems(&loose.problems, warnings);
        return Ok(ParsedFeed {
            title: loose.title,
            format: Some(format),
            entries,
            warnings: Vec::new(),
        });
    }
    if dialect == Dialect::Other {
        return Err(FeedError::NotAFeed(format!(
            "root element {format} is not RSS, RDF or Atom"
        )));
    }
    if expected == 0 && loose.problems.is_empty() {
        // A well-formed feed without items that feed-rs rejected (e.g. an
        // `<rss>` without `<channel>`): nothing is lost, nothing is broken.
        warnings.push(format!("feed has no entries ({problem})"));
        return Ok(ParsedFeed {
            title: loose.title,
            format: Some(format),
            entries: Vec::new(),
            warnings: Vec::new(),
        });
    }
    let mut reason = problem;
    if !loose.problems.is_empty() {
        reason.push_str(&format!("; lenient parser: {}", loose.problems.join("; ")));
    }
    Err(FeedError::Unreadable { format, reason })
}

fn note_problems(problems: &[String], warnings: &mut Vec<String>) {
    if !problems.is_empty() {
        warnings.push(format!("ill-formed document: {}", problems.join("; ")));
    }
}

/// feed-rs on `text`, a panic contained and turned into a message.
fn run_feed_rs(bytes: &[u8], base: Option<&Url>) -> Result<feed_rs::model::Feed, String> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(base.map(Url::as_str))
        // An empty id marks "the feed had none"; ids are settled in `finish_entry`.
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .build();
    match catch_unwind(AssertUnwindSafe(|| parser.parse(bytes))) {
        Ok(Ok(feed)) => Ok(feed),
        Ok(Err(e)) => Err(format!("feed-rs: {e}")),
        Err(payload) => Err(format!(
            "feed-rs panicked (contained): {}",
            panic_message(&*payload)
        )),
    }
}

/// The lenient parser, a panic contained (reported, and nothing read).
fn run_lenient(text: &str, base: Option<&Url>, warnings: &mut Vec<String>) -> lenient::LooseFeed {
    match catch_unwind(AssertUnwindSafe(|| lenient::parse(text, base))) {
        Ok(feed) => feed,
        Err(payload) => {
            warnings.push(format!(
                "the lenient parser panicked (contained): {}",
                panic_message(&*payload)
            ));
            lenient::LooseFeed::default()
        }
    }
}

fn parse_json(
    text: &str,
    base: Option<&Url>,
    mut warnings: Vec<String>,
) -> Result<ParsedFeed, FeedError> {
    let format = "JSON Feed".to_string();
    let problem = match run_feed_rs(text.as_bytes(), base) {
        Ok(feed) => {
            let (title, entries) = convert(feed, false, base);
            return Ok(ParsedFeed {
                title,
                format: Some(format),
                entries,
                warnings,
            });
        }
        Err(p) => p,
    };
    let loose = jsonfeed::parse(text, base).map_err(|reason| match reason {
        jsonfeed::JsonProblem::NotJsonFeed(what) => FeedError::NotAFeed(what),
        jsonfeed::JsonProblem::Invalid(reason) => FeedError::Unreadable {
            format: format.clone(),
            reason: format!("{problem}; {reason}"),
        },
    })?;
    let entries: Vec<FeedEntry> = loose
        .entries
        .into_iter()
        .map(|e| from_loose(e, base))
        .collect();
    warnings.push(format!(
        "read {} items from the JSON directly after: {problem}",
        entries.len()
    ));
    note_problems(&loose.problems, &mut warnings);
    Ok(ParsedFeed {
        title: loose.title,
        format: Some(format),
        entries,
        warnings,
    })
}

/// Takes the lenient parser's order (it saw every entry) and feed-rs's
/// version of each entry both read.
fn merge(primary: Vec<FeedEntry>, loose: Vec<FeedEntry>) -> Vec<FeedEntry> {
    let mut taken = vec![false; primary.len()];
    let mut out: Vec<FeedEntry> = Vec::with_capacity(loose.len().max(primary.len()));
    for le in loose {
        let hit = primary.iter().enumerate().position(|(j, p)| {
            !taken[j] && (p.id == le.id || (p.link.is_some() && p.link == le.link))
        });
        match hit {
            Some(j) => {
                taken[j] = true;
                out.push(primary[j].clone());
            }
            None => out.push(le),
        }
    }
    out.extend(
        primary
            .into_iter()
            .zip(taken)
            .filter(|(_, t)| !t)
            .map(|(p, _)| p),
    );
    out
}

/// A feed-rs entry as marsad sees it.
fn from_feed_rs(e: feed_rs::model::Entry, atom: bool, base: Option<&Url>) -> FeedEntry {
    let link = best_link(&e.links).and_then(|href| resolve(href, base));
    let title = e
        .title
        .map(|t| {
            let plain = t.content_type.as_str() == "text/plain";
            text_of(t.content, plain, atom)
        })
        .filter(|t| !t.is_empty());
    let summary = match (e.summary, e.content) {
        (Some(s), _) => {
            let plain = s.content_type.as_str() == "text/plain";
            Some(text_of(s.content, plain, atom))
        }
        (None, Some(c)) => {
            let plain = c.content_type.as_str() == "text/plain";
            c.body.map(|b| text_of(b, plain, atom))
        }
        (None, None) => None,
    }
    .filter(|s| !s.is_empty());
    let guid = if e.id.trim().len() == e.id.len() {
        Some(e.id)
    } else {
        Some(e.id.trim().to_string())
    }
    .filter(|g| !g.is_empty());
    finish_entry(guid, link, title, summary, e.updated, e.published)
}

/// A lenient-parser entry as marsad sees it.
fn from_loose(e: lenient::LooseEntry, base: Option<&Url>) -> FeedEntry {
    let link = e.links.iter().find_map(|l| resolve(l, base));
    finish_entry(e.guid, link, e.title, e.summary, e.updated, e.published)
}

/// Settles id and link: id = guid/id, else the canonical link, else a hash
/// of title and summary (stable across polls). A guid that is an http(s)
/// URL doubles as the link when the entry has none.
fn finish_entry(
    guid: Option<String>,
    link: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    updated: Option<chrono::DateTime<chrono::Utc>>,
    published: Option<chrono::DateTime<chrono::Utc>>,
) -> FeedEntry {
    let link = link.or_else(|| {
        guid.as_deref()
            .filter(|g| g.starts_with("http://") || g.starts_with("https://"))
            .and_then(|g| resolve(g, None))
    });
    let id = guid
        .or_else(|| link.clone())
        .unwrap_or_else(|| content_id(title.as_deref(), summary.as_deref()));
    FeedEntry {
        id,
        title,
        link,
        summary,
        updated: updated.or(published),
        published,
    }
}

/// `urn:marsad:sha256:<hex>` of title and summary, for entries with neither
/// id nor link.
pub fn content_id(title: Option<&str>, summary: Option<&str>) -> String {
    let mut h = Sha256::new();
    h.update(title.unwrap_or("").as_bytes());
    h.update([0u8]);
    h.update(summary.unwrap_or("").as_bytes());
    let digest = h.finalize();
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("urn:marsad:sha256:{hex}")
}

/// The article link among an entry's links: `alternate` (or unqualified)
/// HTML first, then any `alternate`, then the first link at all.
fn best_link(links: &[feed_rs::model::Link]) -> Option<&str> {
    let alternate = |l: &&feed_rs::model::Link| {
        l.rel
            .as_deref()
            .is_none_or(|r| r.eq_ignore_ascii_case("alternate"))
    };
    links
        .iter()
        .filter(alternate)
        .find(|l| l.media_type.as_deref().is_none_or(|m| m.contains("html")))
        .or_else(|| links.iter().find(alternate))
        .or_else(|| {
            links.iter().find(|l| {
                !matches!(
                    l.rel.as_deref(),
                    Some("self" | "enclosure" | "replies" | "edit")
                )
            })
        })
        .map(|l| l.href.as_str())
}

/// Title/summary text: declared plain text in Atom stays as written (bar
/// whitespace); everything else is HTML in practice, RSS "plain" included.
fn text_of(content: String, plain: bool, atom: bool) -> String {
    if atom && plain {
        plain::plain_text(content)
    } else {
        plain::html_to_text(content)
    }
}

/// Resolves `href` against `base` and canonicalises it. Only http(s) links
/// are article links.
pub fn resolve(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    let url = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    Some(canon::canonicalize(&url).to_string())
}

/// The base URL's top-level domain: a hint for the charset sniffer.
fn tld(base: Option<&Url>) -> Option<&str> {
    let host = base?.host_str()?;
    host.rsplit('.')
        .next()
        .filter(|t| t.bytes().all(|b| b.is_ascii_lowercase()))
}

fn looks_like_html(prefix: &str) -> bool {
    let head = &prefix[..floor_boundary(prefix, 1024)];
    let lower = head.to_ascii_lowercase();
    lower.contains("<!doctype html") || lower.trim_start().starts_with("<html")
}

fn html_title(text: &str) -> Option<String> {
    let lower = text[..floor_boundary(text, 64 * 1024)].to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let end = open_end + lower[open_end..].find("</title")?;
    Some(plain::html_to_text(text[open_end..end].to_string())).filter(|t| !t.is_empty())
}

/// The largest char boundary of `s` at or below `max`.
fn floor_boundary(s: &str, max: usize) -> usize {
    let mut i = max.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_fall_back_to_link_then_content_hash() {
        let e = finish_entry(
            None,
            Some("http://x/a".into()),
            Some("t".into()),
            None,
            None,
            None,
        );
        assert_eq!(e.id, "http://x/a");
        let a = finish_entry(None, None, Some("t".into()), Some("s".into()), None, None);
        let b = finish_entry(None, None, Some("t".into()), Some("s".into()), None, None);
        assert_eq!(a.id, b.id);
        assert!(a.id.starts_with("urn:marsad:sha256:"));
        let g = finish_entry(
            Some("https://x/p?utm_source=1".into()),
            None,
            None,
            None,
            None,
            None,
        );
        assert_eq!(g.link.as_deref(), Some("https://x/p"));
    }

    #[test]
    fn merge_keeps_document_order_and_primary_versions() {
        let fe = |id: &str, t: &str| FeedEntry {
            id: id.into(),
            title: Some(t.into()),
            ..FeedEntry::default()
        };
        let merged = merge(
            vec![fe("b", "primary b")],
            vec![fe("a", "a"), fe("b", "loose b"), fe("c", "c")],
        );
        let titles: Vec<_> = merged.iter().filter_map(|e| e.title.clone()).collect();
        assert_eq!(titles, vec!["a", "primary b", "c"]);
    }

    #[test]
    fn classifies_errors() {
        assert_eq!(
            parse(b"  \n", None, None).unwrap_err(),
            FeedError::EmptyBody
        );
        assert!(
            matches!(parse(b"<!DOCTYPE html><html><title>Hi</title></html>", None, None), Err(FeedError::HtmlPage { title: Some(t) }) if t == "Hi")
        );
        assert!(matches!(
            parse(b"<svg></svg>", None, None),
            Err(FeedError::NotAFeed(_))
        ));
        assert!(matches!(
            parse(b"hello", None, None),
            Err(FeedError::NotAFeed(_))
        ));
        assert!(matches!(
            parse(b"{\"a\":1}", None, None),
            Err(FeedError::NotAFeed(_))
        ));
    }

    #[test]
    fn tld_hint() {
        let u = Url::parse("https://news.example.sa/rss").ok();
        assert_eq!(tld(u.as_ref()), Some("sa"));
    }
}
