//! The daemon (`marsad run`): scheduler, bounded workers, the dispatcher
//! loop, reload, sd_notify and the health/metrics endpoint.
//!
//! Feeds are polled when due (per-feed interval with jitter, error backoff),
//! a feed's new and changed articles are visited right after its poll, due
//! revisits are picked up on the next tick, and the dispatcher runs whenever
//! new events were written (and at least every second). The scheduler ticks
//! every [`TICK`] while work is in flight; otherwise it sleeps until the next
//! feed or revisit is due (at most [`MAX_NAP`]).
//!
//! Most polls of a quiet feed end in `304 Not Modified`, and at 10,000 feeds
//! those are nearly all the daemon does, so they are kept cheap: the poll
//! schedule is held in memory ([`Schedule`], checked against the stored row
//! before a poll), and a 304 only hands its two times back to the scheduler,
//! which records a whole tick's worth in one transaction ([`settle`]). The
//! feed stays claimed until then, so it cannot be polled twice.
//!
//! Reload (SIGHUP): the config and watchlist are read again; if valid, new
//! work uses them (feeds and webhooks added, removed or changed) while work
//! in flight finishes with the old ones; if invalid, the errors are logged and
//! the old config stays. Shutdown: nothing new starts; in-flight work gets
//! [`GRACE`] to finish — each version is one transaction, so work cut off is
//! simply redone on the next start.

use crate::notify;
use crate::pipeline::{self, Context};
use crate::shutdown::Shutdown;
use crate::store::NotModifiedPoll;
use crate::store::StoreError;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify, Semaphore};
use tokio_util::task::TaskTracker;

/// How long in-flight work may take to finish after a stop request.
pub const GRACE: Duration = Duration::from_secs(10);

/// The scheduler loop counts as stalled after this long without a tick.
const STALL: Duration = Duration::from_secs(30);

/// Time between scheduler ticks while work is in flight.
const TICK: Duration = Duration::from_millis(500);

/// The longest the scheduler sleeps when nothing is in flight and nothing is
/// due: it still notices changes made outside this process, and the
/// heartbeat stays far from [`STALL`].
const MAX_NAP: Duration = Duration::from_secs(5);

/// How often the in-memory schedule is rebuilt from the database, as a safety
/// net for schedule changes made outside this process.
const RESYNC: Duration = Duration::from_secs(60);

/// Most feeds started in one tick.
const MAX_PER_TICK: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Setup(String),
}

/// How the daemon is driven from outside.
#[derive(Clone, Default)]
pub struct Options {
    /// Where to re-read the config from on reload.
    pub config_path: Option<PathBuf>,
    /// Notified on SIGHUP.
    pub reload: Arc<Notify>,
}

type InFlight = Arc<Mutex<HashSet<i64>>>;

fn lock(s: &InFlight) -> std::sync::MutexGuard<'_, HashSet<i64>> {
    s.lock().unwrap_or_else(|p| p.into_inner())
}

/// Marks an id in flight until dropped — also when the task panics, so a
/// feed or article is never left unschedulable.
struct Claimed(InFlight, i64);

impl Claimed {
    fn take(set: &InFlight, id: i64) -> Option<Claimed> {
        lock(set).insert(id).then(|| Claimed(set.clone(), id))
    }
}

impl Drop for Claimed {
    fn drop(&mut self) {
        lock(&self.0).remove(&self.1);
    }
}

/// When each active feed is due, kept in memory: a tick with nothing due asks
/// the database nothing (the feeds table has no index on `next_poll_at`, so
/// asking meant scanning every feed twice a second). Entries may be stale or
/// duplicated; [`Store::due_feed`](crate::store::Store::due_feed) checks the
/// stored row before a poll, so a stale entry costs one primary-key lookup.
#[derive(Debug, Default)]
struct Schedule {
    /// `(due, feed id)`, earliest first.
    heap: BinaryHeap<Reverse<(i64, i64)>>,
}

impl Schedule {
    /// Replaces every entry with `(id, due)` pairs (as stored).
    fn reset(&mut self, entries: Vec<(i64, i64)>) {
        self.heap = entries
            .into_iter()
            .map(|(id, due)| Reverse((due, id)))
            .collect();
    }

