//! The feed layer on small hand-written fixtures (`tests/fixtures/feeds/`),
//! one per decoding or repair path, each checked entry by entry.

use marsad::feed::{self, FeedError};
use marsad::model::ParsedFeed;
use url::Url;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

fn parse(name: &str, content_type: Option<&str>, base: Option<&str>) -> ParsedFeed {
    let base = base.and_then(|b| Url::parse(b).ok());
    match feed::parse(&fixture(name), content_type, base.as_ref()) {
        Ok(f) => f,
        Err(e) => panic!("{name}: {e}"),
    }
}

/// (id, title, link, updated as RFC 3339) of every entry.
fn rows(f: &ParsedFeed) -> Vec<(String, String, String, String)> {
    f.entries
        .iter()
        .map(|e| {
            (
                e.id.clone(),
                e.title.clone().unwrap_or_default(),
                e.link.clone().unwrap_or_default(),
                e.updated.map(|d| d.to_rfc3339()).unwrap_or_default(),
            )
        })
        .collect()
}

fn row(id: &str, title: &str, link: &str, updated: &str) -> (String, String, String, String) {
    (id.into(), title.into(), link.into(), updated.into())
}

fn arabic_rows() -> Vec<(String, String, String, String)> {
    vec![
        row(
            "ar-1001",
            "قوات سوريا الديمقراطية تسيطر على حقل العمر النفطي",
            "https://news.example.sy/2024/omar-field",
            "2024-12-02T05:15:00+00:00",
        ),
        row(
            "ar-1002",
            "انسحاب القوات من سد تشرين بعد معارك عنيفة",
            "https://news.example.sy/2024/tishreen-dam",
            "2024-12-02T07:40:00+00:00",
        ),
        row(
            "ar-1003",
            "مطار دمشق الدولي يستأنف الرحلات",
            "https://news.example.sy/2024/damascus-airport",
            "2024-12-03T04:00:00+00:00",
        ),
    ]
}

fn has_warning(f: &ParsedFeed, needle: &str) -> bool {
    f.warnings.iter().any(|w| w.contains(needle))
}

#[test]
fn windows_1256_declared() {
    let f = parse("rss-windows-1256-declared.xml", None, None);
    assert_eq!(f.title.as_deref(), Some("أخبار سوريا"));
    assert_eq!(rows(&f), arabic_rows());
    assert!(
        has_warning(&f, "decoded as windows-1256 (declared windows-1256)"),
        "{:?}",
        f.warnings
    );
    let summary = f.entries[0].summary.clone().unwrap_or_default();
    assert!(
        summary.starts_with("أعلنت قوات سوريا الديمقراطية اليوم"),
        "{summary}"
    );
}

#[test]
fn windows_1256_undeclared_is_sniffed() {
    let f = parse("rss-windows-1256-undeclared.xml", None, None);
    assert_eq!(rows(&f), arabic_rows());
    assert!(
        has_warning(&f, "decoded as windows-1256 (sniffed"),
        "{:?}",
        f.warnings
    );
    // A wrong HTTP charset does not stop it either.
    let f = parse(
        "rss-windows-1256-undeclared.xml",
        Some("application/rss+xml; charset=utf-8"),
        None,
    );
    assert_eq!(rows(&f), arabic_rows());
    assert!(
        has_warning(&f, "HTTP charset utf-8 was invalid"),
        "{:?}",
        f.warnings
    );
}

#[test]
fn utf16be_with_bom_and_utf16_declaration() {
    let f = parse("rss-utf16be-bom.xml", None, None);
    assert_eq!(rows(&f), arabic_rows());
    assert!(
        has_warning(&f, "decoded as UTF-16BE (byte order mark)"),
        "{:?}",
        f.warnings
    );
}

#[test]
fn rss_without_version() {
    let f = parse(
        "rss-no-version.xml",
        None,
        Some("https://example.org/feed.xml"),
    );
    assert_eq!(
        rows(&f),
        vec![
            row(
                "https://example.org/news/1",
                "First & foremost",
                "https://example.org/news/1",
                "2024-12-04T09:00:00+00:00"
            ),
            // No guid: the canonical link (fragment dropped) is the id.
            row(
                "https://example.org/news/2",
                "Second story",
                "https://example.org/news/2",
                "2024-12-04T10:30:00+00:00"
            ),
        ]
    );
    assert!(has_warning(
        &f,
        "RSS without a version attribute: read as RSS 2.0"
    ));
}

#[test]
fn atom_with_unknown_content_types() {
    let f = parse("atom-unknown-content-type.xml", None, None);
    assert_eq!(
        rows(&f),
        vec![
            row(
                "urn:example:1",
                "Binary attachment",
                "https://example.org/a/1",
                "2024-12-04T11:00:00+00:00"
            ),
            row(
                "urn:example:2",
                "XHTML as MIME type",
                "https://example.org/a/2",
                "2024-12-04T12:00:00+00:00"
            ),
            row(
                "urn:example:3",
                "Empty type",
                "https://example.org/a/3",
                "2024-12-04T13:00:00+00:00"
            ),
        ]
    );
    assert_eq!(
        f.entries[0].summary.as_deref(),
        Some("Hello world"),
        "base64 content is decoded"
    );
    assert_eq!(f.entries[1].summary.as_deref(), Some("Body"));
    assert!(
        has_warning(&f, "recovered 3 entries with the lenient parser"),
        "{:?}",
        f.warnings
    );
}

