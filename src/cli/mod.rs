//! The sub-commands (design §5). Human output by default, `--json` for
//! scripts. `anyhow` is used here and in `main.rs` only: this is the edge
//! where library errors become messages and exit codes.

pub mod demo;
pub mod ops;

use crate::config::{self, Config};
use crate::pipeline::Context;
use crate::shutdown::Shutdown;
use crate::store::Store;
use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "marsad",
    version,
    about = "Watches news feeds, keeps every version of every article, and alerts by webhook when a story develops."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Args, Clone)]
pub struct ConfigArg {
    /// Configuration file [default: $MARSAD_CONFIG, else /etc/marsad/marsad.toml]
    #[arg(long, short = 'c', global = true)]
    pub config: Option<PathBuf>,
}

impl ConfigArg {
    pub fn path(&self) -> PathBuf {
        self.config.clone().unwrap_or_else(config::default_path)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon.
    Run(ConfigArg),
    /// One pass: poll every feed, fetch new/changed/due articles, deliver due alerts.
    Once {
        #[command(flatten)]
        config: ConfigArg,
        /// Print the pass totals as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Validate the configuration; print every problem with its place.
    CheckConfig(ConfigArg),
    /// Versions of an article.
    History {
        url: String,
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long)]
        json: bool,
    },
    /// The page of an article's version exactly as fetched (default: the
    /// latest), written to stdout: the evidence behind an alert.
    Page {
        url: String,
        #[arg(long)]
        version: Option<i64>,
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Diff between two versions of an article (default: the last two).
    Diff {
        url: String,
        #[arg(long)]
        from: Option<i64>,
        #[arg(long)]
        to: Option<i64>,
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long)]
        json: bool,
    },
    /// The facility control table with evidence.
    State {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long)]
        json: bool,
    },
    /// Feeds with last poll, status, error, next poll.
    Feeds {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long)]
        json: bool,
    },
    /// Pending (or dead-lettered) webhook deliveries; `outbox retry ID|--all`.
    Outbox {
        #[command(subcommand)]
        action: Option<OutboxAction>,
        /// Show dead-lettered deliveries.
        #[arg(long)]
        dead: bool,
        #[command(flatten)]
        config: ConfigArg,
        #[arg(long)]
        json: bool,
    },
    /// Add the feeds of an OPML file to the config file's [[feed]] list.
    ImportOpml {
        file: PathBuf,
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Print the configured feeds as OPML 2.0.
    ExportOpml(ConfigArg),
    /// Online backup of the database to PATH.
    Backup {
        path: PathBuf,
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Control claims for JSON lines `{"id","text","lang"?}` (stdin when FILE is absent).
    Claims {
        /// Watchlist file ([[actor]] and [[facility]] tables).
        #[arg(long)]
        watchlist: PathBuf,
        file: Option<PathBuf>,
    },
    /// Print the article extracted from a page (file, .gz file or URL).
    Extract {
        /// One URL or file; with --jsonl, any number of files.
        #[arg(required = true)]
        targets: Vec<String>,
        /// One JSON line per file: {"file","title","published","url","text"}.
        #[arg(long)]
        jsonl: bool,
        /// The whole article as JSON.
        #[arg(long, conflicts_with = "jsonl")]
        json: bool,
    },
    /// What marsad reads from a feed (file or URL): entries and repair steps.
    Inspect {
        target: String,
        /// `{"entries": [...], "warnings": [...]}`
        #[arg(long)]
        json: bool,
    },
    /// Offline end-to-end run on a bundled scenario, printing the alerts.
    Demo {
        /// Pause between passes, in milliseconds.
        #[arg(long, default_value_t = 300)]
        pause_ms: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxAction {
    /// Put dead-lettered deliveries back in the queue.
    Retry {
        id: Option<i64>,
        #[arg(long)]
        all: bool,
    },
}

/// Exit codes.
pub mod exit {
    pub const OK: i32 = 0;
    /// Configuration problems.
    pub const CONFIG: i32 = 1;
    /// Clean error on input (inspect), per the contract.
    pub const INPUT: i32 = 2;
    /// Storage errors.
    pub const STORAGE: i32 = 3;
}

/// Loads the config or prints its problems.
pub fn load_config(arg: &ConfigArg) -> std::result::Result<Config, i32> {
    let path = arg.path();
    config::load(&path).map_err(|e| {
        for p in e.problems() {
            eprintln!("{p}");
        }
        exit::CONFIG
    })
}

pub fn open_store(cfg: &Config) -> Result<Arc<Store>> {
    Ok(Arc::new(Store::open(&cfg.storage.path).with_context(
        || format!("opening {}", cfg.storage.path.display()),
    )?))
}

/// Runs a command; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::CheckConfig(c) => check_config(&c.path()),
        Command::Run(c) => {
            let path = c.path();
            with_config(&c, |cfg| runtime()?.block_on(run_daemon(cfg, path)))
        }
        Command::Once { config, json } => {
            with_config(&config, |cfg| runtime()?.block_on(once(cfg, json)))
        }
        Command::History { url, config, json } => {
            with_config(&config, |cfg| ops::history(&cfg, &url, json))
        }
        Command::Page {
            url,
            version,
            config,
        } => with_config(&config, |cfg| ops::page(&cfg, &url, version)),
        Command::Diff {
            url,
            from,
            to,
            config,
            json,
        } => with_config(&config, |cfg| ops::diff(&cfg, &url, from, to, json)),
        Command::State { config, json } => with_config(&config, |cfg| ops::state(&cfg, json)),
        Command::Feeds { config, json } => with_config(&config, |cfg| ops::feeds(&cfg, json)),
        Command::Outbox {
            action,
            dead,
            config,
            json,
        } => with_config(&config, |cfg| ops::outbox(&cfg, action, dead, json)),
        Command::ImportOpml { file, config } => match ops::import_opml(&config.path(), &file) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("error: {e:#}");
                exit::INPUT
            }
        },
        Command::ExportOpml(c) => with_config(&c, |cfg| ops::export_opml(&cfg)),
        Command::Backup { path, config } => with_config(&config, |cfg| ops::backup(&cfg, &path)),
        Command::Claims { watchlist, file } => claims(&watchlist, file.as_deref()),
        Command::Inspect { target, json } => inspect(&target, json),
        Command::Extract {
            targets,
            jsonl,
            json,
        } => extract(&targets, jsonl, json),
        Command::Demo { pause_ms } => match runtime()
            .and_then(|rt| rt.block_on(demo::run(std::time::Duration::from_millis(pause_ms))))
        {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("error: {e:#}");
                exit::STORAGE
            }
        },
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn with_config(arg: &ConfigArg, f: impl FnOnce(Config) -> Result<i32>) -> i32 {
    let cfg = match load_config(arg) {
        Ok(c) => c,
        Err(code) => return code,
    };
    crate::logging::init(&cfg.log);
    match f(cfg) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            exit::STORAGE
        }
    }
}

