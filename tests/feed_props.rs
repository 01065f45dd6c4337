//! Property tests: the feed layer never panics, whatever the bytes.

use marsad::feed;
use proptest::prelude::*;

/// Fragments that steer random documents into the parsers' corners.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<rss>".to_string()),
        Just("<rss version=\"0.94\">".to_string()),
        Just("<channel>".to_string()),
        Just("<item>".to_string()),
        Just("</item>".to_string()),
        Just("<entry>".to_string()),
        Just("<feed xmlns=\"http://purl.org/atom/ns#\">".to_string()),
        Just("<title>".to_string()),
        Just("</title>".to_string()),
        Just("<link href=\"/a\"/>".to_string()),
        Just("<![CDATA[".to_string()),
        Just("]]>".to_string()),
        Just("<!--".to_string()),
        Just("&amp;".to_string()),
        Just("&".to_string()),
        Just("&#x".to_string()),
        Just("<?xml version=\"1.0\" encoding=\"utf-16\"?>".to_string()),
        Just("\u{feff}".to_string()),
        Just("خبر".to_string()),
        "[a-z <>/=\"'&;]{0,12}".prop_map(|s| s),
    ]
}

proptest! {
    // PROPTEST_CASES=20000 for a deeper run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn parse_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let r = feed::parse(&bytes, None, None);
        prop_assert!(!matches!(r, Err(feed::FeedError::Panicked(_))), "{:?}", r);
    }

    #[test]
    fn parse_never_panics_on_feedlike_text(parts in proptest::collection::vec(fragment(), 0..40), utf16 in any::<bool>()) {
        let text: String = parts.concat();
        let bytes: Vec<u8> = if utf16 {
            let mut v = vec![0xFE, 0xFF];
            for u in text.encode_utf16() {
                v.extend_from_slice(&u.to_be_bytes());
            }
            v
        } else {
            text.into_bytes()
        };
        let r = feed::parse(&bytes, Some("text/xml; charset=utf-8"), None);
        prop_assert!(!matches!(r, Err(feed::FeedError::Panicked(_))), "{:?}", r);
        if let Ok(f) = r {
            prop_assert!(f.warnings.iter().all(|w| !w.contains("panicked")), "{:?}", f.warnings);
            prop_assert!(f.entries.iter().all(|e| !e.id.is_empty()));
        }
    }

    #[test]
    fn html_to_text_never_panics(s in "\\PC{0,200}") {
        let out = feed::plain::html_to_text(s);
        prop_assert!(!out.starts_with(' ') && !out.ends_with(' ') && !out.contains("  "));
    }
}
