//! Alerts: the outbox dispatcher and webhook delivery.
//!
//! Owns the retry schedule. Every POST is signed per Standard Webhooks
//! ([`webhook::sign`]); the event id (the `webhook-id` header) is stable
//! across retries. Delivery is at-least-once: a row is marked delivered only
//! after a 2xx, and a delivered row is never sent again, even after a
//! restart. Failures back off exponentially from `initial_backoff`, capped at
//! `max_backoff`; after `max_age` a row is dead-lettered (visible in
//! `marsad outbox --dead`, retryable by hand). 404 and 410 are permanent:
//! dead after [`PERMANENT_TRIES`] tries. Rows with the same ordering key
//! (facility or article) and webhook go out in order: a failed row holds back
//! the later ones. A webhook that does not answer at all (connect error or
//! timeout) is not tried again in the same round. Webhooks are served side
//! by side, so one slow receiver never delays another.

pub mod webhook;

use crate::config::{DeliveryConfig, WebhookConfig};
use crate::store::{Delivery, Store};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

/// Tries before a 404/410 is dead-lettered.
pub const PERMANENT_TRIES: i64 = 3;

/// What one dispatch round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub delivered: usize,
    pub retried: usize,
    pub dead: usize,
}

/// Delay before attempt number `attempts + 1` (attempts already made ≥ 1).
pub fn backoff(cfg: &DeliveryConfig, attempts: i64) -> Duration {
    let exp = (attempts.max(1) - 1).min(30) as u32;
    cfg.initial_backoff
        .saturating_mul(2u32.saturating_pow(exp))
        .min(cfg.max_backoff)
}

/// Delivers due outbox rows.
#[derive(Clone)]
pub struct Dispatcher {
    store: Arc<Store>,
    client: reqwest::Client,
    hooks: Vec<WebhookConfig>,
    cfg: DeliveryConfig,
}

impl Dispatcher {
    pub fn new(
        store: Arc<Store>,
        hooks: Vec<WebhookConfig>,
        cfg: DeliveryConfig,
        user_agent: &str,
    ) -> Result<Self, String> {
        crate::fetch::install_crypto_provider();
        let client = reqwest::Client::builder()
            .user_agent(user_agent)
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(|e| format!("cannot build webhook client: {e}"))?;
        Ok(Dispatcher {
            store,
            client,
            hooks,
            cfg,
        })
    }

    /// One round: POSTs every due row, in order, and records the outcome.
    /// `now` is Unix ms (passed in so tests can move time). Each webhook is
    /// served by its own sequence of POSTs, all running at once: a slow or
    /// hanging receiver delays only its own deliveries.
    pub async fn deliver_due(&self, now: i64) -> Result<Round, crate::store::StoreError> {
        let rows = self.store.pending_deliveries(10_000)?;
        let mut by_hook: Vec<(String, Vec<(Delivery, i64)>)> = Vec::new();
        for row in rows {
            match by_hook.iter_mut().find(|(h, _)| *h == row.0.webhook) {
                Some((_, v)) => v.push(row),
                None => by_hook.push((row.0.webhook.clone(), vec![row])),
            }
        }
        let rounds = futures_util::future::join_all(
            by_hook
                .into_iter()
                .map(|(hook, rows)| self.deliver_to(hook, rows, now)),
        )
        .await;
        let mut round = Round::default();
        for r in rounds {
            let r = r?;
            round.delivered += r.delivered;
            round.retried += r.retried;
            round.dead += r.dead;
        }
        Ok(round)
    }

    /// Delivers one webhook's due rows, in order.
    async fn deliver_to(
        &self,
        webhook: String,
        rows: Vec<(Delivery, i64)>,
        now: i64,
    ) -> Result<Round, crate::store::StoreError> {
        let mut round = Round::default();
        let Some(hook) = self.hooks.iter().find(|h| h.url.as_str() == webhook) else {
            // The webhook was removed from the config: keep its rows, visible in `marsad outbox`.
            return Ok(round);
        };
        let mut held: HashSet<String> = HashSet::new();
        for (d, next_attempt_at) in rows {
            if held.contains(&d.ordering_key) {
                continue;
            }
            if next_attempt_at > now {
                held.insert(d.ordering_key.clone());
                continue;
            }
            let outcome =
                webhook::post(&self.client, hook, &d.event_id, &d.payload, now / 1000).await;
            match outcome {
                Ok(()) => {
                    self.store.mark_delivered(d.outbox_id, now)?;
                    tracing::debug!(event = %d.event_id, kind = %d.kind, webhook = %d.webhook, "delivered");
                    round.delivered += 1;
                    crate::metrics::inc(&crate::metrics::METRICS.deliveries_ok);
                }
                Err(err) => {
                    let unreachable = matches!(err, webhook::PostError::Transport(_));
                    let attempts = d.attempts + 1;
                    let too_old = now - d.created_at >= self.cfg.max_age.as_millis() as i64;
                    let permanent = err.permanent() && attempts >= PERMANENT_TRIES;
                    if too_old || permanent {
                        let why = if permanent {
                            format!("{err} (permanent)")
                        } else {
                            format!("{err} (gave up after {attempts} attempts)")
                        };
                        self.store.mark_dead(d.outbox_id, &why)?;
                        tracing::warn!(event = %d.event_id, webhook = %d.webhook, error = %why, "delivery dead-lettered");
                        round.dead += 1;
                        crate::metrics::inc(&crate::metrics::METRICS.deliveries_dead);
                    } else {
                        let next = now + backoff(&self.cfg, attempts).as_millis() as i64;
                        self.store.mark_retry(d.outbox_id, next, &err.to_string())?;
                        tracing::info!(event = %d.event_id, webhook = %d.webhook, error = %err, attempts, "delivery failed; will retry");
                        round.retried += 1;
                        crate::metrics::inc(&crate::metrics::METRICS.deliveries_failed);
                        held.insert(d.ordering_key.clone());
                    }
                    if unreachable {
                        // It did not answer at all (connect error, timeout):
                        // its other rows wait for the next round, so a
                        // receiver that hangs costs one timeout per round,
                        // not one per ordering key.
                        break;
                    }
                }
            }
        }
        Ok(round)
    }
}
