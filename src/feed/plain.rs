//! Markup → plain text for titles and summaries: tags stripped, HTML and XML
//! character references decoded, whitespace collapsed. Pure.
//!
//! Feed titles and summaries are, in practice, HTML whatever the feed claims,
//! and downstream stages (diffing, detection, webhooks) want text. This is
//! deliberately a small tolerant stripper rather than an HTML parser: it runs
//! on every entry of every poll, and it must never fail on bad markup.

/// Converts HTML-ish text to plain text. Returns `s` unchanged (no copy) when
/// it has no markup, no references and no whitespace to collapse.
pub fn html_to_text(s: String) -> String {
    if !s.as_bytes().iter().any(|&c| c == b'<' || c == b'&') {
        return collapse_ws(s);
    }
    scan(&s, true)
}

/// Only collapses whitespace: for text that is declared plain (Atom
/// `type="text"`), where `<b>` is literally what the author wrote.
pub fn plain_text(s: String) -> String {
    collapse_ws(s)
}

/// Collapses runs of whitespace (any Unicode white space, NBSP included) to
/// one space and trims. No copy when there is nothing to do.
pub fn collapse_ws(s: String) -> String {
    if is_collapsed(&s) {
        s
    } else {
        scan(&s, false)
    }
}

/// One pass over `s`: white space collapsed and, with `markup`, tags dropped
/// and references decoded. Literal text is copied in runs (words with single
/// spaces between them); `<`, `&`, and white-space lead bytes are never UTF-8
/// continuation bytes, so every index where a run starts or stops is a char
/// boundary.
fn scan(s: &str, markup: bool) -> String {
    let b = s.as_bytes();
    let mut out = Out {
        text: String::with_capacity(s.len()),
        space: false,
    };
    let mut run: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let step = match c {
            b'<' if markup => skip_tag(&s[i..]).map(|(used, breaks)| {
                out.flush(s, &mut run, i);
                out.space |= breaks;
                used
            }),
            b'&' if markup => decode_ref(&s[i..]).map(|(ch, used)| {
                out.flush(s, &mut run, i);
                if ch.is_whitespace() {
                    out.space = true;
                } else {
                    let mut buf = [0u8; 4];
                    out.emit(ch.encode_utf8(&mut buf));
                }
                used
            }),
            // A single space inside a run stays in it.
            b' ' if run.is_some() && b[i - 1] != b' ' => None,
            b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => {
                out.flush(s, &mut run, i);
                out.space = true;
                Some(1)
            }
            0xC2 | 0xE1 | 0xE2 | 0xE3 => match ws_len(s, i) {
                0 => None,
                w => {
                    out.flush(s, &mut run, i);
                    out.space = true;
                    Some(w)
                }
            },
            _ => None,
        };
        match step {
            Some(used) => i += used,
            None => {
                run.get_or_insert(i);
                i += 1;
                // Ordinary bytes are the bulk of any text: skip them in a
                // tight loop instead of going through the match above.
                while i < b.len() && SPECIAL[usize::from(b[i])] == 0 {
                    i += 1;
                }
            }
        }
    }
    out.flush(s, &mut run, s.len());
    out.text
}

/// Bytes [`scan`] must look at: markup starts, white space, and the lead
/// bytes of non-ASCII white space. Everything else is copied as is.
static SPECIAL: [u8; 256] = {
    let mut t = [0u8; 256];
    let special: [u8; 12] = [
        b'<', b'&', b' ', b'\t', b'\n', 0x0b, 0x0c, b'\r', 0xC2, 0xE1, 0xE2, 0xE3,
    ];
    let mut k = 0;
    while k < special.len() {
        t[special[k] as usize] = 1;
        k += 1;
    }
    t
};

/// Text being built by [`scan`]: a space is owed before the next visible
/// text when `space` is set (never at the start).
struct Out {
    text: String,
    space: bool,
}

