//! Page metadata: title, byline, published time, canonical URL, language and
//! paywall markers, read from `<meta>`, `<link>`, JSON-LD and a few elements.

use super::clean::normalize;
use scraper::{ElementRef, Html};
use serde_json::Value;
use url::Url;

/// What the head and the structured data of a page say about its article.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Meta {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub canonical_url: Option<String>,
    pub lang: Option<String>,
    /// The page says its content is not free (JSON-LD
    /// `isAccessibleForFree: false`, `article:content_tier` locked/metered).
    pub paywalled: bool,
}

/// Reads the metadata of a parsed page. `base` resolves relative URLs.
pub fn read(doc: &Html, base: Option<&Url>) -> Meta {
    let mut m = Meta::default();
    let mut og_title = None;
    let mut html_title = None;
    let mut h1 = None;
    let mut meta_author = None;
    let mut meta_published = None;
    let mut time_datetime = None;
    let mut canonical = None;
    let mut og_url = None;
    let mut ld = LdInfo::default();
    let mut base = base.cloned();

    for el in doc.root_element().descendent_elements() {
        let v = el.value();
        match v.name() {
            "html" => {
                if let Some(l) = v.attr("lang").or_else(|| v.attr("xml:lang")) {
                    let l = l.trim().to_ascii_lowercase().replace('_', "-");
                    if !l.is_empty() {
                        m.lang = Some(l);
                    }
                }
            }
            "base" => {
                if let Some(h) = v.attr("href") {
                    base = resolve(base.as_ref(), h).or(base);
                }
            }
            "title" if html_title.is_none() => html_title = nonempty(&text_of(el)),
            "h1" if h1.is_none() => h1 = nonempty(&text_of(el)),
            "meta" => {
                let key = v
                    .attr("property")
                    .or_else(|| v.attr("name"))
                    .or_else(|| v.attr("itemprop"));
                let (Some(key), Some(content)) = (key, v.attr("content")) else {
                    continue;
                };
                let content = normalize(content);
                if content.is_empty() {
                    continue;
                }
                match key.trim().to_ascii_lowercase().as_str() {
                    "og:title" | "twitter:title" if og_title.is_none() => og_title = Some(content),
                    "og:url" if og_url.is_none() => og_url = Some(content),
                    "author" | "article:author" | "byl" | "dc.creator" | "sailthru.author"
                    | "parsely-author"
                        if meta_author.is_none() && !content.starts_with("http") =>
                    {
                        meta_author = Some(content)
                    }
                    "article:published_time"
                    | "datepublished"
                    | "pubdate"
                    | "publishdate"
                    | "dc.date.issued"
                    | "og:published_time"
                    | "sailthru.date"
                    | "parsely-pub-date"
                        if meta_published.is_none() =>
                    {
                        meta_published = Some(content)
                    }
                    "article:content_tier" => {
                        let c = content.to_ascii_lowercase();
                        if c == "locked" || c == "metered" {
                            m.paywalled = true;
                        }
                    }
                    _ => {}
                }
            }
            "link" => {
                let is_canonical = v.attr("rel").is_some_and(|r| {
                    r.split_whitespace()
                        .any(|t| t.eq_ignore_ascii_case("canonical"))
                });
                if is_canonical && canonical.is_none() {
                    canonical = v.attr("href").map(str::to_string);
                }
            }
            "time" if time_datetime.is_none() => {
                time_datetime = v
                    .attr("datetime")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            }
            "script"
                if v.attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                let raw: String = el.text().collect();
                if let Ok(val) = serde_json::from_str::<Value>(raw.trim().trim_end_matches(';')) {
                    ld.absorb(&val, 0);
                }
            }
            _ => {}
        }
    }

    m.title = og_title.or(ld.headline).or(h1).or(html_title);
    m.byline = meta_author.or(ld.author);
    m.published = meta_published
        .or(ld.published)
        .or(time_datetime)
        .map(|p| normalize_date(&p));
    m.canonical_url = canonical
        .or(og_url)
        .or(ld.url)
        .and_then(|c| resolve(base.as_ref(), &c))
        .map(String::from);
    m.paywalled |= ld.not_free;
    m
}

/// The fields we take from JSON-LD, first value wins.
#[derive(Debug, Default)]
struct LdInfo {
    headline: Option<String>,
    author: Option<String>,
    published: Option<String>,
    url: Option<String>,
    not_free: bool,
}

