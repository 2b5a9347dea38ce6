-- The name an assistant's documents carry (the monthly work card, the assessment), set in
-- /settings; no row: the Telegram name the bot kept when they joined. A table of its own
-- (not a column of assistants) so the migration can run again harmlessly.
CREATE TABLE IF NOT EXISTS document_names (
    telegram_id  INTEGER PRIMARY KEY REFERENCES assistants (telegram_id),
    name         TEXT NOT NULL
);