impl Out {
    fn emit(&mut self, t: &str) {
        if self.space && !self.text.is_empty() {
            self.text.push(' ');
        }
        self.space = false;
        self.text.push_str(t);
    }

    /// Emits the pending literal run `s[start..end]`, if any; its trailing
    /// single space becomes an owed space.
    fn flush(&mut self, s: &str, run: &mut Option<usize>, end: usize) {
        if let Some(start) = run.take() {
            let trailing = end > start && s.as_bytes()[end - 1] == b' ';
            self.emit(&s[start..if trailing { end - 1 } else { end }]);
            self.space = trailing;
        }
    }
}

/// Byte length of the non-ASCII white-space character at `s[i]` (U+0085,
/// U+00A0, U+1680, U+2000–U+3000 start with 0xC2, 0xE1, 0xE2 or 0xE3), 0 when
/// there is none.
fn ws_len(s: &str, i: usize) -> usize {
    s.get(i..)
        .and_then(|t| t.chars().next())
        .filter(|ch| ch.is_whitespace())
        .map_or(0, char::len_utf8)
}

/// True when `s` has no leading, trailing, doubled or non-space white space.
fn is_collapsed(s: &str) -> bool {
    let b = s.as_bytes();
    let mut prev_ws = true;
    for (i, &c) in b.iter().enumerate() {
        let ws = match c {
            b' ' => true,
            b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => return false,
            0xC2 | 0xE1 | 0xE2 | 0xE3 => {
                if ws_len(s, i) > 0 {
                    return false;
                }
                false
            }
            _ => false,
        };
        if ws && prev_ws {
            return false;
        }
        prev_ws = ws;
    }
    !prev_ws || s.is_empty()
}

/// Elements that separate words when stripped (`a<br>b` is two words).
fn breaks_words(name: &str) -> bool {
    let mut buf = [0u8; 10];
    if name.len() > buf.len() {
        return false;
    }
    for (d, c) in buf.iter_mut().zip(name.bytes()) {
        *d = c.to_ascii_lowercase();
    }
    matches!(
        &buf[..name.len()],
        b"br"
            | b"p"
            | b"div"
            | b"li"
            | b"ul"
            | b"ol"
            | b"tr"
            | b"td"
            | b"th"
            | b"table"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"blockquote"
            | b"pre"
            | b"hr"
            | b"dd"
            | b"dt"
            | b"section"
            | b"article"
            | b"figure"
            | b"img"
    )
}

/// At a `<`: if it opens a tag, comment or CDATA section, returns the bytes it
/// spans and whether it breaks words (block elements, `<br>`). `<script>` and
/// `<style>` are skipped with their content, which is code, not text.
fn skip_tag(s: &str) -> Option<(usize, bool)> {
    let b = s.as_bytes();
    let next = *b.get(1)?;
    if s.starts_with("<!--") {
        return Some((s.find("-->").map_or(s.len(), |e| e + 3), true));
    }
    if s.starts_with("<![CDATA[") {
        // Kept as text: the content of a CDATA section is literal.
        return None;
    }
    if !(next.is_ascii_alphabetic() || next == b'/' || next == b'!' || next == b'?') {
        return None;
    }
    let end = tag_end(s)?;
    let name_start = if next == b'/' { 2 } else { 1 };
    let name_len = b[name_start..end]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let name = &s[name_start..name_start + name_len];
    if next != b'/' && (name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style")) {
        return Some((end_of_raw_text(s, end, name), true));
    }
    Some((end + 1, breaks_words(name)))
}

/// Where the `</name>` closing a script/style element starting before
/// `from` ends (the whole rest when it is never closed).
fn end_of_raw_text(s: &str, from: usize, name: &str) -> usize {
    let b = s.as_bytes();
    let mut i = from;
    while let Some(p) = s[i..].find("</") {
        let at = i + p + 2;
        if b.len() >= at + name.len()
            && b[at..at + name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return s[at..].find('>').map_or(s.len(), |q| at + q + 1);
        }
        i = at;
    }
    s.len()
}

