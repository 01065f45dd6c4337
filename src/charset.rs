//! Character set detection for HTML pages. Pure.
//!
//! Order of evidence:
//!
//! 1. **Byte order mark.** The HTML spec puts the BOM *before* the HTTP
//!    header, and we follow the spec rather than the issue's "header first":
//!    a BOM is evidence written by whoever produced the bytes, while the
//!    `charset=` of a header is often a server-wide default that was never
//!    checked against the file (a UTF-8 BOM under `charset=iso-8859-1` is a
//!    classic). Browsers do the same, so readers of the site saw BOM-decoded
//!    text.
//! 2. **HTTP `Content-Type` charset.**
//! 3. **`<meta charset>` / `<meta http-equiv="Content-Type">`** found by a
//!    prescan of the first [`PRESCAN_BYTES`] bytes (a leading `<?xml
//!    encoding=…?>` declaration is honoured here too).
//! 4. **Sniffing** with `chardetng` (which knows windows-1256 and
//!    ISO-8859-6 for Arabic).
//!
//! A declaration (header or meta) that claims UTF-8 for bytes that are not
//! UTF-8 is a lie we see in the wild (pages re-encoded by a CMS, templates
//! copied between sites); in that case we sniff instead, because decoding
//! with replacement characters would lose every Arabic letter of the page.
//! A declared UTF-16 in a `<meta>` means UTF-8 (the bytes were readable as
//! ASCII, so they cannot be UTF-16), as the spec says.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED};

/// How many leading bytes the `<meta>` prescan looks at (the spec says 1024;
/// real pages put a lot of script before their meta, so we look further).
pub const PRESCAN_BYTES: usize = 8192;

/// Where the encoding decision came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Header,
    Bom,
    Meta,
    Sniffed,
}

/// A decoded page.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    pub source: Source,
}

/// The `charset=` parameter of a Content-Type header value.
pub fn charset_param(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("charset") {
            Encoding::for_label(v.trim().trim_matches(|c| c == '"' || c == '\'').as_bytes())
        } else {
            None
        }
    })
}

/// Decodes an HTML page. `content_type` is the HTTP header value, if any.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return finish(text.into_owned(), enc, Source::Bom);
    }
    if let Some(enc) = content_type.and_then(charset_param) {
        if let Some(d) = decode_declared(bytes, enc, Source::Header) {
            return d;
        }
    }
    if let Some(enc) = prescan_meta(&bytes[..bytes.len().min(PRESCAN_BYTES)]) {
        // UTF-16 cannot be declared in ASCII-compatible bytes (spec §13.2.3.2).
        let enc = if enc == UTF_16BE || enc == UTF_16LE {
            UTF_8
        } else {
            enc
        };
        if let Some(d) = decode_declared(bytes, enc, Source::Meta) {
            return d;
        }
    }
    // Valid UTF-8 is what the sniffer would answer anyway (legacy encodings
    // of real text are almost never valid UTF-8); skip the statistics.
    if let Ok(text) = std::str::from_utf8(bytes) {
        return finish(text.to_string(), UTF_8, Source::Sniffed);
    }
    let enc = sniff(bytes);
    let (text, _, _) = enc.decode(bytes);
    finish(text.into_owned(), enc, Source::Sniffed)
}

/// Decodes with a declared encoding, unless it claims UTF-8 for bytes that
/// are not UTF-8 (then `None`: the caller sniffs).
fn decode_declared(bytes: &[u8], enc: &'static Encoding, source: Source) -> Option<Decoded> {
    // x-user-defined is a byte-to-PUA mapping meant for binary XHR, never text.
    let enc = if enc == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        enc
    };
    if enc == UTF_8 && std::str::from_utf8(bytes).is_err() && !mostly_utf8(bytes) {
        return None;
    }
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Some(finish(text.into_owned(), enc, source))
}

