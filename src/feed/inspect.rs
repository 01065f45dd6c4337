//! Output of `marsad inspect FILE|URL [--json]`: what the feed layer read
//! from one document, and every decoding and repair step it took. Pure; the
//! CLI does the reading and printing.

use serde_json::{json, Value};

use super::FeedError;
use crate::model::{FeedEntry, ParsedFeed};

/// `{"title", "format", "entries": [{id, title, link, updated}], "warnings"}`;
/// on error, empty `entries` plus `error` and `error_kind`.
pub fn to_json(result: &Result<ParsedFeed, FeedError>) -> Value {
    match result {
        Ok(feed) => json!({
            "title": feed.title,
            "format": feed.format,
            "entries": feed.entries.iter().map(entry_json).collect::<Vec<_>>(),
            "warnings": feed.warnings,
        }),
        Err(e) => json!({
            "entries": [],
            "warnings": [],
            "error": e.to_string(),
            "error_kind": e.kind(),
        }),
    }
}

fn entry_json(e: &FeedEntry) -> Value {
    json!({
        "id": e.id,
        "title": e.title,
        "link": e.link,
        "updated": e.updated.map(|d| d.to_rfc3339()),
    })
}

/// Human-readable report: feed title, entries, then the steps taken.
pub fn to_text(result: &Result<ParsedFeed, FeedError>) -> String {
    let feed = match result {
        Ok(feed) => feed,
        Err(e) => return format!("error ({}): {e}\n", e.kind()),
    };
    let mut out = String::new();
    out.push_str(&format!(
        "feed: {}\n",
        feed.title.as_deref().unwrap_or("(untitled)")
    ));
    if let Some(f) = &feed.format {
        out.push_str(&format!("format: {f}\n"));
    }
    out.push_str(&format!("entries: {}\n", feed.entries.len()));
    for (i, e) in feed.entries.iter().enumerate() {
        out.push_str(&format!(
            "{:>4}. {}\n",
            i + 1,
            e.title.as_deref().unwrap_or("(untitled)")
        ));
        out.push_str(&format!("      id:      {}\n", e.id));
        out.push_str(&format!(
            "      link:    {}\n",
            e.link.as_deref().unwrap_or("-")
        ));
        out.push_str(&format!(
            "      updated: {}\n",
            e.updated.map_or("-".to_string(), |d| d.to_rfc3339())
        ));
    }
    if feed.warnings.is_empty() {
        out.push_str("decoding and repair: none needed\n");
    } else {
        out.push_str("decoding and repair:\n");
        for w in &feed.warnings {
            out.push_str(&format!("  - {w}\n"));
        }
    }
    out
}

/// 0 when the document was read as a feed, 2 on an error.
pub fn exit_code(result: &Result<ParsedFeed, FeedError>) -> i32 {
    match result {
        Ok(_) => 0,
        Err(_) => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_text_shapes() {
        let feed = ParsedFeed {
            title: Some("T".into()),
            format: Some("RSS 2.0".into()),
            entries: vec![FeedEntry {
                id: "1".into(),
                title: Some("A".into()),
                link: Some("http://x/a".into()),
                ..FeedEntry::default()
            }],
            warnings: vec!["decoded as windows-1256 (declared windows-1256)".into()],
        };
        let ok = Ok(feed);
        let v = to_json(&ok);
        assert_eq!(v["entries"][0]["id"], "1");
        assert_eq!(v["entries"][0]["updated"], Value::Null);
        assert_eq!(
            v["warnings"][0],
            "decoded as windows-1256 (declared windows-1256)"
        );
        assert!(to_text(&ok).contains("link:    http://x/a"));
        assert_eq!(exit_code(&ok), 0);
        let err: Result<ParsedFeed, FeedError> = Err(FeedError::EmptyBody);
        assert_eq!(to_json(&err)["error_kind"], "empty_body");
        assert_eq!(exit_code(&err), 2);
        assert!(to_text(&err).starts_with("error (empty_body)"));
    }
}
