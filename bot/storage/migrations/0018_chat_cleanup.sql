-- Messages that must leave the chat: the bot's sensitive answers, a walk's typed texts and the
-- question copies that repeat them. A row is kept until Telegram deleted (or the bot stubbed)
-- the message, so a restart or a crash loses none.
CREATE TABLE IF NOT EXISTS chat_cleanup (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('user', 'text', 'document')),
    sent_at TEXT NOT NULL,            -- Telegram's date of the message (the 48-hour limit)
    deadline TEXT,                    -- the latest it must go (the user's: before 48 hours)
    due_at TEXT,                      -- when it goes; NULL: when its walk ends
    walk TEXT,                        -- the draft token while it belongs to an open walk
    locale TEXT NOT NULL DEFAULT 'pl', -- the stub's language
    UNIQUE (chat_id, message_id)
);
CREATE INDEX IF NOT EXISTS chat_cleanup_due ON chat_cleanup (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS chat_cleanup_walk ON chat_cleanup (walk) WHERE walk IS NOT NULL;
