//! Character set detection for HTML pages: HTTP header, then BOM, then
//! `<meta charset>` / `http-equiv`, then sniffing. Pure.

use encoding_rs::Encoding;

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
    if let Some(enc) = content_type.and_then(charset_param) {
        let (text, _, _) = enc.decode(bytes);
        return Decoded { text: text.into_owned(), encoding: enc, source: Source::Header };
    }
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        let (text, _, _) = enc.decode(bytes);
        return Decoded { text: text.into_owned(), encoding: enc, source: Source::Bom };
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(bytes);
    Decoded { text: text.into_owned(), encoding: enc, source: Source::Sniffed }
}
