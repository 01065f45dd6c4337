//! Feeds: the configured list, validators, error state and the poll schedule.

use super::{insert_event, NewEvent, Result, Store};
use crate::config::FeedConfig;
use rusqlite::{params, OptionalExtension, Row};

#[derive(Debug, Clone, serde::Serialize)]
pub struct FeedRow {
    pub id: i64,
    pub url: String,
    pub name: Option<String>,
    pub lang: Option<String>,
    pub title: Option<String>,
    pub active: bool,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_poll_at: Option<i64>,
    pub last_ok_at: Option<i64>,
    pub last_status: Option<String>,
    pub last_error: Option<String>,
    pub error_count: i64,
    pub failing_since: Option<i64>,
    pub next_poll_at: i64,
    pub articles: i64,
}

impl FeedRow {
    /// The name to show: configured name, else the feed's own title, else the URL.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .or(self.title.as_deref())
            .unwrap_or(&self.url)
    }
}

/// Columns of a [`FeedRow`]. The entry count costs a scan per feed, so the
/// scheduler's queries leave it at 0; listings use [`COLS_COUNTED`].
const COLS: &str = "id, url, name, lang, title, active, etag, last_modified, last_poll_at, last_ok_at, last_status, last_error, error_count, failing_since, next_poll_at, 0";
const COLS_COUNTED: &str = "id, url, name, lang, title, active, etag, last_modified, last_poll_at, last_ok_at, last_status, last_error, error_count, failing_since, next_poll_at, (SELECT COUNT(*) FROM entries e WHERE e.feed_id = feeds.id)";

fn row(r: &Row<'_>) -> rusqlite::Result<FeedRow> {
    Ok(FeedRow {
        id: r.get(0)?,
        url: r.get(1)?,
        name: r.get(2)?,
        lang: r.get(3)?,
        title: r.get(4)?,
        active: r.get(5)?,
        etag: r.get(6)?,
        last_modified: r.get(7)?,
        last_poll_at: r.get(8)?,
        last_ok_at: r.get(9)?,
        last_status: r.get(10)?,
        last_error: r.get(11)?,
        error_count: r.get(12)?,
        failing_since: r.get(13)?,
        next_poll_at: r.get(14)?,
        articles: r.get(15)?,
    })
}

/// What recording a failed poll did.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedErrorOutcome {
    pub error_count: i64,
    /// The error differs from the last one recorded (log it).
    pub changed: bool,
    /// A `feed.failing` event was written.
    pub failing_raised: bool,
}

