//! Root-element repairs that let feed-rs read dialects it would reject or
//! silently empty: an unknown or missing RSS `version`, a default namespace
//! on `<rss>` (Userland's), and the RSS 0.90 namespace on `<rdf:RDF>`. Pure.
//!
//! Only the root start tag is rewritten; the rest of the document is copied
//! as is. The fast path (a root feed-rs accepts) allocates nothing.

use std::ops::Range;

use super::lenient::{attr, attrs, local, start_tag};

/// RSS versions feed-rs dispatches on; any other value makes it report
/// "no root element" and lose the feed.
const RSS_VERSIONS_FEED_RS_READS: [&str; 4] = ["2.0", "", "0.91", "0.92"];

const RSS090_NS: &str = "http://my.netscape.com/rdf/simple/0.9/";
const RSS10_NS: &str = "http://purl.org/rss/1.0/";

/// Whether the root start tag `tag` (as in the document) needs a repair.
pub fn needs_repair(tag: &str) -> bool {
    repair_root(tag, 0..tag.len()).is_some()
}

/// A repaired document and what was done to it.
pub struct Repaired {
    pub text: String,
    pub notes: Vec<String>,
}

/// Rewrites the root start tag at `root` when feed-rs would misread it.
pub fn repair_root(text: &str, root: Range<usize>) -> Option<Repaired> {
    let tag = start_tag(text, root.start)?;
    let list = attrs(tag.attrs);
    let mut notes = Vec::new();
    let mut drop_attr: Vec<&str> = Vec::new();
    let mut add: Vec<(&str, &str)> = Vec::new();
    match local(tag.name) {
        "rss" => {
            let version = attr(&list, "version");
            match version {
                Some(v) if RSS_VERSIONS_FEED_RS_READS.contains(&v) => {}
                Some(v) => {
                    notes.push(format!(
                        "RSS version {v:?} is not one feed-rs reads: read as RSS 2.0"
                    ));
                    drop_attr.push("version");
                    add.push(("version", "2.0"));
                }
                None => {
                    notes.push("RSS without a version attribute: read as RSS 2.0".to_string());
                    add.push(("version", "2.0"));
                }
            }
            if let Some(ns) = attr(&list, "xmlns") {
                notes.push(format!(
                    "dropped the default namespace {ns:?} of <rss>: RSS 2.0 elements have none"
                ));
                drop_attr.push("xmlns");
            }
        }
        "RDF" if attr(&list, "xmlns") == Some(RSS090_NS) => {
            notes.push("RSS 0.90: read with the RSS 1.0 namespace".to_string());
            drop_attr.push("xmlns");
            add.push(("xmlns", RSS10_NS));
        }
        _ => {}
    }
    if notes.is_empty() {
        return None;
    }
    let mut new_tag = String::with_capacity(tag.end - root.start + 32);
    new_tag.push('<');
    new_tag.push_str(tag.name);
    for a in &list {
        if !drop_attr.contains(&a.name) {
            new_tag.push(' ');
            new_tag.push_str(&tag.attrs[a.span.0..a.span.1]);
        }
    }
    for (k, v) in add {
        new_tag.push_str(&format!(" {k}=\"{v}\""));
    }
    new_tag.push_str(if tag.self_closing { "/>" } else { ">" });
    let mut out = String::with_capacity(text.len() + 32);
    out.push_str(&text[..root.start]);
    out.push_str(&new_tag);
    out.push_str(&text[tag.end..]);
    Some(Repaired { text: out, notes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::lenient::root_range;

    fn fix(s: &str) -> Option<String> {
        repair_root(s, root_range(s)?).map(|r| r.text)
    }

    #[test]
    fn sets_missing_or_unknown_rss_version() {
        assert_eq!(
            fix("<rss><channel/></rss>").as_deref(),
            Some("<rss version=\"2.0\"><channel/></rss>")
        );
        assert_eq!(
            fix("<!-- c --><rss version='0.94' a='1'><channel/></rss>").as_deref(),
            Some("<!-- c --><rss a='1' version=\"2.0\"><channel/></rss>")
        );
        assert_eq!(fix("<rss version=\"2.0\"><channel/></rss>"), None);
    }

    #[test]
    fn drops_userland_namespace_and_maps_rss090() {
        assert_eq!(
            fix("<rss version=\"2.0\" xmlns=\"http://backend.userland.com/rss2\"><channel/></rss>")
                .as_deref(),
            Some("<rss version=\"2.0\"><channel/></rss>")
        );
        let rdf =
            "<rdf:RDF xmlns:rdf=\"r\" xmlns=\"http://my.netscape.com/rdf/simple/0.9/\"></rdf:RDF>";
        assert_eq!(
            fix(rdf).as_deref(),
            Some("<rdf:RDF xmlns:rdf=\"r\" xmlns=\"http://purl.org/rss/1.0/\"></rdf:RDF>")
        );
    }
}
