//! Feeds: bytes → entries (RSS, Atom, JSON Feed via feed-rs), with URL
//! resolution and canonicalisation. Pure.

pub mod canon;

use crate::model::{FeedEntry, ParsedFeed};
use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("not a feed: {0}")]
    NotAFeed(String),
}

/// Parses a feed document. `content_type` is the HTTP header value, `base`
/// the feed's URL (relative links are resolved against it).
pub fn parse(
    bytes: &[u8],
    content_type: Option<&str>,
    base: Option<&Url>,
) -> Result<ParsedFeed, FeedError> {
    let _ = content_type;
    let feed = feed_rs::parser::parse(bytes).map_err(|e| FeedError::NotAFeed(e.to_string()))?;
    let entries = feed
        .entries
        .into_iter()
        .filter_map(|e| {
            let link = e.links.first().and_then(|l| resolve(&l.href, base));
            let id = if e.id.trim().is_empty() {
                link.clone()?
            } else {
                e.id.clone()
            };
            Some(FeedEntry {
                id,
                title: e.title.map(|t| t.content),
                link,
                summary: e.summary.map(|t| t.content),
                updated: e.updated,
                published: e.published,
            })
        })
        .collect();
    Ok(ParsedFeed {
        title: feed.title.map(|t| t.content),
        entries,
        warnings: Vec::new(),
    })
}

/// Resolves `href` against `base` and canonicalises it.
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
