-- Feeds due for a poll: `marsad once` and the daemon's schedule rebuild ask
-- for active feeds by next_poll_at; with 10,000 feeds that was a full scan.
CREATE INDEX feeds_due ON feeds(next_poll_at) WHERE active = 1;
