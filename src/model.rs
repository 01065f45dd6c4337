//! Plain data passed between the pipeline's stages.
//!
//! Nothing here does I/O; every type is a value that one stage hands to the
//! next (see the picture in `lib.rs`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One item of a feed, as the `feed` stage reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FeedEntry {
    /// guid / id, else the canonical link. Never empty.
    pub id: String,
    pub title: Option<String>,
    /// Absolute link to the article page, resolved against the feed URL.
    pub link: Option<String>,
    pub summary: Option<String>,
    pub updated: Option<DateTime<Utc>>,
    pub published: Option<DateTime<Utc>>,
}

/// A feed document after decoding, repair and parsing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ParsedFeed {
    pub title: Option<String>,
    /// What the document was read as ("RSS 2.0", "Atom 0.3", "JSON Feed", …).
    pub format: Option<String>,
    pub entries: Vec<FeedEntry>,
    /// Decoding and repair steps taken, and what was lost on the way.
    pub warnings: Vec<String>,
}

/// The article a page yields, as the `extract` stage reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub title: Option<String>,
    pub byline: Option<String>,
    /// As written by the page (RFC 3339 when the page gave a parseable date).
    pub published: Option<String>,
    /// `<link rel="canonical">` (or og:url), absolute.
    pub canonical_url: Option<String>,
    /// BCP 47-ish language tag from the page (`<html lang>`), lower case.
    pub lang: Option<String>,
    /// Main text, one entry per paragraph (headings included), in order.
    pub paragraphs: Vec<String>,
    /// The page looks like a teaser behind a paywall: what is here is all we got.
    pub paywalled: bool,
}

impl Article {
    /// The body as one string, paragraphs separated by blank lines.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }
}

/// Kind of a control claim (design §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    Gain,
    Loss,
    Holds,
}

impl ClaimKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Gain => "gain",
            ClaimKind::Loss => "loss",
            ClaimKind::Holds => "holds",
        }
    }
}

/// Where a claim was read: the sentence, quoted exactly, and its byte range
/// in the text handed to the detector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub sentence: String,
    pub start: usize,
    pub end: usize,
}

/// One control claim `(facility, actor, kind)` found in one sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// Facility id from the watchlist.
    pub facility: String,
    /// Actor id from the watchlist.
    pub actor: String,
    pub kind: ClaimKind,
    pub evidence: Evidence,
    /// 0.0–1.0.
    pub confidence: f32,
    /// Who the report attributes the statement to ("قالت قسد إن…", "according to…").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
}
