//! Compression of stored pages: zstd, optionally against a dictionary (the
//! article's first page), so a new version of a page costs little more than
//! what changed in it.

use std::io::Read;

/// Compression level: fast enough to stay far below HTML parsing per page.
const LEVEL: i32 = 3;

/// Compresses `raw`, using `dict` as a raw-content dictionary when non-empty.
pub fn compress(raw: &[u8], dict: &[u8]) -> std::io::Result<Vec<u8>> {
    if dict.is_empty() {
        return zstd::bulk::compress(raw, LEVEL);
    }
    zstd::bulk::Compressor::with_dictionary(LEVEL, dict)?.compress(raw)
}

/// Reverses [`compress`] with the same dictionary.
pub fn decompress(blob: &[u8], dict: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    if dict.is_empty() {
        zstd::stream::Decoder::new(blob)?.read_to_end(&mut out)?;
    } else {
        zstd::stream::Decoder::with_dictionary(std::io::BufReader::new(blob), dict)?
            .read_to_end(&mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_against_the_first_page_round_trips_and_is_small() {
        let page1: Vec<u8> = (0..2000)
            .flat_map(|i| {
                format!("<div class=\"nav\">item {i} {}</div>\n", i * 7919 % 104729).into_bytes()
            })
            .collect();
        let mut page2 = page1.clone();
        page2.splice(
            30_000..30_000,
            b"<p>The army said it had taken the dam.</p>"
                .iter()
                .copied(),
        );
        let alone = compress(&page2, &[]).unwrap();
        let delta = compress(&page2, &page1).unwrap();
        assert_eq!(decompress(&delta, &page1).unwrap(), page2);
        assert_eq!(decompress(&alone, &[]).unwrap(), page2);
        assert!(
            delta.len() * 10 < alone.len(),
            "delta {} vs alone {}",
            delta.len(),
            alone.len()
        );
    }
}