    fn push(&mut self, id: i64, due: i64) {
        self.heap.push(Reverse((due, id)));
    }

    /// When the earliest entry is due.
    fn next_due(&self) -> Option<i64> {
        self.heap.peek().map(|Reverse((due, _))| *due)
    }

    /// Removes and returns up to `limit` feed ids due at `now`, earliest first.
    fn pop_due(&mut self, now: i64, limit: usize) -> Vec<i64> {
        let mut out = Vec::new();
        while out.len() < limit {
            match self.heap.peek() {
                Some(Reverse((due, id))) if *due <= now => {
                    out.push(*id);
                    self.heap.pop();
                }
                _ => break,
            }
        }
        out
    }
}

/// Whether a tick needs to ask for articles to visit (a join the planner
/// cannot make cheap, so not twice a second for nothing). It does while the
/// last answer was not empty, once something may have changed (a feed poll
/// stored entries, a visit finished: `changed`), once the earliest stored
/// revisit is due, and at least every [`RESYNC`] for changes made outside
/// this process.
#[derive(Debug)]
struct VisitGate {
    /// Earliest stored revisit when the last answer was empty.
    next_due: Option<i64>,
    /// The last answer listed articles (being visited, or waiting for their feed).
    busy: bool,
    last_look: Instant,
}

impl VisitGate {
    fn new() -> Self {
        VisitGate {
            next_due: None,
            busy: true,
            last_look: Instant::now(),
        }
    }

    fn should_look(&self, now: i64, changed: bool) -> bool {
        changed
            || self.busy
            || self.next_due.is_some_and(|t| t <= now)
            || self.last_look.elapsed() >= RESYNC
    }

    /// After a look: `found` articles listed; `next_due` is asked only when none were.
    fn looked(
        &mut self,
        found: usize,
        next_due: impl FnOnce() -> Result<Option<i64>, StoreError>,
    ) -> Result<(), StoreError> {
        self.last_look = Instant::now();
        self.busy = found > 0;
        self.next_due = if self.busy { None } else { next_due()? };
        Ok(())
    }
}

/// How long the scheduler sleeps after a tick: one [`TICK`] while work is in
/// flight (its results are collected on ticks), else until the earliest of
/// `due` (Unix ms), within [`TICK`]..=[`MAX_NAP`].
fn nap(now: i64, busy: bool, due: &[Option<i64>]) -> Duration {
    if busy {
        return TICK;
    }
    let until = due
        .iter()
        .flatten()
        .min()
        .map(|&t| u64::try_from(t.saturating_sub(now)).unwrap_or(0));
    until
        .map(Duration::from_millis)
        .unwrap_or(MAX_NAP)
        .clamp(TICK, MAX_NAP)
}

/// What a feed task hands back to the scheduler loop.
enum Finished {
    /// A 304 still to be recorded. The claim travels with it, so the feed is
    /// not polled again before its next due time is stored.
    NotModified(Claimed, NotModifiedPoll),
    /// Recorded by the task; due again at `next` (`None`: storing failed, so
    /// the stored time is still the old one — look again next tick).
    Stored { id: i64, next: Option<i64> },
}

type Inbox = Arc<Mutex<Vec<Finished>>>;

fn take_finished(inbox: &Inbox) -> Vec<Finished> {
    std::mem::take(&mut *inbox.lock().unwrap_or_else(|p| p.into_inner()))
}

fn inbox_is_empty(inbox: &Inbox) -> bool {
    inbox.lock().unwrap_or_else(|p| p.into_inner()).is_empty()
}

fn hand_back(inbox: &Inbox, f: Finished) {
    inbox.lock().unwrap_or_else(|p| p.into_inner()).push(f);
}