/// Index of the `>` that closes the tag starting at `s[0] == '<'`, skipping
/// quoted attribute values (which may contain `>`).
fn tag_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    // Most tags (`<p>`, `</a>`) end within a few bytes: a plain loop is
    // cheaper there than setting up memchr.
    for (i, &c) in b.iter().enumerate().take(24).skip(1) {
        match c {
            b'>' => return Some(i),
            b'<' => return None,
            b'"' | b'\'' => return tag_end_from(b, i),
            _ => {}
        }
    }
    tag_end_from(b, b.len().min(24))
}

/// [`tag_end`] from `i` (outside quotes) on: memchr jumps over long
/// attribute values (link-heavy HTML is mostly `href`s).
fn tag_end_from(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let p = i + memchr::memchr3(b'>', b'"', b'\'', b.get(i..)?)?;
        if memchr::memchr(b'<', &b[i..p]).is_some() {
            return None;
        }
        match b[p] {
            b'>' => return Some(p),
            q => i = p + 1 + memchr::memchr(q, &b[p + 1..])? + 1,
        }
    }
}

/// Decodes one character reference at the start of `s` (`&amp;`, `&#233;`,
/// `&#xE9;`). Returns the character and the bytes consumed, `None` when `s`
/// does not start with a valid reference (a bare `&` stays as written).
pub fn decode_ref(s: &str) -> Option<(char, usize)> {
    let body = s.strip_prefix('&')?;
    let semi = body.as_bytes().iter().take(34).position(|&b| b == b';')?;
    let name = &body[..semi];
    let ch = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        numeric_char(code)
    } else {
        let idx = NAMED.binary_search_by(|(n, _)| (*n).cmp(name)).ok()?;
        NAMED[idx].1
    };
    Some((ch, semi + 2))
}

/// A numeric reference's character. Code points 128–159 are read as
/// windows-1252, as browsers do, because that is what publishers meant.
fn numeric_char(code: u32) -> char {
    const C1: [char; 32] = [
        '\u{20ac}', '\u{81}', '\u{201a}', '\u{192}', '\u{201e}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{2c6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8d}', '\u{17d}',
        '\u{8f}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2022}', '\u{2013}',
        '\u{2014}', '\u{2dc}', '\u{2122}', '\u{161}', '\u{203a}', '\u{153}', '\u{9d}', '\u{17e}',
        '\u{178}',
    ];
    match code {
        0x80..=0x9f => C1[(code - 0x80) as usize],
        0 => '\u{fffd}',
        _ => char::from_u32(code).unwrap_or('\u{fffd}'),
    }
}

