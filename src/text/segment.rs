//! Sentence segmentation, for Arabic and English, as byte ranges into the
//! original text (so evidence is quoted exactly as published).

use std::ops::Range;

/// Characters that end a sentence.
fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '…' | '。' | '۔' | '\n')
}

/// Splits `text` into sentences. Newlines always end a sentence (headlines
/// and list items have no final stop). A period between digits ("3.5") or
/// after a single capital letter ("U.S.") does not end one. Ranges exclude
/// surrounding whitespace; empty sentences are dropped.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if is_terminator(c) {
            let prev = i.checked_sub(1).map(|j| chars[j].1);
            let next = chars.get(i + 1).map(|&(_, n)| n);
            let keeps_going = c == '.'
                && (matches!((prev, next), (Some(p), Some(n)) if p.is_ascii_digit() && n.is_ascii_digit())
                    || abbreviation_before(&chars, i)
                    || matches!(next, Some(n) if n.is_alphanumeric()));
            if !keeps_going {
                // swallow runs of terminators and closing quotes/brackets
                let mut j = i + 1;
                while let Some(&(_, n)) = chars.get(j) {
                    if n != '\n'
                        && (is_terminator(n)
                            || matches!(n, '"' | '\'' | '”' | '’' | '»' | ')' | ']'))
                    {
                        j += 1;
                    } else {
                        break;
                    }
                }
                let end = chars.get(j).map(|&(p, _)| p).unwrap_or(text.len());
                push_trimmed(text, start..end, &mut out);
                start = end;
                i = j;
                continue;
            }
        }
        let _ = pos;
        i += 1;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

/// "U.S." / "Mr." style: a short capitalised token right before the period.
fn abbreviation_before(chars: &[(usize, char)], i: usize) -> bool {
    let mut j = i;
    let mut n = 0;
    while j > 0 && chars[j - 1].1.is_alphabetic() {
        j -= 1;
        n += 1;
    }
    if n == 0 {
        return false;
    }
    let first = chars[j].1;
    (n == 1 && first.is_uppercase())
        || (n <= 3 && first.is_uppercase() && {
            let w: String = chars[j..i].iter().map(|&(_, c)| c).collect();
            matches!(
                w.as_str(),
                "Mr" | "Mrs"
                    | "Ms"
                    | "Dr"
                    | "St"
                    | "Gen"
                    | "Col"
                    | "Lt"
                    | "Sgt"
                    | "Maj"
                    | "Capt"
                    | "Jr"
                    | "Sr"
                    | "No"
            )
        })
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: &str) -> Vec<&str> {
        sentences(t).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn english_and_arabic_sentences() {
        assert_eq!(split("One. Two? Three!"), vec!["One.", "Two?", "Three!"]);
        assert_eq!(
            split("قال كذا. ثم ماذا؟ انتهى"),
            vec!["قال كذا.", "ثم ماذا؟", "انتهى"]
        );
    }

    #[test]
    fn numbers_abbreviations_and_headlines() {
        assert_eq!(
            split("It grew 3.5 percent in the U.S. economy. Next"),
            vec!["It grew 3.5 percent in the U.S. economy.", "Next"]
        );
        assert_eq!(
            split("Headline without stop\nBody text."),
            vec!["Headline without stop", "Body text."]
        );
    }
}