/// Records the 304s finished since the last tick in one transaction and puts
/// every finished feed back on the schedule. A 304's bookkeeping is thus
/// late by at most a tick; a crash in between only means the feed is polled
/// again on the next start.
fn settle(ctx: &Context, inbox: &Inbox, schedule: &mut Schedule, wake: &Notify, now: i64) {
    let mut polls = Vec::new();
    let mut claims = Vec::new();
    for f in take_finished(inbox) {
        match f {
            Finished::NotModified(claim, poll) => {
                polls.push(poll);
                claims.push(claim);
            }
            Finished::Stored { id, next } => schedule.push(id, next.unwrap_or(now)),
        }
    }
    if polls.is_empty() {
        return;
    }
    match pipeline::record_not_modified(ctx, &polls) {
        Ok(recovered) => {
            for p in &polls {
                schedule.push(p.id, p.next_poll);
            }
            if recovered > 0 {
                wake.notify_one();
            }
        }
        Err(e) => {
            // Not `now`: while the database refuses writes (disk full), that
            // would poll every one of these feeds again on every tick. The
            // schedule's rebuild from the database (every minute) brings them
            // back sooner if their stored due time has passed.
            tracing::error!(error = %e, feeds = polls.len(), "storing 304 polls failed; they will be polled again");
            for p in &polls {
                schedule.push(p.id, p.next_poll);
            }
        }
    }
    // Only now that the next due times are stored may the feeds be claimed again.
    drop(claims);
}

