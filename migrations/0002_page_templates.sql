-- Pages are stored as zstd deltas against a "dictionary" page. Until now the
-- dictionary could only be the same article's first page (versions.raw_base,
-- a version number). A news site's pages share most of their markup (head,
-- scripts, navigation, footer), so an article's *first* page is now stored as
-- a delta against another page from the same host: the host's template. That
-- needs a dictionary reference across articles, by version id.

ALTER TABLE versions ADD COLUMN raw_dict INTEGER REFERENCES versions(id);

UPDATE versions
   SET raw_dict = (SELECT b.id FROM versions b
                    WHERE b.article_id = versions.article_id AND b.number = versions.raw_base)
 WHERE raw_base IS NOT NULL AND raw_base != number;

ALTER TABLE versions DROP COLUMN raw_base;

-- Template pages per host: self-contained pages (raw_dict IS NULL) that new
-- articles from that host are compressed against. A page that compresses
-- poorly against all of them (another layout, a redesign) is stored alone and
-- becomes a template; a host keeps its two most recently used ones, so an
-- occasional page in another layout (a live blog, a video page) does not
-- evict the site's usual one.
CREATE TABLE page_templates (
    host        TEXT NOT NULL,
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    since       INTEGER NOT NULL,
    used_at     INTEGER NOT NULL,
    PRIMARY KEY (host, version_id)
);