/// HTML 4 named character references (plus XML's `apos`), sorted by name
/// for binary search. Generated from the HTML 4.01 entity list.
const NAMED: [(&str, char); 253] = [
    ("AElig", '\u{c6}'),
    ("Aacute", '\u{c1}'),
    ("Acirc", '\u{c2}'),
    ("Agrave", '\u{c0}'),
    ("Alpha", '\u{391}'),
    ("Aring", '\u{c5}'),
    ("Atilde", '\u{c3}'),
    ("Auml", '\u{c4}'),
    ("Beta", '\u{392}'),
    ("Ccedil", '\u{c7}'),
    ("Chi", '\u{3a7}'),
    ("Dagger", '\u{2021}'),
    ("Delta", '\u{394}'),
    ("ETH", '\u{d0}'),
    ("Eacute", '\u{c9}'),
    ("Ecirc", '\u{ca}'),
    ("Egrave", '\u{c8}'),
    ("Epsilon", '\u{395}'),
    ("Eta", '\u{397}'),
    ("Euml", '\u{cb}'),
    ("Gamma", '\u{393}'),
    ("Iacute", '\u{cd}'),
    ("Icirc", '\u{ce}'),
    ("Igrave", '\u{cc}'),
    ("Iota", '\u{399}'),
    ("Iuml", '\u{cf}'),
    ("Kappa", '\u{39a}'),
    ("Lambda", '\u{39b}'),
    ("Mu", '\u{39c}'),
    ("Ntilde", '\u{d1}'),
    ("Nu", '\u{39d}'),
    ("OElig", '\u{152}'),
    ("Oacute", '\u{d3}'),
    ("Ocirc", '\u{d4}'),
    ("Ograve", '\u{d2}'),
    ("Omega", '\u{3a9}'),
    ("Omicron", '\u{39f}'),
    ("Oslash", '\u{d8}'),
    ("Otilde", '\u{d5}'),
    ("Ouml", '\u{d6}'),
    ("Phi", '\u{3a6}'),
    ("Pi", '\u{3a0}'),
    ("Prime", '\u{2033}'),
    ("Psi", '\u{3a8}'),
    ("Rho", '\u{3a1}'),
    ("Scaron", '\u{160}'),
    ("Sigma", '\u{3a3}'),
    ("THORN", '\u{de}'),
    ("Tau", '\u{3a4}'),
    ("Theta", '\u{398}'),
    ("Uacute", '\u{da}'),
    ("Ucirc", '\u{db}'),
    ("Ugrave", '\u{d9}'),
    ("Upsilon", '\u{3a5}'),
    ("Uuml", '\u{dc}'),
    ("Xi", '\u{39e}'),
    ("Yacute", '\u{dd}'),
    ("Yuml", '\u{178}'),
    ("Zeta", '\u{396}'),
    ("aacute", '\u{e1}'),
    ("acirc", '\u{e2}'),
    ("acute", '\u{b4}'),
    ("aelig", '\u{e6}'),
    ("agrave", '\u{e0}'),
    ("alefsym", '\u{2135}'),
    ("alpha", '\u{3b1}'),
    ("amp", '\u{26}'),
    ("and", '\u{2227}'),
    ("ang", '\u{2220}'),
    ("apos", '\u{27}'),
    ("aring", '\u{e5}'),
    ("asymp", '\u{2248}'),
    ("atilde", '\u{e3}'),
    ("auml", '\u{e4}'),
    ("bdquo", '\u{201e}'),
    ("beta", '\u{3b2}'),
    ("brvbar", '\u{a6}'),
    ("bull", '\u{2022}'),
    ("cap", '\u{2229}'),
    ("ccedil", '\u{e7}'),
    ("cedil", '\u{b8}'),
    ("cent", '\u{a2}'),
    ("chi", '\u{3c7}'),
    ("circ", '\u{2c6}'),
    ("clubs", '\u{2663}'),
    ("cong", '\u{2245}'),
    ("copy", '\u{a9}'),
    ("crarr", '\u{21b5}'),
    ("cup", '\u{222a}'),
    ("curren", '\u{a4}'),
    ("dArr", '\u{21d3}'),
    ("dagger", '\u{2020}'),
    ("darr", '\u{2193}'),
    ("deg", '\u{b0}'),
    ("delta", '\u{3b4}'),
    ("diams", '\u{2666}'),
    ("divide", '\u{f7}'),
    ("eacute", '\u{e9}'),
    ("ecirc", '\u{ea}'),
    ("egrave", '\u{e8}'),
    ("empty", '\u{2205}'),
    ("emsp", '\u{2003}'),
    ("ensp", '\u{2002}'),
    ("epsilon", '\u{3b5}'),
    ("equiv", '\u{2261}'),
    ("eta", '\u{3b7}'),
    ("eth", '\u{f0}'),
    ("euml", '\u{eb}'),
    ("euro", '\u{20ac}'),
    ("exist", '\u{2203}'),
    ("fnof", '\u{192}'),
    ("forall", '\u{2200}'),
    ("frac12", '\u{bd}'),
    ("frac14", '\u{bc}'),
    ("frac34", '\u{be}'),
    ("frasl", '\u{2044}'),
    ("gamma", '\u{3b3}'),
    ("ge", '\u{2265}'),
    ("gt", '\u{3e}'),
    ("hArr", '\u{21d4}'),
    ("harr", '\u{2194}'),
    ("hearts", '\u{2665}'),
    ("hellip", '\u{2026}'),
    ("iacute", '\u{ed}'),
    ("icirc", '\u{ee}'),
    ("iexcl", '\u{a1}'),
    ("igrave", '\u{ec}'),
    ("image", '\u{2111}'),
    ("infin", '\u{221e}'),
    ("int", '\u{222b}'),
    ("iota", '\u{3b9}'),
    ("iquest", '\u{bf}'),
    ("isin", '\u{2208}'),
    ("iuml", '\u{ef}'),
    ("kappa", '\u{3ba}'),
    ("lArr", '\u{21d0}'),
    ("lambda", '\u{3bb}'),
    ("lang", '\u{2329}'),
    ("laquo", '\u{ab}'),
    ("larr", '\u{2190}'),
    ("lceil", '\u{2308}'),
    ("ldquo", '\u{201c}'),
    ("le", '\u{2264}'),
    ("lfloor", '\u{230a}'),
    ("lowast", '\u{2217}'),
    ("loz", '\u{25ca}'),
    ("lrm", '\u{200e}'),
    ("lsaquo", '\u{2039}'),
    ("lsquo", '\u{2018}'),
    ("lt", '\u{3c}'),
    ("macr", '\u{af}'),
    ("mdash", '\u{2014}'),
    ("micro", '\u{b5}'),
    ("middot", '\u{b7}'),
    ("minus", '\u{2212}'),
    ("mu", '\u{3bc}'),
    ("nabla", '\u{2207}'),
    ("nbsp", '\u{a0}'),
    ("ndash", '\u{2013}'),
    ("ne", '\u{2260}'),
    ("ni", '\u{220b}'),
    ("not", '\u{ac}'),
    ("notin", '\u{2209}'),
    ("nsub", '\u{2284}'),
    ("ntilde", '\u{f1}'),
    ("nu", '\u{3bd}'),
    ("oacute", '\u{f3}'),
    ("ocirc", '\u{f4}'),
    ("oelig", '\u{153}'),
    ("ograve", '\u{f2}'),
    ("oline", '\u{203e}'),
    ("omega", '\u{3c9}'),
    ("omicron", '\u{3bf}'),
    ("oplus", '\u{2295}'),
    ("or", '\u{2228}'),
    ("ordf", '\u{aa}'),
    ("ordm", '\u{ba}'),
    ("oslash", '\u{f8}'),
    ("otilde", '\u{f5}'),
    ("otimes", '\u{2297}'),
    ("ouml", '\u{f6}'),
    ("para", '\u{b6}'),
    ("part", '\u{2202}'),
    ("permil", '\u{2030}'),
    ("perp", '\u{22a5}'),
    ("phi", '\u{3c6}'),
    ("pi", '\u{3c0}'),
    ("piv", '\u{3d6}'),
    ("plusmn", '\u{b1}'),
    ("pound", '\u{a3}'),
    ("prime", '\u{2032}'),
    ("prod", '\u{220f}'),
    ("prop", '\u{221d}'),
    ("psi", '\u{3c8}'),
    ("quot", '\u{22}'),
    ("rArr", '\u{21d2}'),
    ("radic", '\u{221a}'),
    ("rang", '\u{232a}'),
    ("raquo", '\u{bb}'),
    ("rarr", '\u{2192}'),
    ("rceil", '\u{2309}'),
    ("rdquo", '\u{201d}'),
    ("real", '\u{211c}'),
    ("reg", '\u{ae}'),
    ("rfloor", '\u{230b}'),
    ("rho", '\u{3c1}'),
    ("rlm", '\u{200f}'),
    ("rsaquo", '\u{203a}'),
    ("rsquo", '\u{2019}'),
    ("sbquo", '\u{201a}'),
    ("scaron", '\u{161}'),
    ("sdot", '\u{22c5}'),
    ("sect", '\u{a7}'),
    ("shy", '\u{ad}'),
    ("sigma", '\u{3c3}'),
    ("sigmaf", '\u{3c2}'),
    ("sim", '\u{223c}'),
    ("spades", '\u{2660}'),
    ("sub", '\u{2282}'),
    ("sube", '\u{2286}'),
    ("sum", '\u{2211}'),
    ("sup", '\u{2283}'),
    ("sup1", '\u{b9}'),
    ("sup2", '\u{b2}'),
    ("sup3", '\u{b3}'),
    ("supe", '\u{2287}'),
    ("szlig", '\u{df}'),
    ("tau", '\u{3c4}'),
    ("there4", '\u{2234}'),
    ("theta", '\u{3b8}'),
    ("thetasym", '\u{3d1}'),
    ("thinsp", '\u{2009}'),
    ("thorn", '\u{fe}'),
    ("tilde", '\u{2dc}'),
    ("times", '\u{d7}'),
    ("trade", '\u{2122}'),
    ("uArr", '\u{21d1}'),
    ("uacute", '\u{fa}'),
    ("uarr", '\u{2191}'),
    ("ucirc", '\u{fb}'),
    ("ugrave", '\u{f9}'),
    ("uml", '\u{a8}'),
    ("upsih", '\u{3d2}'),
    ("upsilon", '\u{3c5}'),
    ("uuml", '\u{fc}'),
    ("weierp", '\u{2118}'),
    ("xi", '\u{3be}'),
    ("yacute", '\u{fd}'),
    ("yen", '\u{a5}'),
    ("yuml", '\u{ff}'),
    ("zeta", '\u{3b6}'),
    ("zwj", '\u{200d}'),
    ("zwnj", '\u{200c}'),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> String {
        html_to_text(s.to_string())
    }

    #[test]
    fn strips_tags_and_decodes_references() {
        assert_eq!(
            t("<p>Hello <b>world</b></p><p>again</p>"),
            "Hello world again"
        );
        assert_eq!(
            t("caf&eacute; &amp; cr&#232;me &#x2014; ok"),
            "café & crème — ok"
        );
        assert_eq!(t("AT&T &bogus; &"), "AT&T &bogus; &");
        assert_eq!(t("a < b and c > d"), "a < b and c > d");
        assert_eq!(t("x<script>var a = '<p>';</script>y"), "x y");
        assert_eq!(t("<a href=\"x>y\">link</a>"), "link");
        assert_eq!(t("<a title='it\"s'>q</a> <b"), "q <b");
        assert_eq!(t("1 <2 and 3> 4"), "1 <2 and 3> 4");
        assert_eq!(t("&#150;"), "–");
    }

    #[test]
    fn collapses_whitespace_without_copying_clean_text() {
        assert_eq!(t("  a\n\t b  "), "a b");
        let s = String::from("already clean");
        let p = s.as_ptr();
        let out = html_to_text(s);
        assert_eq!(out.as_ptr(), p);
        assert_eq!(plain_text("<b>  x".to_string()), "<b> x");
        assert_eq!(collapse_ws("a\u{a0}b\u{3000}c".to_string()), "a b c");
        assert_eq!(collapse_ws("خبر عاجل".to_string()), "خبر عاجل");
    }

    #[test]
    fn entity_table_is_sorted() {
        assert!(NAMED.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(decode_ref("&hellip;"), Some(('…', 8)));
        assert_eq!(decode_ref("&apos;"), Some(('\'', 6)));
    }
}
