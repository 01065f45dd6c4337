//! marsad (مرصد, "observatory") watches news feeds, keeps every version of
//! every article, and alerts by webhook when a story develops: an article is
//! rewritten, or a report says that control of a watched place changed hands.
//!
//! # Data flow
//!
//! Data flows one way; each arrow is a plain function call with plain data,
//! and only the ends do I/O:
//!
//! ```text
//! schedule → fetch feed → parse feed → fetch page → extract → store version → diff → detect → state → events+outbox → deliver
//! (daemon)   (fetch)      (feed)       (fetch)      (extract) (store)         (diff)  (detect)  (state)  (store)          (alert)
//! ```
//!
//! # Module map
//!
//! | module | owns |
//! |---|---|
//! | [`config`] | the TOML file → validated [`config::Config`], errors with file/line/key |
//! | [`store`] | SQLite: migrations, all SQL, the one transaction per version, pages as zstd deltas |
//! | [`fetch`] | HTTP: timeouts, body cap, redirects, conditional GET, per-host limits |
//! | [`charset`] | bytes → text for HTML (header, BOM, meta, sniffing) |
//! | [`feed`] | feed bytes → entries; URL canonicalisation (pure) |
//! | [`extract`] | HTML → article: title, date, main text as paragraphs (pure) |
//! | [`text`] | normalisation, segmentation, the version comparison key (pure) |
//! | [`diff`] | previous version → next version: added/removed sentences (pure) |
//! | [`detect`] | text + watchlist → control claims (pure) |
//! | [`state`] | claims + current controller → transitions (pure) |
//! | [`alert`] | outbox dispatcher (each webhook side by side), webhook signing, retry schedule |
//! | [`pipeline`] | one feed refresh / article visit, end to end |
//! | [`daemon`] | scheduler, workers, shutdown |
//! | [`cli`] | the sub-commands |
//!
//! The pure stages take time as an argument and never read the clock, so the
//! tests can drive them with fixtures.

pub mod alert;
pub mod charset;
pub mod cli;
pub mod clock;
pub mod config;
pub mod daemon;
pub mod detect;
pub mod diff;
pub mod events;
pub mod extract;
pub mod feed;
pub mod fetch;
pub mod http;
pub mod logging;
pub mod metrics;
pub mod model;
pub mod notify;
pub mod opml;
pub mod pipeline;
pub mod shutdown;
pub mod state;
pub mod store;
pub mod text;
