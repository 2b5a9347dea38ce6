-- The centre's view (issue 12): every registered person has a role, assistant or coordinator
-- (admins come from ADMIN_TELEGRAM_IDS and have every coordinator right whatever their row
-- says), and may be deactivated when they leave: then they are refused like a stranger and
-- get no reminders. An invite says which role it lets in.
ALTER TABLE assistants ADD COLUMN role TEXT NOT NULL DEFAULT 'assistant'
    CHECK (role IN ('assistant', 'coordinator'));
ALTER TABLE assistants ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE invites ADD COLUMN role TEXT NOT NULL DEFAULT 'assistant'
    CHECK (role IN ('assistant', 'coordinator'));

-- Holiday cover: a family handed to a cover assistant until a local date goes back to
-- `cover_for` (its own assistant) by itself on that date.
ALTER TABLE families ADD COLUMN cover_until TEXT;
ALTER TABLE families ADD COLUMN cover_for INTEGER REFERENCES assistants (telegram_id);
CREATE INDEX families_covered ON families (cover_until) WHERE cover_until IS NOT NULL;
