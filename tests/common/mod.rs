//! Shared test helpers: a programmable loopback website, a webhook receiver
//! that checks every signature, temp configs, and running the real binary.
#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A background tokio runtime for the servers, so tests stay synchronous and
/// can run the `marsad` binary as a child process.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    })
}

#[derive(Clone, Debug)]
pub struct Page {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    /// Serve with this ETag and answer 304 to a matching If-None-Match.
    pub etag: Option<String>,
    pub headers: Vec<(String, String)>,
}

impl Page {
    pub fn new(content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Page {
            status: 200,
            content_type: content_type.into(),
            body: body.into(),
            etag: None,
            headers: Vec::new(),
        }
    }
    pub fn rss(body: &str) -> Self {
        Self::new("application/rss+xml; charset=utf-8", body)
    }
    pub fn html(body: &str) -> Self {
        Self::new("text/html; charset=utf-8", body)
    }
    pub fn status(code: u16) -> Self {
        Page {
            status: code,
            ..Self::new("text/plain", "error")
        }
    }
    pub fn with_etag(mut self, etag: &str) -> Self {
        self.etag = Some(etag.into());
        self
    }
}

#[derive(Default)]
struct SiteState {
    pages: HashMap<String, Page>,
    /// Served once each, before `pages`.
    queued: HashMap<String, std::collections::VecDeque<Page>>,
    hits: Vec<(String, HeaderMap)>,
    not_modified: usize,
}

/// A website on loopback whose pages the test changes between passes.
#[derive(Clone)]
pub struct Site {
    pub addr: SocketAddr,
    state: Arc<Mutex<SiteState>>,
}

async fn serve_page(
    State(st): State<Arc<Mutex<SiteState>>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let mut st = st.lock().unwrap();
    st.hits.push((path.clone(), headers.clone()));
    let queued = st.queued.get_mut(&path).and_then(|q| q.pop_front());
    let Some(page) = queued.or_else(|| {
        st.pages
            .get(&path)
            .or_else(|| st.pages.get(uri.path()))
            .cloned()
    }) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    if let (Some(etag), Some(inm)) = (&page.etag, headers.get("if-none-match")) {
        if inm.to_str().ok() == Some(etag.as_str()) {
            st.not_modified += 1;
            return StatusCode::NOT_MODIFIED.into_response();
        }
    }
    let mut resp = (
        StatusCode::from_u16(page.status).unwrap(),
        page.body.clone(),
    )
        .into_response();
    resp.headers_mut()
        .insert("content-type", page.content_type.parse().unwrap());
    if let Some(e) = &page.etag {
        resp.headers_mut().insert("etag", e.parse().unwrap());
    }
    for (k, v) in &page.headers {
        resp.headers_mut().insert(
            axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    resp
}

impl Site {
    pub fn start() -> Site {
        let state: Arc<Mutex<SiteState>> = Arc::default();
        let app = axum::Router::new()
            .fallback(serve_page)
            .with_state(state.clone());
        let listener = runtime()
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        runtime().spawn(async move { axum::serve(listener, app).await });
        Site { addr, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn set(&self, path: &str, page: Page) {
        self.state
            .lock()
            .unwrap()
            .pages
            .insert(path.to_string(), page);
    }

    /// Serves `page` for the next request of `path` only.
    pub fn set_once(&self, path: &str, page: Page) {
        self.state
            .lock()
            .unwrap()
            .queued
            .entry(path.to_string())
            .or_default()
            .push_back(page);
    }

    pub fn remove(&self, path: &str) {
        self.state.lock().unwrap().pages.remove(path);
    }

    pub fn hits(&self, path: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .hits
            .iter()
            .filter(|(p, _)| p == path)
            .count()
    }

    /// Request headers of every hit on `path`.
    pub fn requests(&self, path: &str) -> Vec<HeaderMap> {
        self.state
            .lock()
            .unwrap()
            .hits
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, h)| h.clone())
            .collect()
    }

    pub fn not_modified(&self) -> usize {
        self.state.lock().unwrap().not_modified
    }
}

/// One POST the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub id: String,
    pub timestamp: i64,
    pub body: serde_json::Value,
    pub signature_ok: bool,
    pub accepted: bool,
}

impl Received {
    pub fn kind(&self) -> &str {
        self.body["type"].as_str().unwrap_or("")
    }
}

#[derive(Default)]
struct ReceiverState {
    got: Vec<Received>,
    fail_with: Option<u16>,
    delay: Option<Duration>,
}

/// A webhook receiver on loopback that verifies every signature.
#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    secret: Vec<u8>,
    state: Arc<Mutex<ReceiverState>>,
}

