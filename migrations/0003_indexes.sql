-- Dead-lettered deliveries, counted for the systemd STATUS line every 5 s:
-- without an index that was a scan of the whole outbox, which keeps every
-- delivered row.
CREATE INDEX outbox_dead ON outbox(id) WHERE status = 'dead';
