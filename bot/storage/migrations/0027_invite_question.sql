-- An invite made by a button of the /invite question keeps that question's message id: the
-- same question pressed again (a double press on a slow connection, the other role's button
-- before the question went, a press delivered again after a restart) shows the invite it
-- made instead of making a second one. An invite typed as `/invite assistant` has none.
ALTER TABLE invites ADD COLUMN question_id INTEGER;

CREATE UNIQUE INDEX invites_by_question ON invites (created_by, question_id)
    WHERE question_id IS NOT NULL;
