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

    /// `(id, next_poll_at)` of every active feed: the daemon keeps the poll
    /// schedule in memory from this, so a tick with nothing due asks nothing
    /// (a scan of the active feeds, done once a minute).
    pub fn feed_schedule(&self) -> Result<Vec<(i64, i64)>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached("SELECT id, next_poll_at FROM feeds WHERE active = 1")?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Feed `id` if it is active and due at `now`: the check of an in-memory
    /// schedule entry (which may be stale) against the stored row.
    pub fn due_feed(&self, id: i64, now: i64) -> Result<Option<FeedRow>> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(&format!(
            "SELECT {COLS} FROM feeds WHERE id = ?1 AND active = 1 AND next_poll_at <= ?2"
        ))?;
        Ok(st.query_row(params![id, now], row).optional()?)
    }

    /// A 304: nothing changed, nothing to parse.
    pub fn feed_not_modified(
        &self,
        id: i64,
        now: i64,
        next_poll: i64,
        recovered: &dyn Fn(&FeedRow) -> NewEvent,
    ) -> Result<bool> {
        let poll = NotModifiedPoll {
            id,
            polled_at: now,
            next_poll,
        };
        Ok(!self
            .feeds_not_modified(&[poll], &|f, _| recovered(f))?
            .is_empty())
    }

    /// Several 304s in one transaction (the daemon batches a tick's worth:
    /// one commit instead of one per poll). A healthy feed costs one UPDATE;
    /// a feed that had raised `feed.failing` gets its `feed.recovered` event,
    /// written in the same transaction. Returns those feeds (as they were
    /// before). Feeds no longer stored are skipped.
    pub fn feeds_not_modified(
        &self,
        polls: &[NotModifiedPoll],
        recovered: &dyn Fn(&FeedRow, i64) -> NewEvent,
    ) -> Result<Vec<FeedRow>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut back = Vec::new();
        for p in polls {
            // The common case: no failure episode to close, so no row to read.
            let healthy = tx
                .prepare_cached(
                    "UPDATE feeds SET last_poll_at = ?2, last_ok_at = ?2, last_status = '304', last_error = NULL, error_count = 0, failing_since = NULL, next_poll_at = ?3
                     WHERE id = ?1 AND failing_notified = 0",
                )?
                .execute(params![p.id, p.polled_at, p.next_poll])?;
            if healthy == 0 {
                let event = |f: &FeedRow| recovered(f, p.polled_at);
                let success = Success {
                    id: p.id,
                    now: p.polled_at,
                    status: "304",
                    etag: None,
                    last_modified: None,
                    title: None,
                    next_poll: p.next_poll,
                };
                back.extend(success_in(&tx, &success, &event)?);
            }
        }
        tx.commit()?;
        Ok(back)
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
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let success = Success {
            id,
            now,
            status: "200",
            etag: Some(etag),
            last_modified: Some(last_modified),
            title,
            next_poll,
        };
        let back = success_in(&tx, &success, recovered)?;
        tx.commit()?;
        Ok(back.is_some())
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

/// One 304 to record: when the feed was polled and when it is due again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotModifiedPoll {
    pub id: i64,
    pub polled_at: i64,
    pub next_poll: i64,
}

/// A successful poll, as [`success_in`] records it. `etag`/`last_modified`
/// `None` keep the stored validators (a 304 carries none to replace them).
struct Success<'a> {
    id: i64,
    now: i64,
    status: &'a str,
    etag: Option<Option<&'a str>>,
    last_modified: Option<Option<&'a str>>,
    title: Option<&'a str>,
    next_poll: i64,
}