#[test]
fn truncated_feed_keeps_every_started_item() {
    let f = parse("rss-truncated.xml", None, None);
    assert_eq!(
        rows(&f),
        vec![
            row("g1", "One", "https://example.org/1", ""),
            row("g2", "Two", "https://example.org/2", ""),
            row("g3", "Three", "https://example.org/3", "")
        ]
    );
    assert_eq!(f.entries[0].summary.as_deref(), Some("Text & more"));
    assert_eq!(f.entries[1].summary.as_deref(), Some("AT&T says hi"));
    assert!(
        has_warning(&f, "document ends inside <rss> <channel> <item>"),
        "{:?}",
        f.warnings
    );
}

#[test]
fn atom_03() {
    let f = parse("atom-0.3.xml", None, None);
    assert_eq!(f.format.as_deref(), Some("Atom 0.3"));
    assert_eq!(
        rows(&f),
        vec![
            row(
                "tag:blog.example.net,2005:1",
                "Hello world",
                "https://blog.example.net/2005/06/hello.html",
                "2005-06-01T12:00:00+00:00"
            ),
            row(
                "tag:blog.example.net,2005:2",
                "Second",
                "https://blog.example.net/2005/06/second.html",
                "2005-06-02T10:00:00+00:00"
            ),
        ]
    );
    assert_eq!(
        f.entries[0].published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2005-06-01T14:00:00+00:00")
    );
    assert_eq!(f.entries[0].summary.as_deref(), Some("First post."));
}

#[test]
fn rdf_090() {
    let f = parse("rdf-0.90.xml", None, None);
    assert_eq!(f.title.as_deref(), Some("Netscape-era news"));
    assert_eq!(
        rows(&f),
        vec![
            row(
                "http://news.example.com/a.html",
                "Story A",
                "http://news.example.com/a.html",
                ""
            ),
            row(
                "http://news.example.com/b.html",
                "Story B",
                "http://news.example.com/b.html",
                ""
            ),
        ]
    );
    assert!(has_warning(&f, "RSS 0.90"));
}

#[test]
fn rss10_item_without_link() {
    let f = parse("rss1-item-without-link.xml", None, None);
    assert_eq!(
        rows(&f),
        vec![
            row(
                "http://r1.example.com/x",
                "Has link",
                "http://r1.example.com/x",
                "2024-12-01T00:00:00+00:00"
            ),
            row(
                "http://r1.example.com/y",
                "No link",
                "http://r1.example.com/y",
                "2024-12-02T00:00:00+00:00"
            ),
        ]
    );
    assert!(
        has_warning(&f, "feed-rs read 1 of 2 entries"),
        "{:?}",
        f.warnings
    );
}

#[test]
fn userland_namespace_and_item_outside_channel() {
    let f = parse("rss-userland-outside-channel.xml", None, None);
    assert_eq!(
        rows(&f),
        vec![row(
            "http://u.example.com/out",
            "Outside",
            "http://u.example.com/out",
            ""
        )]
    );
}

#[test]
fn json_feed() {
    let f = parse("jsonfeed.json", Some("application/feed+json"), None);
    assert_eq!(f.format.as_deref(), Some("JSON Feed"));
    assert_eq!(
        rows(&f),
        vec![
            row(
                "j1",
                "One",
                "https://json.example.org/1",
                "2024-12-01T08:00:00+00:00"
            ),
            row(
                "j2",
                "Two",
                "https://json.example.org/2",
                "2024-12-03T08:30:00+00:00"
            ),
        ]
    );
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
}

#[test]
fn inspect_json_contract() {
    let base = Url::parse("https://example.org/feed.xml").ok();
    let result = feed::parse(&fixture("rss-no-version.xml"), None, base.as_ref());
    let v = feed::inspect::to_json(&result);
    assert_eq!(v["entries"][1]["id"], "https://example.org/news/2");
    assert_eq!(v["entries"][1]["updated"], "2024-12-04T10:30:00+00:00");
    assert_eq!(
        v["warnings"][0],
        "RSS without a version attribute: read as RSS 2.0"
    );
    assert_eq!(feed::inspect::exit_code(&result), 0);
    let html = feed::parse(
        b"<!DOCTYPE html><html><head><title>Login</title></head></html>",
        None,
        None,
    );
    assert!(matches!(&html, Err(FeedError::HtmlPage { title: Some(t) }) if t == "Login"));
    assert_eq!(feed::inspect::exit_code(&html), 2);
    assert_eq!(feed::inspect::to_json(&html)["error_kind"], "html_page");
}
