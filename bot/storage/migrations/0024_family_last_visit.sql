-- The date of a family's last completed visit, kept on the family (issue 10, "A lighter
-- update path": the first reminder tick of a Monday). The tick, the team view and the week's
-- cadence read it for every family; as a subquery it was a seek into the index of three
-- million visits per family, half of the tick's read of 60,000 families. Triggers keep it
-- for every write to visits, whoever writes it: a visit is only ever added today (erasure
-- blanks its note and keeps the row), and a change or removal recomputes it in case.
ALTER TABLE families ADD COLUMN last_visit_on TEXT;
UPDATE families SET last_visit_on = (
    SELECT max(v.visit_date) FROM visits v WHERE v.family_id = families.id AND v.kind = 'completed'
);
CREATE TRIGGER families_last_visit_added AFTER INSERT ON visits WHEN NEW.kind = 'completed'
BEGIN
    UPDATE families SET last_visit_on = NEW.visit_date
    WHERE id = NEW.family_id AND (last_visit_on IS NULL OR last_visit_on < NEW.visit_date);
END;
CREATE TRIGGER families_last_visit_changed AFTER UPDATE OF family_id, kind, visit_date ON visits
BEGIN
    UPDATE families SET last_visit_on = (
        SELECT max(v.visit_date) FROM visits v
        WHERE v.family_id = families.id AND v.kind = 'completed'
    ) WHERE id IN (OLD.family_id, NEW.family_id);
END;
CREATE TRIGGER families_last_visit_removed AFTER DELETE ON visits WHEN OLD.kind = 'completed'
BEGIN
    UPDATE families SET last_visit_on = (
        SELECT max(v.visit_date) FROM visits v
        WHERE v.family_id = families.id AND v.kind = 'completed'
    ) WHERE id = OLD.family_id;
END;
