-- A saved appointment carries its draft's token (hardening issue, item 2): a draft a crash
-- left in the chat right after saving is known to be done, and a Save pressed again returns
-- the first appointment instead of a copy with a second set of reminders. Appointments made
-- before this migration and the follow-up of a rescheduled one have no draft: NULL, which the
-- partial index leaves out, so any number of them may exist.
ALTER TABLE appointments ADD COLUMN draft_token TEXT;

CREATE UNIQUE INDEX appointments_by_draft_token ON appointments (draft_token)
    WHERE draft_token IS NOT NULL;
