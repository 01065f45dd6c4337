//! The comparison key of a version: two bodies with the same key are the same
//! version.
//!
//! A change must be one a reader would call a change. So the key ignores what
//! sites rewrite without meaning to: Unicode composition, whitespace, Arabic
//! tatweel and diacritics, hamza forms of alef, quote styles and other
//! punctuation, and the script of digits (Arabic-Indic ٣ vs ASCII 3).

use unicode_normalization::UnicodeNormalization;

/// Arabic tatweel (kashida), a purely typographic stretch.
pub const TATWEEL: char = '\u{0640}';

/// Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef, Quranic marks).
pub fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E4}' | '\u{06E7}' | '\u{06E8}' | '\u{06EA}'..='\u{06ED}')
}

/// Bidi and zero-width formatting characters that never carry meaning in text.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}' | '\u{00AD}')
}

/// Punctuation of the scripts marsad reads, including Arabic ، ؛ ؟ and all quote styles.
pub fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '\u{00A1}'..='\u{00BF}'
                | '\u{2010}'..='\u{205E}'
                | '\u{3000}'..='\u{303F}'
                | '\u{060C}' | '\u{060D}' | '\u{061B}' | '\u{061E}' | '\u{061F}'
                | '\u{066A}'..='\u{066D}' | '\u{06D4}'
                | '\u{FD3E}' | '\u{FD3F}'
                | '\u{FE10}'..='\u{FE6F}'
                | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}'
        )
}

/// ASCII value of a decimal digit in Arabic-Indic, Extended Arabic-Indic or
/// fullwidth form.
pub fn ascii_digit(c: char) -> Option<char> {
    let base = match c {
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        '\u{FF10}'..='\u{FF19}' => 0xFF10,
        _ => return None,
    };
    char::from_digit(c as u32 - base, 10)
}

/// The body as stored: NFC, invisible format characters dropped, whitespace
/// collapsed inside paragraphs, paragraphs separated by one blank line.
pub fn normalize_body(paragraphs: &[String]) -> String {
    let mut out = String::new();
    for p in paragraphs {
        let mut para = String::with_capacity(p.len());
        let mut space = false;
        for c in p.nfc() {
            if is_invisible_format(c) {
                continue;
            }
            if c.is_whitespace() {
                space = !para.is_empty();
                continue;
            }
            if space {
                para.push(' ');
                space = false;
            }
            para.push(c);
        }
        if para.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&para);
    }
    out
}

/// The key two texts are compared by. Equal keys mean "no change".
pub fn compare_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfc() {
        if c == TATWEEL || is_arabic_mark(c) || is_invisible_format(c) {
            continue;
        }
        let c = match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            _ => ascii_digit(c).unwrap_or(c),
        };
        if c.is_whitespace() || is_punctuation(c) {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tatweel_diacritics_and_hamza_do_not_change_the_key() {
        assert_eq!(compare_key("قـسد"), compare_key("قسد"));
        assert_eq!(compare_key("مُحَمَّد"), compare_key("محمد"));
        assert_eq!(compare_key("أعلن"), compare_key("اعلن"));
    }

    #[test]
    fn digits_punctuation_and_quotes_do_not_change_the_key() {
        assert_eq!(
            compare_key("قتل ٣ جنود، أمس"),
            compare_key("قتل 3 جنود أمس")
        );
        assert_eq!(compare_key("He said \"no\"."), compare_key("He said “no”"));
        assert_eq!(compare_key("a  b\n c"), compare_key("a b c"));
    }

    #[test]
    fn words_and_numbers_do_change_the_key() {
        assert_ne!(compare_key("three soldiers"), compare_key("four soldiers"));
        assert_ne!(compare_key("3 soldiers"), compare_key("4 soldiers"));
    }

    #[test]
    fn body_keeps_paragraphs_and_collapses_whitespace() {
        let body = normalize_body(&["  a\u{200F}  b ".into(), "".into(), "c".into()]);
        assert_eq!(body, "a b\n\nc");
    }
}
