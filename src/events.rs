//! Event payloads (design §6): the exact JSON bodies webhooks receive. Pure.
//!
//! An event is built once, stored with its id, and POSTed byte for byte the
//! same on every retry.

use crate::diff::Change;
use crate::model::Claim;
use crate::store::NewEvent;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

/// What identifies an article in payloads.
#[derive(Debug, Clone)]
pub struct ArticleRef {
    pub url: String,
    pub title: Option<String>,
    pub feed: Option<String>,
}

impl ArticleRef {
    fn json(&self) -> Value {
        json!({"url": self.url, "title": self.title, "feed": self.feed})
    }
}

/// RFC 3339 UTC with seconds, e.g. `2026-01-19T08:15:02Z`.
pub fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Wraps `data` in the envelope and picks the webhooks that want it.
pub fn envelope(
    kind: &str,
    now_ms: i64,
    ordering_key: String,
    data: Value,
    webhooks: &[crate::config::WebhookConfig],
) -> NewEvent {
    let id = crate::store::new_event_id(now_ms);
    let body = json!({"type": kind, "id": id, "timestamp": rfc3339(now_ms), "data": data});
    NewEvent {
        id,
        kind: kind.to_string(),
        created_at: now_ms,
        ordering_key,
        payload: body.to_string(),
        webhooks: webhooks
            .iter()
            .filter(|w| w.wants(kind))
            .map(|w| w.url.to_string())
            .collect(),
    }
}

/// `article.updated` data.
pub fn article_updated(
    article: &ArticleRef,
    version: i64,
    previous: i64,
    change: &Change,
    previous_title: Option<&str>,
) -> Value {
    let mut data = json!({
        "article": article.json(),
        "version": version,
        "previous_version": previous,
        "diff": {
            "added": change.added,
            "removed": change.removed,
            "moved": change.moved,
            "changed": change.changed,
            "unified": change.unified,
        },
    });
    if let Some(t) = previous_title {
        data["title_changed"] = json!({"from": t, "to": article.title});
    }
    data
}

/// `article.reverted` data: the page went back to an earlier version.
pub fn article_reverted(article: &ArticleRef, from_version: i64, to_version: i64) -> Value {
    json!({"article": article.json(), "version": to_version, "previous_version": from_version})
}

/// Facility as shown in control payloads.
pub fn facility_json(wl: &crate::detect::Watchlist, id: &str) -> Value {
    match wl.facility(id) {
        Some(f) => json!({"id": f.id, "name": f.names.first(), "kind": f.kind}),
        None => json!({"id": id, "name": null, "kind": null}),
    }
}

/// `control.changed` data.
pub fn control_changed(
    wl: &crate::detect::Watchlist,
    claim: &Claim,
    from: Option<&str>,
    to: Option<&str>,
    article: &ArticleRef,
    version: i64,
) -> Value {
    json!({
        "facility": facility_json(wl, &claim.facility),
        "from": from,
        "to": to,
        "claim": {"actor": claim.actor, "kind": claim.kind.as_str(), "confidence": claim.confidence, "attribution": claim.attribution},
        "evidence": {"sentence": claim.evidence.sentence, "article": article.json(), "version": version},
    })
}

/// `control.disputed` data: as `control.changed`, plus the current controller.
pub fn control_disputed(
    wl: &crate::detect::Watchlist,
    claim: &Claim,
    current: &str,
    article: &ArticleRef,
    version: i64,
) -> Value {
    let mut v = control_changed(wl, claim, Some(current), None, article, version);
    v["current"] = json!(current);
    v["from"] = json!(current);
    v["to"] = Value::Null;
    v
}

/// `feed.failing` / `feed.recovered` data.
pub fn feed_health(
    url: &str,
    name: Option<&str>,
    since_ms: i64,
    last_error: Option<&str>,
) -> Value {
    json!({"feed": {"url": url, "name": name}, "since": rfc3339(since_ms), "last_error": last_error})
}
