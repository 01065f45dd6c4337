//! Idle scale (`cargo bench --bench idle`): `marsad run` with 10,000 feeds on
//! a loopback server that answers 304 to every conditional request. Reports
//! the daemon's CPU% and RSS over the run, and the CPU cost of one 304 poll:
//! all daemon CPU in the window / polls, and net of the scheduler's idle
//! ticks (measured while no poll is due: between the first burst and the
//! first 304), and both projected to the configured interval.
//! Knobs: MARSAD_BENCH_IDLE_FEEDS (10000), MARSAD_BENCH_IDLE_INTERVAL ("5m"),
//! MARSAD_BENCH_IDLE_SECS (400: more than one interval, so every feed is
//! polled again after the first burst).

#[path = "common.rs"]
mod common;

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use common::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

static FULL: AtomicU64 = AtomicU64::new(0);
static NOT_MODIFIED: AtomicU64 = AtomicU64::new(0);

async fn feed(headers: HeaderMap) -> axum::response::Response {
    if headers.contains_key("if-none-match") {
        NOT_MODIFIED.fetch_add(1, Ordering::Relaxed);
        return StatusCode::NOT_MODIFIED.into_response();
    }
    FULL.fetch_add(1, Ordering::Relaxed);
    ([("content-type", "application/rss+xml"), ("etag", "\"v1\"")], "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Idle</title><link>http://x/</link><description>d</description></channel></rss>").into_response()
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a.starts_with("--test")) {
        return;
    }
    let n: usize = std::env::var("MARSAD_BENCH_IDLE_FEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let interval = std::env::var("MARSAD_BENCH_IDLE_INTERVAL").unwrap_or_else(|_| "5m".into());
    let secs: u64 = std::env::var("MARSAD_BENCH_IDLE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let addr = rt.block_on(async {
        let app = axum::Router::new().fallback(feed);
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let a = l.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(l, app).await });
        a
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let feeds: String = (0..n)
        .map(|i| format!("[[feed]]\nurl = \"http://{addr}/f/{i}.xml\"\n"))
        .collect();
    let cfg = dir.path().join("marsad.toml");
    std::fs::write(&cfg, format!("[storage]\npath = \"{}\"\n\n[poll]\ninterval = \"{interval}\"\nper_host = 16\n\n{feeds}", dir.path().join("idle.db").display())).expect("config");
    println!("idle: {n} feeds every {interval}, answering 304; watching for {secs}s");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_marsad"))
        .args(["run", "--config"])
        .arg(&cfg)
        .env("RUST_LOG", "marsad=warn")
        .spawn()
        .expect("marsad run");
    let pid = child.id();
    let start = Instant::now();
    // The first burst: every feed gets its first 200 (and ETag).
    wait_until(Duration::from_secs(600), || {
        FULL.load(Ordering::Relaxed) as usize >= n
    });
    println!(
        "first poll of all feeds (200 + ETag): {:.1}s",
        start.elapsed().as_secs_f64()
    );
    let (cpu0, _, _) = proc_usage(pid).unwrap_or_default();
    let polls0 = NOT_MODIFIED.load(Ordering::Relaxed);
    let t0 = Instant::now();
    let mut max_rss = 0u64;
    let samples = Arc::new(std::sync::Mutex::new(Vec::new()));
    // The idle ticks' share: CPU from the end of the burst to the first 304.
    let mut idle: Option<(f64, f64)> = None; // (cpu seconds, wall seconds)
    let mut last_print = Instant::now();
    while t0.elapsed() < Duration::from_secs(secs) {
        std::thread::sleep(Duration::from_millis(250));
        if idle.is_none() && NOT_MODIFIED.load(Ordering::Relaxed) > polls0 {
            if let Some((cpu, _, _)) = proc_usage(pid) {
                idle = Some((cpu - cpu0, t0.elapsed().as_secs_f64()));
            }
        }
        if last_print.elapsed() < Duration::from_secs(10) {
            continue;
        }
        last_print = Instant::now();
        if let Some((cpu, rss, _)) = proc_usage(pid) {
            max_rss = max_rss.max(rss);
            let pct = 100.0 * (cpu - cpu0) / t0.elapsed().as_secs_f64();
            if let Ok(mut s) = samples.lock() {
                s.push((t0.elapsed().as_secs(), pct, rss));
            }
            println!(
                "  t+{:>4}s  cpu {:>5.2}% of one core (cumulative)  rss {:.1} MB  304s {}",
                t0.elapsed().as_secs(),
                pct,
                rss as f64 / 1e6,
                NOT_MODIFIED.load(Ordering::Relaxed) - polls0
            );
        }
    }
    let (cpu1, _, peak) = proc_usage(pid).unwrap_or_default();
    let polls = NOT_MODIFIED.load(Ordering::Relaxed) - polls0;
    let wall = t0.elapsed().as_secs_f64();
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let _ = child.wait();
    println!("steady state over {wall:.0}s: cpu {:.2}% of one core, rss max {:.1} MB (peak incl. first burst {:.1} MB)", 100.0 * (cpu1 - cpu0) / wall, max_rss as f64 / 1e6, peak as f64 / 1e6);
    if polls > 0 {
        println!("{polls} polls answered 304: {:.0} µs CPU per 304 poll (all daemon CPU in the window / polls)", (cpu1 - cpu0) * 1e6 / polls as f64);
        let every = marsad::config::parse_duration(&interval)
            .map(|d| d.as_secs_f64())
            .unwrap_or(300.0);
        match idle {
            // Jitter spreads the first 304s, so the idle stretch is short
            // with short intervals: trust it from a few seconds up.
            Some((icpu, iwall)) if iwall >= 5.0 => {
                let idle_share = icpu / iwall;
                let net = (cpu1 - cpu0 - idle_share * wall) / polls as f64;
                let all_in = net + idle_share * every / n as f64;
                println!("idle ticks (no poll due, {iwall:.0}s): {:.3}% of one core", 100.0 * idle_share);
                println!("CPU per 304 poll net of the idle ticks: {:.0} µs; with the idle ticks at {n} feeds every {interval}: {:.0} µs, {:.2}% of one core", net * 1e6, all_in * 1e6, 100.0 * all_in * n as f64 / every);
            }
            _ => println!("idle stretch too short to measure the idle ticks: raise MARSAD_BENCH_IDLE_INTERVAL"),
        }
    } else {
        println!("no 304 polls in the window: raise MARSAD_BENCH_IDLE_SECS above the interval");
    }
}
