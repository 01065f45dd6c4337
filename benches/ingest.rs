//! End to end (`cargo bench --bench ingest`): a generated loopback site of
//! N feeds × M articles (half Arabic, half English), the real `marsad run`
//! binary with a real SQLite file, and a local webhook receiver.
//!
//! Reports articles/s cold (first sight) and warm (every article revisited,
//! a share of them changed), latency from the version's fetch to the webhook
//! (p50/p99), the daemon's peak RSS, and database bytes per stored version.
//! Each feed is one site with one layout on its own loopback host.
//! Knobs: MARSAD_BENCH_FEEDS (20), MARSAD_BENCH_ARTICLES (50 per feed),
//! MARSAD_BENCH_CHANGE (0.3), MARSAD_BENCH_ONE_HOST=1 (every feed on
//! 127.0.0.1: a host whose pages come in 20 layouts).

#[path = "common.rs"]
mod common;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use common::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone)]
struct Site {
    generation: Arc<Mutex<Vec<Vec<u32>>>>,
    feed_gen: Arc<AtomicUsize>,
    /// Each feed's origin ("http://127.0.0.N:PORT").
    base: Arc<Mutex<Vec<String>>>,
    per_feed: usize,
    page_hits: Arc<AtomicUsize>,
}

const AR: [&str; 6] = [
    "أعلنت مصادر عسكرية أن الجيش استعاد السيطرة على مواقع جديدة في ريف المحافظة الشرقي بعد اشتباكات استمرت ساعات.",
    "وقالت مصادر محلية إن حركة النزوح تواصلت من القرى المجاورة باتجاه مراكز المدن خلال الليل.",
    "وأكدت الحكومة في بيان أنها ملتزمة بوقف إطلاق النار وبحماية المنشآت الحيوية في المنطقة.",
    "ونفت قوات سوريا الديمقراطية الأنباء التي تحدثت عن انسحاب مقاتليها من المواقع المحيطة بالسد.",
    "وأشار مسؤول في الشركة السورية للبترول إلى أن فرق الصيانة بدأت تقييم الأضرار في المنشآت النفطية.",
    "وتتبادل الأطراف الاتهامات بخرق الاتفاق منذ بداية الشهر، فيما تتواصل الوساطات الإقليمية.",
];
const EN: [&str; 6] = [
    "Government forces advanced on several villages east of the river on Monday after hours of clashes, a military source said.",
    "Residents reported that families had fled towards the city centre overnight as shelling continued.",
    "The government said in a statement that it remained committed to the ceasefire and to protecting vital facilities.",
    "The SDF denied reports that its fighters had withdrawn from positions around the dam.",
    "An official at the state oil company said maintenance teams had begun assessing damage at the oil installations.",
    "Both sides have traded accusations of violating the agreement since the start of the month, while regional mediation continues.",
];

fn lang(feed: usize) -> &'static str {
    if feed % 2 == 0 {
        "ar"
    } else {
        "en"
    }
}

/// Real article pages (ScrapingHub benchmark) for the English feeds, when
/// ../shared is present: realistic size, markup and boilerplate.
fn real_pages() -> &'static Vec<String> {
    static PAGES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    PAGES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/bench/extraction/scrapinghub/html");
        let Ok(rd) = std::fs::read_dir(&dir) else {
            eprintln!(
                "notice: {} absent; English pages are generated",
                dir.display()
            );
            return Vec::new();
        };
        let mut paths: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        paths.sort();
        paths
            .iter()
            .filter_map(|p| {
                let raw = std::fs::read(p).ok()?;
                let mut out = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&raw[..]), &mut out)
                    .ok()?;
                Some(marsad::charset::decode_html(&out, None).text)
            })
            .collect()
    })
}

