//! The pipeline: one feed refresh, one article visit, one whole pass — end to
//! end, calling the stages in order:
//! fetch → parse/extract → store → diff → detect → state → events+outbox.
//!
//! Only this module (and the daemon that schedules it) combines I/O with the
//! pure stages; each stage gets plain data and returns plain data.

use crate::alert::Dispatcher;
use crate::config::Config;
use crate::detect::Detector;
use crate::diff::{self, Change};
use crate::events::{self, ArticleRef};
use crate::fetch::{same_origin, FetchError, Fetcher, Request};
use crate::metrics::{self, METRICS};
use crate::model::Article;
use crate::state::{self, Effect};
use crate::store::{
    ArticleRow, ClaimRow, FeedRow, NewEvent, NewVersion, NotModifiedPoll, StateUpdate, Store,
    StoreError,
};
use crate::text::{compare_key, normalize_body};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
use url::Url;

/// Everything a pipeline run needs, shared by all workers.
#[derive(Clone)]
pub struct Context {
    pub cfg: Arc<Config>,
    pub store: Arc<Store>,
    pub fetcher: Fetcher,
    pub detector: Arc<Detector>,
    /// Configured feeds by URL (index into `cfg.feeds`): a poll looks its
    /// feed up without scanning a list of thousands.
    feeds_by_url: Arc<HashMap<String, usize>>,
}

impl Context {
    pub fn new(cfg: Arc<Config>, store: Arc<Store>) -> Result<Context, FetchError> {
        let fetcher = Fetcher::new(&cfg.fetch, &cfg.poll)?;
        let detector = Arc::new(Detector::new(cfg.watchlist.clone()));
        let feeds_by_url = Arc::new(
            cfg.feeds
                .iter()
                .enumerate()
                .map(|(i, f)| (f.url.to_string(), i))
                .collect(),
        );
        Ok(Context {
            cfg,
            store,
            fetcher,
            detector,
            feeds_by_url,
        })
    }

    /// The configuration of the feed at `url`, if it is configured.
    pub fn feed_config(&self, url: &str) -> Option<&crate::config::FeedConfig> {
        self.feeds_by_url
            .get(url)
            .and_then(|&i| self.cfg.feeds.get(i))
    }

    pub fn dispatcher(&self) -> Result<Dispatcher, String> {
        Dispatcher::new(
            self.store.clone(),
            self.cfg.webhooks.clone(),
            self.cfg.delivery.clone(),
            &self.cfg.poll.user_agent,
        )
    }
}

/// What a feed refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedOutcome {
    pub not_modified: bool,
    pub failed: bool,
    pub entries: usize,
    pub new_articles: usize,
    pub changed_entries: usize,
    /// When the feed is due again (Unix ms), as stored.
    pub next_poll: i64,
}

/// A poll as [`poll_feed`] leaves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polled {
    /// A 304, not yet recorded: the caller records it with
    /// [`record_not_modified`] (the daemon batches a tick's worth).
    NotModified(NotModifiedPoll),
    /// Anything else, already recorded.
    Done(FeedOutcome),
}

/// What an article visit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitOutcome {
    Unchanged,
    NewVersion {
        number: i64,
        events: usize,
    },
    Reverted {
        to: i64,
    },
    Suspect,
    Failed,
    /// The page named another article as its canonical page: merged into it.
    Merged {
        into: i64,
    },
}

/// Totals of a pass (`marsad once`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PassReport {
    pub feeds: usize,
    pub not_modified: usize,
    pub feed_errors: usize,
    pub articles_visited: usize,
    pub versions: usize,
    pub events: usize,
    pub delivered: usize,
    pub delivery_failures: usize,
}

fn sha256_hex(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// ±10 % jitter, so feeds configured together drift apart.
fn jitter(d: Duration) -> i64 {
    // Saturate: a duration beyond i64 milliseconds must not wrap negative.
    let ms = i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2);
    let spread = ms / 10;
    if spread == 0 {
        return ms;
    }
    ms - spread + fastrand::i64(0..=2 * spread)
}

