//! JSON Feed read straight from the JSON when feed-rs rejects it (unknown
//! `version`, a field of an unexpected type). Pure.

use serde_json::Value;
use url::Url;

use super::{dates, lenient, plain};

/// Why the JSON yielded no feed.
#[derive(Debug)]
pub enum JsonProblem {
    /// Valid JSON, but no `items` array: not a JSON Feed.
    NotJsonFeed(String),
    /// Not valid JSON.
    Invalid(String),
}

/// Reads `items` of a JSON Feed (any version) tolerantly.
pub fn parse(text: &str, base: Option<&Url>) -> Result<lenient::LooseFeed, JsonProblem> {
    let (v, problems): (Value, Vec<String>) = match serde_json::from_str(text) {
        Ok(v) => (v, Vec::new()),
        Err(e) if e.is_eof() => {
            // Cut off: read the part that is complete.
            let closed = close_truncated(text)
                .ok_or_else(|| JsonProblem::Invalid(format!("invalid JSON: {e}")))?;
            let v = serde_json::from_str(&closed).map_err(|e2| {
                JsonProblem::Invalid(format!("invalid JSON: {e}; after closing it: {e2}"))
            })?;
            (
                v,
                vec![format!("JSON cut off ({e}); read the complete part")],
            )
        }
        Err(e) => return Err(JsonProblem::Invalid(format!("invalid JSON: {e}"))),
    };
    let items = v.get("items").and_then(Value::as_array).ok_or_else(|| {
        JsonProblem::NotJsonFeed(
            "JSON document without an \"items\" array (not a JSON Feed)".into(),
        )
    })?;
    let s = |o: &Value, k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let entries = items
        .iter()
        .filter(|it| it.is_object())
        .map(|it| {
            let guid = s(it, "id").or_else(|| {
                it.get("id")
                    .filter(|v| v.is_number())
                    .map(|n| n.to_string())
            });
            let links = ["url", "external_url"]
                .iter()
                .filter_map(|k| s(it, k))
                .filter_map(|l| absolutize(&l, base))
                .collect();
            lenient::LooseEntry {
                guid,
                links,
                title: s(it, "title").map(plain::html_to_text),
                summary: s(it, "summary")
                    .or_else(|| s(it, "content_text"))
                    .or_else(|| s(it, "content_html"))
                    .map(plain::html_to_text),
                updated: s(it, "date_modified").and_then(|d| dates::parse_date(&d)),
                published: s(it, "date_published").and_then(|d| dates::parse_date(&d)),
                cut_off: false,
            }
        })
        .collect();
    Ok(lenient::LooseFeed {
        title: s(&v, "title"),
        entries,
        problems,
    })
}

/// For JSON cut off mid-way: the longest prefix that ends just after a
/// complete object or array inside the document, with the brackets still
/// open there closed. `None` when no such point exists.
pub fn close_truncated(text: &str) -> Option<String> {
    let mut stack: Vec<u8> = Vec::new();
    let (mut in_str, mut esc) = (false, false);
    let mut best: Option<(usize, Vec<u8>)> = None;
    for (i, &c) in text.as_bytes().iter().enumerate() {
        if in_str {
            if esc {
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == b'"' {
                in_str = false;
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'{' | b'[' => stack.push(c),
            b'}' | b']' => {
                stack.pop();
                if !stack.is_empty() {
                    best = Some((i + 1, stack.clone()));
                }
            }
            _ => {}
        }
    }
    let (end, open) = best?;
    let mut out = String::with_capacity(end + open.len());
    out.push_str(&text[..end]);
    out.extend(
        open.iter()
            .rev()
            .map(|&c| if c == b'{' { '}' } else { ']' }),
    );
    Some(out)
}

fn absolutize(href: &str, base: Option<&Url>) -> Option<String> {
    match base {
        Some(b) => b.join(href).ok().map(|u| u.to_string()),
        None => Url::parse(href).ok().map(|u| u.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_items_of_any_version() {
        let f = parse(
            r#"{"version":"https://jsonfeed.org/version/9","title":"T","items":[{"id":1,"url":"/a","title":"A &amp; B","date_published":"2020-01-02T03:04:05Z"}]}"#,
            Url::parse("http://x.org/f.json").ok().as_ref(),
        );
        let f = f.unwrap_or_default();
        assert_eq!(f.entries.len(), 1);
        assert_eq!(f.entries[0].guid.as_deref(), Some("1"));
        assert_eq!(f.entries[0].links, vec!["http://x.org/a".to_string()]);
        assert_eq!(f.entries[0].title.as_deref(), Some("A & B"));
        assert!(matches!(
            parse("{\"a\":1}", None),
            Err(JsonProblem::NotJsonFeed(_))
        ));
        assert!(matches!(
            parse("{\"items\":[", None),
            Err(JsonProblem::Invalid(_))
        ));
        let cut = parse(
            r#"{"title":"T","items":[{"id":"a","title":"x"},{"id":"b","title":"y"},{"id":"c","ti"#,
            None,
        )
        .unwrap_or_default();
        assert_eq!(cut.entries.len(), 2);
        assert_eq!(cut.problems.len(), 1);
    }
}