/// Runs until `shutdown` is triggered.
pub async fn run(ctx: Context, shutdown: Shutdown, opts: Options) -> Result<(), DaemonError> {
    ctx.store
        .sync_feeds(&ctx.cfg.feeds, crate::clock::now_ms())?;
    let (ctx_tx, ctx_rx) = watch::channel(ctx.clone());
    let tracker = TaskTracker::new();
    let wake_dispatcher = Arc::new(Notify::new());
    let sem = Arc::new(Semaphore::new(ctx.cfg.poll.concurrency));
    let feeds_in_flight: InFlight = Arc::default();
    let articles_in_flight: InFlight = Arc::default();
    let started = Instant::now();
    let heartbeat = Arc::new(AtomicI64::new(0));
    let alive = {
        let hb = heartbeat.clone();
        Arc::new(move || {
            started.elapsed().as_millis() as i64 - hb.load(Ordering::Relaxed)
                < STALL.as_millis() as i64
        })
    };

    let disp_task = spawn_dispatcher(ctx_rx.clone(), wake_dispatcher.clone(), shutdown.clone())?;
    if let Some(h) = &ctx.cfg.http {
        let health = crate::http::Health {
            store: ctx.store.clone(),
            alive: alive.clone(),
        };
        crate::http::serve(h.listen, health, shutdown.clone())
            .await
            .map_err(|e| DaemonError::Setup(format!("[http] listen {}: {e}", h.listen)))?;
    }
    if let Some(every) = notify::watchdog_interval() {
        spawn_watchdog(every, ctx.store.clone(), alive.clone(), shutdown.clone());
    }

    tracing::info!(
        feeds = ctx.cfg.feeds.len(),
        webhooks = ctx.cfg.webhooks.len(),
        facilities = ctx.cfg.watchlist.facilities.len(),
        "marsad running"
    );
    notify::send("READY=1");
    let mut last_status = Instant::now() - Duration::from_secs(60);
    // The STATUS line costs four small COUNT queries: only worth it when systemd listens.
    let status_wanted = std::env::var_os("NOTIFY_SOCKET").is_some();
    let inbox: Inbox = Arc::default();
    let mut schedule = Schedule::default();
    let mut last_resync: Option<Instant> = None;
    let mut visit_gate = VisitGate::new();
    // Set by tasks that may have made articles due (see [`VisitGate`]).
    let articles_changed = Arc::new(AtomicBool::new(false));
    while !shutdown.is_triggered() {
        heartbeat.store(started.elapsed().as_millis() as i64, Ordering::Relaxed);
        let ctx = ctx_rx.borrow().clone();
        let now = crate::clock::now_ms();
        settle(&ctx, &inbox, &mut schedule, &wake_dispatcher, now);
        if last_resync.is_none_or(|t| t.elapsed() >= RESYNC) {
            schedule.reset(ctx.store.feed_schedule()?);
            last_resync = Some(Instant::now());
        }
        for id in schedule.pop_due(now, MAX_PER_TICK) {
            // In flight: it goes back on the schedule when it finishes.
            let Some(claim) = Claimed::take(&feeds_in_flight, id) else {
                continue;
            };
            // Gone, inactive or not due after all: a stale entry.
            let Some(feed) = ctx.store.due_feed(id, now)? else {
                continue;
            };
            let (ctx, sem, wake, aflight, shutdown, inbox, changed) = (
                ctx.clone(),
                sem.clone(),
                wake_dispatcher.clone(),
                articles_in_flight.clone(),
                shutdown.clone(),
                inbox.clone(),
                articles_changed.clone(),
            );
            tracker.spawn(async move {
                let permit = sem.clone().acquire_owned().await;
                let polled = pipeline::poll_feed(&ctx, &feed).await;
                drop(permit);
                let next = match polled {
                    // Nothing to visit, nothing to deliver: hand the times back.
                    Ok(pipeline::Polled::NotModified(poll)) => {
                        return hand_back(&inbox, Finished::NotModified(claim, poll));
                    }
                    Ok(pipeline::Polled::Done(o)) => Some(o.next_poll),
                    Err(e) => {
                        tracing::error!(feed = %feed.url, error = %e, "storing feed poll failed");
                        None
                    }
                };
                hand_back(&inbox, Finished::Stored { id, next });
                // Visit this feed's new and changed articles right away.
                if !shutdown.is_triggered() {
                    visit_pending(&ctx, feed.id, &sem, &aflight, &wake).await;
                }
                wake.notify_one();
                drop(claim);
                changed.store(true, Ordering::Release);
            });
        }
        let changed = articles_changed.swap(false, Ordering::AcqRel);
        let to_visit = if visit_gate.should_look(now, changed) {
            let list = ctx.store.articles_to_visit(now, None, 1000)?;
            visit_gate.looked(list.len(), || ctx.store.next_visit_due())?;
            list
        } else {
            Vec::new()
        };
        for a in to_visit {
            if a.fetch_pending && lock(&feeds_in_flight).contains(&a.feed_id.unwrap_or(-1)) {
                continue; // its feed's task visits it
            }
            let Some(claim) = Claimed::take(&articles_in_flight, a.id) else {
                continue;
            };
            let (ctx, sem, wake, changed) = (
                ctx.clone(),
                sem.clone(),
                wake_dispatcher.clone(),
                articles_changed.clone(),
            );
            tracker.spawn(async move {
                let _claim = claim;
                let _p = sem.acquire_owned().await;
                if let Err(e) = pipeline::visit_article(&ctx, &a).await {
                    tracing::error!(article = %a.url, error = %e, "storing article visit failed");
                }
                wake.notify_one();
                changed.store(true, Ordering::Release);
            });
        }
        if status_wanted && last_status.elapsed() >= Duration::from_secs(5) {
            last_status = Instant::now();
            if let Ok(s) = ctx.store.status_counts() {
                notify::send(&format!(
                    "STATUS={} feeds, {} failing, {} new versions since start, outbox {} pending, {} dead",
                    s.feeds,
                    s.failing_feeds,
                    crate::metrics::METRICS
                        .versions_stored
                        .load(std::sync::atomic::Ordering::Relaxed),
                    s.outbox_pending,
                    s.outbox_dead
                ));
            }
        }
        tokio::select! {
            _ = shutdown.wait() => {}
            _ = opts.reload.notified() => {
                reload(&opts, &ctx, &ctx_tx);
                // Feeds may have been added or deactivated.
                last_resync = None;
            }
            _ = tokio::time::sleep(nap(
                crate::clock::now_ms(),
                !tracker.is_empty() || visit_gate.busy || !inbox_is_empty(&inbox),
                &[schedule.next_due(), visit_gate.next_due],
            )) => {}
        }
    }

    notify::send("STOPPING=1");
    tracing::info!("stopping: waiting for in-flight work");
    tracker.close();
    if tokio::time::timeout(GRACE, tracker.wait()).await.is_err() {
        tracing::warn!(
            "in-flight work did not finish within {}s; it will be redone on the next start",
            GRACE.as_secs()
        );
    }
    let ctx = ctx_rx.borrow().clone();
    // The 304s that finished since the last tick.
    settle(
        &ctx,
        &inbox,
        &mut schedule,
        &wake_dispatcher,
        crate::clock::now_ms(),
    );
    let _ = disp_task.await;
    if let Err(e) = ctx.store.checkpoint() {
        tracing::warn!(error = %e, "WAL checkpoint failed");
    }
    tracing::info!("stopped");
    Ok(())
}