/// The longest `Retry-After` honoured: a server cannot park a feed for good
/// (or overflow the schedule) with an absurd value.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// Next poll after a failure: `Retry-After` when given (1 s to
/// [`MAX_RETRY_AFTER`]), else exponential from the interval (at least a
/// minute), capped at 6 hours, with jitter.
pub fn error_backoff(interval: Duration, errors: i64, retry_after: Option<Duration>) -> Duration {
    if let Some(r) = retry_after {
        return r.clamp(Duration::from_secs(1), MAX_RETRY_AFTER);
    }
    let base = interval
        .min(Duration::from_secs(300))
        .max(Duration::from_secs(60));
    let exp = (errors.max(1) - 1).min(16) as u32;
    base.saturating_mul(2u32.pow(exp))
        .min(Duration::from_secs(6 * 3600))
}

/// Runs a pure stage on untrusted bytes: a panic (a bug in the stage, hit by
/// some hostile input) becomes an error recorded for this feed or page,
/// instead of ending the pass or leaving a daemon task stuck.
fn contain<T>(what: &str, url: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        tracing::error!(url = %url, stage = what, panic = %msg, "stage panicked on this input");
        format!("{url}: {what} failed (internal error: {msg})")
    })
}

/// Polls one feed and records its entries. Errors are recorded on the feed,
/// never returned: only storage failures are.
pub async fn refresh_feed(ctx: &Context, feed: &FeedRow) -> Result<FeedOutcome, StoreError> {
    match poll_feed(ctx, feed).await? {
        Polled::Done(out) => Ok(out),
        Polled::NotModified(poll) => {
            record_not_modified(ctx, &[poll])?;
            Ok(FeedOutcome {
                not_modified: true,
                next_poll: poll.next_poll,
                ..FeedOutcome::default()
            })
        }
    }
}

/// Records 304s (one transaction for all), with a `feed.recovered` event for
/// each feed that was failing. Returns how many recovered.
pub fn record_not_modified(ctx: &Context, polls: &[NotModifiedPoll]) -> Result<usize, StoreError> {
    let recovered = ctx
        .store
        .feeds_not_modified(polls, &|f, now| recovered_event(ctx, f, now))?;
    for f in &recovered {
        tracing::info!(feed = %f.url, "feed recovered");
    }
    Ok(recovered.len())
}

