-- A lighter outbox insert (issue 10, "A lighter update path"). The outbox's CHECKs of `kind`
-- and `status` were lists of literals; SQLite builds an ephemeral table for such a list each
-- time the statement runs, so every queued row paid for two of them (about half the cost of a
-- national morning's 100,000 inserts). The allowed kinds and statuses are now rows of two
-- small tables, checked by foreign key (one index probe each). A new kind is one INSERT here,
-- no longer a rebuild of the outbox. The outbox is rebuilt once more for that, with every
-- column, row and index as in 0016.
CREATE TABLE outbox_kinds (
    kind  TEXT PRIMARY KEY
) WITHOUT ROWID;
INSERT INTO outbox_kinds (kind) VALUES
    ('digest'), ('overdue_visit'), ('appointment_evening'), ('appointment_soon'),
    ('outcome_question'), ('goal_due'), ('task_due'), ('assessment_due'), ('assessment_overdue'),
    ('contract_ends'), ('catch_up'), ('monitoring_due'), ('monitoring_ends'),
    ('escalation'), ('escalation_told'), ('team_digest'), ('cover_starts'), ('cover_ends');

CREATE TABLE outbox_statuses (
    status  TEXT PRIMARY KEY
) WITHOUT ROWID;
INSERT INTO outbox_statuses (status) VALUES
    ('pending'), ('sent'), ('failed'), ('dropped_unreachable'), ('collapsed'), ('withdrawn'),
    ('done');

CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    key              TEXT NOT NULL UNIQUE,
    assistant_id     INTEGER NOT NULL,
    kind             TEXT NOT NULL REFERENCES outbox_kinds (kind),
    urgent           INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    subject          TEXT NOT NULL DEFAULT '',
    payload          TEXT NOT NULL,
    due_at           TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' REFERENCES outbox_statuses (status),
    last_error       TEXT
);
INSERT INTO outbox_new (id, key, assistant_id, kind, urgent, subject, payload, due_at,
    created_at, sent_at, attempts, next_attempt_at, status, last_error)
SELECT id, key, assistant_id, kind, urgent, subject, payload, due_at,
    created_at, sent_at, attempts, next_attempt_at, status, last_error
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_pending_by_assistant ON outbox (assistant_id) WHERE status = 'pending';
CREATE INDEX outbox_pending_by_subject ON outbox (subject) WHERE status = 'pending';
