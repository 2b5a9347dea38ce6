-- A visit that did not take place holds none of a visit's choices (issue 10's sweep). Its walk
-- never asks for them, but a draft pre-selected like the family's last visit (length, place,
-- people, areas, activities) kept them when the assistant turned it into a missed visit, and
-- they were saved with it: "Nobody home" with Anna present for 75 minutes outdoors. The
-- service now drops them at saving (visit.attempt_only); this clears those saved before.
UPDATE visits SET duration_min = NULL, place = NULL
WHERE kind = 'missed' AND (duration_min IS NOT NULL OR place IS NOT NULL);
DELETE FROM visit_members WHERE visit_id IN (SELECT id FROM visits WHERE kind = 'missed');
DELETE FROM visit_areas WHERE visit_id IN (SELECT id FROM visits WHERE kind = 'missed');
DELETE FROM visit_activities WHERE visit_id IN (SELECT id FROM visits WHERE kind = 'missed');
