//! Normalisation for matching: raw text → a token stream of normalised words
//! and punctuation, each token remembering its byte range in the original.
//!
//! Matching (names, verbs, cues) happens on the normalised form; evidence is
//! quoted from the original through the token map, so nothing a reader sees
//! is ever rewritten.
//!
//! What normalisation folds, and why:
//! - Unicode compatibility forms (NFKC): presentation forms such as ﻻ or ﺍ
//!   appear in copy-pasted Arabic.
//! - Hamza forms of alef (أ إ آ ٱ) → ا, ى → ي, ة → ه: writers and sites are
//!   inconsistent about them.
//! - Tatweel, diacritics and invisible format characters are dropped: they
//!   are typography, not spelling ("التنـك" is "التنك").
//! - Persian ی ک → Arabic ي ك: common in text typed on Persian keyboards.
//! - Arabic-Indic digits → ASCII digits.
//! - English: lower case, possessive "'s" dropped, "al-"/"el-" article
//!   prefixes dropped ("al-Omar" and "Omar" are the same name).

use super::compare::{ascii_digit, is_arabic_mark, is_invisible_format, TATWEEL};
use std::ops::Range;
use unicode_normalization::UnicodeNormalization;

/// Whether a token is a word or a punctuation mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Punct,
}

/// One token: where it sits in the normalised text and in the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte range in [`Normalized::text`].
    pub norm: Range<usize>,
    /// Byte range in the original text.
    pub orig: Range<usize>,
    pub kind: TokenKind,
}

/// Normalised text: tokens joined by single spaces, with the map back to the
/// original text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    pub tokens: Vec<Token>,
}

impl Normalized {
    /// The normalised form of token `i`.
    pub fn word(&self, i: usize) -> &str {
        &self.text[self.tokens[i].norm.clone()]
    }

    /// Index of the token holding normalised byte `pos` (or the next token
    /// when `pos` falls on a separating space).
    pub fn token_at(&self, pos: usize) -> usize {
        self.tokens.partition_point(|t| t.norm.end <= pos)
    }

    /// Original byte range covering normalised range `r` (whole tokens).
    pub fn orig_range(&self, r: Range<usize>) -> Range<usize> {
        let first = self.token_at(r.start);
        let last = self.token_at(r.end.saturating_sub(1).max(r.start));
        match (self.tokens.get(first), self.tokens.get(last)) {
            (Some(a), Some(b)) => a.orig.start..b.orig.end,
            _ => 0..0,
        }
    }
}

/// Maps one character to its matching form (after NFKC); `None` drops it.
pub fn fold_char(c: char) -> Option<char> {
    if c == TATWEEL || is_arabic_mark(c) || is_invisible_format(c) {
        return None;
    }
    if let Some(d) = ascii_digit(c) {
        return Some(d);
    }
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' => 'ا',
        'ى' | 'ی' | 'ې' => 'ي',
        'ة' | 'ۀ' | 'ە' => 'ه',
        'ک' => 'ك',
        '،' => ',',
        '؛' => ';',
        '؟' => '?',
        '’' | '‘' | 'ʼ' | '`' => '\'',
        _ => {
            return c
                .to_lowercase()
                .next()
                .filter(|_| c.is_uppercase())
                .or(Some(c))
        }
    })
}

/// Characters that belong inside a word token.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || c == TATWEEL
        || is_arabic_mark(c)
        || is_invisible_format(c)
        || c == '\u{200C}'
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ')
}

/// Whether `c` needs NFKC before folding (compatibility forms). Plain ASCII
/// and the basic Arabic block are already in the form we match.
fn needs_nfkc(c: char) -> bool {
    !(c.is_ascii() || ('\u{0600}'..='\u{06FF}').contains(&c) || c == '’')
}

/// Appends the folded form of `raw` to `out`.
fn fold_into(raw: &str, out: &mut String) {
    if raw.chars().any(needs_nfkc) {
        for c in raw.nfkc() {
            if let Some(f) = fold_char(c) {
                out.push(f);
            }
        }
    } else {
        for c in raw.chars() {
            if let Some(f) = fold_char(c) {
                out.push(f);
            }
        }
    }
}

