-- The centre's view (issue 12), part two: escalations, the weekly team digest and the
-- holiday-cover notices go through the outbox like every reminder. SQLite cannot change a
-- CHECK, so the outbox is rebuilt with the new kinds (every column, row and index as in 0013).
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    key              TEXT NOT NULL UNIQUE,
    assistant_id     INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN (
        'digest', 'overdue_visit', 'appointment_evening', 'appointment_soon',
        'outcome_question', 'goal_due', 'task_due', 'assessment_due', 'assessment_overdue',
        'contract_ends', 'catch_up', 'monitoring_due', 'monitoring_ends',
        'escalation', 'escalation_told', 'team_digest', 'cover_starts', 'cover_ends'
    )),
    urgent           INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    subject          TEXT NOT NULL DEFAULT '',
    payload          TEXT NOT NULL,
    due_at           TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN (
        'pending', 'sent', 'failed', 'dropped_unreachable', 'collapsed', 'withdrawn', 'done'
    )),
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

-- The last local day the escalation rules ran: once a working day, also across restarts
-- (the keys would stop a second message anyway; this spares the reads).
CREATE TABLE team_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    checked_on  TEXT NOT NULL
);

-- A person's last activity in the team view: the newest allowed row of the access log.
CREATE INDEX access_log_by_actor ON access_log (actor_id, at) WHERE outcome = 'allowed';
