//! Storage: the SQLite handle, migrations, and all SQL.
//!
//! Owns the database file. Migrations are the numbered files in
//! `migrations/`, compiled into the binary and applied on open. A version, its
//! claims, the facility state it moves, its events and their outbox rows are
//! written in one transaction ([`Store::commit_version`]), so a crash never
//! leaves a change without its alert or an alert without its change.
//! Pages are kept exactly as fetched, as zstd deltas against another page
//! ([`raw`] says which).

mod articles;
mod feeds;
mod outbox;
pub mod raw;

pub use articles::{ArticleRow, ClaimRow, EntryOutcome, NewVersion, StateUpdate, VersionRow};
pub use feeds::{FeedErrorOutcome, FeedRow, NotModifiedPoll};
pub use outbox::{Delivery, OutboxRow};

use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The migrations, in order. Adding a schema change means adding a file and a line here.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (
        2,
        "page_templates",
        include_str!("../../migrations/0002_page_templates.sql"),
    ),
    (
        3,
        "indexes",
        include_str!("../../migrations/0003_indexes.sql"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("database {path}: migration {version} ({name}) failed: {source}")]
    Migration {
        path: PathBuf,
        version: i64,
        name: &'static str,
        source: rusqlite::Error,
    },
    #[error("database {path} has schema version {found}, newer than this marsad knows ({known}); upgrade marsad")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("database: {0}")]
    Other(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An event to write with a version (or on its own), with the webhooks it goes to.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: String,
    pub kind: String,
    pub created_at: i64,
    pub ordering_key: String,
    pub payload: String,
    pub webhooks: Vec<String>,
}

/// The SQLite store. Cheap to share behind an `Arc`; calls are short and
/// serialised on one connection (SQLite allows one writer anyway).
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// Switches to WAL. On a database that another process is creating at
/// that moment, SQLite answers "database is locked" at once, without
/// waiting out the busy timeout; so wait here, up to 10 s.
fn set_wal(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Other(format!("cannot create {}: {e}", dir.display())))?;
        }
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(open_err)?;
        set_wal(&conn).map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        let mut store = Store {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
        };
        store.migrate()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let conn = self
            .conn
            .get_mut()
            .map_err(|_| StoreError::Other("lock poisoned".into()))?;
        conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)")?;
        // The version is read and the migrations applied under one write
        // lock (BEGIN IMMEDIATE): two processes opening a new database at
        // once (the daemon starting, `marsad feeds` run beside it) would
        // otherwise both see version 0, and the second would fail on
        // "table already exists".
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let current: i64 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?;
        let known = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
        if current > known {
            return Err(StoreError::TooNew {
                path,
                found: current,
                known,
            });
        }
        for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
            let err = |source| StoreError::Migration {
                path: path.clone(),
                version,
                name,
                source,
            };
            tx.execute_batch(sql).map_err(err)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![version, name, chrono::Utc::now().timestamp_millis()],
            )
            .map_err(err)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent
        // (transactions roll back on drop), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `SELECT 1`: the database answers.
    pub fn ping(&self) -> Result<()> {
        self.conn().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    /// Checkpoints the WAL into the main file.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// `PRAGMA integrity_check` result ("ok" when healthy).
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Writes events (not tied to a version, e.g. feed.failing) with their outbox rows.
    pub fn insert_events(&self, events: &[NewEvent]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for e in events {
            insert_event(&tx, e, None, None)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Current controller of every facility with a known state.
    pub fn facility_states(&self) -> Result<Vec<FacilityStateRow>> {
        let conn = self.conn();
        let mut st = conn.prepare("SELECT facility, controller, since, sentence, article_url, sources, previous FROM facility_state ORDER BY facility")?;
        let rows = st.query_map([], |r| {
            Ok(FacilityStateRow {
                facility: r.get(0)?,
                controller: r.get(1)?,
                since: r.get(2)?,
                sentence: r.get(3)?,
                article_url: r.get(4)?,
                sources: r.get(5)?,
                previous: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    pub fn facility_state(&self, facility: &str) -> Result<Option<FacilityStateRow>> {
        let conn = self.conn();
        Ok(conn
            .query_row("SELECT facility, controller, since, sentence, article_url, sources, previous FROM facility_state WHERE facility = ?1", [facility], |r| Ok(FacilityStateRow { facility: r.get(0)?, controller: r.get(1)?, since: r.get(2)?, sentence: r.get(3)?, article_url: r.get(4)? , sources: r.get(5)?, previous: r.get(6)? }))
            .optional()?)
    }

    /// Counts for status lines and metrics.
    pub fn stats(&self) -> Result<Stats> {
        let conn = self.conn();
        let one = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
        Ok(Stats {
            feeds: one("SELECT COUNT(*) FROM feeds WHERE active = 1")?,
            failing_feeds: one("SELECT COUNT(*) FROM feeds WHERE active = 1 AND error_count > 0")?,
            articles: one("SELECT COUNT(*) FROM articles")?,
            versions: one("SELECT COUNT(*) FROM versions")?,
            claims: one("SELECT COUNT(*) FROM claims")?,
            events: one("SELECT COUNT(*) FROM events")?,
            outbox_pending: one("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")?,
            outbox_dead: one("SELECT COUNT(*) FROM outbox WHERE status = 'dead'")?,
            oldest_pending_at: conn.query_row(
                "SELECT MIN(created_at) FROM outbox WHERE status = 'pending'",
                [],
                |r| r.get(0),
            )?,
        })
    }

    /// The few counts the daemon's systemd STATUS line shows every 5 s:
    /// feeds (a small table) and the outbox's pending and dead rows (partial
    /// indexes), never a count over the tables that grow with history.
    pub fn status_counts(&self) -> Result<StatusCounts> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT (SELECT COUNT(*) FROM feeds WHERE active = 1),
                    (SELECT COUNT(*) FROM feeds WHERE active = 1 AND error_count > 0),
                    (SELECT COUNT(*) FROM outbox WHERE status = 'pending'),
                    (SELECT COUNT(*) FROM outbox WHERE status = 'dead')",
        )?;
        Ok(st.query_row([], |r| {
            Ok(StatusCounts {
                feeds: r.get(0)?,
                failing_feeds: r.get(1)?,
                outbox_pending: r.get(2)?,
                outbox_dead: r.get(3)?,
            })
        })?)
    }

    /// Events raised so far, by type.
    pub fn events_by_type(&self) -> Result<Vec<(String, i64)>> {
        let conn = self.conn();
        let mut st =
            conn.prepare("SELECT type, COUNT(*) FROM events GROUP BY type ORDER BY type")?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Online backup to `dest` (SQLite's backup API: consistent while marsad runs).
    pub fn backup(&self, dest: &Path) -> Result<()> {
        let conn = self.conn();
        let mut out = Connection::open(dest)?;
        let backup = rusqlite::backup::Backup::new(&conn, &mut out)?;
        backup.run_to_completion(256, Duration::from_millis(5), None)?;
        Ok(())
    }
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Stats {
    pub feeds: i64,
    pub failing_feeds: i64,
    pub articles: i64,
    pub versions: i64,
    pub claims: i64,
    pub events: i64,
    pub outbox_pending: i64,
    pub outbox_dead: i64,
    pub oldest_pending_at: Option<i64>,
}

/// See [`Store::status_counts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub feeds: i64,
    pub failing_feeds: i64,
    pub outbox_pending: i64,
    pub outbox_dead: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FacilityStateRow {
    pub facility: String,
    pub controller: Option<String>,
    pub since: i64,
    pub sentence: Option<String>,
    pub article_url: Option<String>,
    pub sources: i64,
    /// Controller before the last change (who lost it, when it is now unknown).
    pub previous: Option<String>,
}

pub(crate) fn insert_event(
    tx: &rusqlite::Transaction<'_>,
    e: &NewEvent,
    article_id: Option<i64>,
    version_id: Option<i64>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO events (id, type, created_at, ordering_key, article_id, version_id, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![e.id, e.kind, e.created_at, e.ordering_key, article_id, version_id, e.payload],
    )?;
    for hook in &e.webhooks {
        tx.execute("INSERT INTO outbox (event_id, webhook, next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?3)", rusqlite::params![e.id, hook, e.created_at])?;
    }
    Ok(())
}

/// A new event id: time-ordered, random, and stable once stored.
pub fn new_event_id(now_ms: i64) -> String {
    format!("evt_{:012x}{:016x}", now_ms.max(0), fastrand::u64(..))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.db");
        let s = Store::open(&p).unwrap();
        s.ping().unwrap();
        drop(s);
        let s = Store::open(&p).unwrap();
        assert_eq!(s.integrity_check().unwrap(), "ok");
        let mode: String = s
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    /// Regression: databases made before page templates (schema 1) named a
    /// delta's dictionary by version number in `raw_base`. Migration 2 must
    /// carry those references over, or old pages stop decompressing.
    #[test]
    fn migration_2_keeps_old_page_deltas_readable() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("old.db");
        let page1 = b"<html><nav>same chrome</nav><p>first text</p></html>".repeat(50);
        let mut page2 = page1.clone();
        page2.extend_from_slice(b"<p>a new paragraph</p>");
        let blob1 = raw::compress(&page1, &[]).unwrap();
        let blob2 = raw::compress(&page2, &page1).unwrap();
        {
            let c = Connection::open(&p).unwrap();
            c.execute_batch("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)").unwrap();
            c.execute_batch(MIGRATIONS[0].2).unwrap();
            c.execute("INSERT INTO schema_migrations VALUES (1, 'init', 0)", [])
                .unwrap();
            c.execute(
                "INSERT INTO articles (id, url, first_seen_at) VALUES (5, 'https://e.test/a', 0)",
                [],
            )
            .unwrap();
            for (n, blob, base) in [(1, &blob1, None), (2, &blob2, Some(1))] {
                c.execute(
                    "INSERT INTO versions (article_id, number, fetched_at, body, body_hash, raw_html, raw_base) VALUES (5, ?1, 0, 'b', 'h', ?2, ?3)",
                    rusqlite::params![n, blob, base],
                )
                .unwrap();
            }
        }
        let s = Store::open(&p).unwrap();
        assert_eq!(s.version_page(5, 1).unwrap().unwrap(), page1);
        assert_eq!(s.version_page(5, 2).unwrap().unwrap(), page2);
        assert_eq!(s.integrity_check().unwrap(), "ok");
    }

    /// The STATUS counts run every 5 s for as long as the daemon runs: none
    /// of them may scan a table that grows with history.
    #[test]
    fn status_counts_use_indexes_not_table_scans() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("s.db")).unwrap();
        assert_eq!(s.status_counts().unwrap(), StatusCounts::default());
        let conn = s.conn();
        let mut st = conn
            .prepare("EXPLAIN QUERY PLAN SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'pending'), (SELECT COUNT(*) FROM outbox WHERE status = 'dead')")
            .unwrap();
        let plan: Vec<String> = st
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for step in plan.iter().filter(|p| p.contains("outbox")) {
            assert!(step.contains("INDEX"), "{plan:?}");
        }
    }

    /// Regression: two processes opening a new database at once both
    /// read version 0 and both ran migration 1; the second failed with
    /// "table feeds already exists" (the daemon starting while a test, or
    /// `marsad feeds`, opened the same file).
    #[test]
    fn concurrent_opens_of_a_new_database_all_succeed() {
        for round in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("race.db");
            let go = std::sync::Arc::new(std::sync::Barrier::new(6));
            let opens: Vec<_> = (0..6)
                .map(|_| {
                    let (p, go) = (p.clone(), go.clone());
                    std::thread::spawn(move || {
                        go.wait();
                        Store::open(&p).map(|_| ())
                    })
                })
                .collect();
            for o in opens {
                if let Err(e) = o.join().unwrap() {
                    panic!("round {round}: {e}");
                }
            }
        }
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.db");
        drop(Store::open(&p).unwrap());
        let c = Connection::open(&p).unwrap();
        c.execute("INSERT INTO schema_migrations VALUES (99, 'future', 0)", [])
            .unwrap();
        drop(c);
        assert!(matches!(
            Store::open(&p),
            Err(StoreError::TooNew { found: 99, .. })
        ));
    }
}