/// Records a successful poll inside `tx`, writing `feed.recovered` when the
/// feed had raised `feed.failing`. Returns the row before, when it did (and
/// `None` as well for a feed no longer stored).
fn success_in(
    tx: &rusqlite::Transaction<'_>,
    s: &Success<'_>,
    recovered: &dyn Fn(&FeedRow) -> NewEvent,
) -> Result<Option<FeedRow>> {
    // The common case (a healthy feed) reads one flag; the full row is
    // only needed for a feed.recovered event.
    let notified: Option<bool> = tx
        .prepare_cached("SELECT failing_notified FROM feeds WHERE id = ?1")?
        .query_row([s.id], |r| r.get(0))
        .optional()?;
    let Some(notified) = notified else {
        return Ok(None);
    };
    let before = if notified {
        Some(tx.query_row(
            &format!("SELECT {COLS} FROM feeds WHERE id = ?1"),
            [s.id],
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
    .execute(params![s.id, s.now, s.status, s.next_poll, s.etag.is_some(), s.etag.flatten(), s.last_modified.flatten(), s.title])?;
    if let Some(before) = &before {
        insert_event(tx, &recovered(before), None, None)?;
    }
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(urls: &[&str]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Store::open(&dir.path().join("f.db")).expect("open");
        let feeds: Vec<FeedConfig> = urls
            .iter()
            .map(|u| FeedConfig {
                url: u.parse().expect("url"),
                name: None,
                lang: None,
                interval: None,
                category: None,
            })
            .collect();
        s.sync_feeds(&feeds, 1).expect("sync");
        (dir, s)
    }

    fn event(f: &FeedRow, now: i64) -> NewEvent {
        NewEvent {
            id: format!("evt_{}_{now}", f.id),
            kind: "feed.recovered".into(),
            created_at: now,
            ordering_key: format!("feed:{}", f.url),
            payload: "{}".into(),
            webhooks: vec![],
        }
    }

    fn events(s: &Store) -> i64 {
        s.conn()
            .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))
            .expect("count")
    }

    #[test]
    fn a_batch_of_304s_records_every_feed_and_recovers_only_the_failing_one() {
        let (_d, s) = store_with(&["http://a.test/f", "http://b.test/f"]);
        let ids: Vec<i64> = s
            .feed_schedule()
            .expect("schedule")
            .iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(ids.len(), 2);
        let never =
            |_: &FeedRow, _: i64| -> NewEvent { unreachable!("no event for a healthy feed") };
        // Feed b fails long enough to raise feed.failing.
        let o = s
            .feed_error(ids[1], 10, "HTTP 503", 20, 0, &|f, since| event(f, since))
            .expect("error");
        assert!(o.failing_raised);
        assert_eq!(events(&s), 1);
        assert!(s
            .feeds_not_modified(&[], &never)
            .expect("empty batch")
            .is_empty());
        let polls = [
            NotModifiedPoll {
                id: ids[0],
                polled_at: 100,
                next_poll: 400,
            },
            NotModifiedPoll {
                id: ids[1],
                polled_at: 101,
                next_poll: 401,
            },
            NotModifiedPoll {
                id: 9999,
                polled_at: 102,
                next_poll: 402,
            },
        ];
        let back = s.feeds_not_modified(&polls, &event).expect("batch");
        assert_eq!(back.iter().map(|f| f.id).collect::<Vec<_>>(), [ids[1]]);
        assert_eq!(back[0].last_error.as_deref(), Some("HTTP 503"));
        assert_eq!(events(&s), 2);
        for (id, polled, next) in [(ids[0], 100, 400), (ids[1], 101, 401)] {
            let f = s.feed(id).expect("feed").expect("stored");
            assert_eq!((f.last_poll_at, f.last_ok_at), (Some(polled), Some(polled)));
            assert_eq!((f.next_poll_at, f.error_count), (next, 0));
            assert_eq!(
                (f.last_status.as_deref(), f.last_error),
                (Some("304"), None)
            );
        }
        // Recovered once per episode: the next 304 is a healthy one.
        let again = [NotModifiedPoll {
            id: ids[1],
            polled_at: 500,
            next_poll: 800,
        }];
        assert!(s
            .feeds_not_modified(&again, &never)
            .expect("again")
            .is_empty());
        assert_eq!(events(&s), 2);
    }

    #[test]
    fn a_304_keeps_the_validators_and_due_feed_checks_the_row() {
        let (_d, s) = store_with(&["http://a.test/f"]);
        let id = s.feed_schedule().expect("schedule")[0].0;
        let never = |_: &FeedRow| -> NewEvent { unreachable!("healthy") };
        assert!(
            s.due_feed(id, 0).expect("due").is_some(),
            "new feeds are due at once"
        );
        assert!(!s
            .feed_ok(id, 5, Some("\"v1\""), Some("Mon"), Some("T"), 50, &never)
            .expect("ok"));
        assert!(s.due_feed(id, 49).expect("due").is_none());
        assert!(!s.feed_not_modified(id, 60, 90, &never).expect("304"));
        let f = s.due_feed(id, 90).expect("due").expect("due at 90");
        assert_eq!(
            (f.etag.as_deref(), f.last_modified.as_deref()),
            (Some("\"v1\""), Some("Mon"))
        );
        assert_eq!(f.title.as_deref(), Some("T"));
        assert_eq!(s.feed_schedule().expect("schedule"), [(id, 90)]);
        s.sync_feeds(&[], 100).expect("deactivate");
        assert!(
            s.due_feed(id, 1000).expect("due").is_none(),
            "inactive feeds are not due"
        );
        assert!(s.feed_schedule().expect("schedule").is_empty());
    }
}
