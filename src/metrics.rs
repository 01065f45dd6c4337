//! Process metrics in Prometheus text format.
//!
//! Counters and histograms live in one process-wide table of atomics (like a
//! Prometheus registry): the pipeline bumps them as it goes, `/metrics`
//! renders them together with gauges read from the database.

use crate::store::Stats;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

const BUCKETS: [f64; 10] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

pub struct Histogram {
    buckets: [AtomicU64; 10],
    count: AtomicU64,
    sum_us: AtomicU64,
}

impl Histogram {
    const fn new() -> Self {
        Histogram {
            buckets: [const { AtomicU64::new(0) }; 10],
            count: AtomicU64::new(0),
            sum_us: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.buckets[i].fetch_add(1, Relaxed);
            }
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_us.fetch_add(d.as_micros() as u64, Relaxed);
    }

    fn render(&self, name: &str, help: &str, out: &mut String) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "{name}_bucket{{le=\"{b}\"}} {}",
                self.buckets[i].load(Relaxed)
            );
        }
        let n = self.count.load(Relaxed);
        let _ = writeln!(
            out,
            "{name}_bucket{{le=\"+Inf\"}} {n}\n{name}_sum {}\n{name}_count {n}",
            self.sum_us.load(Relaxed) as f64 / 1e6
        );
    }
}

pub struct Metrics {
    pub polls_ok: AtomicU64,
    pub polls_not_modified: AtomicU64,
    pub polls_error: AtomicU64,
    pub pages_fetched: AtomicU64,
    pub page_errors: AtomicU64,
    pub versions_stored: AtomicU64,
    pub deliveries_ok: AtomicU64,
    pub deliveries_failed: AtomicU64,
    pub deliveries_dead: AtomicU64,
    pub poll_latency: Histogram,
    pub extract_latency: Histogram,
}

pub static METRICS: Metrics = Metrics {
    polls_ok: AtomicU64::new(0),
    polls_not_modified: AtomicU64::new(0),
    polls_error: AtomicU64::new(0),
    pages_fetched: AtomicU64::new(0),
    page_errors: AtomicU64::new(0),
    versions_stored: AtomicU64::new(0),
    deliveries_ok: AtomicU64::new(0),
    deliveries_failed: AtomicU64::new(0),
    deliveries_dead: AtomicU64::new(0),
    poll_latency: Histogram::new(),
    extract_latency: Histogram::new(),
};

pub fn inc(c: &AtomicU64) {
    c.fetch_add(1, Relaxed);
}

fn counter(out: &mut String, name: &str, help: &str, rows: &[(&str, u64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
    for (labels, v) in rows {
        let _ = writeln!(out, "{name}{labels} {v}");
    }
}

fn gauge(out: &mut String, name: &str, help: &str, rows: &[(String, f64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
    for (labels, v) in rows {
        let _ = writeln!(out, "{name}{labels} {v}");
    }
}

/// The `/metrics` body. `stats` and `events` come from the database; `now` is Unix ms.
pub fn render(stats: &Stats, events_by_type: &[(String, i64)], now: i64) -> String {
    let m = &METRICS;
    let mut out = String::new();
    counter(
        &mut out,
        "marsad_polls_total",
        "Feed polls by outcome.",
        &[
            ("{outcome=\"200\"}", m.polls_ok.load(Relaxed)),
            ("{outcome=\"304\"}", m.polls_not_modified.load(Relaxed)),
            ("{outcome=\"error\"}", m.polls_error.load(Relaxed)),
        ],
    );
    counter(
        &mut out,
        "marsad_pages_total",
        "Article page fetches by outcome.",
        &[
            ("{outcome=\"ok\"}", m.pages_fetched.load(Relaxed)),
            ("{outcome=\"error\"}", m.page_errors.load(Relaxed)),
        ],
    );
    counter(
        &mut out,
        "marsad_versions_stored_total",
        "Versions stored by this process.",
        &[("", m.versions_stored.load(Relaxed))],
    );
    counter(
        &mut out,
        "marsad_deliveries_total",
        "Webhook deliveries by outcome.",
        &[
            ("{outcome=\"delivered\"}", m.deliveries_ok.load(Relaxed)),
            ("{outcome=\"failed\"}", m.deliveries_failed.load(Relaxed)),
            ("{outcome=\"dead\"}", m.deliveries_dead.load(Relaxed)),
        ],
    );
    gauge(
        &mut out,
        "marsad_feeds",
        "Active feeds by state.",
        &[
            (
                "{state=\"ok\"}".into(),
                (stats.feeds - stats.failing_feeds) as f64,
            ),
            ("{state=\"failing\"}".into(), stats.failing_feeds as f64),
        ],
    );
    gauge(
        &mut out,
        "marsad_articles",
        "Articles tracked.",
        &[(String::new(), stats.articles as f64)],
    );
    gauge(
        &mut out,
        "marsad_versions",
        "Versions stored.",
        &[(String::new(), stats.versions as f64)],
    );
    gauge(
        &mut out,
        "marsad_claims",
        "Control claims stored.",
        &[(String::new(), stats.claims as f64)],
    );
    let ev: Vec<(String, f64)> = events_by_type
        .iter()
        .map(|(t, n)| (format!("{{type=\"{t}\"}}"), *n as f64))
        .collect();
    gauge(&mut out, "marsad_events", "Events raised, by type.", &ev);
    gauge(
        &mut out,
        "marsad_outbox_depth",
        "Deliveries pending, and dead-lettered.",
        &[
            ("{status=\"pending\"}".into(), stats.outbox_pending as f64),
            ("{status=\"dead\"}".into(), stats.outbox_dead as f64),
        ],
    );
    let age = stats
        .oldest_pending_at
        .map(|t| (now - t).max(0) as f64 / 1000.0)
        .unwrap_or(0.0);
    gauge(
        &mut out,
        "marsad_outbox_oldest_pending_seconds",
        "Age of the oldest pending delivery.",
        &[(String::new(), age)],
    );
    m.poll_latency.render(
        "marsad_poll_duration_seconds",
        "Feed poll latency (fetch and parse).",
        &mut out,
    );
    m.extract_latency.render(
        "marsad_extract_duration_seconds",
        "Article extraction latency.",
        &mut out,
    );
    out
}
