//! Article extraction: HTML → [`Article`] (title, byline, published time,
//! canonical URL, language, main text as paragraphs, paywall flag). Pure.
//!
//! The pipeline of one page:
//!
//! ```text
//! bytes ─charset::decode_html─► text ─html5ever─► DOM ─┬─ meta::read ──────► title, byline, date, URL, lang
//!                                                     └─ dom::Dom::build ─► content::main_text ─► paragraphs
//! ```
//!
//! The body is found by content scoring (text length, commas, link density,
//! class/id hints; see [`content`]), never by per-site rules: the product
//! runs on sites nobody has looked at.
//!
//! Policies that later stages rely on:
//!
//! - **Boilerplate** (navigation, headers, footers, asides, related links,
//!   share bars, cookie/newsletter/subscription banners, comments, ads,
//!   bylines and datelines) never reaches `paragraphs`: a change there must
//!   not look like an article update.
//! - **Timestamp lines** ("Updated 5 minutes ago", "10:32 GMT", "آخر تحديث
//!   …") are dropped even inside the body: relative times change on every
//!   fetch. A live blog keeps every entry's text.
//! - **Paywalls**: the teaser that is on the page is extracted and
//!   `paywalled` is set (JSON-LD `isAccessibleForFree: false`,
//!   `article:content_tier`, a paywall class/id, or a subscribe-to-read
//!   phrase). Text hidden in a paywall box that *is* in the page is kept.
//! - **Two articles** on one page: the best-scoring one; a neighbouring
//!   `<article>` is never merged into it. In a sequence of same-depth
//!   `<article>`s (infinite scroll) the first one with comparable prose is
//!   the page's story.
//! - **Lead**: the standfirst set apart in the article header (class
//!   `lead`, `intro`, `teaser`, `excerpt`…, or `itemprop="description"`)
//!   is the first paragraph; a subtitle or dek is not.
//! - **Tabs**: hidden tab panels (`role="tabpanel"`) are text; other
//!   hidden elements are not. A page whose article is only in `<noscript>`
//!   markup is read from there.
//! - **No article**: empty `paragraphs`.
//! - Headings and list items are paragraphs of their own; the headline is
//!   `title`, not the first paragraph. Image captions and credit lines
//!   are left out, and so are short label lines just before or after the
//!   text (kickers, "Kontakt:", "Source: agencies").
//! - Bidi controls (LRM/RLM, embeddings, isolates, ALM), zero-width spaces
//!   and soft hyphens are removed from all text.

mod clean;
mod content;
mod dom;
mod hints;
pub mod jsonl;
pub mod meta;

use crate::model::Article;
use scraper::Html;
use url::Url;

/// Extracts the article from a decoded HTML page. `url` is where it was
/// fetched from (for resolving relative links).
pub fn extract(html: &str, url: Option<&Url>) -> Article {
    let doc = Html::parse_document(strip_xml_declaration(html));
    let meta = meta::read(&doc, url);
    let dom = dom::Dom::build(&doc);
    let mut paras = content::main_text(&dom);
    if text_len_of(&paras) < NOSCRIPT_BELOW {
        if let Some(better) =
            noscript_text(&doc).filter(|p| text_len_of(p) > 2 * text_len_of(&paras))
        {
            paras = better;
        }
    }
    drop_leading_title(&mut paras, meta.title.as_deref());
    let paywalled = meta.paywalled || dom.paywall_marker || has_paywall_phrase(&dom);
    Article {
        title: meta.title,
        byline: meta.byline,
        published: meta.published,
        canonical_url: meta.canonical_url,
        lang: meta.lang,
        paragraphs: paras.into_iter().map(|p| p.text).collect(),
        paywalled,
    }
}

/// Diagnostics for tuning: candidate scores of a page (unstable format).
#[doc(hidden)]
pub fn explain(html: &str) -> String {
    let doc = Html::parse_document(strip_xml_declaration(html));
    content::explain(&dom::Dom::build(&doc))
}

/// Decodes the bytes of a page (see [`crate::charset`]) and extracts it.
/// `content_type` is the HTTP `Content-Type` value, if any.
pub fn extract_bytes(bytes: &[u8], content_type: Option<&str>, url: Option<&Url>) -> Article {
    let decoded = crate::charset::decode_html(bytes, content_type);
    extract(&decoded.text, url)
}

/// The article for a human: title, metadata lines, then the paragraphs.
pub fn render_text(article: &Article) -> String {
    let mut out = String::new();
    if let Some(t) = &article.title {
        out.push_str(t);
        out.push('\n');
        out.push_str(&"=".repeat(t.chars().count().clamp(3, 80)));
        out.push('\n');
    }
    let fields = [
        ("By", article.byline.as_deref()),
        ("Published", article.published.as_deref()),
        ("URL", article.canonical_url.as_deref()),
        ("Language", article.lang.as_deref()),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            out.push_str(&format!("{k}: {v}\n"));
        }
    }
    if article.paywalled {
        out.push_str("Paywalled: only a teaser is available\n");
    }
    out.push('\n');
    if article.paragraphs.is_empty() {
        out.push_str("(no article text found)\n");
    } else {
        out.push_str(&article.text());
        out.push('\n');
    }
    out
}

