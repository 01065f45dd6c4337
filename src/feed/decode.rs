//! Bytes → UTF-8 text before any XML parser sees them. Pure.
//!
//! Order of evidence: byte order mark, then the XML declaration, then the HTTP
//! `charset`, then sniffing (chardetng). UTF-16 without BOM and UTF-32 are
//! recognised by the byte pattern of the leading `<`. The XML declaration is
//! cut off the returned text: feed-rs (quick-xml) would otherwise re-decode
//! the already-decoded UTF-8 with the declared encoding, which garbles text
//! and, for UTF-16 declarations, trips an assertion (a panic).
//!
//! Valid UTF-8 that needs no change is returned borrowed: the fast path costs
//! one UTF-8 validation pass and a look at the first few hundred bytes.

use std::borrow::Cow;

use encoding_rs::Encoding;

/// A decoded document.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// UTF-8 text without BOM and without XML declaration.
    pub text: Cow<'a, str>,
    /// Name of the encoding the bytes were read as.
    pub encoding: &'static str,
    /// What was done, when it was more than reading declared or default UTF-8.
    pub note: Option<String>,
}

/// Encodings this layer can read: those of encoding_rs, plus UTF-32 and
/// IBM855, which encoding_rs lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Std(&'static Encoding),
    Utf32Le,
    Utf32Be,
    /// DOS Cyrillic (code page 855), still declared by some Russian feeds.
    Ibm855,
}

impl Charset {
    pub fn name(self) -> &'static str {
        match self {
            Charset::Std(e) => e.name(),
            Charset::Utf32Le => "UTF-32LE",
            Charset::Utf32Be => "UTF-32BE",
            Charset::Ibm855 => "IBM855",
        }
    }

    fn is_utf8(self) -> bool {
        self == Charset::Std(encoding_rs::UTF_8)
    }

    /// UTF-16 and UTF-32: a declaration in an ASCII-compatible document that
    /// names one of these cannot be true.
    fn is_wide(self) -> bool {
        matches!(self, Charset::Utf32Le | Charset::Utf32Be)
            || self == Charset::Std(encoding_rs::UTF_16LE)
            || self == Charset::Std(encoding_rs::UTF_16BE)
    }
}

/// Maps an encoding label to a charset: WHATWG labels (encoding_rs) plus the
/// UTF-32 family and a few legacy spellings seen in old feeds.
pub fn charset_for_label(label: &str) -> Option<Charset> {
    let l = label
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_ascii_lowercase();
    match l.as_str() {
        "utf-32" | "utf32" | "ucs-4" | "iso-10646-ucs-4" | "utf-32le" => {
            return Some(Charset::Utf32Le)
        }
        "utf-32be" => return Some(Charset::Utf32Be),
        "maccyrillic" | "mac-cyrillic" | "x-mac-ukrainian" => {
            return Some(Charset::Std(encoding_rs::X_MAC_CYRILLIC))
        }
        "cp1256" | "win-1256" => return Some(Charset::Std(encoding_rs::WINDOWS_1256)),
        "cp1251" | "win-1251" => return Some(Charset::Std(encoding_rs::WINDOWS_1251)),
        "cp1252" | "win-1252" => return Some(Charset::Std(encoding_rs::WINDOWS_1252)),
        "cp1255" | "win-1255" => return Some(Charset::Std(encoding_rs::WINDOWS_1255)),
        "ibm855" | "cp855" | "855" | "csibm855" => return Some(Charset::Ibm855),
        "utf8" => return Some(Charset::Std(encoding_rs::UTF_8)),
        _ => {}
    }
    Encoding::for_label_no_replacement(l.as_bytes()).map(Charset::Std)
}

/// The `charset=` parameter of a Content-Type value, as a raw label.
pub fn header_charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(|c| c == '"' || c == '\''))
    })
}

/// Charset from a byte order mark, and the BOM's length.
pub fn bom(bytes: &[u8]) -> Option<(Charset, usize)> {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => Some((Charset::Utf32Le, 4)),
        [0, 0, 0xFE, 0xFF, ..] => Some((Charset::Utf32Be, 4)),
        [0xEF, 0xBB, 0xBF, ..] => Some((Charset::Std(encoding_rs::UTF_8), 3)),
        [0xFE, 0xFF, ..] => Some((Charset::Std(encoding_rs::UTF_16BE), 2)),
        [0xFF, 0xFE, ..] => Some((Charset::Std(encoding_rs::UTF_16LE), 2)),
        _ => None,
    }
}

