-- A family handed over for good tells the assistant who has it now and whoever had it
-- (bot/services/team.py, TeamService.hand_over): one more kind of push in the outbox.
INSERT INTO outbox_kinds (kind) VALUES ('handed_over');
