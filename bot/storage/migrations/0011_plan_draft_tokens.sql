-- The help-plan walks save item after item (hardening issue, item 2): /goal a goal, a task,
-- a progress note; /resources a resource. Each item remembers the token its draft gave it,
-- so an item saved just before a crash (kill -9 after "Saved", before the walk's state was
-- stored) and delivered or typed again after the restart is the same item, not a second
-- one, and the draft left behind is known to be done. Rows written before this migration,
-- outside a walk, and every other history row have none.
ALTER TABLE goals ADD COLUMN draft_token TEXT;
ALTER TABLE tasks ADD COLUMN draft_token TEXT;
ALTER TABLE goal_events ADD COLUMN draft_token TEXT;
ALTER TABLE resources ADD COLUMN draft_token TEXT;

-- Tokens are short and random: unique within one author's drafts, not across everyone's.
CREATE UNIQUE INDEX goals_by_draft_token ON goals (created_by, draft_token)
    WHERE draft_token IS NOT NULL;
CREATE UNIQUE INDEX tasks_by_draft_token ON tasks (created_by, draft_token)
    WHERE draft_token IS NOT NULL;
CREATE UNIQUE INDEX goal_events_by_draft_token ON goal_events (actor_id, draft_token)
    WHERE draft_token IS NOT NULL;
CREATE UNIQUE INDEX resources_by_draft_token ON resources (added_by, draft_token)
    WHERE draft_token IS NOT NULL;
