//! Articles, feed entries and versions, and the one transaction that stores a
//! version with everything it causes.

use super::{insert_event, NewEvent, Result, Store};
use rusqlite::{params, OptionalExtension, Row};

#[derive(Debug, Clone, serde::Serialize)]
pub struct ArticleRow {
    pub id: i64,
    pub url: String,
    pub guid: Option<String>,
    pub feed_id: Option<i64>,
    pub feed_url: Option<String>,
    pub feed_name: Option<String>,
    pub title: Option<String>,
    pub first_seen_at: i64,
    pub last_fetch_at: Option<i64>,
    pub fetch_pending: bool,
    pub next_visit_at: Option<i64>,
    pub visits: i64,
    pub last_error: Option<String>,
    pub error_count: i64,
    pub current_version: i64,
    pub live_version: i64,
    pub suspect_hash: Option<String>,
}

const COLS: &str = "a.id, a.url, a.guid, a.feed_id, f.url, COALESCE(f.name, f.title), a.title, a.first_seen_at, a.last_fetch_at, a.fetch_pending, a.next_visit_at, a.visits, a.last_error, a.current_version, a.live_version, a.suspect_hash, a.error_count";
const FROM: &str = "articles a LEFT JOIN feeds f ON f.id = a.feed_id";

fn row(r: &Row<'_>) -> rusqlite::Result<ArticleRow> {
    Ok(ArticleRow {
        id: r.get(0)?,
        url: r.get(1)?,
        guid: r.get(2)?,
        feed_id: r.get(3)?,
        feed_url: r.get(4)?,
        feed_name: r.get(5)?,
        title: r.get(6)?,
        first_seen_at: r.get(7)?,
        last_fetch_at: r.get(8)?,
        fetch_pending: r.get(9)?,
        next_visit_at: r.get(10)?,
        visits: r.get(11)?,
        last_error: r.get(12)?,
        current_version: r.get(13)?,
        live_version: r.get(14)?,
        suspect_hash: r.get(15)?,
        error_count: r.get(16)?,
    })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct VersionRow {
    pub id: i64,
    pub article_id: i64,
    pub number: i64,
    pub fetched_at: i64,
    pub title: Option<String>,
    pub published: Option<String>,
    pub body: String,
    pub body_hash: String,
}

fn vrow(r: &Row<'_>) -> rusqlite::Result<VersionRow> {
    Ok(VersionRow {
        id: r.get(0)?,
        article_id: r.get(1)?,
        number: r.get(2)?,
        fetched_at: r.get(3)?,
        title: r.get(4)?,
        published: r.get(5)?,
        body: r.get(6)?,
        body_hash: r.get(7)?,
    })
}
/// Template pages kept per host (see `migrations/0002_page_templates.sql`).
const TEMPLATES_PER_HOST: i64 = 2;

/// Links a feed entry to its article (re-pointing it if it moved).
const UPSERT_ENTRY: &str = "INSERT INTO entries (feed_id, entry_id, article_id, fingerprint, first_seen_at) VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT(feed_id, entry_id) DO UPDATE SET article_id = excluded.article_id, fingerprint = excluded.fingerprint";

const VCOLS: &str = "id, article_id, number, fetched_at, title, published, body, body_hash";

/// What a feed entry meant for its article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryOutcome {
    pub article_id: i64,
    /// First time this article is seen (in any feed, under any guid).
    pub new_article: bool,
    /// The entry's updated/title/summary changed since the last poll.
    pub changed: bool,
}

/// A version to store, with what it causes.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub article_id: i64,
    pub number: i64,
    pub fetched_at: i64,
    pub title: Option<String>,
    pub published: Option<String>,
    pub body: String,
    pub body_hash: String,
    /// The page as fetched, packed by [`Store::pack_page`].
    pub page: Option<super::raw::Packed>,
    /// The page's host: with a self-contained page, it becomes the host's
    /// template for compressing new articles' pages.
    pub host: Option<String>,
    pub next_visit_at: Option<i64>,
    pub visits: i64,
}

/// A claim as stored, with what it did to the facility state.
#[derive(Debug, Clone)]
pub struct ClaimRow {
    pub facility: String,
    pub actor: String,
    pub kind: String,
    pub sentence: String,
    pub confidence: f32,
    pub attribution: Option<String>,
    pub effect: String,
}

