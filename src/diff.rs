//! Diff of two versions: sentences are aligned first (by their comparison
//! key, so punctuation, digit script or tatweel never count as a change),
//! then words are diffed inside changed sentences. Pure.

use crate::text::{compare_key, sentences};
use serde::Serialize;
use similar::{capture_diff_slices, Algorithm, ChangeTag, DiffOp, TextDiff};
use std::collections::HashMap;

/// A sentence rewritten in place, with a word-level rendering
/// (`[-old-]{+new+}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rewrite {
    pub from: String,
    pub to: String,
    pub words: String,
}

/// What changed between two versions.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Change {
    /// New sentences, including the new text of rewritten ones.
    pub added: Vec<String>,
    /// Sentences gone, including the old text of rewritten ones.
    pub removed: Vec<String>,
    /// Sentences that only changed place.
    pub moved: Vec<String>,
    /// Rewritten sentences, paired.
    pub changed: Vec<Rewrite>,
    /// Unified diff, one sentence per line.
    pub unified: String,
}

impl Change {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.moved.is_empty()
    }
}

/// The sentences of a body (paragraphs separated by blank lines), in order.
pub fn body_sentences(body: &str) -> Vec<&str> {
    sentences(body).into_iter().map(|r| &body[r]).collect()
}

/// Two sentences are "the same sentence, rewritten" when at least half of
/// their words are shared.
fn similar_enough(a: &str, b: &str) -> bool {
    let wa: Vec<&str> = a.split_whitespace().collect();
    let wb: Vec<&str> = b.split_whitespace().collect();
    if wa.is_empty() || wb.is_empty() {
        return false;
    }
    let mut counts: HashMap<&str, i32> = HashMap::new();
    for w in &wa {
        *counts.entry(w).or_default() += 1;
    }
    let mut shared = 0;
    for w in &wb {
        if let Some(c) = counts.get_mut(w) {
            if *c > 0 {
                *c -= 1;
                shared += 1;
            }
        }
    }
    2 * shared >= wa.len().max(wb.len())
}

fn word_diff(a: &str, b: &str) -> String {
    let d = TextDiff::from_words(a, b);
    let mut out = String::new();
    for op in d.ops() {
        for ch in d.iter_changes(op) {
            match ch.tag() {
                ChangeTag::Equal => out.push_str(ch.value()),
                ChangeTag::Delete => {
                    out.push_str("[-");
                    out.push_str(ch.value());
                    out.push_str("-]");
                }
                ChangeTag::Insert => {
                    out.push_str("{+");
                    out.push_str(ch.value());
                    out.push_str("+}");
                }
            }
        }
    }
    out
}

/// Diffs two bodies. `labels` name the two sides in the unified diff.
pub fn diff(old: &str, new: &str, labels: (&str, &str)) -> Change {
    let a = body_sentences(old);
    let b = body_sentences(new);
    let ka: Vec<String> = a.iter().map(|s| compare_key(s)).collect();
    let kb: Vec<String> = b.iter().map(|s| compare_key(s)).collect();
    let ops = capture_diff_slices(Algorithm::Patience, &ka, &kb);

    let mut deleted: Vec<usize> = Vec::new();
    let mut inserted: Vec<usize> = Vec::new();
    // Paired deletes/inserts within one replace op are rewrite candidates.
    let mut rewrites: Vec<(usize, usize)> = Vec::new();
    for op in &ops {
        match *op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => deleted.extend(old_index..old_index + old_len),
            DiffOp::Insert {
                new_index, new_len, ..
            } => inserted.extend(new_index..new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                deleted.extend(old_index..old_index + old_len);
                inserted.extend(new_index..new_index + new_len);
                for i in 0..old_len.min(new_len) {
                    rewrites.push((old_index + i, new_index + i));
                }
            }
        }
    }

    // Moves: a deleted sentence whose key is inserted elsewhere.
    let mut change = Change::default();
    let mut ins_by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    for &j in &inserted {
        ins_by_key.entry(kb[j].as_str()).or_default().push(j);
    }
    let mut moved_old = vec![false; a.len()];
    let mut moved_new = vec![false; b.len()];
    for &i in &deleted {
        if let Some(js) = ins_by_key.get_mut(ka[i].as_str()) {
            if let Some(j) = js.pop() {
                moved_old[i] = true;
                moved_new[j] = true;
                change.moved.push(b[j].to_string());
            }
        }
    }
    for (i, j) in rewrites {
        if !moved_old[i] && !moved_new[j] && similar_enough(a[i], b[j]) {
            change.changed.push(Rewrite {
                from: a[i].to_string(),
                to: b[j].to_string(),
                words: word_diff(a[i], b[j]),
            });
        }
    }
    change.removed = deleted
        .iter()
        .filter(|&&i| !moved_old[i])
        .map(|&i| a[i].to_string())
        .collect();
    change.added = inserted
        .iter()
        .filter(|&&j| !moved_new[j])
        .map(|&j| b[j].to_string())
        .collect();

    if !change.is_empty() {
        let old_text: String = a.iter().map(|s| format!("{s}\n")).collect();
        let new_text: String = b.iter().map(|s| format!("{s}\n")).collect();
        change.unified = TextDiff::from_lines(&old_text, &new_text)
            .unified_diff()
            .context_radius(2)
            .header(labels.0, labels.1)
            .to_string();
    }
    change
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_new_sentence_is_added() {
        let c = diff(
            "Troops entered the town. Residents fled.",
            "Troops entered the town. The army took the dam. Residents fled.",
            ("v1", "v2"),
        );
        assert_eq!(c.added, vec!["The army took the dam."]);
        assert!(c.removed.is_empty() && c.moved.is_empty());
        assert!(
            c.unified.contains("+The army took the dam."),
            "{}",
            c.unified
        );
    }

    #[test]
    fn rewrites_are_paired_with_a_word_diff() {
        let c = diff(
            "Three soldiers were killed. Talks go on.",
            "Five soldiers were killed. Talks go on.",
            ("v1", "v2"),
        );
        assert_eq!(c.added, vec!["Five soldiers were killed."]);
        assert_eq!(c.removed, vec!["Three soldiers were killed."]);
        assert_eq!(c.changed.len(), 1);
        assert!(
            c.changed[0].words.contains("[-Three-]{+Five+}"),
            "{}",
            c.changed[0].words
        );
    }

    #[test]
    fn moved_paragraph_is_moved_not_removed_and_added() {
        let c = diff(
            "A one.\n\nB two.\n\nC three.",
            "B two.\n\nC three.\n\nA one.",
            ("v1", "v2"),
        );
        assert_eq!(c.moved, vec!["A one."]);
        assert!(c.added.is_empty() && c.removed.is_empty(), "{c:?}");
    }

    #[test]
    fn punctuation_and_digit_script_are_not_changes() {
        let c = diff("قتل ٣ جنود، أمس.", "قتل 3 جنود أمس.", ("v1", "v2"));
        assert!(c.is_empty(), "{c:?}");
    }
}
