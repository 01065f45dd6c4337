//! Logging setup: a level filter from `RUST_LOG` or `[log] level`, plain
//! lines (without timestamps under systemd, whose journal adds its own), or
//! JSON with `[log] format = "json"`.

use crate::config::LogConfig;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber (once; later calls are ignored).
pub fn init(cfg: &LogConfig) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(cfg.level.as_deref().unwrap_or("info")));
    let under_systemd = std::env::var_os("JOURNAL_STREAM").is_some();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if cfg.json {
        builder.json().try_init()
    } else if under_systemd {
        builder.without_time().with_ansi(false).try_init()
    } else {
        builder.try_init()
    };
}