/// UTF-16/32 without BOM, from the zero-byte pattern around the first ASCII
/// character (normally the `<` of `<?xml`).
pub fn wide_pattern(bytes: &[u8]) -> Option<Charset> {
    match bytes {
        [0, 0, 0, a, ..] if *a != 0 && a.is_ascii() => Some(Charset::Utf32Be),
        [a, 0, 0, 0, ..] if *a != 0 && a.is_ascii() => Some(Charset::Utf32Le),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 && a.is_ascii() && b.is_ascii() => {
            Some(Charset::Std(encoding_rs::UTF_16BE))
        }
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 && a.is_ascii() && b.is_ascii() => {
            Some(Charset::Std(encoding_rs::UTF_16LE))
        }
        _ => None,
    }
}

/// Where the XML declaration ends (index after `?>`), when `s` starts with
/// one (after optional whitespace). Works on bytes so it can run before
/// decoding on any ASCII-compatible document.
pub fn declaration_end(s: &[u8]) -> Option<usize> {
    let start = s.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &s[start..];
    if rest.len() < 6 || !rest[..5].eq_ignore_ascii_case(b"<?xml") || !rest[5].is_ascii_whitespace()
    {
        return None;
    }
    // A declaration is short; a missing `?>` within reach means it is broken.
    let window = &rest[..rest.len().min(512)];
    let end = window.windows(2).position(|w| w == b"?>")?;
    Some(start + end + 2)
}

