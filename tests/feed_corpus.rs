//! Corpus conformance check for the feed layer: every file of the shared
//! feed corpus (`../shared/corpus/feeds`) is parsed; the test fails on any
//! panic (caught here, or contained inside and reported), when fewer than
//! 97 % of feedparser's well-formed fixtures that hold items yield entries,
//! when a news sample loses an item, or when a folder's count of files with
//! entries drops below `tests/fixtures/feeds/corpus-baseline.txt`.
//!
//! Without `../shared` (a checkout elsewhere) it prints a notice and passes.

use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

use marsad::feed::{self, FeedError};
use url::Url;

/// Files the corpus README says are not feed data.
fn skipped(name: &str) -> bool {
    name.starts_with("LICENSE")
        || name == "README.md"
        || name.starts_with("UPSTREAM-")
        || name == "PROVENANCE.tsv"
        || name == "MANIFEST.sha256"
        || name.ends_with(".serde.json")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut items: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    items.sort();
    for p in items {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if name != "_baseline" {
                walk(&p, out);
            }
        } else if !skipped(name) {
            out.push(p);
        }
    }
}

/// `raw_items` per relative path from a baseline TSV
/// (`status entries raw_items bytes path [error]`).
fn raw_items(tsv: &Path) -> HashMap<String, usize> {
    let text = std::fs::read_to_string(tsv).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            Some((cols.get(4)?.to_string(), cols.get(2)?.parse().ok()?))
        })
        .collect()
}

/// HTTP headers a feedparser fixture declares in its comment header.
fn fixture_headers(bytes: &[u8]) -> (Option<String>, Option<Url>) {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]);
    let Some(end) = head.find("-->") else {
        return (None, None);
    };
    let mut ct = None;
    let mut base = None;
    for line in head[..end].lines() {
        let Some(h) = line.trim().strip_prefix("Header:") else {
            continue;
        };
        let Some((k, v)) = h.split_once(':') else {
            continue;
        };
        match k.trim().to_ascii_lowercase().as_str() {
            "content-type" => ct = Some(v.trim().to_string()),
            "content-location" => base = Url::parse(v.trim()).ok(),
            _ => {}
        }
    }
    (ct, base)
}

#[derive(Default)]
struct Tally {
    files: usize,
    with_entries: usize,
    errors: usize,
    panics: usize,
    entries: usize,
}

