-- Feeds due for a poll: `marsad once` and the daemon's schedule rebuild ask
-- for active feeds by next_poll_at; with 10,000 feeds that was a full scan.
CREATE INDEX feeds_due ON feeds(next_poll_at) WHERE active = 1;

-- Dead-lettered deliveries, counted for the systemd STATUS line every 5 s:
-- without an index that was a scan of the whole outbox, which keeps every
-- delivered row.
CREATE INDEX outbox_dead ON outbox(id) WHERE status = 'dead';
