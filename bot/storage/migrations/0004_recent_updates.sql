-- Replay protection by a window of recent update ids, not a maximum: Telegram may restart
-- its numbering (after a week without updates, or with a new token), and a maximum would
-- then drop every new update. The fingerprint tells a redelivery from a new update that
-- happens to reuse an id.
DROP TABLE processed_updates;

CREATE TABLE recent_updates (
    update_id     INTEGER PRIMARY KEY,
    fingerprint   TEXT NOT NULL,
    processed_at  TEXT NOT NULL
);

CREATE INDEX recent_updates_by_time ON recent_updates (processed_at);