async fn receive(
    State((st, secret)): State<(Arc<Mutex<ReceiverState>>, Vec<u8>)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let h = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let id = h("webhook-id");
    let ts: i64 = h("webhook-timestamp").parse().unwrap_or(0);
    let text = String::from_utf8_lossy(&body).to_string();
    let signature_ok =
        marsad::alert::webhook::verify(&secret, &id, ts, &text, &h("webhook-signature"));
    // Recorded on arrival; the answer comes after the configured delay.
    let (status, delay) = {
        let mut st = st.lock().unwrap();
        let status = st.fail_with.unwrap_or(200);
        st.got.push(Received {
            id,
            timestamp: ts,
            body: serde_json::from_str(&text).unwrap_or_default(),
            signature_ok,
            accepted: status < 300,
        });
        (status, st.delay)
    };
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    StatusCode::from_u16(status).unwrap()
}

impl Receiver {
    pub const SECRET: &'static str = "whsec_c2VjcmV0LWZvci10ZXN0cw==";

    pub fn start() -> Receiver {
        let secret = b"secret-for-tests".to_vec();
        let state: Arc<Mutex<ReceiverState>> = Arc::default();
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state((state.clone(), secret.clone()));
        let listener = runtime()
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        runtime().spawn(async move { axum::serve(listener, app).await });
        Receiver {
            addr,
            secret,
            state,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    /// Answer every POST with `status` (None: 200).
    pub fn fail_with(&self, status: Option<u16>) {
        self.state.lock().unwrap().fail_with = status;
    }

    /// Answer every POST only after `delay` (a slow receiver).
    pub fn answer_after(&self, delay: Option<Duration>) {
        self.state.lock().unwrap().delay = delay;
    }

    pub fn all(&self) -> Vec<Received> {
        self.state.lock().unwrap().got.clone()
    }

    /// Accepted deliveries of one event type.
    pub fn accepted(&self, kind: &str) -> Vec<Received> {
        self.all()
            .into_iter()
            .filter(|r| r.accepted && r.kind() == kind)
            .collect()
    }
}

/// A temp dir with a config file and its database.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("marsad.toml")
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("marsad.db")
    }

    /// Writes the config: `body` is appended after `[storage]`.
    pub fn write_config(&self, body: &str) {
        let text = format!(
            "[storage]\npath = \"{}\"\n\n{body}",
            self.db_path().display()
        );
        std::fs::write(self.config_path(), text).unwrap();
    }

    /// Runs `marsad ARGS --config <this config>`.
    pub fn marsad(&self, args: &[&str]) -> Output {
        marsad_with_env(args, &self.config_path(), &[])
    }

    pub fn marsad_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        marsad_with_env(args, &self.config_path(), env)
    }

    /// `marsad once`, asserting success.
    pub fn once(&self) -> Output {
        let out = self.marsad(&["once"]);
        assert!(
            out.status.success(),
            "once failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    pub fn store(&self) -> marsad::store::Store {
        marsad::store::Store::open(&self.db_path()).unwrap()
    }
}

pub fn marsad_with_env(args: &[&str], config: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_marsad"));
    cmd.args(args)
        .arg("--config")
        .arg(config)
        .env("RUST_LOG", "marsad=debug");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Polls `f` until it returns true or `timeout` passes.
pub fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let end = std::time::Instant::now() + timeout;
    while std::time::Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    f()
}

/// An RSS 2.0 feed with (guid, title, link) items.
/// An RSS feed with no items.
pub fn empty_rss(title: &str) -> String {
    rss::<&str, &str, &str>(title, &[])
}

