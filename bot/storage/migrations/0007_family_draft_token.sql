-- A /newfamily draft whose family was saved is done (hardening issue, item 2): the walk's
-- draft token is kept with the family, so a draft left in the chat by a crash right after
-- the save is recognised and never offered again, and saving the same draft twice gives one
-- family. Families registered before this migration (or outside the walk) have none.
ALTER TABLE families ADD COLUMN draft_token TEXT;

CREATE UNIQUE INDEX families_by_draft_token ON families (draft_token)
    WHERE draft_token IS NOT NULL;