/// The `encoding` pseudo-attribute of the XML declaration `decl`.
pub fn declared_label(decl: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(decl).ok()?;
    let lower = text.to_ascii_lowercase();
    let at = lower.find("encoding")?;
    let rest = text[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &rest[1..];
    let end = body.find(quote)?;
    Some(&body[..end])
}

/// True when the bytes claim to be UTF-8 or claim nothing: no BOM, no
/// UTF-16/32 pattern, and the declaration (or, without one, the HTTP
/// charset) names UTF-8 if anything. Such input can go to feed-rs as is;
/// whether it really is UTF-8 is checked by feed-rs's own decoder.
pub fn is_plain_utf8_candidate(bytes: &[u8], content_type: Option<&str>) -> bool {
    if bom(bytes).is_some() || wide_pattern(bytes).is_some() {
        return false;
    }
    let declared = declaration_end(bytes).and_then(|e| declared_label(&bytes[..e]));
    let label = declared.or_else(|| content_type.and_then(header_charset));
    label.is_none_or(|l| charset_for_label(l).is_some_and(Charset::is_utf8))
}

/// Decodes `bytes` to UTF-8. `content_type` is the HTTP header value; `tld`
/// (the feed host's top-level domain) helps the sniffer choose between
/// legacy encodings.
pub fn decode<'a>(bytes: &'a [u8], content_type: Option<&str>, tld: Option<&str>) -> Decoded<'a> {
    if let Some((cs, len)) = bom(bytes) {
        let body = &bytes[len..];
        let ascii_view = declaration_text(body, cs);
        let declared = ascii_view
            .as_deref()
            .and_then(|d| declared_label(d.as_bytes()))
            .map(str::to_string);
        let contradiction = declared
            .as_deref()
            .and_then(charset_for_label)
            .filter(|d| *d != cs && !(d.is_wide() && cs.is_wide()));
        let mut note = None;
        if cs != Charset::Std(encoding_rs::UTF_8) {
            note = Some(format!("decoded as {} (byte order mark)", cs.name()));
        }
        if let (Some(label), Some(_)) = (declared.as_deref(), contradiction) {
            note = Some(format!(
                "decoded as {} (byte order mark wins over declared {label})",
                cs.name()
            ));
        }
        if cs.is_utf8() {
            if let Ok(text) = std::str::from_utf8(body) {
                return Decoded {
                    text: Cow::Borrowed(cut_declaration(text)),
                    encoding: cs.name(),
                    note,
                };
            }
            note = Some(format!(
                "decoded as {} (byte order mark; invalid sequences replaced)",
                cs.name()
            ));
        }
        return Decoded {
            text: Cow::Owned(strip_owned_declaration(decode_with(body, cs).0)),
            encoding: cs.name(),
            note,
        };
    }

    if let Some(cs) = wide_pattern(bytes) {
        let text = decode_with(bytes, cs).0;
        return Decoded {
            text: Cow::Owned(strip_owned_declaration(text)),
            encoding: cs.name(),
            note: Some(format!(
                "decoded as {} (no byte order mark; detected from byte pattern)",
                cs.name()
            )),
        };
    }

    // ASCII-compatible from here on.
    let decl_end = declaration_end(bytes);
    let declared = decl_end.and_then(|e| declared_label(&bytes[..e]));
    let body = &bytes[decl_end.unwrap_or(0)..];
    let header = content_type.and_then(header_charset);
    let mut notes: Vec<String> = Vec::new();

    let mut chosen: Option<(Charset, String)> = None;
    for (label, source) in [(declared, "declared"), (header, "HTTP charset")] {
        let Some(label) = label else { continue };
        if chosen.is_some() {
            break;
        }
        match charset_for_label(label) {
            Some(cs) if cs.is_wide() => notes.push(format!(
                "ignored {source} {label}: the bytes are not {}",
                cs.name()
            )),
            Some(cs) => chosen = Some((cs, format!("{source} {label}"))),
            None => notes.push(format!("unknown {source} encoding {label:?}")),
        }
    }

    let utf8 = std::str::from_utf8(body);
    let chosen_utf8 = chosen.as_ref().is_none_or(|(cs, _)| cs.is_utf8());
    match (&chosen, &utf8) {
        (_, Ok(text)) if chosen_utf8 => {
            let note =
                (!notes.is_empty()).then(|| format!("decoded as UTF-8 ({})", notes.join("; ")));
            return Decoded {
                text: Cow::Borrowed(text),
                encoding: "UTF-8",
                note,
            };
        }
        (Some((cs, why)), Ok(text)) if !text.is_ascii() => {
            // Valid UTF-8 with non-ASCII text is almost never a legacy
            // encoding: the declaration is a template left behind.
            notes.push(format!("{why} ignored: the bytes are valid UTF-8"));
            let _ = cs;
            return Decoded {
                text: Cow::Borrowed(text),
                encoding: "UTF-8",
                note: Some(format!("decoded as UTF-8 ({})", notes.join("; "))),
            };
        }
        (Some((cs, why)), _) if !cs.is_utf8() => {
            let (text, bad) = decode_with(body, *cs);
            if bad {
                notes.push("invalid sequences replaced".to_string());
            }
            notes.insert(0, why.clone());
            return Decoded {
                text: Cow::Owned(text),
                encoding: cs.name(),
                note: Some(format!("decoded as {} ({})", cs.name(), notes.join("; "))),
            };
        }
        _ => {}
    }

    // Declared (or defaulted to) UTF-8 but not valid UTF-8. A legacy HTTP
    // charset that the declaration overruled is the next-best evidence.
    let why = match &chosen {
        Some((_, why)) => format!("{why} was invalid"),
        None => "no declaration; not valid UTF-8".to_string(),
    };
    if let Some(cs) = header
        .and_then(charset_for_label)
        .filter(|cs| !cs.is_utf8() && !cs.is_wide())
    {
        let (text, bad) = decode_with(body, cs);
        if !bad {
            notes.insert(0, format!("HTTP charset; {why}"));
            return Decoded {
                text: Cow::Owned(text),
                encoding: cs.name(),
                note: Some(format!("decoded as {} ({})", cs.name(), notes.join("; "))),
            };
        }
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(body, true);
    let enc = det.guess(tld.map(str::as_bytes), chardetng::Utf8Detection::Deny);
    notes.insert(0, format!("sniffed; {why}"));
    let (text, _) = enc.decode_without_bom_handling(body);
    Decoded {
        text: Cow::Owned(text.into_owned()),
        encoding: enc.name(),
        note: Some(format!("decoded as {} ({})", enc.name(), notes.join("; "))),
    }
}

/// Position of an XML declaration (`<?xml` + white space) at or after
/// `from`. Only the first thing in a document may be one; quick-xml acts on
/// any it meets and, when it names another encoding, panics.
pub fn stray_declaration(bytes: &[u8], from: usize) -> Option<usize> {
    let hay = bytes.get(from..)?;
    memchr::memmem::find_iter(hay, b"<?xml")
        .find(|&p| hay.get(p + 5).is_some_and(|c| c.is_ascii_whitespace()))
        .map(|p| from + p)
}

/// `text` (declaration already cut off) with any further XML declaration
/// turned into an ordinary processing instruction (`<?xml-stray …?>`), which
/// parsers ignore.
pub fn neutralise_stray_declarations(text: &str) -> Cow<'_, str> {
    let Some(first) = stray_declaration(text.as_bytes(), 0) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = 0;
    let mut at = Some(first);
    while let Some(p) = at {
        out.push_str(&text[rest..p]);
        out.push_str("<?xml-stray");
        rest = p + 5;
        at = stray_declaration(text.as_bytes(), rest);
    }
    out.push_str(&text[rest..]);
    Cow::Owned(out)
}