/// [`refresh_feed`], except that a 304 is handed back unrecorded: all there
/// is to store for it is two times, which the daemon writes for a whole tick
/// in one transaction.
pub async fn poll_feed(ctx: &Context, feed: &FeedRow) -> Result<Polled, StoreError> {
    let mut out = FeedOutcome::default();
    let interval = ctx
        .feed_config(&feed.url)
        .map(|f| ctx.cfg.feed_interval(f))
        .unwrap_or(ctx.cfg.poll.interval);
    let url = match Url::parse(&feed.url) {
        Ok(u) => u,
        Err(e) => {
            let message = format!("{}: invalid URL: {e}", feed.url);
            out.next_poll = record_feed_error(ctx, feed, &message, interval, None)?;
            out.failed = true;
            return Ok(Polled::Done(out));
        }
    };
    let req = Request {
        url: url.clone(),
        etag: feed.etag.clone(),
        last_modified: feed.last_modified.clone(),
        trusted: true,
    };
    let started = std::time::Instant::now();
    let resp = match ctx.fetcher.get(&req).await {
        Ok(r) => r,
        Err(e) => {
            metrics::inc(&METRICS.polls_error);
            out.next_poll =
                record_feed_error(ctx, feed, &e.to_string(), interval, e.retry_after())?;
            out.failed = true;
            return Ok(Polled::Done(out));
        }
    };
    let now = crate::clock::now_ms();
    let next = now + jitter(interval);
    if resp.not_modified() {
        metrics::inc(&METRICS.polls_not_modified);
        METRICS.poll_latency.observe(started.elapsed());
        return Ok(Polled::NotModified(NotModifiedPoll {
            id: feed.id,
            polled_at: now,
            next_poll: next,
        }));
    }
    out.next_poll = next;
    let recovered = |f: &FeedRow| recovered_event(ctx, f, now);
    let parsed = contain("feed parsing", &feed.url, || {
        crate::feed::parse(&resp.body, resp.content_type.as_deref(), Some(&resp.url))
    })
    .and_then(|r| r.map_err(|e| format!("{}: {e}", feed.url)));
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => {
            metrics::inc(&METRICS.polls_error);
            out.next_poll = record_feed_error(ctx, feed, &e, interval, None)?;
            out.failed = true;
            return Ok(Polled::Done(out));
        }
    };
    metrics::inc(&METRICS.polls_ok);
    METRICS.poll_latency.observe(started.elapsed());
    for w in &parsed.warnings {
        tracing::debug!(feed = %feed.url, warning = %w, "feed repaired");
    }
    for entry in &parsed.entries {
        let Some(link) = entry.link.as_deref() else {
            tracing::debug!(feed = %feed.url, entry = %entry.id, "entry without a link: skipped");
            continue;
        };
        let updated = entry.updated.map(|d| d.to_rfc3339()).unwrap_or_default();
        let fingerprint = sha256_hex(&[
            &updated,
            entry.title.as_deref().unwrap_or(""),
            entry.summary.as_deref().unwrap_or(""),
        ]);
        let o = ctx.store.upsert_entry(
            feed.id,
            &entry.id,
            &fingerprint,
            link,
            entry.title.as_deref(),
            now,
        )?;
        out.entries += 1;
        out.new_articles += o.new_article as usize;
        out.changed_entries += o.changed as usize;
    }
    if ctx.store.feed_ok(
        feed.id,
        now,
        resp.etag.as_deref(),
        resp.last_modified.as_deref(),
        parsed.title.as_deref(),
        next,
        &recovered,
    )? {
        tracing::info!(feed = %feed.url, "feed recovered");
    }
    Ok(Polled::Done(out))
}

fn recovered_event(ctx: &Context, f: &FeedRow, now: i64) -> NewEvent {
    let data = events::feed_health(
        &f.url,
        Some(f.display_name()),
        f.failing_since.unwrap_or(now),
        f.last_error.as_deref(),
    );
    events::envelope(
        "feed.recovered",
        now,
        format!("feed:{}", f.url),
        data,
        &ctx.cfg.webhooks,
    )
}

/// Records a failed poll; returns when the feed is due again.
fn record_feed_error(
    ctx: &Context,
    feed: &FeedRow,
    error: &str,
    interval: Duration,
    retry_after: Option<Duration>,
) -> Result<i64, StoreError> {
    let now = crate::clock::now_ms();
    let next = now + jitter(error_backoff(interval, feed.error_count + 1, retry_after));
    let failing = |f: &FeedRow, since: i64| {
        let data = events::feed_health(
            &f.url,
            Some(f.display_name()),
            since,
            f.last_error.as_deref(),
        );
        events::envelope(
            "feed.failing",
            now,
            format!("feed:{}", f.url),
            data,
            &ctx.cfg.webhooks,
        )
    };
    let o = ctx.store.feed_error(
        feed.id,
        now,
        error,
        next,
        ctx.cfg.poll.failing_after.as_millis() as i64,
        &failing,
    )?;
    // Log once per change of state, not once per failed poll.
    if o.changed {
        tracing::warn!(feed = %feed.url, error = %error, errors = o.error_count, "feed poll failed");
    } else {
        tracing::debug!(feed = %feed.url, error = %error, errors = o.error_count, "feed poll failed again");
    }
    if o.failing_raised {
        tracing::warn!(feed = %feed.url, "feed failing: feed.failing raised");
    }
    Ok(next)
}

/// Revisit schedule: offsets from first sight. Returns (revisits passed, next due).
pub fn next_visit(revisit: &[Duration], first_seen: i64, now: i64) -> (i64, Option<i64>) {
    let passed = revisit
        .iter()
        .take_while(|d| first_seen + d.as_millis() as i64 <= now)
        .count();
    (
        passed as i64,
        revisit
            .get(passed)
            .map(|d| first_seen + d.as_millis() as i64),
    )
}

