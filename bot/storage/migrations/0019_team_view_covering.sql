-- The team view reads a handful of figures for every active family (issue 12, "Scale"); each
-- is now answered from an index alone, without reading table rows.
--
-- Completed visits carry their kind in the index: SQLite still checks `kind = 'completed'`
-- against the row even though the index holds only completed visits, so without the column
-- every last-visit and this-week count reads the visit row itself (notes and all).
DROP INDEX visits_completed_by_family;
CREATE INDEX visits_completed_by_family ON visits (family_id, visit_date, kind)
    WHERE kind = 'completed';
-- Open goals by plan and open tasks by goal, with every column the overdue counts read: a
-- family's count is a seek into its current plan's open goals and each one's open tasks,
-- instead of every goal of the family with a lookup of the current plan per goal.
CREATE INDEX goals_open_by_plan ON goals (plan_id, due, status)
    WHERE status IN ('planned', 'in_progress');
CREATE INDEX tasks_open_by_goal ON tasks (goal_id, due, done) WHERE done = 0;