fn claims(watchlist: &Path, file: Option<&Path>) -> i32 {
    let wl = match crate::detect::Watchlist::load(watchlist) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}");
            return exit::CONFIG;
        }
    };
    let detector = crate::detect::Detector::new(wl);
    let stdout = std::io::stdout();
    let out = std::io::BufWriter::new(stdout.lock());
    let result = match file {
        Some(p) => match std::fs::File::open(p) {
            Ok(f) => crate::detect::jsonl::run(std::io::BufReader::new(f), out, &detector),
            Err(e) => {
                eprintln!("{}: {e}", p.display());
                return exit::INPUT;
            }
        },
        None => crate::detect::jsonl::run(std::io::stdin().lock(), out, &detector),
    };
    match result {
        Ok(_) => exit::OK,
        Err(e) => {
            eprintln!(
                "{}: {e}",
                file.map(|p| p.display().to_string())
                    .unwrap_or_else(|| "stdin".into())
            );
            exit::INPUT
        }
    }
}

/// A page or feed read for a command: bytes, content type, final URL.
type Fetched = (Vec<u8>, Option<String>, Option<url::Url>);

/// Reads a file, or fetches a URL with the default client settings.
/// Returns (bytes, content type, base URL).
fn read_target(target: &str) -> std::result::Result<Fetched, String> {
    if target.starts_with("http://") || target.starts_with("https://") {
        let url = url::Url::parse(target).map_err(|e| format!("{target}: {e}"))?;
        let cfg = config::parse("", "(defaults)", None).map_err(|e| e.to_string())?;
        let rt = runtime().map_err(|e| e.to_string())?;
        rt.block_on(async {
            let f = crate::fetch::Fetcher::new(&cfg.fetch, &cfg.poll).map_err(|e| e.to_string())?;
            let r = f
                .get(&crate::fetch::Request::get(url, true))
                .await
                .map_err(|e| e.to_string())?;
            Ok((r.body, r.content_type, Some(r.url)))
        })
    } else {
        let path = Path::new(target);
        let bytes = std::fs::read(path).map_err(|e| format!("{target}: {e}"))?;
        let bytes = if target.ends_with(".gz") {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut out)
                .map_err(|e| format!("{target}: not gzip: {e}"))?;
            out
        } else {
            bytes
        };
        Ok((bytes, None, None))
    }
}

