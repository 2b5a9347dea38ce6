-- What a later minute's tick can know has not changed (issue 10, "A lighter update path").
-- Every minute the tick read 5,000 assistants' settings, every appointment of a 16-day window
-- and asked the outbox about ~1,700 keys of reminders it had stored long before. Each counter
-- below is bumped, by triggers, by every write to a table behind what it counts, whoever
-- writes it; the tick keeps what it read with the counter it read first, and reads again once
-- the counter moved (bot/services/tick_memo.py). `settings`: who gets reminders and their
-- settings (assistants, reminder_settings, a family's assistant and state, case periods).
-- `appointments`: the appointments and their families' codes and assistants. `outbox_keys`:
-- an outbox key freed (a row withdrawn gives up its key) or a row deleted.
CREATE TABLE tick_versions (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    settings      INTEGER NOT NULL DEFAULT 0,
    appointments  INTEGER NOT NULL DEFAULT 0,
    outbox_keys   INTEGER NOT NULL DEFAULT 0
);
INSERT INTO tick_versions (id) VALUES (1);
CREATE TRIGGER tick_assistants_insert AFTER INSERT ON assistants
BEGIN UPDATE tick_versions SET settings = settings + 1 WHERE id = 1; END;
CREATE TRIGGER tick_assistants_update AFTER UPDATE ON assistants
BEGIN UPDATE tick_versions SET settings = settings + 1 WHERE id = 1; END;
CREATE TRIGGER tick_assistants_delete AFTER DELETE ON assistants
BEGIN UPDATE tick_versions SET settings = settings + 1 WHERE id = 1; END;
CREATE TRIGGER tick_reminder_settings_insert AFTER INSERT ON reminder_settings
BEGIN UPDATE tick_versions SET settings = settings + 1 WHERE id = 1; END;
CREATE TRIGGER tick_reminder_settings_update AFTER UPDATE ON reminder_settings
BEGIN UPDATE tick_versions SET settings = settings + 1 WHERE id = 1; END;
CREATE TRIGGER tick_reminder_settings_delete AFTER DELETE ON reminder_settings
BEGIN UPDATE tick_versions SET settings = settings + 1 WHERE id = 1; END;
CREATE TRIGGER tick_case_periods_insert AFTER INSERT ON case_periods
BEGIN UPDATE tick_versions SET settings = settings + 1 WHERE id = 1; END;
CREATE TRIGGER tick_case_periods_update AFTER UPDATE ON case_periods
BEGIN UPDATE tick_versions SET settings = settings + 1 WHERE id = 1; END;
CREATE TRIGGER tick_case_periods_delete AFTER DELETE ON case_periods
BEGIN UPDATE tick_versions SET settings = settings + 1 WHERE id = 1; END;
CREATE TRIGGER tick_families_insert AFTER INSERT ON families
BEGIN UPDATE tick_versions SET settings = settings + 1 WHERE id = 1; END;
CREATE TRIGGER tick_families_delete AFTER DELETE ON families
BEGIN UPDATE tick_versions SET settings = settings + 1 WHERE id = 1; END;
CREATE TRIGGER tick_families_state AFTER UPDATE OF assistant_id, active, erased_at ON families
BEGIN UPDATE tick_versions SET settings = settings + 1 WHERE id = 1; END;
CREATE TRIGGER tick_appointments_insert AFTER INSERT ON appointments
BEGIN UPDATE tick_versions SET appointments = appointments + 1 WHERE id = 1; END;
CREATE TRIGGER tick_appointments_update AFTER UPDATE ON appointments
BEGIN UPDATE tick_versions SET appointments = appointments + 1 WHERE id = 1; END;
CREATE TRIGGER tick_appointments_delete AFTER DELETE ON appointments
BEGIN UPDATE tick_versions SET appointments = appointments + 1 WHERE id = 1; END;
CREATE TRIGGER tick_families_of_appointments AFTER UPDATE OF code, assistant_id, active ON families
BEGIN UPDATE tick_versions SET appointments = appointments + 1 WHERE id = 1; END;
CREATE TRIGGER tick_families_gone AFTER DELETE ON families
BEGIN UPDATE tick_versions SET appointments = appointments + 1 WHERE id = 1; END;
CREATE TRIGGER tick_outbox_key_freed AFTER UPDATE OF key ON outbox
BEGIN UPDATE tick_versions SET outbox_keys = outbox_keys + 1 WHERE id = 1; END;
CREATE TRIGGER tick_outbox_delete AFTER DELETE ON outbox
BEGIN UPDATE tick_versions SET outbox_keys = outbox_keys + 1 WHERE id = 1; END;
