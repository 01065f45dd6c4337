//! The JSON lines driver of `marsad claims`: one `{"id","text","lang"?}` per
//! input line → one `{"id","claims":[...]}` per output line, same order.
//!
//! Pure apart from the reader and writer it is handed.

use super::Detector;
use crate::model::{ClaimKind, Evidence};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

#[derive(Debug, thiserror::Error)]
pub enum JsonlError {
    #[error("line {line}: {message}")]
    Input { line: usize, message: String },
    #[error("line {line}: cannot read input: {source}")]
    Read { line: usize, source: std::io::Error },
    #[error("cannot write output: {0}")]
    Write(#[from] std::io::Error),
}

#[derive(Debug, Deserialize)]
struct InLine {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Debug, Serialize)]
struct OutClaim<'a> {
    facility: &'a str,
    actor: &'a str,
    kind: ClaimKind,
    evidence: &'a Evidence,
    confidence: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    attribution: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct OutLine<'a> {
    id: &'a serde_json::Value,
    claims: Vec<OutClaim<'a>>,
}

/// Reads JSON lines from `input`, writes one result line per input line to
/// `output`. Blank lines are skipped. Returns the number of records written.
/// `id` may be a string or a number; it is echoed as given.
pub fn run(
    input: impl BufRead,
    mut output: impl Write,
    detector: &Detector,
) -> Result<usize, JsonlError> {
    let mut n = 0;
    for (i, line) in input.lines().enumerate() {
        let line_no = i + 1;
        let line = line.map_err(|source| JsonlError::Read {
            line: line_no,
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let rec: InLine = serde_json::from_str(&line).map_err(|e| JsonlError::Input {
            line: line_no,
            message: e.to_string(),
        })?;
        if !(rec.id.is_string() || rec.id.is_number()) {
            return Err(JsonlError::Input {
                line: line_no,
                message: "\"id\" must be a string or a number".into(),
            });
        }
        let claims = detector.detect(&rec.text, rec.lang.as_deref());
        let out = OutLine {
            id: &rec.id,
            claims: claims
                .iter()
                .map(|c| OutClaim {
                    facility: &c.facility,
                    actor: &c.actor,
                    kind: c.kind,
                    evidence: &c.evidence,
                    confidence: c.confidence,
                    attribution: c.attribution.as_deref(),
                })
                .collect(),
        };
        serde_json::to_writer(&mut output, &out).map_err(|e| JsonlError::Write(e.into()))?;
        output.write_all(b"\n")?;
        n += 1;
    }
    output.flush()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Watchlist;

    fn detector() -> Detector {
        let wl = Watchlist::from_toml_str(
            "[[actor]]\nid = \"houthis\"\nnames = [\"Houthis\", \"الحوثيون\", \"جماعة الحوثي\"]\n[[facility]]\nid = \"hodeidah-port\"\nkind = \"port\"\nnames = [\"Hodeidah port\", \"ميناء الحديدة\"]\n",
            "t",
        )
        .expect("watchlist");
        Detector::new(wl)
    }

    #[test]
    fn one_line_out_per_line_in_blank_skipped() {
        let input = "{\"id\":\"a\",\"text\":\"The Houthis seized Hodeidah port.\",\"lang\":\"en\"}\n\n{\"id\":2,\"text\":\"nothing\"}\n";
        let mut out = Vec::new();
        let n = run(input.as_bytes(), &mut out, &detector()).expect("run");
        assert_eq!(n, 2);
        let text = String::from_utf8(out).expect("utf8");
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["id"], "a");
        assert_eq!(lines[0]["claims"][0]["facility"], "hodeidah-port");
        assert_eq!(lines[0]["claims"][0]["kind"], "gain");
        assert_eq!(
            lines[0]["claims"][0]["evidence"]["sentence"],
            "The Houthis seized Hodeidah port."
        );
        assert_eq!(lines[1]["id"], 2);
        assert_eq!(lines[1]["claims"], serde_json::json!([]));
    }

    #[test]
    fn malformed_line_is_named() {
        let input = "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\"}\n";
        let err = run(input.as_bytes(), Vec::new(), &detector()).expect_err("must fail");
        assert!(err.to_string().starts_with("line 2:"), "{err}");
        let err = run("not json\n".as_bytes(), Vec::new(), &detector()).expect_err("must fail");
        assert!(err.to_string().starts_with("line 1:"), "{err}");
    }
}
