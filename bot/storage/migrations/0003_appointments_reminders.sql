-- Appointments at institutions and the reminder scheduler (issue 4): appointments with the
-- members who go, each assistant's reminder settings, the outbox every reminder passes
-- through, and the scheduler's last tick (to tell downtime from a normal minute).
-- Timestamps are UTC ISO 8601 with microseconds (fixed width, so text order is time order);
-- digest and quiet-hour times are local wall times (HH:MM) in the assistant's zone.

CREATE TABLE appointments (
    id                INTEGER PRIMARY KEY,
    family_id         INTEGER NOT NULL REFERENCES families (id),
    assistant_id      INTEGER NOT NULL,
    institution       TEXT NOT NULL CHECK (institution IN (
        'ops', 'pup', 'school', 'court', 'clinic', 'doctor', 'pcpr', 'police', 'other'
    )),
    institution_name  TEXT,
    starts_at         TEXT NOT NULL,
    accompany         INTEGER NOT NULL CHECK (accompany IN (0, 1)),
    purpose           TEXT NOT NULL,
    goal_id           INTEGER REFERENCES goals (id),
    status            TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN (
        'scheduled', 'attended', 'not_attended', 'rescheduled', 'cancelled'
    )),
    outcome           TEXT NOT NULL DEFAULT '',
    outcome_at        TEXT,
    rescheduled_from  INTEGER REFERENCES appointments (id),
    scheduled_at      TEXT NOT NULL,  -- when the current start was set: created or moved
    created_at        TEXT NOT NULL
);
-- A family's card and the agenda (by family, then time).
CREATE INDEX appointments_by_family ON appointments (family_id, starts_at);
-- The tick reads only scheduled ones around now: a small slice of a partial index.
CREATE INDEX appointments_scheduled ON appointments (starts_at) WHERE status = 'scheduled';

CREATE TABLE appointment_members (
    appointment_id  INTEGER NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    member_id       INTEGER NOT NULL REFERENCES members (id),
    PRIMARY KEY (appointment_id, member_id)
);

-- Absent row or NULL column: the default (07:30 digest, quiet 20:00-07:00, the centre's zone,
-- Monday to Friday).
CREATE TABLE reminder_settings (
    telegram_id        INTEGER PRIMARY KEY,
    digest_time        TEXT,
    quiet_start        TEXT,
    quiet_end          TEXT,
    timezone           TEXT,
    working_days       TEXT,  -- weekday digits, Monday = 0: '01234' is Monday to Friday
    unreachable        INTEGER NOT NULL DEFAULT 0 CHECK (unreachable IN (0, 1)),
    unreachable_since  TEXT
);

-- Every reminder goes through here: the key is unique per occurrence, so a tick run twice or
-- after a restart inserts nothing new. The payload holds family codes, institution types,
-- times and ids only; never names, notes or purposes.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    key              TEXT NOT NULL UNIQUE,
    assistant_id     INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN (
        'digest', 'overdue_visit', 'appointment_evening', 'appointment_soon',
        'outcome_question', 'goal_due', 'task_due', 'assessment_due', 'assessment_overdue',
        'contract_ends', 'catch_up'
    )),
    urgent           INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    subject          TEXT NOT NULL DEFAULT '',
    payload          TEXT NOT NULL,
    due_at           TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,  -- due, or the end of quiet hours, a snooze, a retry
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN (
        'pending', 'sent', 'failed', 'dropped_unreachable', 'collapsed', 'withdrawn', 'done'
    )),
    last_error       TEXT
);
-- The dispatcher: pending rows oldest first. Stays small however long the outbox grows.
CREATE INDEX outbox_pending ON outbox (next_attempt_at, id) WHERE status = 'pending';
-- Dropping an unreachable assistant's rows, and withdrawing an appointment's reminders.
CREATE INDEX outbox_pending_by_assistant ON outbox (assistant_id) WHERE status = 'pending';
CREATE INDEX outbox_pending_by_subject ON outbox (subject) WHERE status = 'pending';

CREATE TABLE scheduler_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_tick_at  TEXT NOT NULL
);

-- The tick's last-visit lookup: one seek per family into completed visits only.
CREATE INDEX visits_completed_by_family ON visits (family_id, visit_date) WHERE kind = 'completed';
-- Open goals and tasks with a due date, found without reading the plans of every family.
CREATE INDEX goals_by_due ON goals (due) WHERE due IS NOT NULL;
CREATE INDEX tasks_by_due ON tasks (due) WHERE due IS NOT NULL AND done = 0;