/// True when the bytes are UTF-8 except for a few stray bytes (a truncated
/// page, one bad character): then the declaration is right and a handful of
/// replacement characters is better than a wrong guess.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (text, _) = UTF_8.decode_without_bom_handling(bytes);
    let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
    bad <= 2
}

/// Guesses the encoding of undeclared bytes.
pub fn sniff(bytes: &[u8]) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    det.guess(None, chardetng::Utf8Detection::Allow)
}

/// The strings that make the output text: U+FEFF left at the start by a
/// decoder is dropped.
fn finish(mut text: String, encoding: &'static Encoding, source: Source) -> Decoded {
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    Decoded {
        text,
        encoding,
        source,
    }
}

/// Finds an encoding declared by `<meta charset=…>`, `<meta http-equiv=
/// "Content-Type" content="…; charset=…">` or `<?xml … encoding="…"?>` in
/// the head of a page. A simplified version of the spec's prescan: it skips
/// comments and looks only at `meta` tags.
pub fn prescan_meta(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    if lower.starts_with(b"<?xml") {
        if let Some(end) = find(&lower, b"?>", 0) {
            if let Some(enc) = attr_value(&lower[..end], b"encoding").and_then(Encoding::for_label)
            {
                return Some(enc);
            }
        }
    }
    let mut i = 0;
    while let Some(lt) = find(&lower, b"<", i) {
        if lower[lt..].starts_with(b"<!--") {
            i = find(&lower, b"-->", lt + 4).map_or(lower.len(), |e| e + 3);
            continue;
        }
        let end = find(&lower, b">", lt).unwrap_or(lower.len());
        let tag = &lower[lt..end];
        i = end;
        if !(tag.starts_with(b"<meta")
            && tag
                .get(5)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/'))
        {
            continue;
        }
        if let Some(enc) = attr_value(tag, b"charset").and_then(Encoding::for_label) {
            return Some(enc);
        }
        let is_ct = attr_value(tag, b"http-equiv").is_some_and(|v| v == b"content-type");
        if let Some(content) = attr_value(tag, b"content").filter(|_| is_ct) {
            if let Some(enc) = charset_in_content(content) {
                return Some(enc);
            }
        }
    }
    None
}

/// `charset=` inside the `content` of a http-equiv meta.
fn charset_in_content(content: &[u8]) -> Option<&'static Encoding> {
    let at = find(content, b"charset", 0)?;
    let rest = &content[at + 7..];
    let rest = trim_ascii_start(rest);
    let rest = trim_ascii_start(rest.strip_prefix(b"=")?);
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|c| c.is_ascii_whitespace() || matches!(c, b';' | b'"' | b'\''))
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..end])
}