/// Decodes with `cs`; the flag says whether malformed sequences were replaced.
pub fn decode_with(bytes: &[u8], cs: Charset) -> (String, bool) {
    match cs {
        Charset::Std(enc) => {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            (text.into_owned(), had_errors)
        }
        Charset::Utf32Le | Charset::Utf32Be => {
            let mut bad = bytes.len() % 4 != 0;
            let text = bytes
                .chunks_exact(4)
                .map(|c| {
                    let a = [c[0], c[1], c[2], c[3]];
                    let v = if cs == Charset::Utf32Le {
                        u32::from_le_bytes(a)
                    } else {
                        u32::from_be_bytes(a)
                    };
                    char::from_u32(v).unwrap_or_else(|| {
                        bad = true;
                        '\u{fffd}'
                    })
                })
                .collect();
            (text, bad)
        }
        Charset::Ibm855 => (
            bytes
                .iter()
                .map(|&b| {
                    if b < 0x80 {
                        b as char
                    } else {
                        CP855_HIGH[(b - 0x80) as usize]
                    }
                })
                .collect(),
            false,
        ),
    }
}

/// The upper half of code page 855 (the lower half is ASCII).
const CP855_HIGH: [char; 128] = [
    '\u{452}', '\u{402}', '\u{453}', '\u{403}', '\u{451}', '\u{401}', '\u{454}', '\u{404}',
    '\u{455}', '\u{405}', '\u{456}', '\u{406}', '\u{457}', '\u{407}', '\u{458}', '\u{408}',
    '\u{459}', '\u{409}', '\u{45a}', '\u{40a}', '\u{45b}', '\u{40b}', '\u{45c}', '\u{40c}',
    '\u{45e}', '\u{40e}', '\u{45f}', '\u{40f}', '\u{44e}', '\u{42e}', '\u{44a}', '\u{42a}',
    '\u{430}', '\u{410}', '\u{431}', '\u{411}', '\u{446}', '\u{426}', '\u{434}', '\u{414}',
    '\u{435}', '\u{415}', '\u{444}', '\u{424}', '\u{433}', '\u{413}', '\u{ab}', '\u{bb}',
    '\u{2591}', '\u{2592}', '\u{2593}', '\u{2502}', '\u{2524}', '\u{445}', '\u{425}', '\u{438}',
    '\u{418}', '\u{2563}', '\u{2551}', '\u{2557}', '\u{255d}', '\u{439}', '\u{419}', '\u{2510}',
    '\u{2514}', '\u{2534}', '\u{252c}', '\u{251c}', '\u{2500}', '\u{253c}', '\u{43a}', '\u{41a}',
    '\u{255a}', '\u{2554}', '\u{2569}', '\u{2566}', '\u{2560}', '\u{2550}', '\u{256c}', '\u{a4}',
    '\u{43b}', '\u{41b}', '\u{43c}', '\u{41c}', '\u{43d}', '\u{41d}', '\u{43e}', '\u{41e}',
    '\u{43f}', '\u{2518}', '\u{250c}', '\u{2588}', '\u{2584}', '\u{41f}', '\u{44f}', '\u{2580}',
    '\u{42f}', '\u{440}', '\u{420}', '\u{441}', '\u{421}', '\u{442}', '\u{422}', '\u{443}',
    '\u{423}', '\u{436}', '\u{416}', '\u{432}', '\u{412}', '\u{44c}', '\u{42c}', '\u{2116}',
    '\u{ad}', '\u{44b}', '\u{42b}', '\u{437}', '\u{417}', '\u{448}', '\u{428}', '\u{44d}',
    '\u{42d}', '\u{449}', '\u{429}', '\u{447}', '\u{427}', '\u{a7}', '\u{25a0}', '\u{a0}',
];

/// The start of `body` as text, enough to read a declaration (for wide
/// encodings this decodes a small prefix).
fn declaration_text(body: &[u8], cs: Charset) -> Option<String> {
    let prefix = &body[..body.len().min(1024)];
    let text = match cs {
        Charset::Std(e) if e == encoding_rs::UTF_8 => String::from_utf8_lossy(prefix).into_owned(),
        _ => decode_with(&prefix[..prefix.len() - prefix.len() % 4], cs).0,
    };
    let end = declaration_end(text.as_bytes())?;
    Some(text[..end].to_string())
}