impl LdInfo {
    /// Walks a JSON-LD value (objects, arrays, `@graph`). Only article-like
    /// objects give their headline/author/date: a `WebSite` or an
    /// `Organization` next to the article must not.
    fn absorb(&mut self, v: &Value, depth: usize) {
        if depth > 8 {
            return;
        }
        match v {
            Value::Array(items) => items.iter().for_each(|i| self.absorb(i, depth + 1)),
            Value::Object(o) => {
                if let Some(g) = o.get("@graph") {
                    self.absorb(g, depth + 1);
                }
                let ty = o.get("@type").map(type_names).unwrap_or_default();
                let articleish = ty.iter().any(|t| {
                    let t = t.to_ascii_lowercase();
                    t.contains("article") || t.contains("posting") || t == "report"
                });
                if !articleish {
                    return;
                }
                if self.headline.is_none() {
                    self.headline = o
                        .get("headline")
                        .and_then(Value::as_str)
                        .and_then(|s| nonempty(&normalize(s)));
                }
                if self.published.is_none() {
                    self.published = o
                        .get("datePublished")
                        .and_then(Value::as_str)
                        .map(|s| s.trim().to_string());
                }
                if self.author.is_none() {
                    self.author = o.get("author").and_then(author_names);
                }
                if self.url.is_none() {
                    self.url = o.get("url").and_then(Value::as_str).map(str::to_string);
                }
                let free = o.get("isAccessibleForFree");
                if free.is_some_and(|f| {
                    f == &Value::Bool(false)
                        || f.as_str().is_some_and(|s| s.eq_ignore_ascii_case("false"))
                }) {
                    self.not_free = true;
                }
            }
            _ => {}
        }
    }
}

fn type_names(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// `author` as a string, a Person object or a list of them → "A, B".
fn author_names(v: &Value) -> Option<String> {
    let names: Vec<String> = match v {
        Value::String(s) => vec![normalize(s)],
        Value::Object(o) => o
            .get("name")
            .and_then(Value::as_str)
            .map(normalize)
            .into_iter()
            .collect(),
        Value::Array(a) => a.iter().filter_map(author_names).collect(),
        _ => Vec::new(),
    };
    let names: Vec<String> = names.into_iter().filter(|n| !n.is_empty()).collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// RFC 3339 when the page's date parses as such (also the common forms
/// without seconds or with a space), otherwise the date as written.
pub fn normalize_date(raw: &str) -> String {
    let raw = raw.trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(raw) {
        return d.to_rfc3339();
    }
    for fmt in [
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%:z",
        "%Y-%m-%dT%H:%M%z",
    ] {
        if let Ok(d) = chrono::DateTime::parse_from_str(raw, fmt) {
            return d.to_rfc3339();
        }
    }
    raw.to_string()
}

/// `href` resolved against `base` (absolute `http(s)` URLs only).
fn resolve(base: Option<&Url>, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let u = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(u.scheme(), "http" | "https").then_some(u)
}

fn text_of(el: ElementRef) -> String {
    normalize(&el.text().collect::<String>())
}

fn nonempty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta_of(html: &str, base: Option<&str>) -> Meta {
        let base = base.and_then(|b| Url::parse(b).ok());
        read(&Html::parse_document(html), base.as_ref())
    }

    #[test]
    fn head_meta() {
        let m = meta_of(
            r#"<html lang="AR"><head><title>T - Site</title><meta property="og:title" content="T">
            <meta property="article:published_time" content="2025-03-01T10:00:00Z">
            <meta name="author" content="Reem Haddad"><link rel="canonical" href="/news/1"></head><body></body></html>"#,
            Some("https://example.org/a/b?x=1"),
        );
        assert_eq!(m.title.as_deref(), Some("T"));
        assert_eq!(m.lang.as_deref(), Some("ar"));
        assert_eq!(m.published.as_deref(), Some("2025-03-01T10:00:00+00:00"));
        assert_eq!(m.byline.as_deref(), Some("Reem Haddad"));
        assert_eq!(
            m.canonical_url.as_deref(),
            Some("https://example.org/news/1")
        );
    }

    #[test]
    fn json_ld_graph() {
        let m = meta_of(
            r#"<script type="application/ld+json">{"@graph":[{"@type":"WebSite","name":"S"},
            {"@type":["NewsArticle"],"headline":"H","datePublished":"2025-01-02","author":[{"@type":"Person","name":"A"},{"name":"B"}],
            "isAccessibleForFree":"False"}]}</script><time datetime="2020-01-01">x</time>"#,
            None,
        );
        assert_eq!(m.title.as_deref(), Some("H"));
        assert_eq!(m.published.as_deref(), Some("2025-01-02"));
        assert_eq!(m.byline.as_deref(), Some("A, B"));
        assert!(m.paywalled);
    }

    #[test]
    fn time_element_fallback_and_bad_json() {
        let m = meta_of(
            r#"<script type="application/ld+json">{oops</script><h1>Head</h1><time datetime="2024-05-06T07:08+03:00">x</time>"#,
            None,
        );
        assert_eq!(m.title.as_deref(), Some("Head"));
        assert_eq!(m.published.as_deref(), Some("2024-05-06T07:08:00+03:00"));
        assert_eq!(m.canonical_url, None);
    }
}
