//! Configuration: the TOML file → a validated [`Config`].
//!
//! Owns the file format of design §3. Every problem is reported with the file,
//! the line and the key (`marsad check-config` prints them all, not just the
//! first), unknown keys are errors, and secrets never appear in `Debug`.

use crate::detect::Watchlist;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml_edit::{Document, Item, Table, Value};
use url::Url;

/// Event types marsad raises (design §6).
pub const EVENT_TYPES: &[&str] = &[
    "article.updated",
    "article.reverted",
    "control.changed",
    "control.disputed",
    "feed.failing",
    "feed.recovered",
];

#[derive(Debug, Clone)]
pub struct Config {
    /// The file this came from (None for inline/test configs).
    pub source: Option<PathBuf>,
    pub storage: StorageConfig,
    pub poll: PollConfig,
    pub fetch: FetchConfig,
    pub delivery: DeliveryConfig,
    pub versions: VersionsConfig,
    pub http: Option<HttpConfig>,
    pub log: LogConfig,
    pub feeds: Vec<FeedConfig>,
    pub watchlist: Watchlist,
    pub webhooks: Vec<WebhookConfig>,
}

#[derive(Debug, Clone)]
pub struct StorageConfig {
    pub path: PathBuf,
}

#[derive(Debug, Clone)]
pub struct PollConfig {
    pub interval: Duration,
    pub concurrency: usize,
    pub per_host: usize,
    pub user_agent: String,
    pub revisit: Vec<Duration>,
    pub failing_after: Duration,
}

#[derive(Debug, Clone)]
pub struct FetchConfig {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_body: u64,
    pub max_redirects: usize,
    pub allow_private_networks: bool,
}

#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    pub max_age: Duration,
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct VersionsConfig {
    pub alert_on_revert: bool,
    pub min_keep_ratio: f64,
    /// Delay before re-fetching a page that looks partially loaded.
    pub recheck_delay: Duration,
}

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub listen: SocketAddr,
}

