//! Control claims: text + watchlist → `(facility, actor, kind)` claims.
//!
//! Pure: no I/O. Build a [`Detector`] once per watchlist (it compiles the name
//! automaton) and call [`Detector::detect`] on any text.

pub mod watchlist;

pub use watchlist::{Actor, Facility, Watchlist, WatchlistError};

use crate::model::Claim;

/// A watchlist compiled for matching.
#[derive(Debug, Clone)]
pub struct Detector {
    watchlist: Watchlist,
}

impl Detector {
    pub fn new(watchlist: Watchlist) -> Self {
        Detector { watchlist }
    }

    pub fn watchlist(&self) -> &Watchlist {
        &self.watchlist
    }

    /// Claims in `text` (one or more sentences). `lang` is a hint ("ar", "en").
    /// Evidence offsets are byte offsets into `text`.
    pub fn detect(&self, text: &str, lang: Option<&str>) -> Vec<Claim> {
        let _ = (text, lang);
        Vec::new()
    }
}