/// A facility's new state (or corroboration of the current one).
#[derive(Debug, Clone)]
pub struct StateUpdate {
    pub facility: String,
    pub controller: Option<String>,
    pub sentence: String,
    pub article_url: String,
    /// Controller before this change.
    pub previous: Option<String>,
    /// Only count another source for the current state.
    pub corroboration: bool,
}

impl Store {
    /// Records a feed entry; creates its article on first sight. An entry
    /// that reappears under a new guid, or an article listed in several feeds,
    /// maps to the one article with that canonical URL.
    #[allow(clippy::too_many_arguments)]
    pub fn upsert_entry(
        &self,
        feed_id: i64,
        entry_id: &str,
        fingerprint: &str,
        url: &str,
        title: Option<&str>,
        now: i64,
    ) -> Result<EntryOutcome> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let known: Option<(Option<i64>, String)> = tx
            .query_row(
                "SELECT article_id, fingerprint FROM entries WHERE feed_id = ?1 AND entry_id = ?2",
                params![feed_id, entry_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let by_url: Option<i64> = tx
            .query_row(
                "SELECT id FROM articles WHERE url = ?1 UNION ALL SELECT article_id FROM article_urls WHERE url = ?1 LIMIT 1",
                [url],
                |r| r.get(0),
            )
            .optional()?;
        let out = match (known, by_url) {
            (Some((Some(aid), fp)), _) => {
                let changed = fp != fingerprint;
                if changed {
                    tx.execute(
                        "UPDATE entries SET fingerprint = ?3 WHERE feed_id = ?1 AND entry_id = ?2",
                        params![feed_id, entry_id, fingerprint],
                    )?;
                    tx.execute("UPDATE articles SET fetch_pending = 1 WHERE id = ?1", [aid])?;
                }
                EntryOutcome {
                    article_id: aid,
                    new_article: false,
                    changed,
                }
            }
            (_, Some(aid)) => {
                // Known article under a new guid or in another feed: same history, no fetch needed.
                tx.execute(
                    UPSERT_ENTRY,
                    params![feed_id, entry_id, aid, fingerprint, now],
                )?;
                EntryOutcome {
                    article_id: aid,
                    new_article: false,
                    changed: false,
                }
            }
            (_, None) => {
                tx.execute("INSERT INTO articles (url, guid, feed_id, title, first_seen_at, fetch_pending) VALUES (?1, ?2, ?3, ?4, ?5, 1)", params![url, entry_id, feed_id, title, now])?;
                let aid = tx.last_insert_rowid();
                tx.execute(
                    UPSERT_ENTRY,
                    params![feed_id, entry_id, aid, fingerprint, now],
                )?;
                EntryOutcome {
                    article_id: aid,
                    new_article: true,
                    changed: false,
                }
            }
        };
        tx.commit()?;
        Ok(out)
    }

    pub fn article(&self, id: i64) -> Result<Option<ArticleRow>> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLS} FROM {FROM} WHERE a.id = ?1"),
                [id],
                row,
            )
            .optional()?)
    }

    /// The article with this canonical URL (or known under it as an alias).
    pub fn article_by_url(&self, url: &str) -> Result<Option<ArticleRow>> {
        let sql = format!("SELECT {COLS} FROM {FROM} WHERE a.url = ?1 OR a.id = (SELECT article_id FROM article_urls WHERE url = ?1) LIMIT 1");
        Ok(self.conn().query_row(&sql, [url], row).optional()?)
    }

    /// The page says its canonical URL is `canonical`. If another article
    /// already has it, `article_id` is a duplicate: its URL becomes an alias
    /// of that article and its entries move there (returns the surviving
    /// article). Otherwise `canonical` becomes an alias of `article_id`.
    pub fn merge_canonical(&self, article_id: i64, canonical: &str) -> Result<i64> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let other: Option<i64> = tx
            .query_row(
                "SELECT id FROM articles WHERE url = ?1 AND id != ?2
                 UNION ALL SELECT article_id FROM article_urls WHERE url = ?1 AND article_id != ?2 LIMIT 1",
                params![canonical, article_id],
                |r| r.get(0),
            )
            .optional()?;
        let survivor = match other {
            Some(keep) => {
                let versions: i64 = tx.query_row(
                    "SELECT COUNT(*) FROM versions WHERE article_id = ?1",
                    [article_id],
                    |r| r.get(0),
                )?;
                tx.execute("INSERT OR REPLACE INTO article_urls (url, article_id) SELECT url, ?2 FROM articles WHERE id = ?1", params![article_id, keep])?;
                tx.execute(
                    "UPDATE entries SET article_id = ?2 WHERE article_id = ?1",
                    params![article_id, keep],
                )?;
                tx.execute(
                    "UPDATE article_urls SET article_id = ?2 WHERE article_id = ?1",
                    params![article_id, keep],
                )?;
                if versions == 0 {
                    tx.execute("DELETE FROM articles WHERE id = ?1", [article_id])?;
                } else {
                    // Keep its history, but stop visiting it: the survivor is visited instead.
                    tx.execute(
                        "UPDATE articles SET fetch_pending = 0, next_visit_at = NULL WHERE id = ?1",
                        [article_id],
                    )?;
                }
                keep
            }
            None => {
                tx.execute(
                    "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?1, ?2)",
                    params![canonical, article_id],
                )?;
                article_id
            }
        };
        tx.commit()?;
        Ok(survivor)
    }

    /// Articles to fetch now: entries new or changed, then revisits that are due.
    pub fn articles_to_visit(
        &self,
        now: i64,
        feed_id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<ArticleRow>> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!(
            "SELECT {COLS} FROM {FROM} WHERE (a.fetch_pending = 1 OR a.next_visit_at <= ?1) AND (?2 IS NULL OR a.feed_id = ?2)
             ORDER BY a.fetch_pending DESC, a.next_visit_at LIMIT ?3"
        ))?;
        let rows = st
            .query_map(params![now, feed_id, limit as i64], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Earliest scheduled revisit.
    pub fn next_visit_due(&self) -> Result<Option<i64>> {
        Ok(self.conn().query_row(
            "SELECT MIN(next_visit_at) FROM articles WHERE next_visit_at IS NOT NULL",
            [],
            |r| r.get(0),
        )?)
    }

    pub fn latest_version(&self, article_id: i64) -> Result<Option<VersionRow>> {
        Ok(self.conn().query_row(&format!("SELECT {VCOLS} FROM versions WHERE article_id = ?1 ORDER BY number DESC LIMIT 1"), [article_id], vrow).optional()?)
    }

    pub fn version(&self, article_id: i64, number: i64) -> Result<Option<VersionRow>> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {VCOLS} FROM versions WHERE article_id = ?1 AND number = ?2"),
                params![article_id, number],
                vrow,
            )
            .optional()?)
    }

    /// An earlier version with this content hash (a revert), newest first.
    pub fn version_with_hash(&self, article_id: i64, hash: &str) -> Result<Option<VersionRow>> {
        Ok(self.conn().query_row(&format!("SELECT {VCOLS} FROM versions WHERE article_id = ?1 AND body_hash = ?2 ORDER BY number DESC LIMIT 1"), params![article_id, hash], vrow).optional()?)
    }

    pub fn versions(&self, article_id: i64) -> Result<Vec<VersionRow>> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!(
            "SELECT {VCOLS} FROM versions WHERE article_id = ?1 ORDER BY number"
        ))?;
        let rows = st
            .query_map([article_id], vrow)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The page of a version as fetched (decompressed).
    pub fn version_page(&self, article_id: i64, number: i64) -> Result<Option<Vec<u8>>> {
        match self.version_id(article_id, number)? {
            Some(id) => self.page_by_id(id, 0),
            None => Ok(None),
        }
    }

    /// The page of version `id`, following its dictionary chain (at most
    /// three deep by construction; a longer one means a damaged database).
    fn page_by_id(&self, id: i64, depth: u32) -> Result<Option<Vec<u8>>> {
        let row: Option<(Option<Vec<u8>>, Option<i64>)> = self
            .conn()
            .prepare_cached("SELECT raw_html, raw_dict FROM versions WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((Some(blob), dict_id)) = row else {
            return Ok(None);
        };
        let dict = match dict_id {
            Some(d) if depth < 4 => self.page_by_id(d, depth + 1)?.ok_or_else(|| {
                super::StoreError::Other(format!(
                    "version id {id}: its dictionary page (version id {d}) is missing"
                ))
            })?,
            Some(d) => {
                return Err(super::StoreError::Other(format!(
                    "version id {id}: dictionary chain too deep at version id {d}"
                )))
            }
            None => Vec::new(),
        };
        super::raw::decompress(&blob, &dict).map(Some).map_err(|e| {
            super::StoreError::Other(format!("version id {id}: page does not decompress: {e}"))
        })
    }

    /// Compresses a fetched page for storage as version `number` of the
    /// article: later versions against the article's first page, first
    /// versions against their host's template (see [`super::raw`]). Reads
    /// only; the result goes into [`NewVersion::page`]. A dictionary page that
    /// cannot be read is skipped (the page is then stored alone), so a damaged
    /// old page never stops new versions from being stored.
    pub fn pack_page(
        &self,
        article_id: i64,
        number: i64,
        host: Option<&str>,
        raw: &[u8],
    ) -> Result<super::raw::Packed> {
        use super::raw::{against_template, pack, self_contained, Base, Template};
        let err = |e: std::io::Error| {
            super::StoreError::Other(format!("article {article_id}: page does not compress: {e}"))
        };
        let read = |id: i64| match self.page_by_id(id, 0) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "dictionary page unreadable; not using it");
                None
            }
        };
        if number > 1 {
            let first = self
                .version_id(article_id, 1)?
                .and_then(|id| Some((id, read(id)?)));
            let base = match &first {
                Some((id, p)) => Base::FirstPage(*id, p),
                None => Base::None,
            };
            return pack(raw, base).map_err(err);
        }
        let templates: Vec<(i64, usize)> = match host {
            Some(h) => self
                .conn()
                .prepare_cached(
                    "SELECT t.version_id, LENGTH(v.raw_html) FROM page_templates t JOIN versions v ON v.id = t.version_id
                     WHERE t.host = ?1 ORDER BY t.used_at DESC, t.version_id DESC",
                )?
                .query_map([h], |r| Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0) as usize)))?
                .collect::<rusqlite::Result<_>>()?,
            None => Vec::new(),
        };
        // Each template is read only when the one before it did not fit:
        // most pages fit the first.
        let mut alone = None;
        for (id, packed_len) in templates {
            let Some(page) = read(id) else { continue };
            let t = Template {
                id,
                page,
                packed_len,
            };
            if let Some(p) = against_template(raw, &t, &mut alone).map_err(err)? {
                return Ok(p);
            }
        }
        self_contained(raw, alone).map_err(err)
    }

    /// The id of an article's version `number`.
    fn version_id(&self, article_id: i64, number: i64) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT id FROM versions WHERE article_id = ?1 AND number = ?2")?
            .query_row(params![article_id, number], |r| r.get(0))
            .optional()?)
    }

    /// A visit that found the same content (or no article): reschedule only.
    pub fn visit_done(
        &self,
        article_id: i64,
        now: i64,
        error: Option<&str>,
        next_visit_at: Option<i64>,
        visits: i64,
    ) -> Result<()> {
        self.conn().execute(
            "UPDATE articles SET last_fetch_at = ?2, fetch_pending = 0, last_error = ?3, error_count = CASE WHEN ?3 IS NULL THEN 0 ELSE error_count + 1 END, next_visit_at = ?4, visits = ?5, suspect_hash = NULL, suspect_at = NULL WHERE id = ?1",
            params![article_id, now, error, next_visit_at, visits],
        )?;
        Ok(())
    }

    /// Holds a suspicious fetch (sudden shrinkage) until a re-fetch confirms it.
    pub fn hold_suspect(
        &self,
        article_id: i64,
        now: i64,
        hash: &str,
        recheck_at: i64,
    ) -> Result<()> {
        self.conn().execute("UPDATE articles SET last_fetch_at = ?2, fetch_pending = 0, suspect_hash = ?3, suspect_at = ?2, next_visit_at = ?4 WHERE id = ?1", params![article_id, now, hash, recheck_at])?;
        Ok(())
    }

    /// Whether the page already went back to version `to` once.
    pub fn reverted_before(&self, article_id: i64, to: i64) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM reverts WHERE article_id = ?1 AND to_version = ?2)",
            params![article_id, to],
            |r| r.get(0),
        )?)
    }

    /// Records that the page went back to an earlier version; `events` (an
    /// optional `article.reverted`) go out with it.
    #[allow(clippy::too_many_arguments)]
    pub fn record_revert(
        &self,
        article_id: i64,
        now: i64,
        from: i64,
        to: i64,
        next_visit_at: Option<i64>,
        visits: i64,
        events: &[NewEvent],
    ) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("INSERT INTO reverts (article_id, to_version, from_version, at) VALUES (?1, ?2, ?3, ?4)", params![article_id, to, from, now])?;
        tx.execute(
            "UPDATE articles SET live_version = ?2, last_fetch_at = ?3, fetch_pending = 0, last_error = NULL, next_visit_at = ?4, visits = ?5, suspect_hash = NULL, suspect_at = NULL WHERE id = ?1",
            params![article_id, to, now, next_visit_at, visits],
        )?;
        for e in events {
            insert_event(&tx, e, Some(article_id), None)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Stores a version with its claims, the facility states it moves and its
    /// events (with outbox rows) in one transaction. Returns the version id.
    pub fn commit_version(
        &self,
        v: &NewVersion,
        claims: &[ClaimRow],
        states: &[StateUpdate],
        events: &[NewEvent],
    ) -> Result<i64> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO versions (article_id, number, fetched_at, title, published, body, body_hash, raw_html, raw_dict) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![v.article_id, v.number, v.fetched_at, v.title, v.published, v.body, v.body_hash, v.page.as_ref().map(|p| &p.blob), v.page.as_ref().and_then(|p| p.dict)],
        )?;
        let vid = tx.last_insert_rowid();
        if let (Some(host), Some(p)) = (&v.host, &v.page) {
            if p.template {
                tx.execute(
                    "INSERT OR REPLACE INTO page_templates (host, version_id, since, used_at) VALUES (?1, ?2, ?3, ?3)",
                    params![host, vid, v.fetched_at],
                )?;
                tx.execute(
                    "DELETE FROM page_templates WHERE host = ?1 AND version_id NOT IN
                     (SELECT version_id FROM page_templates WHERE host = ?1 ORDER BY used_at DESC, version_id DESC LIMIT ?2)",
                    params![host, TEMPLATES_PER_HOST],
                )?;
            } else if let (1, Some(d)) = (v.number, p.dict) {
                tx.execute(
                    "UPDATE page_templates SET used_at = ?3 WHERE host = ?1 AND version_id = ?2",
                    params![host, d, v.fetched_at],
                )?;
            }
        }
        tx.execute(
            "UPDATE articles SET current_version = ?2, live_version = ?2, title = COALESCE(?3, title), last_fetch_at = ?4, fetch_pending = 0, last_error = NULL, error_count = 0, next_visit_at = ?5, visits = ?6, suspect_hash = NULL, suspect_at = NULL WHERE id = ?1",
            params![v.article_id, v.number, v.title, v.fetched_at, v.next_visit_at, v.visits],
        )?;
        for c in claims {
            tx.execute(
                "INSERT INTO claims (version_id, facility, actor, kind, sentence, confidence, attribution, effect) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![vid, c.facility, c.actor, c.kind, c.sentence, c.confidence as f64, c.attribution, c.effect],
            )?;
        }
        for s in states {
            if s.corroboration {
                tx.execute(
                    "UPDATE facility_state SET sources = sources + 1 WHERE facility = ?1",
                    [&s.facility],
                )?;
            } else {
                tx.execute(
                    "INSERT INTO facility_state (facility, controller, since, sentence, article_url, version_id, sources, previous) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7)
                     ON CONFLICT(facility) DO UPDATE SET controller = excluded.controller, since = excluded.since, sentence = excluded.sentence, article_url = excluded.article_url, version_id = excluded.version_id, sources = 1, previous = excluded.previous",
                    params![s.facility, s.controller, v.fetched_at, s.sentence, s.article_url, vid, s.previous],
                )?;
            }
        }
        for e in events {
            insert_event(&tx, e, Some(v.article_id), Some(vid))?;
        }
        tx.commit()?;
        Ok(vid)
    }
}