impl Store {
    /// Makes the stored feed list match the configuration: adds new feeds
    /// (due at once), updates names, deactivates feeds no longer listed
    /// (their history stays).
    pub fn sync_feeds(&self, feeds: &[FeedConfig], now: i64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("UPDATE feeds SET active = 0", [])?;
        for f in feeds {
            tx.execute(
                "INSERT INTO feeds (url, name, lang, active, next_poll_at, created_at) VALUES (?1, ?2, ?3, 1, 0, ?4)
                 ON CONFLICT(url) DO UPDATE SET name = excluded.name, lang = excluded.lang, active = 1",
                params![f.url.as_str(), f.name, f.lang, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn feeds(&self, active_only: bool) -> Result<Vec<FeedRow>> {
        let conn = self.conn();
        let sql = format!(
            "SELECT {COLS_COUNTED} FROM feeds {} ORDER BY id",
            if active_only { "WHERE active = 1" } else { "" }
        );
        let mut st = conn.prepare(&sql)?;
        let rows = st
            .query_map([], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn feed(&self, id: i64) -> Result<Option<FeedRow>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                &format!("SELECT {COLS} FROM feeds WHERE id = ?1"),
                [id],
                row,
            )
            .optional()?)
    }

    /// Active feeds due at `now`, soonest first.
    pub fn due_feeds(&self, now: i64, limit: usize) -> Result<Vec<FeedRow>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(&format!("SELECT {COLS} FROM feeds WHERE active = 1 AND next_poll_at <= ?1 ORDER BY next_poll_at LIMIT ?2"))?;
        let rows = st
            .query_map(params![now, limit as i64], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Earliest next poll of any active feed.
    pub fn next_feed_due(&self) -> Result<Option<i64>> {
        Ok(self.conn().query_row(
            "SELECT MIN(next_poll_at) FROM feeds WHERE active = 1",
            [],
            |r| r.get(0),
        )?)
    }

    /// A 304: nothing changed, nothing to parse.
    pub fn feed_not_modified(
        &self,
        id: i64,
        now: i64,
        next_poll: i64,
        recovered: &dyn Fn(&FeedRow) -> NewEvent,
    ) -> Result<bool> {
        self.feed_success(id, now, "304", None, None, None, next_poll, recovered)
    }

    /// A successful poll with a parsed body. Returns true when a `feed.recovered` event was written.
    #[allow(clippy::too_many_arguments)]
    pub fn feed_ok(
        &self,
        id: i64,
        now: i64,
        etag: Option<&str>,
        last_modified: Option<&str>,
        title: Option<&str>,
        next_poll: i64,
        recovered: &dyn Fn(&FeedRow) -> NewEvent,
    ) -> Result<bool> {
        self.feed_success(
            id,
            now,
            "200",
            Some(etag),
            Some(last_modified),
            title,
            next_poll,
            recovered,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn feed_success(
        &self,
        id: i64,
        now: i64,
        status: &str,
        etag: Option<Option<&str>>,
        last_modified: Option<Option<&str>>,
        title: Option<&str>,
        next_poll: i64,
        recovered: &dyn Fn(&FeedRow) -> NewEvent,
    ) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        // The common case (a healthy feed) reads one flag; the full row is
        // only needed for a feed.recovered event.
        let notified: bool = tx
            .prepare_cached("SELECT failing_notified FROM feeds WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?;
        let before = if notified {
            Some(tx.query_row(
                &format!("SELECT {COLS} FROM feeds WHERE id = ?1"),
                [id],
                row,
            )?)
        } else {
            None
        };
        tx.prepare_cached(
            "UPDATE feeds SET last_poll_at = ?2, last_ok_at = ?2, last_status = ?3, last_error = NULL, error_count = 0, failing_since = NULL, failing_notified = 0, next_poll_at = ?4,
               etag = CASE WHEN ?5 THEN ?6 ELSE etag END, last_modified = CASE WHEN ?5 THEN ?7 ELSE last_modified END, title = COALESCE(?8, title)
             WHERE id = ?1",
        )?
        .execute(params![id, now, status, next_poll, etag.is_some(), etag.flatten(), last_modified.flatten(), title])?;
        if let Some(before) = &before {
            insert_event(&tx, &recovered(before), None, None)?;
        }
        tx.commit()?;
        Ok(notified)
    }

    /// A failed poll (network, HTTP status or parse). Raises one
    /// `feed.failing` per episode once the feed has failed for `failing_after_ms`.
    pub fn feed_error(
        &self,
        id: i64,
        now: i64,
        error: &str,
        next_poll: i64,
        failing_after_ms: i64,
        failing: &dyn Fn(&FeedRow, i64) -> NewEvent,
    ) -> Result<FeedErrorOutcome> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let before = tx.query_row(
            &format!("SELECT {COLS} FROM feeds WHERE id = ?1"),
            [id],
            row,
        )?;
        let notified: bool = tx.query_row(
            "SELECT failing_notified FROM feeds WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        let since = before.failing_since.unwrap_or(now);
        let raise = !notified && now - since >= failing_after_ms;
        tx.execute(
            "UPDATE feeds SET last_poll_at = ?2, last_status = 'error', last_error = ?3, error_count = error_count + 1, failing_since = ?4, failing_notified = ?5, next_poll_at = ?6 WHERE id = ?1",
            params![id, now, error, since, notified || raise, next_poll],
        )?;
        if raise {
            let mut after = before.clone();
            after.last_error = Some(error.to_string());
            insert_event(&tx, &failing(&after, since), None, None)?;
        }
        tx.commit()?;
        Ok(FeedErrorOutcome {
            error_count: before.error_count + 1,
            changed: before.last_error.as_deref() != Some(error),
            failing_raised: raise,
        })
    }
}
