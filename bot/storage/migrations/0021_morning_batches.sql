-- A national Monday morning stored compactly (issue 10, "A lighter update path"). The tick
-- used to store every reminder of every morning batch as its own outbox row: 100,000 models,
-- JSON payloads and inserts in the day's worst minute. It now stores one row per assistant
-- and working day holding what the batch is computed from (the assistant's settings, the
-- families' and plan items' facts as the tick read them, the day's appointments); the
-- dispatcher turns it into the outbox rows, the digest first, when it reaches it (the same
-- rules, the same `now`, so the same rows the tick would have stored). The row marks the
-- morning as done, as the digest row did. `inputs` is emptied once the rows are made.
CREATE TABLE morning_batches (
    id           INTEGER PRIMARY KEY,
    assistant_id INTEGER NOT NULL,
    day          TEXT NOT NULL,     -- the assistant's local working day
    send_at      TEXT NOT NULL,     -- UTC: the digest time, past quiet hours (the order sent)
    computed_at  TEXT NOT NULL,     -- UTC: the tick that read it (the rules' `now`)
    inputs       TEXT,              -- JSON; NULL once expanded
    expanded_at  TEXT,              -- UTC: when its reminders became outbox rows
    UNIQUE (assistant_id, day)
);
CREATE INDEX morning_batches_waiting ON morning_batches (send_at, id) WHERE expanded_at IS NULL;
