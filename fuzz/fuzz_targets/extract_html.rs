//! Page bytes from a hostile server → charset decoding and extraction must
//! not panic: `marsad::charset::decode_html` then `marsad::extract::extract`.
#![no_main]

use libfuzzer_sys::fuzz_target;

const TYPES: &[Option<&str>] = &[
    None,
    Some("text/html; charset=utf-8"),
    Some("text/html; charset=windows-1256"),
    Some("text/html; charset=bogus"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let ct = TYPES[sel as usize % TYPES.len()];
    let decoded = marsad::charset::decode_html(body, ct);
    let base = url::Url::parse("http://news.example.org/2026/01/article.html").ok();
    let article = marsad::extract::extract(&decoded.text, base.as_ref());
    // What the pipeline does next with the extracted text.
    let body = marsad::text::normalize_body(&article.paragraphs);
    let _ = marsad::text::compare_key(&body);
});
