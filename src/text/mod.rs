//! Text: normalisation, segmentation, and the comparison key of versions.
//!
//! Owns everything that turns raw article text into comparable or matchable
//! forms. Pure: no I/O, no clock.
//!
//! - [`compare`]: the key two versions are compared by (what counts as "the
//!   article changed").
//! - [`normalize`]: the matching form of text (Arabic letter variants,
//!   tatweel, diacritics, case, possessives), as tokens mapped back to the
//!   original bytes.
//! - [`segment`]: sentence and clause boundaries, as byte ranges of the
//!   original text so evidence can be quoted exactly.

pub mod compare;
pub mod normalize;
pub mod segment;

pub use compare::{compare_key, normalize_body};
pub use normalize::{normalize, normalize_str, Normalized, Token, TokenKind};
pub use segment::{clauses, sentences};