fn cut_declaration(text: &str) -> &str {
    match declaration_end(text.as_bytes()) {
        Some(end) => &text[end..],
        None => text,
    }
}

fn strip_owned_declaration(mut text: String) -> String {
    if let Some(end) = declaration_end(text.as_bytes()) {
        text.replace_range(..end, "");
    }
    // A BOM that survived decoding (e.g. a doubled one) is not content.
    if text.starts_with('\u{feff}') {
        text.replace_range(..3, "");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16be(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFE, 0xFF] } else { vec![] };
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_be_bytes());
        }
        v
    }

    #[test]
    fn utf8_fast_path_borrows_and_cuts_declaration() {
        let src = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss/>";
        let d = decode(src, None, None);
        assert!(matches!(d.text, Cow::Borrowed(_)));
        assert_eq!(d.text, "<rss/>");
        assert!(d.note.is_none());
    }

    #[test]
    fn utf16be_bom_with_utf16_declaration() {
        let src = utf16be(
            "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss>é</rss>",
            true,
        );
        let d = decode(&src, None, None);
        assert_eq!(d.text, "<rss>é</rss>");
        assert_eq!(d.encoding, "UTF-16BE");
    }

    #[test]
    fn utf16be_without_bom_and_utf32() {
        let src = utf16be("<rss>x</rss>", false);
        let d = decode(&src, None, None);
        assert_eq!(d.text, "<rss>x</rss>");
        let mut v = vec![0xFF, 0xFE, 0, 0];
        for c in "<a>ü</a>".chars() {
            v.extend_from_slice(&(c as u32).to_le_bytes());
        }
        assert_eq!(decode(&v, None, None).text, "<a>ü</a>");
    }

    #[test]
    fn utf8_bom_beats_declaration() {
        let mut v = vec![0xEF, 0xBB, 0xBF];
        v.extend_from_slice(
            "<?xml version='1.0' encoding='windows-1256'?><rss>خبر</rss>".as_bytes(),
        );
        let d = decode(&v, None, None);
        assert_eq!(d.text, "<rss>خبر</rss>");
        assert!(d
            .note
            .unwrap_or_default()
            .contains("wins over declared windows-1256"));
    }

    #[test]
    fn declared_legacy_and_invalid_utf8_fall_back() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1256.encode("<rss><title>خبر عاجل في دمشق</title></rss>");
        let mut declared = b"<?xml version=\"1.0\" encoding=\"windows-1256\"?>".to_vec();
        declared.extend_from_slice(&bytes);
        assert_eq!(
            decode(&declared, None, None).text,
            "<rss><title>خبر عاجل في دمشق</title></rss>"
        );
        let d = decode(&bytes, Some("text/xml; charset=utf-8"), None);
        assert_eq!(d.encoding, "windows-1256");
        assert!(d.note.unwrap_or_default().contains("sniffed"));
    }

    #[test]
    fn stray_declarations_are_renamed() {
        let t = "<rss><?xml version='1.0' encoding='utf-16'?><?xml-stylesheet href='a'?></rss>";
        assert_eq!(
            neutralise_stray_declarations(t),
            "<rss><?xml-stray version='1.0' encoding='utf-16'?><?xml-stylesheet href='a'?></rss>"
        );
        assert!(matches!(
            neutralise_stray_declarations("<rss/>"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn http_charset_backs_up_a_false_utf8_declaration() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode("<rss>خبر</rss>");
        let mut doc = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>".to_vec();
        doc.extend_from_slice(&bytes);
        let d = decode(&doc, Some("text/xml; charset=windows-1256"), None);
        assert_eq!(d.text, "<rss>خبر</rss>");
        assert!(d
            .note
            .unwrap_or_default()
            .contains("HTTP charset; declared utf-8 was invalid"));
    }

    #[test]
    fn header_charset_and_labels() {
        assert_eq!(
            header_charset("text/xml; charset=\"ISO-8859-1\""),
            Some("ISO-8859-1")
        );
        assert_eq!(decode_with(b"\xe1\xa0", Charset::Ibm855).0, "ра");
        assert_eq!(
            charset_for_label("MacCyrillic"),
            Some(Charset::Std(encoding_rs::X_MAC_CYRILLIC))
        );
        assert_eq!(
            declared_label(b"<?xml version='1.0' encoding = 'koi8-r' ?>"),
            Some("koi8-r")
        );
        let d = decode(
            b"<rss>\xe9t\xe9</rss>",
            Some("text/xml; charset=iso-8859-1"),
            None,
        );
        assert_eq!(d.text, "<rss>été</rss>");
    }
}
