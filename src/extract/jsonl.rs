//! `marsad extract --jsonl FILE...`: one JSON object per file, in order.
//!
//! `{"file", "title", "published", "url", "text"}`; a file that cannot be
//! read gives `{"file", "error"}` and the batch goes on. Files ending in
//! `.gz` are gunzipped first. The encoding is detected from the bytes (BOM,
//! `<meta>`, sniffing), as for a page fetched without a `Content-Type`.

use super::extract_bytes;
use serde_json::json;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Reads a file, gunzipping it when its name ends in `.gz`.
pub fn read_page(path: &Path) -> io::Result<Vec<u8>> {
    let raw = std::fs::read(path)?;
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
    {
        let mut out = Vec::with_capacity(raw.len() * 4);
        flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

/// The JSON line for one file (without the newline).
pub fn line_for(path: &Path) -> serde_json::Value {
    let file = path.to_string_lossy();
    match read_page(path) {
        Ok(bytes) => {
            let a = extract_bytes(&bytes, None, None);
            json!({
                "file": file,
                "title": a.title,
                "published": a.published,
                "url": a.canonical_url,
                "text": a.text(),
            })
        }
        Err(e) => json!({ "file": file, "error": e.to_string() }),
    }
}

/// Writes one JSON line per file to `out`. Only write errors abort.
pub fn run(files: &[PathBuf], out: &mut impl Write) -> io::Result<()> {
    for f in files {
        let line = line_for(f);
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_in_order_with_errors_and_gzip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let plain = dir.path().join("a.html");
        std::fs::write(&plain, "<html><head><title>A</title><link rel=canonical href='https://e.org/a'></head><body><article><p>One paragraph that is long enough, with a comma, to count as text.</p></article></body></html>").expect("write");
        let gz = dir.path().join("b.html.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"<title>B</title>").expect("gz");
        std::fs::write(&gz, enc.finish().expect("gz")).expect("write");
        let missing = dir.path().join("missing.html");
        let mut out = Vec::new();
        run(&[plain.clone(), missing.clone(), gz.clone()], &mut out).expect("run");
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .expect("utf8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["file"], plain.to_string_lossy().as_ref());
        assert_eq!(lines[0]["title"], "A");
        assert_eq!(lines[0]["url"], "https://e.org/a");
        assert!(lines[0]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("One paragraph")));
        assert!(lines[1]["error"].is_string());
        assert_eq!(lines[2]["title"], "B");
        assert_eq!(lines[2]["text"], "");
    }
}