/// Normalises `text` for matching. See the module docs for what is folded.
pub fn normalize(text: &str) -> Normalized {
    let mut out = Normalized {
        text: String::with_capacity(text.len()),
        tokens: Vec::with_capacity(text.len() / 5),
    };
    let bytes = text.as_bytes();
    let mut iter = text.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        if c.is_whitespace() {
            continue;
        }
        if is_word_char(c) {
            let mut end = start + c.len_utf8();
            // A word runs over word chars and over apostrophes inside it ("don't", "SDF's").
            while let Some(&(p, n)) = iter.peek() {
                let after = text[p + n.len_utf8()..].chars().next();
                let inner_apostrophe = is_apostrophe(n) && after.is_some_and(is_word_char);
                // Plural possessive: "the rebels' control".
                let plural_possessive = is_apostrophe(n)
                    && text[start..p].ends_with(['s', 'S'])
                    && !after.is_some_and(is_word_char);
                if is_word_char(n) || inner_apostrophe || plural_possessive {
                    end = p + n.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            // "al-Omar", "el-Fasher": the article prefix is not part of the name.
            let raw = &text[start..end];
            if is_article_prefix(raw)
                && bytes.get(end) == Some(&b'-')
                && text[end + 1..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphabetic)
            {
                iter.next(); // the hyphen
                continue;
            }
            push_word(&mut out, raw, start..end);
        } else {
            let r = start..start + c.len_utf8();
            // Hyphens and dashes separate words; they carry nothing for matching.
            if matches!(c, '-' | '‐' | '‑' | '–' | '—') {
                continue;
            }
            let begin = out.text.len();
            if !out.tokens.is_empty() {
                out.text.push(' ');
            }
            let nstart = out.text.len();
            fold_into(&text[r.clone()], &mut out.text);
            if out.text.len() == nstart || out.text[nstart..].chars().all(char::is_whitespace) {
                out.text.truncate(begin);
                continue;
            }
            out.tokens.push(Token {
                norm: nstart..out.text.len(),
                orig: r,
                kind: TokenKind::Punct,
            });
        }
    }
    out
}

fn is_article_prefix(raw: &str) -> bool {
    raw.eq_ignore_ascii_case("al") || raw.eq_ignore_ascii_case("el")
}

fn push_word(out: &mut Normalized, raw: &str, orig: Range<usize>) {
    let begin = out.text.len();
    if !out.tokens.is_empty() {
        out.text.push(' ');
    }
    let nstart = out.text.len();
    fold_into(raw, &mut out.text);
    // Possessive "'s" and a trailing apostrophe ("forces'") are dropped, other
    // apostrophes too ("didn't" → "didnt") so that one spelling matches.
    if out.text[nstart..].ends_with("'s") {
        out.text.truncate(out.text.len() - 2);
    }
    if out.text[nstart..].contains('\'') {
        let w: String = out.text[nstart..].chars().filter(|&c| c != '\'').collect();
        out.text.truncate(nstart);
        out.text.push_str(&w);
    }
    if out.text.len() == nstart {
        out.text.truncate(begin);
        return;
    }
    out.tokens.push(Token {
        norm: nstart..out.text.len(),
        orig,
        kind: TokenKind::Word,
    });
}

/// The normalised form of a short string (a name, a lexicon entry): tokens
/// joined by single spaces.
pub fn normalize_str(s: &str) -> String {
    normalize(s).text
}

/// Arabic proclitic prefixes that may be attached to any word: conjunctions
/// و ف, prepositions ب ل ك, the article ال, and their combinations
/// ("وبال", "فلل"). The empty prefix is included.
pub fn is_proclitic(p: &str) -> bool {
    let mut rest = p;
    for set in [&["و", "ف"][..], &["ب", "ل", "ك"][..]] {
        if let Some(s) = set.iter().find_map(|x| rest.strip_prefix(x)) {
            rest = s;
        }
    }
    rest.is_empty() || rest == "ال" || rest == "ل"
}

/// Candidate stems of an Arabic word after removing proclitics, longest
/// first (the word itself comes first). "وللجيش" → وللجيش, للجيش, الجيش, ...
pub fn proclitic_stems(word: &str) -> impl Iterator<Item = (&str, &str)> {
    word.char_indices()
        .map(|(i, _)| i)
        .take(5)
        .filter(move |&i| is_proclitic(&word[..i]) && word.len() - i >= 2)
        .map(move |i| (&word[..i], &word[i..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let n = normalize(s);
        (0..n.tokens.len()).map(|i| n.word(i).to_string()).collect()
    }

    #[test]
    fn arabic_letters_fold() {
        assert_eq!(normalize_str("أعلن إدارة آمنة"), "اعلن اداره امنه");
        assert_eq!(normalize_str("مستشفى"), "مستشفي");
        assert_eq!(normalize_str("کرمانشاهی"), "كرمانشاهي");
    }

    #[test]
    fn tatweel_and_diacritics_dropped() {
        assert_eq!(normalize_str("قـسد التنـك"), "قسد التنك");
        assert_eq!(normalize_str("تسلّمَ الجيشُ"), "تسلم الجيش");
    }

    #[test]
    fn nfkc_presentation_forms() {
        // ﻻ (lam-alef ligature) and ﺍ (isolated alef).
        assert_eq!(normalize_str("\u{FEFB}\u{FE8D}"), "لاا");
    }

    #[test]
    fn english_case_possessive_article() {
        assert_eq!(normalize_str("The SDF's fighters"), "the sdf fighters");
        assert_eq!(normalize_str("al-Omar and El-Fasher"), "omar and fasher");
        assert_eq!(normalize_str("didn't"), "didnt");
        assert_eq!(normalize_str("the rebels' control"), "the rebels control");
        assert_eq!(normalize_str("the rebels' control"), "the rebels control");
        assert_eq!(normalize_str("pro-government"), "pro government");
    }

    #[test]
    fn punctuation_tokens() {
        assert_eq!(words("قال، ثم؟"), vec!["قال", ",", "ثم", "?"]);
        assert_eq!(words("Raqqa, Syria."), vec!["raqqa", ",", "syria", "."]);
    }

    #[test]
    fn digits() {
        assert_eq!(normalize_str("١٧ يناير"), "17 يناير");
    }

    #[test]
    fn offsets_map_back() {
        let t = "وقـال الجيشُ: سيطرنا";
        let n = normalize(t);
        let i = n.text.find("الجيش").unwrap_or(0);
        assert_eq!(&t[n.orig_range(i..i + "الجيش".len())], "الجيشُ");
        for tok in &n.tokens {
            assert!(t.is_char_boundary(tok.orig.start) && t.is_char_boundary(tok.orig.end));
        }
    }

    #[test]
    fn proclitics() {
        for p in [
            "", "و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "فال", "وبال", "ول", "لل", "ولل",
        ] {
            assert!(is_proclitic(p), "{p}");
        }
        for p in ["ت", "ي", "الل", "وو", "بب"] {
            assert!(!is_proclitic(p), "{p}");
        }
        let stems: Vec<&str> = proclitic_stems("وبالحسكه").map(|(_, s)| s).collect();
        assert!(stems.contains(&"الحسكه") && stems.contains(&"حسكه"));
    }

    #[test]
    fn idempotent_examples() {
        for s in [
            "The al-Omar field's gate",
            "وسقط حقل الرصافة بيد مقاتلي داعش",
            "Ain Issa — قسد، الجيش؟",
        ] {
            let once = normalize_str(s);
            assert_eq!(normalize_str(&once), once);
        }
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn normalisation_is_idempotent(s in "[ a-zA-Z'\\-.,؟،ءآأؤإئابةتثجحخدذرسشصضطظعغفقكلمنهوىيًٌٍَُِّْـ٠-٩ی ک]{0,60}") {
                let once = normalize_str(&s);
                prop_assert_eq!(normalize_str(&once), once);
            }

            #[test]
            fn tokens_map_to_char_boundaries(s in "\\PC{0,40}") {
                let n = normalize(&s);
                for t in &n.tokens {
                    prop_assert!(s.is_char_boundary(t.orig.start) && s.is_char_boundary(t.orig.end) && t.orig.start < t.orig.end);
                    prop_assert!(n.text.is_char_boundary(t.norm.start) && n.text.is_char_boundary(t.norm.end));
                }
            }

            #[test]
            fn tatweel_and_diacritics_never_matter(s in "[ابتسدلمنهوي ]{1,30}", marks in proptest::collection::vec(0u8..4, 30)) {
                let mut decorated = String::new();
                for (i, c) in s.chars().enumerate() {
                    decorated.push(c);
                    if c != ' ' {
                        match marks[i % marks.len()] {
                            1 => decorated.push('\u{0640}'),
                            2 => decorated.push('\u{064E}'),
                            3 => decorated.push('\u{0651}'),
                            _ => {}
                        }
                    }
                }
                prop_assert_eq!(normalize_str(&decorated), normalize_str(&s));
            }
        }
    }
}