async fn visit_pending(
    ctx: &Context,
    feed_id: i64,
    sem: &Arc<Semaphore>,
    aflight: &InFlight,
    wake: &Arc<Notify>,
) {
    let Ok(list) = ctx
        .store
        .articles_to_visit(crate::clock::now_ms(), Some(feed_id), 1000)
    else {
        return;
    };
    let mut tasks = tokio::task::JoinSet::new();
    for a in list.into_iter().filter(|a| a.fetch_pending) {
        let Some(claim) = Claimed::take(aflight, a.id) else {
            continue;
        };
        let (ctx, sem, wake) = (ctx.clone(), sem.clone(), wake.clone());
        tasks.spawn(async move {
            let _claim = claim;
            let _p = sem.acquire_owned().await;
            let r = pipeline::visit_article(&ctx, &a).await;
            // Alerts go out as soon as their version is stored, not when
            // the whole feed is done.
            if matches!(
                r,
                Ok(pipeline::VisitOutcome::NewVersion { events: 1.., .. })
                    | Ok(pipeline::VisitOutcome::Reverted { .. })
            ) {
                wake.notify_one();
            }
            r
        });
    }
    while let Some(r) = tasks.join_next().await {
        match r {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "storing article visit failed"),
            Err(e) => tracing::error!(error = %e, "article task panicked"),
        }
    }
}

/// Re-reads the config; applies it if valid, else keeps the old one.
fn reload(opts: &Options, current: &Context, tx: &watch::Sender<Context>) {
    notify::reloading();
    let Some(path) = &opts.config_path else {
        tracing::warn!("reload requested, but the config was not loaded from a file");
        notify::send("READY=1");
        return;
    };
    match crate::config::load(path) {
        Err(e) => {
            for p in e.problems() {
                tracing::error!(problem = %p, "reload refused: invalid config; keeping the old one");
            }
        }
        Ok(mut cfg) => {
            if cfg.storage.path != current.cfg.storage.path {
                tracing::warn!(old = %current.cfg.storage.path.display(), new = %cfg.storage.path.display(), "storage.path changes need a restart; keeping the open database");
                cfg.storage.path = current.cfg.storage.path.clone();
            }
            match Context::new(Arc::new(cfg), current.store.clone()) {
                Ok(next) => {
                    if let Err(e) = next
                        .store
                        .sync_feeds(&next.cfg.feeds, crate::clock::now_ms())
                    {
                        tracing::error!(error = %e, "reload: cannot store the feed list; keeping the old config");
                    } else {
                        tracing::info!(
                            feeds = next.cfg.feeds.len(),
                            webhooks = next.cfg.webhooks.len(),
                            facilities = next.cfg.watchlist.facilities.len(),
                            "config reloaded"
                        );
                        let _ = tx.send(next);
                    }
                }
                Err(e) => tracing::error!(error = %e, "reload refused"),
            }
        }
    }
    notify::send("READY=1");
}