#[derive(Debug, Clone, Default)]
pub struct LogConfig {
    /// A tracing filter ("info", "marsad=debug"); `RUST_LOG` wins when set.
    pub level: Option<String>,
    pub json: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeedConfig {
    pub url: Url,
    pub name: Option<String>,
    pub lang: Option<String>,
    pub interval: Option<Duration>,
    /// Folder path for OPML export ("News/Syria").
    pub category: Option<String>,
}

#[derive(Clone, PartialEq)]
pub struct Secret(pub Vec<u8>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Secret {
    /// A `whsec_<base64>` secret is the decoded key; any other string is used as UTF-8 bytes.
    pub fn parse(s: &str) -> Result<Secret, String> {
        use base64::Engine;
        match s.strip_prefix("whsec_") {
            Some(b64) => base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map(Secret)
                .map_err(|e| format!("whsec_ secret is not valid base64: {e}")),
            None if s.is_empty() => Err("secret is empty".into()),
            None => Ok(Secret(s.as_bytes().to_vec())),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WebhookConfig {
    pub url: Url,
    pub secret: Option<Secret>,
    /// Event types sent to this hook; None = all.
    pub events: Option<Vec<String>>,
}

impl WebhookConfig {
    pub fn wants(&self, event_type: &str) -> bool {
        self.events
            .as_ref()
            .is_none_or(|e| e.iter().any(|t| t == event_type))
    }
}

impl Config {
    pub fn feed_interval(&self, f: &FeedConfig) -> Duration {
        f.interval.unwrap_or(self.poll.interval)
    }
}

/// One problem in a configuration file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub key: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}: {}", self.file, l, self.key, self.message),
            None => write!(f, "{}: {}: {}", self.file, self.key, self.message),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}: cannot read: {1}")]
    Io(String, std::io::Error),
    #[error("{}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

impl ConfigError {
    pub fn problems(&self) -> Vec<String> {
        match self {
            ConfigError::Io(..) => vec![self.to_string()],
            ConfigError::Invalid(p) => p.iter().map(|p| p.to_string()).collect(),
        }
    }
}

/// Default config path: `$MARSAD_CONFIG`, else `/etc/marsad/marsad.toml`.
pub fn default_path() -> PathBuf {
    std::env::var_os("MARSAD_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/etc/marsad/marsad.toml"))
}

/// Loads and validates a config file (and the watchlist it points to).
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::Io(path.display().to_string(), e))?;
    let mut cfg = parse(&text, &path.display().to_string(), path.parent())?;
    cfg.source = Some(path.to_path_buf());
    Ok(cfg)
}

/// Parses config text. `base_dir` resolves relative paths (watchlist, secret files).
pub fn parse(text: &str, file: &str, base_dir: Option<&Path>) -> Result<Config, ConfigError> {
    let mut r = Reader {
        text,
        file,
        problems: Vec::new(),
    };
    let doc = match Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let line = e.span().map(|s| r.line_of(s.start));
            r.problems.push(Problem {
                file: file.into(),
                line,
                key: "(syntax)".into(),
                message: e.message().trim().to_string(),
            });
            return Err(ConfigError::Invalid(r.problems));
        }
    };
    let root = doc.as_table();
    r.check_keys(
        root,
        "",
        &[
            "storage",
            "poll",
            "fetch",
            "delivery",
            "versions",
            "http",
            "log",
            "feed",
            "watchlist",
            "webhook",
            "actor",
            "facility",
        ],
    );

    let state_dir = std::env::var_os("STATE_DIRECTORY")
        .map(|d| PathBuf::from(d.to_string_lossy().split(':').next().unwrap_or_default()));
    let default_db = state_dir
        .map(|d| d.join("marsad.db"))
        .unwrap_or_else(|| PathBuf::from("marsad.db"));

    let t = r.table(root, "storage");
    let storage = StorageConfig {
        path: r
            .string(t, "storage", "path")
            .map(|p| resolve(base_dir, &p))
            .unwrap_or(default_db),
    };
    if let Some(t) = t {
        r.check_keys(t, "storage", &["path"]);
    }

    let t = r.table(root, "poll");
    if let Some(t) = t {
        r.check_keys(
            t,
            "poll",
            &[
                "interval",
                "concurrency",
                "per_host",
                "user_agent",
                "revisit",
                "failing_after",
            ],
        );
    }
    let poll = PollConfig {
        interval: r
            .duration(t, "poll", "interval")
            .unwrap_or(Duration::from_secs(300)),
        concurrency: r.positive(t, "poll", "concurrency").unwrap_or(16),
        per_host: r.positive(t, "poll", "per_host").unwrap_or(2),
        user_agent: r.string(t, "poll", "user_agent").unwrap_or_else(|| {
            format!(
                "marsad/{} (+https://github.com/marsad)",
                env!("CARGO_PKG_VERSION")
            )
        }),
        revisit: r.durations(t, "poll", "revisit").unwrap_or_else(|| {
            ["10m", "30m", "2h", "6h", "24h"]
                .iter()
                .filter_map(|d| parse_duration(d).ok())
                .collect()
        }),
        failing_after: r
            .duration(t, "poll", "failing_after")
            .unwrap_or(Duration::from_secs(24 * 3600)),
    };

    let t = r.table(root, "fetch");
    if let Some(t) = t {
        r.check_keys(
            t,
            "fetch",
            &[
                "timeout",
                "connect_timeout",
                "max_body",
                "max_redirects",
                "allow_private_networks",
            ],
        );
    }
    let fetch = FetchConfig {
        timeout: r
            .duration(t, "fetch", "timeout")
            .unwrap_or(Duration::from_secs(20)),
        connect_timeout: r
            .duration(t, "fetch", "connect_timeout")
            .unwrap_or(Duration::from_secs(10)),
        max_body: r.size(t, "fetch", "max_body").unwrap_or(8 << 20),
        max_redirects: r
            .integer(t, "fetch", "max_redirects")
            .map(|n| n.max(0) as usize)
            .unwrap_or(5),
        allow_private_networks: r
            .boolean(t, "fetch", "allow_private_networks")
            .unwrap_or(false),
    };

    let t = r.table(root, "delivery");
    if let Some(t) = t {
        r.check_keys(
            t,
            "delivery",
            &["initial_backoff", "max_backoff", "max_age", "timeout"],
        );
    }
    let delivery = DeliveryConfig {
        initial_backoff: r
            .duration(t, "delivery", "initial_backoff")
            .unwrap_or(Duration::from_secs(5)),
        max_backoff: r
            .duration(t, "delivery", "max_backoff")
            .unwrap_or(Duration::from_secs(3600)),
        max_age: r
            .duration(t, "delivery", "max_age")
            .unwrap_or(Duration::from_secs(72 * 3600)),
        timeout: r
            .duration(t, "delivery", "timeout")
            .unwrap_or(Duration::from_secs(10)),
    };

    let t = r.table(root, "versions");
    if let Some(t) = t {
        r.check_keys(
            t,
            "versions",
            &["alert_on_revert", "min_keep_ratio", "recheck_delay"],
        );
    }
    let versions = VersionsConfig {
        alert_on_revert: r.boolean(t, "versions", "alert_on_revert").unwrap_or(false),
        min_keep_ratio: r.float(t, "versions", "min_keep_ratio").unwrap_or(0.5),
        recheck_delay: r
            .duration(t, "versions", "recheck_delay")
            .unwrap_or(Duration::from_secs(5)),
    };

    let t = r.table(root, "http");
    let http = t.and_then(|t| {
        r.check_keys(t, "http", &["listen"]);
        let s = r.string(Some(t), "http", "listen")?;
        match s.parse::<SocketAddr>() {
            Ok(listen) => Some(HttpConfig { listen }),
            Err(_) => {
                r.problem(
                    t.get("listen"),
                    "http.listen",
                    format!("{s:?} is not an address like \"127.0.0.1:9187\""),
                );
                None
            }
        }
    });

    let t = r.table(root, "log");
    if let Some(t) = t {
        r.check_keys(t, "log", &["level", "format"]);
    }
    let log = LogConfig {
        level: r.string(t, "log", "level"),
        json: match r.string(t, "log", "format").as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => {
                r.problem(
                    t.and_then(|t| t.get("format")),
                    "log.format",
                    format!("{other:?}: expected \"text\" or \"json\""),
                );
                false
            }
        },
    };

    let mut feeds = Vec::new();
    for (i, t) in r.array_of_tables(root, "feed").into_iter().enumerate() {
        let key = format!("feed[{i}]");
        r.check_keys(t, &key, &["url", "name", "lang", "interval", "category"]);
        let url = r.url(t, &key, "url", true);
        let f = FeedConfig {
            url: url
                .clone()
                .unwrap_or_else(|| Url::parse("http://invalid/").expect("static URL")),
            name: r.string(Some(t), &key, "name"),
            lang: r.string(Some(t), &key, "lang"),
            interval: r.duration(Some(t), &key, "interval"),
            category: r.string(Some(t), &key, "category"),
        };
        if let Some(u) = url {
            if feeds.iter().any(|o: &FeedConfig| o.url == u) {
                r.problem(
                    t.get("url"),
                    &format!("{key}.url"),
                    format!("{u} is listed twice"),
                );
            }
            feeds.push(f);
        }
    }

    let mut webhooks = Vec::new();
    for (i, t) in r.array_of_tables(root, "webhook").into_iter().enumerate() {
        let key = format!("webhook[{i}]");
        r.check_keys(t, &key, &["url", "secret", "secret_file", "events"]);
        let url = r.url(t, &key, "url", true);
        let secret = match (
            r.string(Some(t), &key, "secret"),
            r.string(Some(t), &key, "secret_file"),
        ) {
            (Some(_), Some(_)) => {
                r.problem(
                    t.get("secret_file"),
                    &format!("{key}.secret_file"),
                    "give either secret or secret_file, not both".into(),
                );
                None
            }
            (Some(s), None) => Secret::parse(&s)
                .map_err(|m| r.problem(t.get("secret"), &format!("{key}.secret"), m))
                .ok(),
            (None, Some(p)) => {
                let path = resolve(base_dir, &p);
                match std::fs::read_to_string(&path) {
                    Ok(s) => Secret::parse(s.trim())
                        .map_err(|m| {
                            r.problem(
                                t.get("secret_file"),
                                &format!("{key}.secret_file"),
                                format!("{}: {m}", path.display()),
                            )
                        })
                        .ok(),
                    Err(e) => {
                        r.problem(
                            t.get("secret_file"),
                            &format!("{key}.secret_file"),
                            format!("cannot read {}: {e}", path.display()),
                        );
                        None
                    }
                }
            }
            (None, None) => None,
        };
        let events = r.strings(Some(t), &key, "events");
        if let Some(evs) = &events {
            for e in evs {
                if !EVENT_TYPES.contains(&e.as_str()) {
                    r.problem(
                        t.get("events"),
                        &format!("{key}.events"),
                        format!(
                            "unknown event type {e:?}; known: {}",
                            EVENT_TYPES.join(", ")
                        ),
                    );
                }
            }
        }
        if let Some(url) = url {
            webhooks.push(WebhookConfig {
                url,
                secret,
                events,
            });
        }
    }

    // Watchlist: a file, inline [[actor]]/[[facility]], or both (merged).
    let mut watchlist = Watchlist::default();
    if let Some(t) = r.table(root, "watchlist") {
        r.check_keys(t, "watchlist", &["path"]);
        if let Some(p) = r.string(Some(t), "watchlist", "path") {
            let path = resolve(base_dir, &p);
            match Watchlist::load(&path) {
                Ok(w) => watchlist = w,
                Err(e) => r.problem(t.get("path"), "watchlist.path", e.to_string()),
            }
        }
    }
    if root.contains_key("actor") || root.contains_key("facility") {
        let mut inline = toml_edit::DocumentMut::new();
        for k in ["actor", "facility"] {
            if let Some(item) = root.get(k) {
                inline.insert(k, item.clone());
            }
        }
        match Watchlist::from_toml_str(&inline.to_string(), &format!("{file} (inline watchlist)")) {
            Ok(w) => {
                watchlist.actors.extend(w.actors);
                watchlist.facilities.extend(w.facilities);
                if let Err(e) = watchlist.validate(file) {
                    r.problem(
                        root.get("facility").or(root.get("actor")),
                        "watchlist",
                        e.to_string(),
                    );
                }
            }
            Err(e) => r.problem(
                root.get("facility").or(root.get("actor")),
                "actor/facility",
                e.to_string(),
            ),
        }
    }

    if r.problems.is_empty() {
        Ok(Config {
            source: None,
            storage,
            poll,
            fetch,
            delivery,
            versions,
            http,
            log,
            feeds,
            watchlist,
            webhooks,
        })
    } else {
        Err(ConfigError::Invalid(r.problems))
    }
}

