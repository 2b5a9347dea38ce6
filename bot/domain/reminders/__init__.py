"""What the bot sends on its own, and when: pure rules over plain snapshots, no I/O."""

# Every rule takes `now` (an aware UTC instant) and returns the reminders due at or before it
# that are still within their window; each carries a key unique to its occurrence, so the
# outbox (INSERT OR IGNORE on the key) stores it once however often a tick recomputes it.
#
# Decisions the scheduler, the texts and the tests follow:
# - Working days are Monday to Friday unless the assistant chose others (some work weekends);
#   the bot does not know public holidays.
# - The morning batch: on a working day, at the assistant's digest time (local, default 07:30),
#   come the digest and everything tied to the working day: overdue visits, goals and tasks due,
#   assessments, contract ends. Their due time is that morning's digest time, so a reminder that
#   became relevant later in the day (a goal set at noon) waits for the next morning instead of
#   arriving at odd hours, and one morning's batch fires exactly once per local day, DST days
#   included (keys carry the local date). It goes out at most MORNING_WINDOW (5 hours) late: a
#   bot first started, or back from an outage, in the afternoon skips that day's batch rather
#   than wishing a good morning at night; the next morning's digest lists everything anyway.
# - Overdue visit: no completed visit for 7 days (target 1 a week) or 4 days (target 2 a week),
#   counted from the registration for a family never visited; once per working day per family.
# - Goal / task due: on the last working day before the due date (a Monday date is announced on
#   Friday); one set too late for that is announced on the following mornings up to the due day.
# - Assessment due: from the last working day on or before 14 days ahead of the due date, once.
#   Assessment overdue: on the first working day after the due date, then on the first working
#   day of every week (Monday for most): writing an assessment takes a sitting, a daily nag
#   would be noise, and the digest lists it every morning anyway.
# - Contract ends: from the last working day on or before 14 days ahead of the end, once.
# - Appointments: the evening before at 18:00 local, 2 hours before, and 2 hours after the start
#   a question how it went (asked once; unanswered ones stay listed by the appointment service).
#   An occurrence due before the appointment's time was set (created or moved late) is skipped,
#   and a reminder before an appointment is not caught up once the appointment has begun.
# - Urgency: only `appointment_soon` is urgent. Quiet hours (default 20:00–07:00 local) defer
#   every other kind to their end, never drop it; an urgent one is deferred too when the end of
#   quiet hours is still at least 30 minutes before the appointment, otherwise it goes at once.
# - Catch-up: reminders that fell due while the bot was down (after the last tick, more than
#   10 minutes before now) and backlog never sent are collapsed into one catch-up message per
#   assistant, the latest digest and day's nag per family replacing older ones; a single
#   missed reminder is simply sent late. Windows bound what a downtime can bring back: a
#   morning batch only for today, appointment outcome questions for 14 days.
#
# The modules: kinds (kinds and tunables), calendar (working days, local instants), snapshots
# (what a tick reads), facts (what a reminder carries), rules (what is due when), quiet
# (quiet hours and catch-up). Delivery state (attempts, errors) lives with the outbox in
# bot/storage/outbox.py.