/// Retry of a page that failed: soon, backing off, until the schedule ends.
fn error_revisit(errors: i64, now: i64) -> Option<i64> {
    if errors >= 8 {
        return None;
    }
    Some(now + (60_000i64 << errors.clamp(0, 8)).min(6 * 3_600_000))
}

/// The canonical URL a page declares, if it is believable: same host (give
/// or take `www.`), and not the site's front page (some sites point every
/// article's canonical link at the home page).
fn accept_canonical(article_url: &str, declared: &str) -> Option<String> {
    let base = Url::parse(article_url).ok()?;
    let c = crate::feed::canon::canonicalize(&base.join(declared.trim()).ok()?);
    let host = |u: &Url| {
        u.host_str()
            .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
    };
    if host(&c) != host(&base)
        || c.path().trim_matches('/').is_empty()
        || !matches!(c.scheme(), "http" | "https")
    {
        return None;
    }
    let c = c.to_string();
    (c != article_url).then_some(c)
}

/// A page fetched and extracted.
struct Page {
    article: Article,
    /// Where the page was found, after redirects.
    url: Url,
    raw: Vec<u8>,
    body: String,
    title: Option<String>,
    hash: String,
}

async fn fetch_page(ctx: &Context, a: &ArticleRow) -> Result<Page, String> {
    let url = Url::parse(&a.url).map_err(|e| format!("{}: invalid URL: {e}", a.url))?;
    let trusted = a
        .feed_url
        .as_deref()
        .and_then(|f| Url::parse(f).ok())
        .is_some_and(|f| same_origin(&f, &url));
    let resp = ctx
        .fetcher
        .get(&Request::get(url.clone(), trusted))
        .await
        .map_err(|e| {
            metrics::inc(&METRICS.page_errors);
            e.to_string()
        })?;
    metrics::inc(&METRICS.pages_fetched);
    let started = std::time::Instant::now();
    let (article, body) = contain("extraction", &a.url, || {
        let article = crate::extract::extract_bytes(
            &resp.body,
            resp.content_type.as_deref(),
            Some(&resp.url),
        );
        let body = normalize_body(&article.paragraphs);
        (article, body)
    })?;
    METRICS.extract_latency.observe(started.elapsed());
    let title = article
        .title
        .clone()
        .or_else(|| a.title.clone())
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
    let hash = sha256_hex(&[
        &compare_key(title.as_deref().unwrap_or("")),
        &compare_key(&body),
    ]);
    Ok(Page {
        article,
        url: resp.url,
        raw: resp.body,
        body,
        title,
        hash,
    })
}

