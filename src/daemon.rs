//! The daemon (`marsad run`): scheduler, bounded workers, the dispatcher
//! loop and graceful shutdown.
//!
//! Feeds are polled when due (per-feed interval with jitter, error backoff),
//! a feed's new and changed articles are visited right after its poll, due
//! revisits are picked up every tick, and the dispatcher runs whenever new
//! events were written (and at least every second). On shutdown nothing new
//! starts; in-flight work gets `grace` to finish — each version is one
//! transaction, so work cut off is simply redone on the next start.

use crate::pipeline::{self, Context};
use crate::shutdown::Shutdown;
use crate::store::StoreError;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore};
use tokio_util::task::TaskTracker;

/// How long in-flight work may take to finish after a stop request.
pub const GRACE: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Setup(String),
}

/// Runs until `shutdown` is triggered.
pub async fn run(ctx: Context, shutdown: Shutdown) -> Result<(), DaemonError> {
    ctx.store
        .sync_feeds(&ctx.cfg.feeds, crate::clock::now_ms())?;
    let dispatcher = ctx.dispatcher().map_err(DaemonError::Setup)?;
    let tracker = TaskTracker::new();
    let wake_dispatcher = Arc::new(Notify::new());
    let sem = Arc::new(Semaphore::new(ctx.cfg.poll.concurrency));
    let feeds_in_flight: Arc<Mutex<HashSet<i64>>> = Arc::default();
    let articles_in_flight: Arc<Mutex<HashSet<i64>>> = Arc::default();

    let disp_task = {
        let shutdown = shutdown.clone();
        let wake = wake_dispatcher.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = dispatcher.deliver_due(crate::clock::now_ms()).await {
                    tracing::error!(error = %e, "delivery round failed");
                }
                tokio::select! {
                    _ = shutdown.wait() => break,
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        })
    };

    tracing::info!(
        feeds = ctx.cfg.feeds.len(),
        webhooks = ctx.cfg.webhooks.len(),
        facilities = ctx.cfg.watchlist.facilities.len(),
        "marsad running"
    );
    while !shutdown.is_triggered() {
        let now = crate::clock::now_ms();
        for feed in ctx.store.due_feeds(now, 1000)? {
            if !feeds_in_flight
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(feed.id)
            {
                continue;
            }
            let (ctx, sem, wake, flight, aflight, shutdown) = (
                ctx.clone(),
                sem.clone(),
                wake_dispatcher.clone(),
                feeds_in_flight.clone(),
                articles_in_flight.clone(),
                shutdown.clone(),
            );
            tracker.spawn(async move {
                let permit = sem.clone().acquire_owned().await;
                let outcome = pipeline::refresh_feed(&ctx, &feed).await;
                drop(permit);
                if let Err(e) = &outcome {
                    tracing::error!(feed = %feed.url, error = %e, "storing feed poll failed");
                }
                // Visit this feed's new and changed articles right away.
                if !shutdown.is_triggered() {
                    if let Ok(list) =
                        ctx.store
                            .articles_to_visit(crate::clock::now_ms(), Some(feed.id), 1000)
                    {
                        let mut tasks = tokio::task::JoinSet::new();
                        for a in list.into_iter().filter(|a| a.fetch_pending) {
                            if !aflight
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .insert(a.id)
                            {
                                continue;
                            }
                            let (ctx, sem, aflight) = (ctx.clone(), sem.clone(), aflight.clone());
                            tasks.spawn(async move {
                                let _p = sem.acquire_owned().await;
                                let r = pipeline::visit_article(&ctx, &a).await;
                                aflight
                                    .lock()
                                    .unwrap_or_else(|p| p.into_inner())
                                    .remove(&a.id);
                                r
                            });
                        }
                        while let Some(r) = tasks.join_next().await {
                            match r {
                                Ok(Ok(_)) => {}
                                Ok(Err(e)) => {
                                    tracing::error!(error = %e, "storing article visit failed")
                                }
                                Err(e) => tracing::error!(error = %e, "article task panicked"),
                            }
                        }
                    }
                }
                wake.notify_one();
                flight
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&feed.id);
            });
        }
        for a in ctx.store.articles_to_visit(now, None, 1000)? {
            if a.fetch_pending
                && feeds_in_flight
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .contains(&a.feed_id.unwrap_or(-1))
            {
                continue; // its feed's task visits it
            }
            if !articles_in_flight
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(a.id)
            {
                continue;
            }
            let (ctx, sem, wake, aflight) = (
                ctx.clone(),
                sem.clone(),
                wake_dispatcher.clone(),
                articles_in_flight.clone(),
            );
            tracker.spawn(async move {
                let _p = sem.acquire_owned().await;
                if let Err(e) = pipeline::visit_article(&ctx, &a).await {
                    tracing::error!(article = %a.url, error = %e, "storing article visit failed");
                }
                aflight
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&a.id);
                wake.notify_one();
            });
        }
        tokio::select! {
            _ = shutdown.wait() => {}
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }

    tracing::info!("stopping: waiting for in-flight work");
    tracker.close();
    if tokio::time::timeout(GRACE, tracker.wait()).await.is_err() {
        tracing::warn!(
            "in-flight work did not finish within {}s; it will be redone on the next start",
            GRACE.as_secs()
        );
    }
    let _ = disp_task.await;
    if let Err(e) = ctx.store.checkpoint() {
        tracing::warn!(error = %e, "WAL checkpoint failed");
    }
    tracing::info!("stopped");
    Ok(())
}
