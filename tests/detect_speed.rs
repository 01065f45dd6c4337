//! Throughput of the detector on a long mixed Arabic/English text.
//! `cargo test --release --test detect_speed -- --ignored --nocapture`
//! prints MB/s and sentences/s; it is ignored by default because debug
//! builds measure the compiler, not the code.

use marsad::detect::{Detector, Watchlist};
use std::path::Path;
use std::time::Instant;

#[test]
#[ignore]
fn throughput() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/claims");
    let wl = Watchlist::load(&dir.join("watchlist-other.toml")).expect("watchlist");
    let detector = Detector::new(wl);
    let gold = std::fs::read_to_string(dir.join("other-conflicts.jsonl")).expect("fixture");
    let mut para = String::new();
    for line in gold.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        para.push_str(v["text"].as_str().unwrap_or(""));
        para.push(if para.len() % 3 == 0 { '\n' } else { ' ' });
    }
    // Filler prose without names, as most of a real article is.
    let filler = "وأضافت المصادر أن الأوضاع الإنسانية تتدهور في المنطقة مع استمرار انقطاع الكهرباء والمياه. \
                  Aid agencies said the humanitarian situation was deteriorating as power cuts continued. ";
    let mut text = String::new();
    while text.len() < 4_000_000 {
        text.push_str(&para);
        for _ in 0..4 {
            text.push_str(filler);
        }
        text.push('\n');
    }
    let sentences = marsad::text::sentences(&text).len();
    let start = Instant::now();
    let claims = detector.detect(&text, None).len();
    let secs = start.elapsed().as_secs_f64();
    let mb = text.len() as f64 / 1e6;
    println!("{mb:.1} MB, {sentences} sentences, {claims} claims in {secs:.2}s: {:.1} MB/s, {:.0} sentences/s", mb / secs, sentences as f64 / secs);
}