/// Fetches an article page and stores a new version when it really changed,
/// with its diff, claims, state changes and events, in one transaction.
pub async fn visit_article(ctx: &Context, a: &ArticleRow) -> Result<VisitOutcome, StoreError> {
    let now = crate::clock::now_ms();
    let first_seen = a.first_seen_at;
    let (visits, next_due) = next_visit(&ctx.cfg.poll.revisit, first_seen, now);
    let mut page = match fetch_page(ctx, a).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(article = %a.url, error = %e, "page fetch failed");
            let next = if a.current_version == 0 {
                error_revisit(a.error_count, now)
            } else {
                next_due
            };
            ctx.store.visit_done(a.id, now, Some(&e), next, visits)?;
            return Ok(VisitOutcome::Failed);
        }
    };
    // One article, one history: a page whose <link rel="canonical"> names an
    // article we already track is that article.
    if let Some(c) = page
        .article
        .canonical_url
        .as_deref()
        .and_then(|c| accept_canonical(&a.url, c))
    {
        let survivor = ctx.store.merge_canonical(a.id, &c)?;
        if survivor != a.id {
            tracing::info!(article = %a.url, canonical = %c, "duplicate of a tracked article: merged");
            return Ok(VisitOutcome::Merged { into: survivor });
        }
    }
    let latest = ctx.store.latest_version(a.id)?;

    // A page that lost most of its text (or all of it) may be a partial load:
    // fetch it again after a short delay and believe it only if it repeats.
    let shrunk = |p: &Page| {
        latest.as_ref().is_some_and(|l| {
            (p.body.chars().count() as f64)
                < ctx.cfg.versions.min_keep_ratio * l.body.chars().count() as f64
        })
    };
    if latest.is_some()
        && (page.body.is_empty() || shrunk(&page))
        && latest.as_ref().is_some_and(|l| l.body_hash != page.hash)
    {
        tokio::time::sleep(ctx.cfg.versions.recheck_delay).await;
        match fetch_page(ctx, a).await {
            Ok(again) if again.hash == page.hash => {
                tracing::info!(article = %a.url, "shrunken page confirmed by a second fetch");
            }
            Ok(again) => {
                tracing::info!(article = %a.url, "partial page not confirmed by a second fetch: dropped");
                page = again;
                if page.body.is_empty() || shrunk(&page) {
                    ctx.store
                        .hold_suspect(a.id, now, &page.hash, now + 10 * 60_000)?;
                    return Ok(VisitOutcome::Suspect);
                }
            }
            Err(e) => {
                tracing::info!(article = %a.url, error = %e, "re-fetch of a partial page failed: dropped");
                ctx.store
                    .visit_done(a.id, now, Some(&e), next_due, visits)?;
                return Ok(VisitOutcome::Suspect);
            }
        }
    }
    if page.body.is_empty() {
        let msg = format!("{}: no article text found", a.url);
        tracing::warn!(article = %a.url, "no article text found");
        ctx.store
            .visit_done(a.id, now, Some(&msg), next_due, visits)?;
        return Ok(VisitOutcome::Failed);
    }

    let live = if a.live_version > 0 && Some(a.live_version) != latest.as_ref().map(|l| l.number) {
        ctx.store.version(a.id, a.live_version)?
    } else {
        latest.clone()
    };
    if live.as_ref().is_some_and(|l| l.body_hash == page.hash) {
        ctx.store.visit_done(a.id, now, None, next_due, visits)?;
        return Ok(VisitOutcome::Unchanged);
    }
    // Back to an earlier version (A/B test, rollback): a revert, not a new version.
    if let Some(old) = ctx.store.version_with_hash(a.id, &page.hash)? {
        let from = live.as_ref().map(|l| l.number).unwrap_or(0);
        let mut evs = Vec::new();
        // One alert per distinct content: every version after the first was
        // announced by its article.updated, so only the first return to
        // version 1 is news (an A/B flip-flop alerts once per content).
        if ctx.cfg.versions.alert_on_revert
            && old.number == 1
            && !ctx.store.reverted_before(a.id, 1)?
        {
            let aref = article_ref(a, page.title.clone());
            evs.push(events::envelope(
                "article.reverted",
                now,
                format!("article:{}", a.url),
                events::article_reverted(&aref, from, old.number),
                &ctx.cfg.webhooks,
            ));
        }
        ctx.store
            .record_revert(a.id, now, from, old.number, next_due, visits, &evs)?;
        tracing::info!(article = %a.url, from, to = old.number, "page reverted to an earlier version");
        return Ok(VisitOutcome::Reverted { to: old.number });
    }

    let number = latest.as_ref().map(|l| l.number).unwrap_or(0) + 1;
    let aref = article_ref(a, page.title.clone());
    let mut evs = Vec::new();
    // Sentences new in this version: all of them for version 1.
    let (change, title_changed) = match &latest {
        Some(prev) => {
            let c = diff::diff(
                &prev.body,
                &page.body,
                (&format!("v{}", prev.number), &format!("v{number}")),
            );
            let tc = compare_key(prev.title.as_deref().unwrap_or(""))
                != compare_key(page.title.as_deref().unwrap_or(""));
            (c, tc.then(|| prev.title.clone().unwrap_or_default()))
        }
        None => (
            Change {
                added: diff::body_sentences(&page.body)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                ..Default::default()
            },
            None,
        ),
    };
    if let Some(prev) = &latest {
        if change.is_empty() && title_changed.is_none() {
            // Only formatting the comparison key ignores at sentence level (e.g. paragraph breaks).
            ctx.store.visit_done(a.id, now, None, next_due, visits)?;
            return Ok(VisitOutcome::Unchanged);
        }
        let data = events::article_updated(
            &aref,
            number,
            prev.number,
            &change,
            title_changed.as_deref(),
        );
        evs.push(events::envelope(
            "article.updated",
            now,
            format!("article:{}", a.url),
            data,
            &ctx.cfg.webhooks,
        ));
    }
    // The headline goes first; of an edited headline, only its new sentences.
    let mut new_sentences: Vec<String> = Vec::new();
    if let Some(t) = &page.title {
        let old_keys: Vec<String> = match (&latest, &title_changed) {
            (None, _) => Vec::new(),
            (Some(_), Some(old)) => diff::body_sentences(old)
                .into_iter()
                .map(compare_key)
                .collect(),
            (Some(_), None) => diff::body_sentences(t)
                .into_iter()
                .map(compare_key)
                .collect(),
        };
        new_sentences.extend(
            diff::body_sentences(t)
                .into_iter()
                .filter(|s| !old_keys.contains(&compare_key(s)))
                .map(str::to_string),
        );
    }
    new_sentences.extend(change.added.iter().cloned());

    let (claims, states, control_events) = control(
        ctx,
        &new_sentences,
        &aref,
        number,
        now,
        lang_hint(ctx, a, &page.article),
    )?;
    evs.extend(control_events);

    // Pages are stored as zstd deltas: later versions against the first one
    // (between versions most of a page never changes), first versions against
    // a page from the same site (which shares its scripts and navigation).
    // The host that served the page, not the feed's link: links often go
    // through a redirector shared by many sites.
    let host = page.url.host_str().map(str::to_ascii_lowercase);
    // The text is what the history is about; a page that cannot be packed
    // is logged and left out rather than losing the version.
    let packed = match ctx
        .store
        .pack_page(a.id, number, host.as_deref(), &page.raw)
    {
        Ok(p) => Some(p),
        Err(e) => {
            tracing::warn!(article = %a.url, error = %e, "page not stored");
            None
        }
    };
    let v = NewVersion {
        article_id: a.id,
        number,
        fetched_at: now,
        title: page.title.clone(),
        published: page.article.published.clone(),
        body: page.body.clone(),
        body_hash: page.hash.clone(),
        page: packed,
        host,
        next_visit_at: next_due,
        visits,
    };
    let n_events = evs.len();
    ctx.store.commit_version(&v, &claims, &states, &evs)?;
    metrics::inc(&METRICS.versions_stored);
    tracing::info!(article = %a.url, version = number, events = n_events, "new version");
    Ok(VisitOutcome::NewVersion {
        number,
        events: n_events,
    })
}