fn resolve(base: Option<&Path>, p: &str) -> PathBuf {
    let path = PathBuf::from(p);
    match base {
        Some(b) if path.is_relative() => b.join(path),
        _ => path,
    }
}

/// Parses "90s", "5m", "2h", "1d", "500ms", or combinations like "1h30m".
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty duration".into());
    }
    let mut total = Duration::ZERO;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!(
                "{s:?} is not a duration like \"90s\", \"5m\", \"2h\""
            ));
        }
        let n: u64 = rest[..digits]
            .parse()
            .map_err(|_| format!("{s:?}: number too large"))?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let d = match unit.trim() {
            "ms" => Duration::from_millis(n),
            "s" | "sec" => Duration::from_secs(n),
            "m" | "min" => Duration::from_secs(n * 60),
            "h" => Duration::from_secs(n * 3600),
            "d" => Duration::from_secs(n * 86400),
            "" => return Err(format!("{s:?}: missing unit (ms, s, m, h, d)")),
            u => return Err(format!("{s:?}: unknown unit {u:?} (ms, s, m, h, d)")),
        };
        total += d;
    }
    Ok(total)
}

/// Parses "8MiB", "512KiB", "1000000", "2MB".
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: u64 = s[..digits]
        .parse()
        .map_err(|_| format!("{s:?} is not a size like \"8MiB\""))?;
    let mult = match s[digits..].trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "KB" | "kB" => 1000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        u => {
            return Err(format!(
                "{s:?}: unknown unit {u:?} (B, KiB, MiB, GiB, KB, MB, GB)"
            ))
        }
    };
    Ok(n * mult)
}

