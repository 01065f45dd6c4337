//! Runs every page in `tests/fixtures/pages/`: `NAME.html` (raw bytes, in
//! whatever encoding the page uses) must extract to `NAME.expected.txt`
//! (UTF-8, paragraphs separated by blank lines, empty for "no article").
//! A few pages also have their metadata checked below.

use marsad::extract::extract_bytes;
use marsad::model::Article;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages")
}

fn article(name: &str) -> Article {
    let bytes = std::fs::read(dir().join(format!("{name}.html"))).expect("fixture exists");
    extract_bytes(&bytes, None, None)
}

#[test]
fn every_fixture_matches_its_expected_text() {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .expect("fixture dir")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".html"))
                .map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 10, "fixtures missing: {names:?}");
    let mut failures = Vec::new();
    for name in &names {
        let expected = std::fs::read_to_string(dir().join(format!("{name}.expected.txt")))
            .expect("expected file");
        let got = article(name).text();
        if got.trim_end() != expected.trim_end() {
            failures.push(format!(
                "--- {name}\nexpected:\n{}\ngot:\n{}\n",
                expected.trim_end(),
                got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn no_bidi_controls_leak() {
    for name in [
        "ar-rtl-utf8",
        "ar-cp1256-meta",
        "ar-cp1256-nodecl",
        "bilingual-en-ar",
    ] {
        let a = article(name);
        let bad = a.text().chars().find(|c| {
            matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
        });
        assert_eq!(bad, None, "{name}");
    }
}

#[test]
fn arabic_metadata() {
    for name in [
        "ar-rtl-utf8",
        "ar-cp1256-meta",
        "ar-cp1256-nodecl",
        "ar-iso8859-6-meta",
    ] {
        let a = article(name);
        assert_eq!(
            a.title.as_deref(),
            Some("قسد تستعيد السيطرة على حقل العمر النفطي"),
            "{name}"
        );
        assert_eq!(
            a.published.as_deref(),
            Some("2025-03-04T09:15:00+03:00"),
            "{name}"
        );
        assert_eq!(
            a.canonical_url.as_deref(),
            Some("https://news.example.org/syria/omar-field-2025"),
            "{name}"
        );
        assert_eq!(a.lang.as_deref(), Some("ar"), "{name}");
        assert!(!a.paywalled, "{name}");
    }
}

#[test]
fn english_metadata() {
    let a = article("boilerplate-en");
    assert_eq!(
        a.title.as_deref(),
        Some("Dam repairs to finish by spring, ministry says")
    );
    assert_eq!(a.byline.as_deref(), Some("Lina Haddad"));
    assert_eq!(a.published.as_deref(), Some("2025-02-11T08:30:00+00:00"));
    // Relative canonical resolved against <base href>.
    assert_eq!(
        a.canonical_url.as_deref(),
        Some("https://courier.example.com/2025/02/11/dam-repairs")
    );
    assert!(!a.paywalled);

    let two = article("two-articles");
    assert_eq!(
        two.canonical_url.as_deref(),
        Some("https://northern.example.net/news/camp-fire")
    );

    let live = article("liveblog");
    assert_eq!(live.published.as_deref(), Some("2025-05-20T06:00:00+00:00"));

    let bi = article("bilingual-en-ar");
    assert_eq!(bi.title.as_deref(), Some("SDF says it holds Tabqa dam"));
    assert_eq!(bi.lang.as_deref(), Some("en"));
}

#[test]
fn paywall_teaser_is_flagged_and_not_padded() {
    let a = article("paywall-teaser");
    assert!(a.paywalled);
    assert_eq!(a.paragraphs.len(), 2);
    assert_eq!(a.published.as_deref(), Some("2025-01-15T12:00:00+00:00"));
}

#[test]
fn page_without_article_gives_no_paragraphs() {
    let a = article("no-article");
    assert!(a.paragraphs.is_empty(), "{:?}", a.paragraphs);
    assert_eq!(a.title.as_deref(), Some("Section: World | Example News"));
}

#[test]
fn header_charset_wins_over_wrong_meta() {
    // The windows-1256 page without declaration, served with a header.
    let bytes = std::fs::read(dir().join("ar-cp1256-nodecl.html")).expect("fixture");
    let a = extract_bytes(&bytes, Some("text/html; charset=windows-1256"), None);
    let expected =
        std::fs::read_to_string(dir().join("ar-cp1256-nodecl.expected.txt")).expect("expected");
    assert_eq!(a.text(), expected.trim_end());
}