/// An RSS feed of `(guid, title, link)` items (borrowed or owned strings).
pub fn rss<G: AsRef<str>, T: AsRef<str>, L: AsRef<str>>(
    title: &str,
    items: &[(G, T, L)],
) -> String {
    let mut s = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{title}</title><link>http://example.invalid/</link><description>test</description>\n");
    for (guid, t, link) in items {
        s.push_str(&format!(
            "<item><guid>{}</guid><title>{}</title><link>{}</link></item>\n",
            guid.as_ref(),
            t.as_ref(),
            link.as_ref()
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// A news page: navigation, header, the article paragraphs, related links, footer.
pub fn article_page(title: &str, paragraphs: &[&str], boilerplate: &str) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>
<header><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/sport\">Sport</a></nav></header>
<main><article><h1>{title}</h1>
{body}</article></main>
<aside class=\"related\"><h2>Related</h2><ul><li><a href=\"/x\">{boilerplate}</a></li></ul></aside>
<footer><p>Copyright 2026 Example News. {boilerplate}</p></footer>
</body></html>"
    )
}

// ---------------------------------------------------------------------------
// Robustness helpers: redirects, raw TCP servers, daemons, the database.

impl Page {
    /// A redirect (`302 Found`) to `location`.
    pub fn redirect(location: &str) -> Self {
        let mut p = Self::status(302);
        p.headers.push(("location".into(), location.into()));
        p
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A raw TCP server on loopback: every connection is handed to `handler` on
/// its own thread, so a test can misbehave below HTTP (trickle bytes, never
/// end a body). Counts connections.
#[derive(Clone)]
pub struct RawServer {
    pub addr: SocketAddr,
    connections: Arc<std::sync::atomic::AtomicUsize>,
}

impl RawServer {
    pub fn start<F>(handler: F) -> RawServer
    where
        F: Fn(std::net::TcpStream) + Send + Sync + 'static,
    {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let handler = Arc::new(handler);
        let count = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let h = handler.clone();
                std::thread::spawn(move || h(stream));
            }
        });
        RawServer { addr, connections }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Reads a request head (up to the blank line) from a raw connection.
pub fn read_request_head(stream: &mut std::net::TcpStream) -> String {
    use std::io::Read;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&head).to_string()
}

/// A `marsad run` child process, killed (SIGKILL) when dropped.
pub struct Daemon {
    pub child: std::process::Child,
}

impl Env {
    /// Starts `marsad run` with this config; output goes to `log` (appended).
    pub fn spawn_daemon(&self, env: &[(&str, &str)]) -> Daemon {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("daemon.log"))
            .unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_marsad"));
        cmd.arg("run")
            .arg("--config")
            .arg(self.config_path())
            .env("RUST_LOG", "marsad=info")
            .stdout(std::process::Stdio::null())
            .stderr(log);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Daemon {
            child: cmd.spawn().unwrap(),
        }
    }

    /// The daemon log written by [`Env::spawn_daemon`].
    pub fn daemon_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("daemon.log")).unwrap_or_default()
    }

    /// The database opened read-only (no migrations, no writes).
    pub fn db_readonly(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(
            self.db_path(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .unwrap()
    }

    /// `marsad feeds --json`.
    pub fn feeds_json(&self) -> Vec<serde_json::Value> {
        let out = self.marsad(&["feeds", "--json"]);
        assert!(out.status.success(), "feeds failed: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `marsad feeds --json`, the row of `url`.
    pub fn feed_json(&self, url: &str) -> serde_json::Value {
        self.feeds_json()
            .into_iter()
            .find(|f| f["url"] == url)
            .unwrap_or_else(|| panic!("no feed {url}"))
    }

    /// `marsad outbox [--dead] --json`, with the clock moved by `offset`.
    pub fn outbox_json(&self, dead: bool, offset: &str) -> Vec<serde_json::Value> {
        let mut args = vec!["outbox", "--json"];
        if dead {
            args.push("--dead");
        }
        let out = self.marsad_env(&args, &[("MARSAD_CLOCK_OFFSET", offset)]);
        assert!(out.status.success(), "outbox failed: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

impl Daemon {
    /// SIGKILL: no shutdown code runs.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait (up to `timeout`) for a clean exit.
    pub fn terminate(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let _ = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let end = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < end {
            if let Ok(Some(s)) = self.child.try_wait() {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.kill9();
        }
    }
}

impl Receiver {
    /// Number of POSTs received (accepted or not).
    pub fn count(&self) -> usize {
        self.state.lock().unwrap().got.len()
    }
}