/// Below this many characters of main text, a page's `<noscript>` markup
/// is tried as well.
const NOSCRIPT_BELOW: usize = 200;

fn text_len_of(paras: &[content::Para]) -> usize {
    paras.iter().map(|p| clean::text_len(&p.text)).sum()
}

/// The main text of the largest `<noscript>` block, parsed as a page of
/// its own. Script-rendered pages (blog platforms, app shells) put the
/// article there for readers without JavaScript; the HTML parser keeps
/// that markup as raw text, so the normal pass never sees it.
fn noscript_text(doc: &Html) -> Option<Vec<content::Para>> {
    let markup = doc
        .root_element()
        .descendent_elements()
        .filter(|e| e.value().name() == "noscript")
        .filter_map(|e| e.children().find_map(|c| c.value().as_text().map(|t| &**t)))
        .max_by_key(|t| t.len())?;
    // A tracking pixel or a "please enable JavaScript" line is no article.
    if markup.len() < 1000 {
        return None;
    }
    let inner = Html::parse_document(markup);
    let paras = content::main_text(&dom::Dom::build(&inner));
    (!paras.is_empty()).then_some(paras)
}

/// html5ever would turn a leading `<?xml …?>` into a bogus comment, which is
/// harmless, but a BOM or whitespace before it made some parsers choke; we
/// cut it so the document starts at the real markup.
fn strip_xml_declaration(html: &str) -> &str {
    let t = html.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n']);
    if t.starts_with("<?xml") {
        if let Some(end) = t.find("?>") {
            return &t[end + 2..];
        }
    }
    html
}

/// Pages often repeat the headline as the first heading of the body; the
/// title is a field of its own, so the body starts after it.
fn drop_leading_title(paras: &mut Vec<content::Para>, title: Option<&str>) {
    let Some(title) = title else { return };
    let same = paras
        .first()
        .is_some_and(|p| p.heading && clean::normalize(&p.text) == clean::normalize(title));
    if same {
        paras.remove(0);
    }
}

/// Phrases of a subscription wall, in English and Arabic.
fn has_paywall_phrase(dom: &dom::Dom) -> bool {
    const PHRASES: &[&str] = &[
        "subscribe to continue reading",
        "subscribe to read the full",
        "subscribe to keep reading",
        "to continue reading, subscribe",
        "this article is for subscribers",
        "this article is only available to subscribers",
        "this content is for subscribers",
        "for subscribers only",
        "subscribers only content",
        "become a subscriber to read",
        "log in or subscribe to read",
        "للمشتركين فقط",
        "اشترك لمتابعة القراءة",
        "اشترك لمواصلة القراءة",
        "لقراءة المقال كاملا",
        "لقراءة المقال كاملاً",
    ];
    // Cheap pre-filter before lower-casing: every phrase has one of these.
    let candidate = |t: &str| {
        t.contains("ubscri")
            || t.contains("UBSCRI")
            || t.contains("مشترك")
            || t.contains("اشترك")
            || t.contains("لقراءة")
    };
    dom.nodes.iter().any(|n| {
        n.text_len >= 10 && n.text_len <= 400 && candidate(n.text) && {
            let l = n.text.to_lowercase();
            PHRASES.iter().any(|p| l.contains(p))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_declaration_is_harmless() {
        let a = extract("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<html><head><title>T</title></head><body><article><p>A long enough paragraph of text, with commas, to be the article body here.</p></article></body></html>", None);
        assert_eq!(a.title.as_deref(), Some("T"));
        assert_eq!(a.paragraphs.len(), 1);
    }

    #[test]
    fn article_only_in_noscript_is_found() {
        let p = "The council met on Tuesday, and after a long debate, voted to approve the new budget for schools in the district.";
        let body = format!("<p>{p}</p>").repeat(10);
        let html = format!("<html><body><div id=app></div><noscript><article>{body}</article></noscript></body></html>");
        let a = extract(&html, None);
        assert_eq!(a.paragraphs.len(), 10);
        assert_eq!(a.paragraphs[0], p);
    }

    #[test]
    fn render_text_lists_fields() {
        let a = Article {
            title: Some("T".into()),
            paragraphs: vec!["a".into(), "b".into()],
            paywalled: true,
            ..Default::default()
        };
        let r = render_text(&a);
        assert!(r.starts_with("T\n===\n"));
        assert!(r.contains("Paywalled"));
        assert!(r.ends_with("a\n\nb\n"));
    }
}
