//! OPML 2.0: feed lists from and to other readers. Pure.
//!
//! Import flattens nested outlines; the titles of the enclosing outlines
//! become the feed's `category` ("News/Syria"), so an export nests them again
//! and a round trip keeps the structure.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::fmt::Write as _;

/// One feed of an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    pub url: String,
    pub title: Option<String>,
    pub html_url: Option<String>,
    pub lang: Option<String>,
    pub category: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    #[error("line {line}: {message}")]
    Xml { line: usize, message: String },
    #[error("not an OPML document (no <opml> root)")]
    NotOpml,
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref().eq_ignore_ascii_case(name))
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Reads the feeds of an OPML document, in order.
pub fn parse(text: &str) -> Result<Vec<OpmlFeed>, OpmlError> {
    let mut reader = Reader::from_str(text);
    let mut feeds = Vec::new();
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut saw_root = false;
    loop {
        let ev = reader.read_event().map_err(|e| {
            let pos = reader.buffer_position() as usize;
            OpmlError::Xml {
                line: text[..pos.min(text.len())].matches('\n').count() + 1,
                message: e.to_string(),
            }
        })?;
        match ev {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "opml" => saw_root = true,
            Event::Start(ref e) | Event::Empty(ref e) if e.name().as_ref() == "outline" => {
                let is_start = matches!(ev, Event::Start(_));
                let title = attr(e, "title").or_else(|| attr(e, "text"));
                match attr(e, "xmlUrl") {
                    Some(url) => {
                        let category = folders
                            .iter()
                            .flatten()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join("/");
                        feeds.push(OpmlFeed {
                            url,
                            title,
                            html_url: attr(e, "htmlUrl"),
                            lang: attr(e, "language"),
                            category: (!category.is_empty()).then_some(category),
                        });
                        if is_start {
                            folders.push(None);
                        }
                    }
                    None if is_start => folders.push(title),
                    None => {}
                }
            }
            Event::End(e) if e.name().as_ref() == "outline" => {
                folders.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err(OpmlError::NotOpml);
    }
    Ok(feeds)
}

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// An OPML 2.0 document; feeds with a category are nested in folder outlines.
pub fn render(title: &str, feeds: &[OpmlFeed]) -> String {
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>{}</title>\n  </head>\n  <body>\n", esc(title));
    let mut open: Vec<String> = Vec::new();
    let mut sorted: Vec<&OpmlFeed> = feeds.iter().collect();
    // Stable: keep the configured order within a category.
    sorted.sort_by_key(|f| f.category.clone().unwrap_or_default());
    for f in sorted {
        let path: Vec<String> = f
            .category
            .as_deref()
            .map(|c| c.split('/').map(str::to_string).collect())
            .unwrap_or_default();
        let common = open.iter().zip(&path).take_while(|(a, b)| a == b).count();
        while open.len() > common {
            open.pop();
            let _ = writeln!(out, "{}</outline>", "  ".repeat(open.len() + 2));
        }
        for folder in &path[common..] {
            let _ = writeln!(
                out,
                "{}<outline text=\"{}\">",
                "  ".repeat(open.len() + 2),
                esc(folder)
            );
            open.push(folder.clone());
        }
        let name = f.title.clone().unwrap_or_else(|| f.url.clone());
        let mut line = format!(
            "{}<outline type=\"rss\" text=\"{}\" title=\"{}\" xmlUrl=\"{}\"",
            "  ".repeat(open.len() + 2),
            esc(&name),
            esc(&name),
            esc(&f.url)
        );
        if let Some(h) = &f.html_url {
            let _ = write!(line, " htmlUrl=\"{}\"", esc(h));
        }
        if let Some(l) = &f.lang {
            let _ = write!(line, " language=\"{}\"", esc(l));
        }
        let _ = writeln!(out, "{line}/>");
    }
    while !open.is_empty() {
        open.pop();
        let _ = writeln!(out, "{}</outline>", "  ".repeat(open.len() + 2));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_outlines_round_trip() {
        let text = r#"<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
            <outline text="News"><outline text="Syria">
              <outline type="rss" text="Enab &amp; Co" xmlUrl="https://a.example/feed" language="ar"/>
            </outline>
            <outline type="rss" title="Wire" xmlUrl="https://b.example/rss" htmlUrl="https://b.example/"/></outline>
            <outline type="rss" text="Loose" xmlUrl="https://c.example/atom"/>
        </body></opml>"#;
        let feeds = parse(text).unwrap();
        assert_eq!(feeds.len(), 3);
        assert_eq!(feeds[0].category.as_deref(), Some("News/Syria"));
        assert_eq!(feeds[0].title.as_deref(), Some("Enab & Co"));
        assert_eq!(feeds[0].lang.as_deref(), Some("ar"));
        assert_eq!(feeds[1].category.as_deref(), Some("News"));
        assert_eq!(feeds[2].category, None);
        let again = parse(&render("marsad", &feeds)).unwrap();
        let key = |v: &[OpmlFeed]| {
            let mut v = v.to_vec();
            v.sort_by(|a, b| a.url.cmp(&b.url));
            v
        };
        assert_eq!(key(&again), key(&feeds));
    }

    #[test]
    fn errors_name_the_line() {
        assert!(matches!(
            parse("<html><body/></html>"),
            Err(OpmlError::NotOpml)
        ));
        let e = parse("<opml>\n<body>\n<outline text=\"a\"></body>").unwrap_err();
        assert!(e.to_string().starts_with("line 3"), "{e}");
    }
}