/// An article of English feed `feed`, which stands for one real site: the
/// site's layout is one ScrapingHub page, and each article puts another real
/// page's paragraphs (and its own title) into that layout, as a site serves
/// every article in the same chrome.
fn real_article(real: &[String], feed: usize, art: usize) -> String {
    // Built once per article: the bench's own CPU competes with marsad's.
    type Cache = Mutex<std::collections::HashMap<(usize, usize), String>>;
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(html) = cache.lock().ok().and_then(|c| c.get(&(feed, art)).cloned()) {
        return html;
    }
    let html = compose_real_article(real, feed, art);
    if let Ok(dir) = std::env::var("MARSAD_BENCH_DUMP") {
        // For looking at what the bench serves: one file per article.
        let _ = std::fs::write(format!("{dir}/{feed}-{art}.html"), &html);
    }
    if let Ok(mut c) = cache.lock() {
        c.insert((feed, art), html.clone());
    }
    html
}

fn compose_real_article(real: &[String], feed: usize, art: usize) -> String {
    static P: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static TITLE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let p = P.get_or_init(|| regex::Regex::new(r"(?s)<p(\s[^>]*)?>(.*?)</p>").expect("regex"));
    let title = TITLE.get_or_init(|| regex::Regex::new(r"(?s)<title>.*?</title>").expect("regex"));
    // Only pages that hold their text in at least three <p>s can lend
    // their layout or their text.
    let usable = |start: usize| {
        (0..real.len())
            .map(|k| &real[(start + k) % real.len()])
            .find(|h| p.find_iter(h).count() >= 3)
            .unwrap_or(&real[start % real.len()])
    };
    let layout = usable(feed * 131);
    let content = usable(feed * 131 + art + 1);
    let paras: Vec<&str> = p
        .captures_iter(content)
        .filter_map(|c| c.get(2).map(|m| m.as_str()))
        .collect();
    let slots = p.find_iter(layout).count().max(1);
    let mut k = 0;
    let html = p.replace_all(layout, |c: &regex::Captures<'_>| {
        // The last slot takes whatever paragraphs are left.
        let text = if k + 1 == slots {
            paras
                .get(k..)
                .map(|r| r.join("</p>\n<p>"))
                .unwrap_or_default()
        } else {
            paras.get(k).map(|s| s.to_string()).unwrap_or_default()
        };
        k += 1;
        format!("<p{}>{text}</p>", c.get(1).map_or("", |m| m.as_str()))
    });
    title
        .replace(&html, format!("<title>Story {feed}-{art}</title>").as_str())
        .into_owned()
}

fn page(feed: usize, art: usize, generation: u32) -> String {
    let real = real_pages();
    if lang(feed) == "en" && !real.is_empty() {
        let mut html = real_article(real, feed, art);
        if generation > 0 {
            // A new paragraph after the first one of the page.
            if let Some(i) = html.find("</p>") {
                html.insert_str(
                    i + 4,
                    &format!(
                        "<p>{} [update {generation}]</p>",
                        EN[(art + generation as usize) % EN.len()]
                    ),
                );
            }
        }
        return html;
    }
    let src = if lang(feed) == "ar" { &AR } else { &EN };
    let mut paras: Vec<String> = (0..12)
        .map(|k| format!("{} ({feed}-{art}-{k})", src[(art + k) % src.len()]))
        .collect();
    if generation > 0 {
        paras.insert(
            3,
            format!(
                "{} [update {generation}]",
                src[(art + generation as usize) % src.len()]
            ),
        );
    }
    let body: String = paras.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    let nav: String = (0..60)
        .map(|i| format!("<li><a href=\"/section/{i}\">Section {i}</a></li>"))
        .collect();
    let related: String = (0..20).map(|i| format!("<li><a href=\"/a/{feed}/{i}\">Related story number {i} with a long headline</a></li>")).collect();
    format!(
        "<!doctype html><html lang=\"{l}\"><head><meta charset=\"utf-8\"><title>Story {feed}-{art}</title><link rel=\"canonical\" href=\"/a/{feed}/{art}\"><script>var x = {{}};</script><style>body{{margin:0}}</style></head><body><header><nav><ul>{nav}</ul></nav></header><main><article><h1>Story {feed}-{art}</h1><p class=\"byline\">By Staff</p>{body}</article><aside><ul>{related}</ul></aside></main><footer><p>© 2026 Bench News</p></footer></body></html>",
        l = lang(feed)
    )
}