fn extract(targets: &[String], jsonl: bool, json: bool) -> i32 {
    if jsonl {
        let files: Vec<PathBuf> = targets.iter().map(PathBuf::from).collect();
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        return match crate::extract::jsonl::run(&files, &mut out) {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("writing output: {e}");
                exit::INPUT
            }
        };
    }
    let mut code = exit::OK;
    for target in targets {
        let (bytes, ct, url) = match read_target(target) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("{e}");
                code = exit::INPUT;
                continue;
            }
        };
        let article = crate::extract::extract_bytes(&bytes, ct.as_deref(), url.as_ref());
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&article).unwrap_or_default()
            );
        } else {
            print!("{}", crate::extract::render_text(&article));
        }
        if article.paragraphs.is_empty() {
            eprintln!("{target}: no article text found");
            code = exit::INPUT;
        }
    }
    code
}

fn inspect(target: &str, json: bool) -> i32 {
    let (bytes, ct, base) = match read_target(target) {
        Ok(x) => x,
        Err(e) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({"entries": [], "warnings": [], "error": e})
                );
            } else {
                eprintln!("{e}");
            }
            return exit::INPUT;
        }
    };
    let result = crate::feed::parse(&bytes, ct.as_deref(), base.as_ref());
    if json {
        println!("{}", crate::feed::inspect::to_json(&result));
    } else {
        print!("{}", crate::feed::inspect::to_text(&result));
    }
    crate::feed::inspect::exit_code(&result)
}

fn check_config(path: &Path) -> i32 {
    match config::load(path) {
        Ok(cfg) => {
            println!(
                "{}: ok ({} feeds, {} webhooks, {} actors, {} facilities; database {})",
                path.display(),
                cfg.feeds.len(),
                cfg.webhooks.len(),
                cfg.watchlist.actors.len(),
                cfg.watchlist.facilities.len(),
                cfg.storage.path.display()
            );
            exit::OK
        }
        Err(e) => {
            let problems = e.problems();
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!(
                "{} problem{} found",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            exit::CONFIG
        }
    }
}

async fn once(cfg: Config, json: bool) -> Result<i32> {
    let store = open_store(&cfg)?;
    store.sync_feeds(&cfg.feeds, crate::clock::now_ms())?;
    let ctx = Context::new(Arc::new(cfg), store.clone())?;
    let dispatcher = ctx.dispatcher().map_err(anyhow::Error::msg)?;
    let report = crate::pipeline::run_pass(&ctx, &dispatcher).await?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "{} feeds ({} not modified, {} failed), {} articles visited, {} new versions, {} events, {} delivered, {} delivery failures",
            report.feeds, report.not_modified, report.feed_errors, report.articles_visited, report.versions, report.events, report.delivered, report.delivery_failures
        );
    }
    store.checkpoint()?;
    Ok(exit::OK)
}

async fn run_daemon(cfg: Config, path: PathBuf) -> Result<i32> {
    let store = open_store(&cfg)?;
    let ctx = Context::new(Arc::new(cfg), store)?;
    let shutdown = Shutdown::new();
    let opts = crate::daemon::Options {
        config_path: Some(path),
        reload: Arc::new(tokio::sync::Notify::new()),
    };
    let sd = shutdown.clone();
    tokio::spawn(async move {
        wait_for_stop_signal().await;
        tracing::info!("stop signal received");
        sd.trigger();
    });
    #[cfg(unix)]
    {
        let reload = opts.reload.clone();
        if let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        {
            tokio::spawn(async move {
                while hup.recv().await.is_some() {
                    tracing::info!("SIGHUP: reloading the config");
                    reload.notify_one();
                }
            });
        }
    }
    crate::daemon::run(ctx, shutdown, opts).await?;
    Ok(exit::OK)
}

async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
