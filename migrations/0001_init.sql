-- marsad schema, version 1. Times are Unix milliseconds (UTC).

CREATE TABLE feeds (
    id               INTEGER PRIMARY KEY,
    url              TEXT NOT NULL UNIQUE,
    name             TEXT,
    lang             TEXT,
    title            TEXT,
    active           INTEGER NOT NULL DEFAULT 1,
    etag             TEXT,
    last_modified    TEXT,
    last_poll_at     INTEGER,
    last_ok_at       INTEGER,
    last_status      TEXT,            -- "200", "304", "error"
    last_error       TEXT,
    error_count      INTEGER NOT NULL DEFAULT 0,
    failing_since    INTEGER,         -- first failure of the current episode
    failing_notified INTEGER NOT NULL DEFAULT 0,
    next_poll_at     INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL
);

CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL UNIQUE,   -- canonical URL
    guid            TEXT,
    feed_id         INTEGER REFERENCES feeds(id),
    title           TEXT,
    first_seen_at   INTEGER NOT NULL,
    last_fetch_at   INTEGER,
    fetch_pending   INTEGER NOT NULL DEFAULT 1,  -- entry new or changed: fetch on the next pass
    next_visit_at   INTEGER,                     -- scheduled revisit; NULL = revisits over
    visits          INTEGER NOT NULL DEFAULT 0,  -- revisits done (index into [poll] revisit)
    last_error      TEXT,
    error_count     INTEGER NOT NULL DEFAULT 0,
    current_version INTEGER NOT NULL DEFAULT 0,  -- latest stored version number
    live_version    INTEGER NOT NULL DEFAULT 0,  -- version the page shows now (differs after a revert)
    suspect_hash    TEXT,                        -- a partial-looking fetch waiting for confirmation
    suspect_at      INTEGER
);
CREATE INDEX articles_due ON articles(next_visit_at) WHERE next_visit_at IS NOT NULL;
CREATE INDEX articles_pending ON articles(fetch_pending) WHERE fetch_pending = 1;

-- Other URLs of an article: <link rel="canonical"> targets and the URLs
-- of duplicates merged into it. An entry linking to any of them is the article.
CREATE TABLE article_urls (
    url        TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id)
) WITHOUT ROWID;

-- Feed entries as last seen, to tell new and changed entries from old ones.
CREATE TABLE entries (
    feed_id       INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    entry_id      TEXT NOT NULL,
    article_id    INTEGER REFERENCES articles(id),
    fingerprint   TEXT NOT NULL,     -- hash of updated | title | summary
    first_seen_at INTEGER NOT NULL,
    PRIMARY KEY (feed_id, entry_id)
) WITHOUT ROWID;

CREATE TABLE versions (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id),
    number      INTEGER NOT NULL,
    fetched_at  INTEGER NOT NULL,
    title       TEXT,
    published   TEXT,
    body        TEXT NOT NULL,        -- normalised body, paragraphs separated by blank lines
    body_hash   TEXT NOT NULL,        -- sha256 of the comparison key of title and body
    raw_html    BLOB,                 -- zstd-compressed page as fetched
    raw_base    INTEGER,              -- version whose page is raw_html's zstd dictionary (NULL: self-contained)
    UNIQUE (article_id, number)
);

-- A page that went back to an earlier version (A/B tests, CMS rollbacks).
CREATE TABLE reverts (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id),
    to_version  INTEGER NOT NULL,
    from_version INTEGER NOT NULL,
    at          INTEGER NOT NULL
);

CREATE TABLE claims (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    facility    TEXT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    sentence    TEXT NOT NULL,
    confidence  REAL NOT NULL,
    attribution TEXT,
    effect      TEXT NOT NULL          -- changed | disputed | corroborated | set
);
CREATE INDEX claims_facility ON claims(facility);

CREATE TABLE facility_state (
    facility    TEXT PRIMARY KEY,
    controller  TEXT,                  -- actor id; NULL = unknown
    since       INTEGER NOT NULL,
    sentence    TEXT,
    article_url TEXT,
    version_id  INTEGER REFERENCES versions(id),
    sources     INTEGER NOT NULL DEFAULT 1,  -- reports supporting the current state
    previous    TEXT                         -- controller before the last change
);

CREATE TABLE events (
    id           TEXT PRIMARY KEY,     -- evt_…, the webhook-id; stable across retries
    type         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    ordering_key TEXT NOT NULL,        -- deliveries with one key go out in order
    article_id   INTEGER REFERENCES articles(id),
    version_id   INTEGER REFERENCES versions(id),
    payload      TEXT NOT NULL         -- the exact JSON body POSTed
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    event_id        TEXT NOT NULL REFERENCES events(id),
    webhook         TEXT NOT NULL,     -- the webhook URL
    status          TEXT NOT NULL DEFAULT 'pending',   -- pending | delivered | dead
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    delivered_at    INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (event_id, webhook)
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE status = 'pending';