async fn feed(State(s): State<Site>, Path(name): Path<String>) -> impl IntoResponse {
    let i: usize = name.trim_end_matches(".xml").parse().unwrap_or(0);
    let base = s
        .base
        .lock()
        .ok()
        .and_then(|b| b.get(i).cloned())
        .unwrap_or_default();
    let g = s.feed_gen.load(Ordering::SeqCst);
    let items: String = (0..s.per_feed).map(|j| format!("<item><title>Story {i}-{j}</title><link>{base}/a/{i}/{j}</link><guid>s-{i}-{j}</guid><pubDate>Mon, 19 Jan 2026 {:02}:00:00 GMT</pubDate></item>", g % 24)).collect();
    ([("content-type", "application/rss+xml")], format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {i}</title><link>{base}/</link><description>d</description>{items}</channel></rss>"))
}

async fn article(State(s): State<Site>, Path((f, a)): Path<(usize, usize)>) -> impl IntoResponse {
    s.page_hits.fetch_add(1, Ordering::SeqCst);
    let g = s
        .generation
        .lock()
        .ok()
        .and_then(|v| v.get(f).and_then(|r| r.get(a)).copied());
    match g {
        Some(g) => (
            [("content-type", "text/html; charset=utf-8")],
            page(f, a, g),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[derive(Clone, Default)]
struct Inbox {
    got: Arc<Mutex<Vec<(i64, serde_json::Value)>>>,
}

async fn hook(State(i): State<Inbox>, body: axum::body::Bytes) -> StatusCode {
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if let Ok(mut g) = i.got.lock() {
        g.push((now_ms(), v));
    }
    StatusCode::NO_CONTENT
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a.starts_with("--test")) {
        return; // `cargo test --benches` / `--list`: nothing to list.
    }
    let env_n = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let n_feeds = env_n("MARSAD_BENCH_FEEDS", 20);
    let per_feed = env_n("MARSAD_BENCH_ARTICLES", 50);
    let change: f64 = std::env::var("MARSAD_BENCH_CHANGE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.3);
    let total = n_feeds * per_feed;

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let site = Site {
        generation: Arc::new(Mutex::new(vec![vec![0; per_feed]; n_feeds])),
        feed_gen: Arc::default(),
        base: Arc::default(),
        per_feed,
        page_hits: Arc::default(),
    };
    let inbox = Inbox::default();
    // Each feed is one site on its own host (127.0.0.2, .3, …: Linux routes
    // all of 127/8 to loopback), as real feeds are; MARSAD_BENCH_ONE_HOST=1
    // serves every feed from 127.0.0.1 instead.
    let one_host = std::env::var("MARSAD_BENCH_ONE_HOST").is_ok_and(|v| v == "1");
    let (bases, hook_addr) = rt.block_on(async {
        let app = axum::Router::new()
            .route("/feed/{name}", axum::routing::get(feed))
            .route("/a/{f}/{a}", axum::routing::get(article))
            .with_state(site.clone());
        let mut bases = Vec::new();
        let mut shared: Option<String> = None;
        for i in 0..n_feeds {
            if let (true, Some(b)) = (one_host, &shared) {
                bases.push(b.clone());
                continue;
            }
            let ip = if one_host {
                "127.0.0.1".to_string()
            } else {
                format!("127.0.{}.{}", 1 + i / 250, 2 + i % 250)
            };
            let l = tokio::net::TcpListener::bind(format!("{ip}:0"))
                .await
                .expect("bind");
            let a = l.local_addr().expect("addr");
            let app = app.clone();
            tokio::spawn(async move { axum::serve(l, app).await });
            bases.push(format!("http://{a}"));
            shared = Some(format!("http://{a}"));
        }
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(hook))
            .with_state(inbox.clone());
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let h = l.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(l, app).await });
        (bases, h)
    });
    *site.base.lock().expect("lock") = bases.clone();

    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("bench.db");
    let feeds: String = (0..n_feeds)
        .map(|i| {
            format!(
                "[[feed]]\nurl = \"{}/feed/{i}.xml\"\nlang = \"{}\"\n\n",
                bases[i],
                lang(i)
            )
        })
        .collect();
    let cfg = dir.path().join("marsad.toml");
    std::fs::write(
        &cfg,
        format!("[storage]\npath = \"{}\"\n\n[poll]\ninterval = \"2s\"\nconcurrency = 16\nper_host = 16\nrevisit = [\"24h\"]\n\n[watchlist]\npath = \"{}\"\n\n{feeds}[[webhook]]\nurl = \"http://{hook_addr}/hook\"\nsecret = \"bench\"\n", db.display(), concat!(env!("CARGO_MANIFEST_DIR"), "/config/watchlist.toml")),
    )
    .expect("config");

    println!("ingest: {n_feeds} feeds × {per_feed} articles = {total} articles, {:.0}% changed on the warm pass", change * 100.0);
    let start = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_marsad"))
        .args(["run", "--config"])
        .arg(&cfg)
        .env("RUST_LOG", "marsad=warn")
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("marsad run");
    let versions = || {
        marsad::store::Store::open(&db)
            .ok()
            .and_then(|s| s.stats().ok())
            .map(|s| s.versions as usize)
            .unwrap_or(0)
    };
    // Articles visited (stored, or found without text).
    let visited = || {
        rusqlite::Connection::open(&db)
            .and_then(|c| {
                c.query_row(
                    "SELECT COUNT(*) FROM articles WHERE last_fetch_at IS NOT NULL",
                    [],
                    |r| r.get::<_, i64>(0),
                )
            })
            .map(|n| n as usize)
            .unwrap_or(0)
    };
    let ok = wait_until(Duration::from_secs(600), || visited() >= total);
    let cold = start.elapsed();
    println!(
        "cold:  {} articles ({} stored) in {:.2}s = {:.0} articles/s{}",
        visited(),
        versions(),
        cold.as_secs_f64(),
        total as f64 / cold.as_secs_f64(),
        if ok { "" } else { " (TIMED OUT)" }
    );

    // Warm: every entry's date moves (so every article is fetched again), a share of pages change.
    let changed = (total as f64 * change).round() as usize;
    {
        let mut g = site.generation.lock().expect("lock");
        for k in 0..changed {
            let idx = k * total / changed.max(1);
            g[idx / per_feed][idx % per_feed] += 1;
        }
    }
    let hits0 = site.page_hits.load(Ordering::SeqCst);
    let versions0 = versions();
    let warm_start = Instant::now();
    site.feed_gen.fetch_add(1, Ordering::SeqCst);
    // Done when every page was fetched again and the stored versions and
    // received alerts stop moving (edits inside boilerplate make none).
    let all_fetched = wait_until(Duration::from_secs(600), || {
        site.page_hits.load(Ordering::SeqCst) - hits0 >= total
    });
    let count = || (versions(), inbox.got.lock().map(|g| g.len()).unwrap_or(0));
    let mut last = (count(), Instant::now());
    while last.1.elapsed() < Duration::from_millis(1500)
        && warm_start.elapsed() < Duration::from_secs(600)
    {
        std::thread::sleep(Duration::from_millis(100));
        let now = count();
        if now != last.0 {
            last = (now, Instant::now());
        }
    }
    let warm = last.1.duration_since(warm_start);
    println!(
        "warm:  {total} articles revisited ({changed} pages edited, {} new versions), in {:.2}s = {:.0} articles/s{}",
        last.0 .0 - versions0,
        warm.as_secs_f64(),
        total as f64 / warm.as_secs_f64(),
        if all_fetched { "" } else { " (TIMED OUT)" }
    );

    let peak = proc_usage(child.id()).map(|u| u.2).unwrap_or(0);
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();

    // Latency: version fetched → webhook received.
    let store = marsad::store::Store::open(&db).expect("db");
    let got = inbox.got.lock().expect("lock").clone();
    let mut lat: Vec<f64> = Vec::new();
    for (at, v) in &got {
        if v["type"] != "article.updated" {
            continue;
        }
        let url = v["data"]["article"]["url"].as_str().unwrap_or("");
        let n = v["data"]["version"].as_i64().unwrap_or(0);
        if let Some(ver) = store
            .article_by_url(url)
            .ok()
            .flatten()
            .and_then(|a| store.version(a.id, n).ok().flatten())
        {
            lat.push((at - ver.fetched_at) as f64);
        }
    }
    lat.sort_by(|a, b| a.total_cmp(b));
    println!(
        "latency fetch→webhook: p50 {:.0} ms, p99 {:.0} ms ({} alerts)",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat.len()
    );
    println!("peak RSS of marsad run: {:.1} MB", peak as f64 / 1e6);
    let stats = store.stats().expect("stats");
    let db_bytes: u64 = ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", db.display())).ok())
        .map(|m| m.len())
        .sum();
    if let Ok(conn) = rusqlite::Connection::open(&db) {
        for (label, cond) in [
            (
                "first versions, delta against the site's template",
                "number = 1 AND raw_dict IS NOT NULL",
            ),
            (
                "first versions, stored alone (new layout)",
                "number = 1 AND raw_dict IS NULL",
            ),
            ("later versions, delta against v1", "number > 1"),
        ] {
            let sql = format!("SELECT COUNT(*), AVG(LENGTH(raw_html)), AVG(LENGTH(body)) FROM versions WHERE {cond}");
            if let Ok((n, raw, body)) = conn.query_row(&sql, [], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<f64>>(1)?,
                    r.get::<_, Option<f64>>(2)?,
                ))
            }) {
                println!(
                    "  {label}: {n}, stored page {:.0} bytes, text {:.0} bytes",
                    raw.unwrap_or(0.0),
                    body.unwrap_or(0.0)
                );
            }
        }
        // First versions against the same page compressed alone (zstd -3),
        // per language: each feed is one site with one layout (generated for
        // Arabic, a real page for English).
        if let Ok(mut st) = conn.prepare("SELECT a.url, LENGTH(v.raw_html), LENGTH(v.body) FROM versions v JOIN articles a ON a.id = v.article_id WHERE v.number = 1") {
            let rows: Vec<(String, i64, i64)> = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map(|it| it.flatten().collect())
                .unwrap_or_default();
            for l in ["ar", "en"] {
                let (mut stored, mut text, mut alone) = (0i64, 0i64, 0usize);
                for (url, raw, body) in &rows {
                    let mut parts = url.rsplit('/');
                    let (Some(Ok(art)), Some(Ok(f))) = (
                        parts.next().map(str::parse::<usize>),
                        parts.next().map(str::parse::<usize>),
                    ) else {
                        continue;
                    };
                    if lang(f) != l {
                        continue;
                    }
                    stored += raw;
                    text += body;
                    alone += zstd::encode_all(page(f, art, 0).as_bytes(), 3)
                        .map(|v| v.len())
                        .unwrap_or(0);
                }
                if alone > 0 {
                    println!(
                        "  first versions ({l}): page {:.2}× and page + text {:.2}× the page compressed alone",
                        stored as f64 / alone as f64,
                        (stored + text) as f64 / alone as f64
                    );
                }
            }
        }
    }
    let pages: Vec<String> = (0..n_feeds)
        .flat_map(|f| (0..per_feed).map(move |a| page(f, a, 0)))
        .collect();
    let raw: usize = pages.iter().map(String::len).sum();
    let compressed: usize = pages
        .iter()
        .map(|p| {
            zstd::encode_all(p.as_bytes(), 3)
                .map(|v| v.len())
                .unwrap_or(0)
        })
        .sum();
    println!(
        "database: {db_bytes} bytes for {} versions = {:.0} bytes/version; a page averages {:.0} bytes raw, {:.0} bytes zstd-compressed alone",
        stats.versions,
        db_bytes as f64 / stats.versions.max(1) as f64,
        raw as f64 / pages.len() as f64,
        compressed as f64 / pages.len() as f64
    );
}