/// The value of attribute `name` in a lower-cased tag (quoted or bare).
fn attr_value<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut from = 0;
    while let Some(at) = find(tag, name, from) {
        from = at + name.len();
        // Must be a whole attribute name: preceded by space/quote/slash.
        let before_ok = at > 0
            && matches!(
                tag[at - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'"' | b'\''
            );
        if !before_ok {
            continue;
        }
        let rest = trim_ascii_start(&tag[from..]);
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let rest = trim_ascii_start(rest);
        let (quote, body) = match rest.first() {
            Some(q @ (b'"' | b'\'')) => (Some(*q), &rest[1..]),
            _ => (None, rest),
        };
        let end = match quote {
            Some(q) => body.iter().position(|&c| c == q).unwrap_or(body.len()),
            None => body
                .iter()
                .position(|c| c.is_ascii_whitespace() || matches!(c, b'>' | b'/' | b';'))
                .unwrap_or(body.len()),
        };
        return Some(trim_ascii(&body[..end]));
    }
    None
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn trim_ascii_start(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[start..]
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let b = trim_ascii_start(b);
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(0, |e| e + 1);
    &b[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{ISO_8859_6, WINDOWS_1256};

    const AR: &str = "أعلنت قوات سوريا الديمقراطية السيطرة على حقل العمر النفطي في ريف دير الزور الشرقي، وفق ما قاله مصدر محلي اليوم.";

    fn enc(e: &'static Encoding, s: &str) -> Vec<u8> {
        e.encode(s).0.into_owned()
    }

    fn page(meta: &str) -> String {
        format!(
            "<html><head>{meta}<title>خبر</title></head><body><p>{AR}</p><p>{AR}</p></body></html>"
        )
    }

    #[test]
    fn header_charset_param() {
        assert_eq!(
            charset_param("text/html; charset=\"windows-1256\""),
            Some(WINDOWS_1256)
        );
        assert_eq!(charset_param("text/html"), None);
    }

    #[test]
    fn windows_1256_with_meta() {
        let bytes = enc(
            WINDOWS_1256,
            &page(r#"<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">"#),
        );
        let d = decode_html(&bytes, None);
        assert_eq!(d.source, Source::Meta);
        assert!(d.text.contains(AR));
    }

    #[test]
    fn windows_1256_without_declaration_is_sniffed() {
        let bytes = enc(WINDOWS_1256, &page(""));
        let d = decode_html(&bytes, None);
        assert_eq!(d.source, Source::Sniffed);
        assert!(d.text.contains(AR), "{}", d.encoding.name());
    }

    #[test]
    fn iso_8859_6_with_and_without_declaration() {
        let bytes = enc(ISO_8859_6, &page("<meta charset=iso-8859-6>"));
        assert!(decode_html(&bytes, None).text.contains(AR));
        let bytes = enc(ISO_8859_6, &page(""));
        let d = decode_html(&bytes, None);
        assert!(d.text.contains(AR), "{}", d.encoding.name());
    }

    #[test]
    fn header_beats_meta() {
        let bytes = enc(WINDOWS_1256, &page("<meta charset=utf-8>"));
        let d = decode_html(&bytes, Some("text/html; charset=windows-1256"));
        assert_eq!(d.source, Source::Header);
        assert!(d.text.contains(AR));
    }

    #[test]
    fn bom_beats_header() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(page("").as_bytes());
        let d = decode_html(&bytes, Some("text/html; charset=iso-8859-1"));
        assert_eq!(d.source, Source::Bom);
        assert!(d.text.starts_with("<html>"));
        assert!(d.text.contains(AR));
    }

    #[test]
    fn false_utf8_declaration_is_sniffed() {
        let bytes = enc(WINDOWS_1256, &page("<meta charset=\"utf-8\">"));
        let d = decode_html(&bytes, Some("text/html; charset=UTF-8"));
        assert_eq!(d.source, Source::Sniffed);
        assert!(d.text.contains(AR));
    }

    #[test]
    fn xml_declaration_encoding() {
        let html = format!(
            "<?xml version=\"1.0\" encoding=\"windows-1256\"?>\n{}",
            page("")
        );
        let bytes = enc(WINDOWS_1256, &html);
        let d = decode_html(&bytes, None);
        assert_eq!(d.source, Source::Meta);
        assert!(d.text.contains(AR));
    }

    #[test]
    fn meta_in_comment_is_ignored_and_utf16_meta_means_utf8() {
        assert_eq!(
            prescan_meta(b"<!-- <meta charset=koi8-r> --><meta charset=utf-8>"),
            Some(UTF_8)
        );
        let d = decode_html(page("<meta charset=utf-16>").as_bytes(), None);
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.contains(AR));
    }

    #[test]
    fn attr_value_needs_whole_name() {
        assert_eq!(
            attr_value(b"<meta data-charset=x charset=y", b"charset"),
            Some(&b"y"[..])
        );
        assert_eq!(
            attr_value(b"<meta content='a b'", b"content"),
            Some(&b"a b"[..])
        );
    }

    #[test]
    fn empty_input() {
        let d = decode_html(b"", None);
        assert!(d.text.is_empty());
    }
}