fn lang_hint(ctx: &Context, a: &ArticleRow, article: &Article) -> Option<String> {
    article.lang.clone().or_else(|| {
        a.feed_url
            .as_deref()
            .and_then(|u| ctx.feed_config(u))
            .and_then(|f| f.lang.clone())
    })
}

fn article_ref(a: &ArticleRow, title: Option<String>) -> ArticleRef {
    ArticleRef {
        url: a.url.clone(),
        title: title.or_else(|| a.title.clone()),
        feed: a.feed_name.clone().or_else(|| a.feed_url.clone()),
    }
}

/// What the claims of one version do: rows to store and events to raise.
type ControlOutcome = (Vec<ClaimRow>, Vec<StateUpdate>, Vec<NewEvent>);

/// Claims of the new sentences → state steps → stored claims, state updates and events.
fn control(
    ctx: &Context,
    sentences: &[String],
    aref: &ArticleRef,
    version: i64,
    now: i64,
    lang: Option<String>,
) -> Result<ControlOutcome, StoreError> {
    let mut claims_out = Vec::new();
    let mut states = Vec::new();
    let mut evs = Vec::new();
    if ctx.cfg.watchlist.facilities.is_empty() {
        return Ok((claims_out, states, evs));
    }
    let wl = ctx.detector.watchlist();
    // Current controllers: stored state, else the watchlist's initial one.
    let mut known: HashMap<String, state::Control> = HashMap::new();
    for f in &wl.facilities {
        known.insert(
            f.id.clone(),
            state::Control {
                controller: f.controller.clone(),
                previous: None,
            },
        );
    }
    for s in ctx.store.facility_states()? {
        known.insert(
            s.facility.clone(),
            state::Control {
                controller: s.controller.clone(),
                previous: s.previous.clone(),
            },
        );
    }
    let record = |claims_out: &mut Vec<ClaimRow>, c: &crate::model::Claim, effect: &str| {
        claims_out.push(ClaimRow {
            facility: c.facility.clone(),
            actor: c.actor.clone(),
            kind: c.kind.as_str().to_string(),
            sentence: c.evidence.sentence.clone(),
            confidence: c.confidence,
            attribution: c.attribution.clone(),
            effect: effect.to_string(),
        })
    };
    for sentence in sentences {
        let Ok(claims) = contain("detection", &aref.url, || {
            ctx.detector.detect(sentence, lang.as_deref())
        }) else {
            continue;
        };
        let snapshot = known.clone();
        let lookup = move |f: &str| snapshot.get(f).cloned().unwrap_or_default();
        for step in state::apply_sentence_to(&lookup, &claims) {
            let key = format!("facility:{}", step.facility);
            let (effect, event) = match &step.effect {
                Effect::Changed { from, to } => (
                    "changed",
                    Some(events::envelope(
                        "control.changed",
                        now,
                        key,
                        events::control_changed(
                            wl,
                            &step.claim,
                            from.as_deref(),
                            to.as_deref(),
                            aref,
                            version,
                        ),
                        &ctx.cfg.webhooks,
                    )),
                ),
                Effect::Disputed { current: cur } => (
                    "disputed",
                    Some(events::envelope(
                        "control.disputed",
                        now,
                        key,
                        events::control_disputed(wl, &step.claim, cur, aref, version),
                        &ctx.cfg.webhooks,
                    )),
                ),
                Effect::Corroborated => ("corroborated", None),
                Effect::SetSilently { .. } => ("set", None),
            };
            for c in claims.iter().filter(|c| c.facility == step.facility) {
                record(&mut claims_out, c, effect);
            }
            let before = known.get(&step.facility).and_then(|k| k.controller.clone());
            match &step.effect {
                Effect::Changed { from, .. } => {
                    known.insert(
                        step.facility.clone(),
                        state::Control {
                            controller: step.controller.clone(),
                            previous: from.clone(),
                        },
                    );
                    states.push(StateUpdate {
                        facility: step.facility.clone(),
                        controller: step.controller.clone(),
                        sentence: step.claim.evidence.sentence.clone(),
                        article_url: aref.url.clone(),
                        previous: from.clone(),
                        corroboration: false,
                    });
                }
                Effect::SetSilently { .. } => {
                    known.insert(
                        step.facility.clone(),
                        state::Control {
                            controller: step.controller.clone(),
                            previous: before.clone(),
                        },
                    );
                    states.push(StateUpdate {
                        facility: step.facility.clone(),
                        controller: step.controller.clone(),
                        sentence: step.claim.evidence.sentence.clone(),
                        article_url: aref.url.clone(),
                        previous: before,
                        corroboration: false,
                    });
                }
                Effect::Corroborated => states.push(StateUpdate {
                    facility: step.facility.clone(),
                    controller: step.controller.clone(),
                    sentence: step.claim.evidence.sentence.clone(),
                    article_url: aref.url.clone(),
                    previous: None,
                    corroboration: true,
                }),
                Effect::Disputed { .. } => {}
            }
            if let Some(e) = event {
                tracing::info!(facility = %step.facility, kind = %e.kind, "control event");
                evs.push(e);
            }
        }
    }
    Ok((claims_out, states, evs))
}

