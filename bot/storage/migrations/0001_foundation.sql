-- Foundation: assistants, invites, families, members, visits, the access log,
-- and PTB's persistence (conversation states and drafts) on the same database.
-- All timestamps are UTC ISO 8601; dates of visits and contracts are local calendar dates.

CREATE TABLE assistants (
    telegram_id   INTEGER PRIMARY KEY,
    display_name  TEXT NOT NULL,
    locale        TEXT,
    joined_at     TEXT NOT NULL
);

CREATE TABLE invites (
    code        TEXT PRIMARY KEY,
    created_by  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_by     INTEGER,
    used_at     TEXT
);

CREATE TABLE families (
    id                    INTEGER PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE COLLATE NOCASE,
    label                 TEXT,
    assistant_id          INTEGER REFERENCES assistants (telegram_id),
    visits_per_week       INTEGER NOT NULL DEFAULT 1 CHECK (visits_per_week IN (1, 2)),
    contract_signed_on    TEXT,
    contract_valid_until  TEXT,
    active                INTEGER NOT NULL DEFAULT 1,
    created_at            TEXT NOT NULL
);
CREATE INDEX families_by_assistant ON families (assistant_id, active);

CREATE TABLE members (
    id          INTEGER PRIMARY KEY,
    family_id   INTEGER NOT NULL REFERENCES families (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    birth_year  INTEGER,
    position    INTEGER NOT NULL
);
CREATE INDEX members_by_family ON members (family_id, position);

CREATE TABLE visits (
    id             INTEGER PRIMARY KEY,
    family_id      INTEGER NOT NULL REFERENCES families (id),
    assistant_id   INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('completed', 'missed')),
    visit_date     TEXT NOT NULL,
    duration_min   INTEGER,
    place          TEXT,
    missed_reason  TEXT,
    note           TEXT NOT NULL DEFAULT '',
    next_steps     TEXT NOT NULL DEFAULT '',
    draft_token    TEXT NOT NULL UNIQUE,
    created_at     TEXT NOT NULL
);
CREATE INDEX visits_by_family_date ON visits (family_id, visit_date);

CREATE TABLE visit_members (
    visit_id   INTEGER NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id),
    PRIMARY KEY (visit_id, member_id)
);

CREATE TABLE visit_areas (
    visit_id  INTEGER NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    area      TEXT NOT NULL,
    PRIMARY KEY (visit_id, area)
);

CREATE TABLE visit_activities (
    visit_id  INTEGER NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    activity  TEXT NOT NULL,
    PRIMARY KEY (visit_id, activity)
);

CREATE TABLE access_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_id   INTEGER NOT NULL,
    action     TEXT NOT NULL,
    family_id  INTEGER,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX access_log_by_family ON access_log (family_id, at);

CREATE TABLE ptb_conversations (
    name   TEXT NOT NULL,
    key    TEXT NOT NULL,
    state  TEXT NOT NULL,
    PRIMARY KEY (name, key)
);

CREATE TABLE ptb_user_data (
    user_id  INTEGER PRIMARY KEY,
    data     TEXT NOT NULL
);

CREATE TABLE processed_updates (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    last_update_id  INTEGER NOT NULL
);
