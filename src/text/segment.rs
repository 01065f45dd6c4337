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

/// Splits the sentence at `range` of `text` into clauses: at semicolons,
/// colons and commas (Latin and Arabic ، ؛). A comma between digits
/// ("1,200") does not split. Ranges are byte ranges into `text`, trimmed.
pub fn clauses(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let Some(s) = text.get(range.clone()) else {
        return out;
    };
    let mut start = range.start;
    let mut prev: Option<char> = None;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let next = it.peek().map(|&(_, n)| n);
        let digits =
            matches!((prev, next), (Some(p), Some(n)) if p.is_ascii_digit() && n.is_ascii_digit());
        if matches!(c, ';' | '؛' | ':' | ',' | '،') && !digits {
            let end = range.start + i + c.len_utf8();
            push_trimmed(text, start..end, &mut out);
            start = end;
        }
        prev = Some(c);
    }
    push_trimmed(text, start..range.end, &mut out);
    out
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
    fn arabic_double_stop_and_headline() {
        assert_eq!(
            split("قسد تعلن خروج السجن عن سيطرتها.. ودمشق تحذر"),
            vec!["قسد تعلن خروج السجن عن سيطرتها..", "ودمشق تحذر"]
        );
        assert_eq!(split("عنوان بلا نقطة\r\nنص."), vec!["عنوان بلا نقطة", "نص."]);
    }

    #[test]
    fn clause_split() {
        let t = "وبحسب مصادر، سيطر الجيش؛ ثم انسحب: 1,200 جندي";
        let c: Vec<&str> = clauses(t, 0..t.len()).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            c,
            vec!["وبحسب مصادر،", "سيطر الجيش؛", "ثم انسحب:", "1,200 جندي"]
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
