//! The extractor must never panic, whatever the bytes: pages come from the
//! open web, and one bad page must not take a feed refresh down with it.

use marsad::extract::{extract, extract_bytes, render_text};
use proptest::prelude::*;

#[test]
fn degenerate_inputs() {
    for html in [
        "",
        "<",
        "<?xml",
        "<?xml version='1.0'?>",
        "\u{FEFF}<?xml version='1.0'?><html/>",
        "<html><body></body></html>",
        "<p>",
        "<script>",
        "<body><p>\u{202E}\u{202E}\u{200F}</p></body>",
        "<a><a><a><a>",
        "<table><tr><td><table><tr><td>x",
    ] {
        let a = extract(html, None);
        let _ = render_text(&a);
    }
    let deep = format!(
        "<body>{}<p>deep text, deep text, deep text, deep text.</p>{}</body>",
        "<div><span>".repeat(5000),
        "</span></div>".repeat(5000)
    );
    let _ = extract(&deep, None);
    let _ = extract_bytes(
        &[0xFF, 0xFE, 0x00, 0xD8],
        Some("text/html; charset=nonsense"),
        None,
    );
    let _ = extract_bytes(&[0xEF, 0xBB, 0xBF], None, None);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000), ct in proptest::option::of("[a-z/;= -]{0,30}")) {
        let _ = extract_bytes(&bytes, ct.as_deref(), None);
    }

    #[test]
    fn tag_soup(parts in proptest::collection::vec(prop_oneof![
        Just("<div class='content'>"), Just("</div>"), Just("<p>"), Just("</p>"), Just("<a href=x>"), Just("</a>"),
        Just("<nav>"), Just("<article>"), Just("<br>"), Just("<h2>"), Just("<li>"), Just("<ul class='related'>"),
        Just("Some words, with commas, in a sentence. "), Just("كلمات عربية، مع فواصل. "), Just("\u{200F}"),
        Just("<script>var x = '<p>';</script>"), Just("<!-- c -->"), Just("<?xml version='1.0'?>"),
    ], 0..80)) {
        let html: String = parts.concat();
        let a = extract(&html, None);
        // Output text is clean: no bidi controls, no blank paragraphs.
        prop_assert!(a.paragraphs.iter().all(|p| !p.trim().is_empty()));
        let rlm = '\u{200F}';
        prop_assert!(!a.text().contains(rlm), "RLM leaked");
    }
}