#[test]
fn corpus_conformance() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let corpus = shared.join("corpus/feeds");
    if !corpus.is_dir() {
        eprintln!(
            "feed_corpus: {} not found; corpus check skipped",
            corpus.display()
        );
        return;
    }
    let baseline_dir = corpus.join("_baseline/feed-rs-3.0.0");
    let feedparser_raw = raw_items(&baseline_dir.join("feedparser.tsv"));
    let news_raw = raw_items(&baseline_dir.join("news-samples.tsv"));

    let mut files = Vec::new();
    walk(&corpus, &mut files);
    let started = Instant::now();
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut panics = Vec::new();
    let (mut wf_with_items, mut wf_read) = (0usize, 0usize);
    let mut wf_missing = Vec::new();
    let mut news_short = Vec::new();
    let mut news_checked = 0;

    for path in &files {
        let rel = path
            .strip_prefix(&corpus)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let (folder, inner) = rel.split_once('/').unwrap_or((&rel, ""));
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let (ct, base) = if folder == "feedparser" {
            fixture_headers(&bytes)
        } else {
            (None, None)
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            feed::parse(&bytes, ct.as_deref(), base.as_ref())
        }));
        let t = tally.entry(folder.to_string()).or_default();
        t.files += 1;
        let n = match &outcome {
            Err(_) => {
                panics.push(format!("{rel}: escaped feed::parse"));
                t.panics += 1;
                0
            }
            Ok(Err(FeedError::Panicked(m))) => {
                panics.push(format!("{rel}: {m}"));
                t.panics += 1;
                0
            }
            Ok(Err(_)) => {
                t.errors += 1;
                0
            }
            Ok(Ok(f)) => {
                if let Some(w) = f.warnings.iter().find(|w| w.contains("panicked")) {
                    panics.push(format!("{rel}: {w}"));
                    t.panics += 1;
                }
                f.entries.len()
            }
        };
        t.entries += n;
        if n > 0 {
            t.with_entries += 1;
        }
        if folder == "feedparser"
            && inner.starts_with("wellformed/")
            && feedparser_raw.get(inner).is_some_and(|r| *r > 0)
        {
            wf_with_items += 1;
            if n > 0 {
                wf_read += 1;
            } else {
                wf_missing.push(inner.to_string());
            }
        }
        if folder == "news-samples" {
            news_checked += 1;
            let want = news_raw.get(inner).copied().unwrap_or(usize::MAX);
            if n < want {
                news_short.push(format!("{inner}: {n} of {want} items"));
            }
        }
    }
    let elapsed = started.elapsed();

    eprintln!(
        "\n{:<14} {:>6} {:>13} {:>7} {:>7} {:>8}",
        "folder", "files", "with entries", "errors", "panics", "entries"
    );
    for (folder, t) in &tally {
        eprintln!(
            "{folder:<14} {:>6} {:>13} {:>7} {:>7} {:>8}",
            t.files, t.with_entries, t.errors, t.panics, t.entries
        );
    }
    let pct = if wf_with_items == 0 {
        100.0
    } else {
        100.0 * wf_read as f64 / wf_with_items as f64
    };
    eprintln!("feedparser wellformed/ with items: {wf_read} of {wf_with_items} yield entries ({pct:.1} %)");
    eprintln!(
        "news samples read with every item: {} of {news_checked}",
        news_checked - news_short.len()
    );
    eprintln!("{} files in {:.1} s", files.len(), elapsed.as_secs_f64());
    for m in wf_missing.iter().take(40) {
        eprintln!("  wellformed without entries: {m}");
    }

    let baseline_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds/corpus-baseline.txt");
    let baseline = std::fs::read_to_string(&baseline_path).unwrap_or_default();
    let mut drops = Vec::new();
    for line in baseline
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut parts = line.split_whitespace();
        let (Some(folder), Some(min)) = (
            parts.next(),
            parts.next().and_then(|m| m.parse::<usize>().ok()),
        ) else {
            continue;
        };
        let have = tally.get(folder).map_or(0, |t| t.with_entries);
        if have < min {
            drops.push(format!(
                "{folder}: {have} files with entries, baseline {min}"
            ));
        }
    }

    assert!(panics.is_empty(), "panics: {panics:#?}");
    assert!(
        pct >= 97.0,
        "only {pct:.1} % of feedparser well-formed fixtures with items yield entries"
    );
    assert_eq!(news_checked, 19, "expected 19 news samples");
    assert!(
        news_short.is_empty(),
        "news samples losing items: {news_short:#?}"
    );
    assert!(
        drops.is_empty(),
        "coverage dropped below {}: {drops:#?}",
        baseline_path.display()
    );
}

/// Every news sample cut off at 16 points (a dropped connection, a full
/// disk): never a panic, and a cut past the middle still yields entries.
#[test]
fn truncated_news_samples() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/feeds/news-samples");
    if !dir.is_dir() {
        eprintln!(
            "feed_corpus: {} not found; truncation check skipped",
            dir.display()
        );
        return;
    }
    let mut files = Vec::new();
    walk(&dir, &mut files);
    let mut failures = Vec::new();
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        for k in 1..=16 {
            let cut = bytes.len() * k / 17;
            let outcome = catch_unwind(AssertUnwindSafe(|| feed::parse(&bytes[..cut], None, None)));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match outcome {
                Err(_) | Ok(Err(FeedError::Panicked(_))) => {
                    failures.push(format!("{name} cut at {cut}: panic"))
                }
                Ok(Ok(f)) if f.entries.is_empty() && k > 8 => {
                    failures.push(format!("{name} cut at {cut}: no entries"))
                }
                Ok(Err(e)) if k > 8 => failures.push(format!("{name} cut at {cut}: {e}")),
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
