-- Every update adds its row to recent_updates in its one commit (issue 10, "A lighter update
-- path"). The index on processed_at served only the forgetting of old rows, once a day at a
-- quiet hour and at start-up, yet every update's commit wrote a page of it: three pages (the
-- user's data, this table, this index), two without it. Scanning 48 hours of updates once a
-- day costs less than that page on every update (3-4% of a press, measured).
DROP INDEX recent_updates_by_time;