/// Collects problems while reading typed values out of the document.
struct Reader<'a> {
    text: &'a str,
    file: &'a str,
    problems: Vec<Problem>,
}

impl<'a> Reader<'a> {
    fn line_of(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    fn problem(&mut self, item: Option<&Item>, key: &str, message: String) {
        let line = item.and_then(|i| i.span()).map(|s| self.line_of(s.start));
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            key: key.to_string(),
            message,
        });
    }

    fn check_keys(&mut self, t: &Table, prefix: &str, known: &[&str]) {
        for (k, _) in t.iter() {
            if !known.contains(&k) {
                let line = t
                    .key(k)
                    .and_then(|k| k.span())
                    .map(|s| self.line_of(s.start));
                let key = if prefix.is_empty() {
                    k.to_string()
                } else {
                    format!("{prefix}.{k}")
                };
                self.problems.push(Problem {
                    file: self.file.to_string(),
                    line,
                    key,
                    message: format!("unknown key; expected one of: {}", known.join(", ")),
                });
            }
        }
    }

    fn table<'t>(&mut self, root: &'t Table, name: &str) -> Option<&'t Table> {
        match root.get(name)? {
            Item::Table(t) => Some(t),
            other => {
                self.problem(
                    Some(other),
                    name,
                    "expected a table ([".to_string() + name + "])",
                );
                None
            }
        }
    }

    fn array_of_tables<'t>(&mut self, root: &'t Table, name: &str) -> Vec<&'t Table> {
        match root.get(name) {
            None => Vec::new(),
            Some(Item::ArrayOfTables(a)) => a.iter().collect(),
            Some(other) => {
                self.problem(Some(other), name, format!("expected [[{name}]] tables"));
                Vec::new()
            }
        }
    }

    fn value<'t>(&mut self, t: Option<&'t Table>, key: &str) -> Option<(&'t Item, &'t Value)> {
        let item = t?.get(key)?;
        item.as_value().map(|v| (item, v))
    }

    fn string(&mut self, t: Option<&Table>, prefix: &str, key: &str) -> Option<String> {
        let (item, v) = self.value(t, key)?;
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.problem(
                    Some(item),
                    &format!("{prefix}.{key}"),
                    "expected a string".into(),
                );
                None
            }
        }
    }

    fn strings(&mut self, t: Option<&Table>, prefix: &str, key: &str) -> Option<Vec<String>> {
        let (item, v) = self.value(t, key)?;
        match v.as_array().map(|a| {
            a.iter()
                .map(|x| x.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        }) {
            Some(Some(v)) => Some(v),
            _ => {
                self.problem(
                    Some(item),
                    &format!("{prefix}.{key}"),
                    "expected an array of strings".into(),
                );
                None
            }
        }
    }

    fn duration(&mut self, t: Option<&Table>, prefix: &str, key: &str) -> Option<Duration> {
        let item = t?.get(key)?;
        let s = self.string(t, prefix, key)?;
        match parse_duration(&s) {
            Ok(d) if d > Duration::ZERO => Some(d),
            Ok(_) => {
                self.problem(
                    Some(item),
                    &format!("{prefix}.{key}"),
                    "must be greater than zero".into(),
                );
                None
            }
            Err(m) => {
                self.problem(Some(item), &format!("{prefix}.{key}"), m);
                None
            }
        }
    }

    fn durations(&mut self, t: Option<&Table>, prefix: &str, key: &str) -> Option<Vec<Duration>> {
        let item = t?.get(key)?;
        let v = self.strings(t, prefix, key)?;
        let mut out = Vec::new();
        for s in v {
            match parse_duration(&s) {
                Ok(d) => out.push(d),
                Err(m) => self.problem(Some(item), &format!("{prefix}.{key}"), m),
            }
        }
        Some(out)
    }

    fn size(&mut self, t: Option<&Table>, prefix: &str, key: &str) -> Option<u64> {
        let (item, v) = self.value(t, key)?;
        let r = match (v.as_integer(), v.as_str()) {
            (Some(n), _) if n > 0 => Ok(n as u64),
            (_, Some(s)) => parse_size(s),
            _ => Err("expected a size like \"8MiB\"".into()),
        };
        r.map_err(|m| self.problem(Some(item), &format!("{prefix}.{key}"), m))
            .ok()
    }

    fn integer(&mut self, t: Option<&Table>, prefix: &str, key: &str) -> Option<i64> {
        let (item, v) = self.value(t, key)?;
        match v.as_integer() {
            Some(n) if n >= 0 => Some(n),
            _ => {
                self.problem(
                    Some(item),
                    &format!("{prefix}.{key}"),
                    "expected a non-negative integer".into(),
                );
                None
            }
        }
    }

    fn positive(&mut self, t: Option<&Table>, prefix: &str, key: &str) -> Option<usize> {
        let item = t?.get(key)?;
        match self.integer(t, prefix, key)? {
            0 => {
                self.problem(
                    Some(item),
                    &format!("{prefix}.{key}"),
                    "must be at least 1".into(),
                );
                None
            }
            n => Some(n as usize),
        }
    }

    fn float(&mut self, t: Option<&Table>, prefix: &str, key: &str) -> Option<f64> {
        let (item, v) = self.value(t, key)?;
        match v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) {
            Some(f) if (0.0..=1.0).contains(&f) => Some(f),
            _ => {
                self.problem(
                    Some(item),
                    &format!("{prefix}.{key}"),
                    "expected a number between 0 and 1".into(),
                );
                None
            }
        }
    }

    fn boolean(&mut self, t: Option<&Table>, prefix: &str, key: &str) -> Option<bool> {
        let (item, v) = self.value(t, key)?;
        match v.as_bool() {
            Some(b) => Some(b),
            None => {
                self.problem(
                    Some(item),
                    &format!("{prefix}.{key}"),
                    "expected true or false".into(),
                );
                None
            }
        }
    }

    fn url(&mut self, t: &Table, prefix: &str, key: &str, required: bool) -> Option<Url> {
        let full = format!("{prefix}.{key}");
        let Some(s) = self.string(Some(t), prefix, key) else {
            if required && !t.contains_key(key) {
                let line = t.span().map(|s| self.line_of(s.start));
                self.problems.push(Problem {
                    file: self.file.to_string(),
                    line,
                    key: full,
                    message: "missing (required)".into(),
                });
            }
            return None;
        };
        match Url::parse(&s) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Some(u),
            Ok(u) => {
                self.problem(
                    t.get(key),
                    &full,
                    format!("{s:?}: scheme {:?} is not http or https", u.scheme()),
                );
                None
            }
            Err(e) => {
                self.problem(t.get(key), &full, format!("{s:?} is not a URL: {e}"));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_size("8MiB"), Ok(8 << 20));
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("5").is_err());
    }

    #[test]
    fn every_problem_is_reported_with_line_and_key() {
        let text = "[storage]\npath = \"x.db\"\ncolour = 1\n\n[[feed]]\nurl = \"ftp://x\"\n\n[[feed]]\nname = \"no url\"\n\n[delivery]\ninitial_backoff = \"soon\"\n";
        let err = parse(text, "m.toml", None).unwrap_err();
        let p = err.problems();
        assert!(
            p.iter()
                .any(|p| p.starts_with("m.toml:3: storage.colour: unknown key")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|p| p.starts_with("m.toml:6: feed[0].url")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|p| p.contains("feed[1].url: missing")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|p| p.starts_with("m.toml:12: delivery.initial_backoff")),
            "{p:?}"
        );
        assert_eq!(p.len(), 4, "{p:?}");
    }

    #[test]
    fn secrets_are_redacted_and_whsec_is_base64() {
        let cfg = parse(
            "[[webhook]]\nurl = \"http://127.0.0.1:1/h\"\nsecret = \"whsec_aGVsbG8=\"\n",
            "t",
            None,
        )
        .unwrap();
        assert_eq!(cfg.webhooks[0].secret.as_ref().unwrap().0, b"hello");
        assert!(!format!("{cfg:?}").contains("aGVsbG8"));
        assert!(!format!("{cfg:?}").contains("hello"));
    }

    #[test]
    fn inline_watchlist() {
        let cfg = parse("[[actor]]\nid = \"a\"\nnames = [\"A\"]\n[[facility]]\nid = \"f\"\nkind = \"dam\"\nnames = [\"F dam\"]\ncontroller = \"a\"\n", "t", None).unwrap();
        assert_eq!(cfg.watchlist.facilities[0].controller.as_deref(), Some("a"));
    }
}
