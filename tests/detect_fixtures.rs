//! Regression sets of control claims from other conflicts (DR Congo, Somalia,
//! Yemen, Sudan, Ukraine, Libya, Mali, Iraq, Afghanistan, Myanmar, Ethiopia, Mozambique), scored like `score_claims.py`: a claim is
//! `(facility, actor, polarity)` with gain/holds = +, loss = −; "optional"
//! gold claims count neither way.

use marsad::detect::{Detector, Watchlist};
use std::collections::HashSet;
use std::path::Path;

type Key = (String, String, char);

fn key(c: &serde_json::Value) -> Option<Key> {
    let pol = match c["kind"].as_str()? {
        "gain" | "holds" => '+',
        "loss" => '-',
        _ => return None,
    };
    Some((
        c["facility"].as_str()?.to_string(),
        c["actor"].as_str()?.to_string(),
        pol,
    ))
}

fn keys(v: &serde_json::Value) -> HashSet<Key> {
    v.as_array()
        .map(|a| a.iter().filter_map(key).collect())
        .unwrap_or_default()
}

#[test]
fn other_conflicts_regression_set() {
    score("watchlist-other.toml", "other-conflicts.jsonl");
}

#[test]
fn libya_mali_regression_set() {
    score("watchlist-libya-mali.toml", "libya-mali.jsonl");
}

#[test]
fn iraq_afghanistan_regression_set() {
    score("watchlist-iraq-afghanistan.toml", "iraq-afghanistan.jsonl");
}

/// The development watchlist with sentences worded unlike the development set.
#[test]
fn syria_new_wording_regression_set() {
    score("watchlist-syria.toml", "syria-new-wording.jsonl");
}

#[test]
fn myanmar_ethiopia_regression_set() {
    score("watchlist-myanmar-ethiopia.toml", "myanmar-ethiopia.jsonl");
}

/// Sentences full of watched names and control words that claim nothing.
#[test]
fn hard_negatives_regression_set() {
    score("watchlist-mixed.toml", "mixed-hard-negatives.jsonl");
}

#[test]
fn mozambique_regression_set() {
    score("watchlist-mozambique.toml", "mozambique.jsonl");
}

fn score(watchlist: &str, gold: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/claims");
    let wl = Watchlist::load(&dir.join(watchlist)).expect("watchlist");
    let detector = Detector::new(wl);
    let text = std::fs::read_to_string(dir.join(gold)).expect("gold");
    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    let mut errors = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let rec: serde_json::Value = serde_json::from_str(line).expect("gold line");
        let want = keys(&rec["claims"]);
        let optional = keys(&rec["optional"]);
        let got: HashSet<Key> = detector
            .detect(rec["text"].as_str().unwrap_or(""), rec["lang"].as_str())
            .into_iter()
            .map(|c| {
                let pol = if c.kind == marsad::model::ClaimKind::Loss {
                    '-'
                } else {
                    '+'
                };
                (c.facility, c.actor, pol)
            })
            .collect();
        let t = want.intersection(&got).count();
        let f: Vec<&Key> = got
            .iter()
            .filter(|k| !want.contains(*k) && !optional.contains(*k))
            .collect();
        let n: Vec<&Key> = want.iter().filter(|k| !got.contains(*k)).collect();
        if !f.is_empty() || !n.is_empty() {
            errors.push(format!(
                "{}: {} fp {:?} missed {:?}",
                rec["id"], rec["text"], f, n
            ));
        }
        tp += t;
        fp += f.len();
        fneg += n.len();
    }
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let r = tp as f64 / (tp + fneg).max(1) as f64;
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    assert!(
        f1 >= 0.97,
        "F1 {f1:.3} (tp {tp} fp {fp} fn {fneg})\n{}",
        errors.join("\n")
    );
}
