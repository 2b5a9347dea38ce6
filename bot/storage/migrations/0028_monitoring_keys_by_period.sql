-- A monitoring reminder's key names the monitoring it is of: the closure's case period. It
-- was "monitoring_ends:<assistant>:<family>:<end>" (and "monitoring:…:<anniversary>"), so a
-- family reopened and closed again to a monitoring ending on the same day (or due on the same
-- anniversary) never got the new one's reminder: its key was taken. The tick now appends the
-- period ("…:<end>:<period>", domain/reminders/monitoring.py); the rows stored before get it
-- here, or the first tick after the upgrade would ask again what was asked already.
--
-- The period is the one the facts carry (kept since the buttons carried it), else the
-- family's latest monitored closure made before the row was: a row made before a later
-- closure is the earlier monitoring's, and leaves the new one its own. The facts get the
-- period too, so a pending (snoozed) one is checked against it at sending. Withdrawn rows
-- (their key given up as "key~id") stay as they are; so does a row no closure explains.
UPDATE outbox SET payload = json_set(payload, '$.monitoring.period_id', (
    SELECT p.id FROM case_periods p
    WHERE p.family_id = json_extract(outbox.payload, '$.monitoring.family_id')
      AND p.closed_on IS NOT NULL AND p.monitoring_until IS NOT NULL
      AND julianday(coalesce(p.closed_at, p.closed_on)) <= julianday(outbox.created_at)
    ORDER BY p.id DESC LIMIT 1
))
WHERE kind IN ('monitoring_due', 'monitoring_ends') AND instr(key, '~') = 0
  AND json_extract(payload, '$.monitoring.period_id') IS NULL
  AND EXISTS (
    SELECT 1 FROM case_periods p
    WHERE p.family_id = json_extract(outbox.payload, '$.monitoring.family_id')
      AND p.closed_on IS NOT NULL AND p.monitoring_until IS NOT NULL
      AND julianday(coalesce(p.closed_at, p.closed_on)) <= julianday(outbox.created_at)
  );
UPDATE outbox SET key = key || ':' || json_extract(payload, '$.monitoring.period_id')
WHERE kind IN ('monitoring_due', 'monitoring_ends') AND instr(key, '~') = 0
  AND json_extract(payload, '$.monitoring.period_id') IS NOT NULL;
