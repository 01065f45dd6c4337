//! The outbox: one row per (event, webhook); the dispatcher leases due rows,
//! and records delivery, retry or dead-letter.

use super::{Result, Store};
use rusqlite::{params, Row};

/// A due delivery with everything needed to POST it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub outbox_id: i64,
    pub event_id: String,
    pub kind: String,
    pub webhook: String,
    pub payload: String,
    pub attempts: i64,
    pub created_at: i64,
    pub ordering_key: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub webhook: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

fn orow(r: &Row<'_>) -> rusqlite::Result<OutboxRow> {
    Ok(OutboxRow {
        id: r.get(0)?,
        event_id: r.get(1)?,
        kind: r.get(2)?,
        webhook: r.get(3)?,
        status: r.get(4)?,
        attempts: r.get(5)?,
        next_attempt_at: r.get(6)?,
        last_error: r.get(7)?,
        created_at: r.get(8)?,
        delivered_at: r.get(9)?,
    })
}

impl Store {
    /// Pending deliveries, oldest first. Rows that are not yet due are included
    /// (flagged by `next_attempt_at`) so the dispatcher can keep per-key order.
    pub fn pending_deliveries(&self, limit: usize) -> Result<Vec<(Delivery, i64)>> {
        let conn = self.conn();
        // Asked every second by the dispatcher: keep the statement prepared.
        let mut st = conn.prepare_cached(
            "SELECT o.id, o.event_id, e.type, o.webhook, e.payload, o.attempts, o.created_at, e.ordering_key, o.next_attempt_at
             FROM outbox o JOIN events e ON e.id = o.event_id WHERE o.status = 'pending' ORDER BY o.id LIMIT ?1",
        )?;
        let rows = st
            .query_map([limit as i64], |r| {
                Ok((
                    Delivery {
                        outbox_id: r.get(0)?,
                        event_id: r.get(1)?,
                        kind: r.get(2)?,
                        webhook: r.get(3)?,
                        payload: r.get(4)?,
                        attempts: r.get(5)?,
                        created_at: r.get(6)?,
                        ordering_key: r.get(7)?,
                    },
                    r.get(8)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Earliest time a pending delivery is due.
    pub fn next_delivery_due(&self) -> Result<Option<i64>> {
        Ok(self.conn().query_row(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'",
            [],
            |r| r.get(0),
        )?)
    }

    pub fn mark_delivered(&self, outbox_id: i64, now: i64) -> Result<()> {
        self.conn().execute("UPDATE outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = ?2, last_error = NULL WHERE id = ?1", params![outbox_id, now])?;
        Ok(())
    }

    pub fn mark_retry(&self, outbox_id: i64, next_attempt_at: i64, error: &str) -> Result<()> {
        self.conn().execute("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3 WHERE id = ?1", params![outbox_id, next_attempt_at, error])?;
        Ok(())
    }

    pub fn mark_dead(&self, outbox_id: i64, error: &str) -> Result<()> {
        self.conn().execute("UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ?2 WHERE id = ?1", params![outbox_id, error])?;
        Ok(())
    }

    /// Outbox rows: pending ones, or the dead-lettered ones.
    pub fn outbox(&self, dead: bool, limit: usize) -> Result<Vec<OutboxRow>> {
        let conn = self.conn();
        // Asked every second by the dispatcher: keep the statement prepared.
        let mut st = conn.prepare_cached(
            "SELECT o.id, o.event_id, e.type, o.webhook, o.status, o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.delivered_at
             FROM outbox o JOIN events e ON e.id = o.event_id WHERE o.status = ?1 ORDER BY o.id LIMIT ?2",
        )?;
        let rows = st
            .query_map(
                params![if dead { "dead" } else { "pending" }, limit as i64],
                orow,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Puts dead-lettered rows (one, or all) back in the queue, due now.
    pub fn outbox_retry(&self, id: Option<i64>, now: i64) -> Result<usize> {
        Ok(self.conn().execute("UPDATE outbox SET status = 'pending', next_attempt_at = ?2, created_at = ?2 WHERE status = 'dead' AND (?1 IS NULL OR id = ?1)", params![id, now])?)
    }
}