fn spawn_dispatcher(
    mut rx: watch::Receiver<Context>,
    wake: Arc<Notify>,
    shutdown: Shutdown,
) -> Result<tokio::task::JoinHandle<()>, DaemonError> {
    let mut dispatcher = rx.borrow().dispatcher().map_err(DaemonError::Setup)?;
    Ok(tokio::spawn(async move {
        loop {
            if rx.has_changed().unwrap_or(false) {
                match rx.borrow_and_update().dispatcher() {
                    Ok(d) => dispatcher = d,
                    Err(e) => tracing::error!(error = %e, "keeping the old webhooks"),
                }
            }
            if let Err(e) = dispatcher.deliver_due(crate::clock::now_ms()).await {
                tracing::error!(error = %e, "delivery round failed");
            }
            tokio::select! {
                _ = shutdown.wait() => break,
                _ = wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }))
}

/// `WATCHDOG=1` every `every`, but only while the scheduler loop ticks and
/// the database answers: a stuck pipeline gets the service restarted.
fn spawn_watchdog(
    every: Duration,
    store: Arc<crate::store::Store>,
    alive: Arc<dyn Fn() -> bool + Send + Sync>,
    shutdown: Shutdown,
) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = shutdown.wait() => break,
                _ = tokio::time::sleep(every) => {}
            }
            let db_ok = tokio::time::timeout(every, {
                let store = store.clone();
                async move {
                    tokio::task::spawn_blocking(move || store.ping().is_ok())
                        .await
                        .unwrap_or(false)
                }
            })
            .await
            .unwrap_or(false);
            if db_ok && alive() {
                notify::send("WATCHDOG=1");
            } else {
                tracing::error!(
                    database = db_ok,
                    scheduler = alive(),
                    "health check failed: withholding the watchdog ping"
                );
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_pops_due_feeds_earliest_first_up_to_the_limit() {
        let mut s = Schedule::default();
        s.reset(vec![(1, 300), (2, 100), (3, 200), (4, 900)]);
        assert!(s.pop_due(99, 10).is_empty());
        assert_eq!(s.pop_due(300, 2), [2, 3]);
        assert_eq!(s.pop_due(300, 10), [1]);
        s.push(2, 500);
        s.push(2, 450); // a duplicate: both come out, the row decides
        assert_eq!(s.pop_due(1000, 10), [2, 2, 4]);
        assert!(s.pop_due(i64::MAX, 10).is_empty());
    }

    #[test]
    fn reset_replaces_every_entry() {
        let mut s = Schedule::default();
        s.push(7, 0);
        s.reset(vec![(8, 5)]);
        assert_eq!(s.pop_due(10, 10), [8]);
    }

    #[test]
    fn the_visit_gate_looks_only_when_something_may_be_due() {
        let mut g = VisitGate::new();
        assert!(g.should_look(0, false), "first tick looks");
        g.looked(2, || panic!("not asked while busy"))
            .expect("looked");
        assert!(g.should_look(0, false), "busy: look again");
        g.looked(0, || Ok(Some(1_000))).expect("looked");
        assert!(!g.should_look(999, false), "idle until the next revisit");
        assert!(g.should_look(999, true), "a task changed something");
        assert!(g.should_look(1_000, false), "the revisit is due");
        g.looked(0, || Ok(None)).expect("looked");
        assert!(!g.should_look(i64::MAX, false), "no revisit stored");
        assert!(g.looked(0, || Err(StoreError::Other("x".into()))).is_err());
    }

    #[test]
    fn the_scheduler_naps_until_the_next_due_time_within_bounds() {
        assert_eq!(nap(0, true, &[None]), TICK, "busy: tick");
        assert_eq!(nap(0, true, &[Some(60_000)]), TICK);
        assert_eq!(nap(0, false, &[None, None]), MAX_NAP);
        assert_eq!(nap(0, false, &[Some(60_000), None]), MAX_NAP);
        assert_eq!(
            nap(0, false, &[Some(3_000), Some(2_000)]),
            Duration::from_secs(2)
        );
        assert_eq!(nap(5_000, false, &[Some(1_000)]), TICK, "overdue: tick");
        assert_eq!(
            nap(i64::MIN, false, &[Some(i64::MAX)]),
            MAX_NAP,
            "no overflow"
        );
    }

    #[test]
    fn a_claim_is_released_when_dropped() {
        let set: InFlight = Arc::default();
        let c = Claimed::take(&set, 3);
        assert!(c.is_some());
        assert!(Claimed::take(&set, 3).is_none(), "claimed twice");
        drop(c);
        assert!(Claimed::take(&set, 3).is_some());
    }
}