/// One full pass (`marsad once`): poll every active feed once, visit new,
/// changed and due articles, and deliver every alert that is due.
pub async fn run_pass(ctx: &Context, dispatcher: &Dispatcher) -> Result<PassReport, StoreError> {
    let mut report = PassReport::default();
    let feeds = ctx.store.feeds(true)?;
    report.feeds = feeds.len();
    let sem = Arc::new(tokio::sync::Semaphore::new(ctx.cfg.poll.concurrency));
    let mut set = JoinSet::new();
    for feed in feeds {
        let ctx = ctx.clone();
        let sem = sem.clone();
        set.spawn(async move {
            let _p = sem.acquire_owned().await;
            refresh_feed(&ctx, &feed).await
        });
    }
    while let Some(r) = set.join_next().await {
        // A panicking task is a bug, but must not cost the other feeds their pass.
        let o = match r {
            Ok(o) => o?,
            Err(e) if e.is_panic() => {
                tracing::error!(error = %e, "feed task panicked");
                report.feed_errors += 1;
                continue;
            }
            Err(e) => return Err(StoreError::Other(format!("feed task failed: {e}"))),
        };
        report.not_modified += o.not_modified as usize;
        report.feed_errors += o.failed as usize;
    }
    let now = crate::clock::now_ms();
    let articles = ctx.store.articles_to_visit(now, None, 100_000)?;
    let mut set = JoinSet::new();
    for a in articles {
        let ctx = ctx.clone();
        let sem = sem.clone();
        set.spawn(async move {
            let _p = sem.acquire_owned().await;
            visit_article(&ctx, &a).await
        });
    }
    let mut visits = Vec::new();
    while let Some(r) = set.join_next().await {
        match r {
            Ok(v) => visits.push(v?),
            Err(e) if e.is_panic() => {
                tracing::error!(error = %e, "article task panicked");
                visits.push(VisitOutcome::Failed);
            }
            Err(e) => return Err(StoreError::Other(format!("article task failed: {e}"))),
        }
    }
    report.articles_visited = visits.len();
    for v in visits {
        if let VisitOutcome::NewVersion { events, .. } = v {
            report.versions += 1;
            report.events += events;
        }
    }
    let round = dispatcher.deliver_due(crate::clock::now_ms()).await?;
    report.delivered = round.delivered;
    report.delivery_failures = round.retried + round.dead;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisits_thin_out_and_stop() {
        let sched: Vec<Duration> = [10u64, 30, 120]
            .iter()
            .map(|m| Duration::from_secs(m * 60))
            .collect();
        assert_eq!(next_visit(&sched, 0, 0), (0, Some(600_000)));
        assert_eq!(next_visit(&sched, 0, 700_000), (1, Some(1_800_000)));
        assert_eq!(next_visit(&sched, 0, 99_000_000), (3, None));
    }

    #[test]
    fn error_backoff_grows_and_honours_retry_after() {
        let i = Duration::from_secs(300);
        assert_eq!(error_backoff(i, 1, None), Duration::from_secs(300));
        assert_eq!(error_backoff(i, 3, None), Duration::from_secs(1200));
        assert_eq!(error_backoff(i, 30, None), Duration::from_secs(6 * 3600));
        assert_eq!(
            error_backoff(i, 1, Some(Duration::from_secs(42))),
            Duration::from_secs(42)
        );
        assert_eq!(
            error_backoff(i, 1, Some(Duration::from_secs(u64::MAX))),
            MAX_RETRY_AFTER
        );
    }

    #[test]
    fn jitter_never_panics_or_wraps() {
        for d in [
            Duration::ZERO,
            Duration::from_millis(5),
            Duration::from_secs(u64::MAX),
        ] {
            assert!(jitter(d) >= 0, "{d:?}");
        }
    }
}
