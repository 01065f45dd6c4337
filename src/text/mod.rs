//! Text: normalisation, segmentation, and the comparison key of versions.
//!
//! Owns everything that turns raw article text into comparable or matchable
//! forms. Pure: no I/O, no clock.
//!
//! - [`compare`]: the key two versions are compared by (what counts as "the
//!   article changed").
//! - [`segment`]: sentence and clause boundaries, as byte ranges of the
//!   original text so evidence can be quoted exactly.

pub mod compare;
pub mod segment;

pub use compare::{compare_key, normalize_body};
pub use segment::sentences;
