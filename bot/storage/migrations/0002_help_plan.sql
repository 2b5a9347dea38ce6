-- The family's help plan (issue 3): the current plan, periodic assessments, goals by area,
-- their tasks, and the family's resources. History is append-only: every change to a goal or
-- a task is a row in goal_events with the old and the new value; a removed resource keeps its
-- row with who removed it and when.
-- Timestamps are UTC ISO 8601; plan, assessment, due and event days are local calendar dates.

CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    family_id   INTEGER NOT NULL REFERENCES families (id),
    started_on  TEXT NOT NULL,
    ended_on    TEXT,
    created_by  INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
-- One current plan per family; an ended plan stays as history.
CREATE UNIQUE INDEX plans_current ON plans (family_id) WHERE ended_on IS NULL;

CREATE TABLE assessments (
    id          INTEGER PRIMARY KEY,
    family_id   INTEGER NOT NULL REFERENCES families (id),
    day         TEXT NOT NULL,
    summary     TEXT NOT NULL,
    author_id   INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX assessments_by_family_day ON assessments (family_id, day);

CREATE TABLE goals (
    id               INTEGER PRIMARY KEY,
    family_id        INTEGER NOT NULL REFERENCES families (id),
    plan_id          INTEGER NOT NULL REFERENCES plans (id),
    area             TEXT NOT NULL,
    text             TEXT NOT NULL,
    expected_effect  TEXT,
    due              TEXT,
    status           TEXT NOT NULL DEFAULT 'planned' CHECK (
        status IN ('planned', 'in_progress', 'achieved', 'not_achieved', 'dropped')
    ),
    created_by       INTEGER NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX goals_by_family ON goals (family_id, status);

CREATE TABLE tasks (
    id                 INTEGER PRIMARY KEY,
    goal_id            INTEGER NOT NULL REFERENCES goals (id),
    text               TEXT NOT NULL,
    owner_kind         TEXT NOT NULL CHECK (owner_kind IN ('member', 'assistant', 'institution')),
    owner_member_id    INTEGER REFERENCES members (id),
    owner_institution  TEXT,
    due                TEXT,
    done               INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    independence       TEXT CHECK (independence IN ('shown', 'together', 'supported', 'alone')),
    created_by         INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    CHECK ((owner_kind = 'member') = (owner_member_id IS NOT NULL)),
    CHECK ((owner_kind = 'institution') = (owner_institution IS NOT NULL))
);
CREATE INDEX tasks_by_goal ON tasks (goal_id);

CREATE TABLE goal_events (
    id         INTEGER PRIMARY KEY,
    goal_id    INTEGER NOT NULL REFERENCES goals (id),
    task_id    INTEGER REFERENCES tasks (id),
    kind       TEXT NOT NULL CHECK (kind IN (
        'created', 'status', 'progress', 'due_date',
        'task_added', 'task_done', 'task_reopened', 'independence'
    )),
    day        TEXT NOT NULL,
    at         TEXT NOT NULL,
    actor_id   INTEGER NOT NULL,
    text       TEXT NOT NULL DEFAULT '',
    visit_id   INTEGER REFERENCES visits (id),
    old_value  TEXT,
    new_value  TEXT
);
-- The plan shows each goal's last progress day: (goal_id, kind, day) answers it from the index.
CREATE INDEX goal_events_by_goal ON goal_events (goal_id, kind, day);
-- Which goals a visit worked on (and whether a replayed "Save" already linked it).
CREATE INDEX goal_events_by_visit ON goal_events (visit_id) WHERE visit_id IS NOT NULL;

CREATE TABLE resources (
    id          INTEGER PRIMARY KEY,
    family_id   INTEGER NOT NULL REFERENCES families (id),
    text        TEXT NOT NULL,
    added_by    INTEGER NOT NULL,
    added_at    TEXT NOT NULL,
    removed_by  INTEGER,
    removed_at  TEXT
);
CREATE INDEX resources_by_family ON resources (family_id, removed_at);
