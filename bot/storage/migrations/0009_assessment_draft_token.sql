-- An assessment remembers the token of the walk's draft it came from (hardening issue,
-- item 2): a summary saved just before a crash (kill -9 after the confirmation, before the
-- draft was dropped) and delivered or typed again after the restart is the same assessment,
-- not a second one. Rows written before this migration, and outside a walk, have none.
ALTER TABLE assessments ADD COLUMN draft_token TEXT;

-- Tokens are short and random: unique within one author's drafts, not across everyone's.
CREATE UNIQUE INDEX assessments_by_draft_token ON assessments (author_id, draft_token)
    WHERE draft_token IS NOT NULL;
