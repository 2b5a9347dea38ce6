-- A family's case from start to end (issue 11): the periods of work with a family (each
-- opened, then closed with a date, a reason and a summary, then monitored for a while), the
-- monitoring contacts after a closure, members who left the household, the contracts a
-- renewal replaced, and the erasure of a family's personal data after the retention period.
-- `families.active` stays the one flag of the caseload: 1 while a period is open.

CREATE TABLE case_periods (
    id                   INTEGER PRIMARY KEY,
    family_id            INTEGER NOT NULL REFERENCES families (id),
    started_on           TEXT NOT NULL,
    started_by           INTEGER,  -- NULL: the period the registration opened
    closed_on            TEXT,
    close_reason         TEXT CHECK (close_reason IN (
        'goals_achieved', 'refused', 'moved_away', 'foster_care', 'referred', 'other'
    )),
    summary              TEXT NOT NULL DEFAULT '',
    closed_by            INTEGER,
    closed_at            TEXT,
    monitor_months       INTEGER NOT NULL DEFAULT 0 CHECK (monitor_months IN (0, 3, 6, 12)),
    monitoring_until     TEXT,  -- the end of monitoring, moved by an extension
    monitoring_ended_on  TEXT,  -- when the assistant finished it (NULL: still running)
    CHECK ((closed_on IS NULL) = (close_reason IS NULL))
);
-- One open period per family; closed ones stay as the case's history, in order.
CREATE UNIQUE INDEX case_periods_open ON case_periods (family_id) WHERE closed_on IS NULL;
CREATE INDEX case_periods_by_family ON case_periods (family_id, started_on);
-- The tick reads only the monitoring in progress.
CREATE INDEX case_periods_monitored ON case_periods (monitoring_until)
    WHERE monitoring_until IS NOT NULL AND monitoring_ended_on IS NULL;

-- Every family registered so far is in its first period, begun with its plan, else its
-- contract, else its registration (a UTC day; near midnight a day early, harmless for history).
INSERT INTO case_periods (family_id, started_on)
SELECT f.id, coalesce(
    (SELECT min(p.started_on) FROM plans p WHERE p.family_id = f.id),
    f.contract_signed_on,
    substr(f.created_at, 1, 10)
)
FROM families f;
UPDATE case_periods SET closed_on = started_on, close_reason = 'other'
WHERE family_id IN (SELECT id FROM families WHERE active = 0);

CREATE TABLE monitoring_contacts (
    id           INTEGER PRIMARY KEY,
    family_id    INTEGER NOT NULL REFERENCES families (id),
    period_id    INTEGER NOT NULL REFERENCES case_periods (id),
    day          TEXT NOT NULL,
    form         TEXT NOT NULL CHECK (form IN ('visit', 'phone', 'social_worker', 'school')),
    note         TEXT NOT NULL DEFAULT '',
    author_id    INTEGER NOT NULL,
    draft_token  TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX monitoring_contacts_by_family ON monitoring_contacts (family_id, day);
CREATE UNIQUE INDEX monitoring_contacts_by_draft ON monitoring_contacts (author_id, draft_token)
    WHERE draft_token IS NOT NULL;

-- A member no longer in the household keeps the row (visits and tasks name them) but is no
-- longer offered.
ALTER TABLE members ADD COLUMN left_on TEXT;

-- A renewal keeps the contract it replaces here; `families` holds the one in force.
CREATE TABLE contract_history (
    id           INTEGER PRIMARY KEY,
    family_id    INTEGER NOT NULL REFERENCES families (id),
    signed_on    TEXT,
    valid_until  TEXT,
    replaced_on  TEXT NOT NULL,
    replaced_by  INTEGER NOT NULL
);
CREATE INDEX contract_history_by_family ON contract_history (family_id, replaced_on);

-- When the family's personal data and free text were erased (retention, or an admin's /usun).
ALTER TABLE families ADD COLUMN erased_at TEXT;

-- Monitoring reminders: a monthly "record a monitoring contact" and, at the end of the
-- period, "finish or extend?". SQLite cannot change a CHECK, so the outbox is rebuilt with
-- the two new kinds (every column, row and index as before).
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    key              TEXT NOT NULL UNIQUE,
    assistant_id     INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN (
        'digest', 'overdue_visit', 'appointment_evening', 'appointment_soon',
        'outcome_question', 'goal_due', 'task_due', 'assessment_due', 'assessment_overdue',
        'contract_ends', 'catch_up', 'monitoring_due', 'monitoring_ends'
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
