//! Feed bytes from a hostile server → `marsad::feed::parse` must not panic.
//! The first byte picks a Content-Type (or none), the rest is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;

const TYPES: &[Option<&str>] = &[
    None,
    Some("application/rss+xml; charset=utf-8"),
    Some("application/atom+xml"),
    Some("application/feed+json"),
    Some("text/xml; charset=windows-1256"),
    Some("text/html"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let ct = TYPES[sel as usize % TYPES.len()];
    let base = url::Url::parse("http://feeds.example.org/news/rss.xml").ok();
    if let Ok(feed) = marsad::feed::parse(body, ct, base.as_ref()) {
        for e in &feed.entries {
            // Links that come out must be absolute URLs.
            if let Some(l) = &e.link {
                let _ = url::Url::parse(l);
            }
        }
    }
});
