"""What a later minute's tick can know has not changed: settings, appointments, stored keys.

Every minute the tick used to read 5,000 assistants' settings and every appointment of a
16-day window again, work out each appointment's occurrences, rebuild ~1,700 reminders it had
stored long before and ask the outbox whether their keys were there. Now each read is kept
with the change counter it was made under (table tick_versions, migration 0022: bumped by
triggers on every write to a table behind it, by whoever writes), and is used again only
while that counter has not moved. The counter is read before the data, so a change made
meanwhile makes the next minute read again. An appointment's occurrences are kept until the
next instant they turn on (the rules say when), and only reminders whose keys are not known
to be stored are made and asked about.

The keys known to be in the outbox are only ever true facts while `outbox_keys` stays: a key
leaves the outbox only when its row is withdrawn (it gives its key up: an appointment moved
away and back, a family handed over and back) or deleted, and either bumps the counter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.reminders.rules import Occurrence, appointment_occurrences
from bot.domain.reminders.snapshots import AppointmentSnapshot, AssistantPrefs
from bot.storage.reminders import ReminderRepository, TickVersions

APPOINTMENT_MARGIN = timedelta(hours=1)  # read that much further ahead, to reuse for an hour
KNOWN_KEYS_LIMIT = 50_000  # forget the known keys past this (a national fortnight is ~30,000)


@dataclass
class TickMemo:
    """A tick's reads kept across minutes, each with the counter it was read under."""

    settings: int | None = None
    prefs: list[AssistantPrefs] = field(default_factory=list)
    watchers: list[AssistantPrefs] = field(default_factory=list)
    appointments_version: int | None = None
    appointments_span: tuple[datetime, datetime] | None = None
    appointments: list[AppointmentSnapshot] = field(default_factory=list)
    keys_version: int | None = None
    known: set[str] = field(default_factory=set)
    # (assistant, appointment) -> (from, until, occurrences): the same due from `from` to `until`
    occurrences: dict[tuple[int, int], tuple[datetime, datetime, list[Occurrence]]] = field(
        default_factory=dict
    )

    async def reachable(
        self, reminders: ReminderRepository, versions: TickVersions
    ) -> tuple[list[AssistantPrefs], list[AssistantPrefs]]:
        """The reachable assistants' and the watchers' settings, read again only if changed."""
        if self.settings != versions.settings:
            self.prefs = await reminders.reachable_prefs()
            self.watchers = await reminders.monitoring_prefs()
            self.settings = versions.settings
            self.occurrences = {}  # worked out in zones and settings that may have changed
        return self.prefs, self.watchers

    async def appointments_in(
        self,
        reminders: ReminderRepository,
        versions: TickVersions,
        start: datetime,
        end: datetime,
    ) -> list[AppointmentSnapshot]:
        """Scheduled appointments starting in [start, end), and maybe some either side of it.

        The rules find nothing due for an appointment outside the window, so the hour's read
        is used again while no appointment changed and the window stays inside it.
        """
        span = self.appointments_span
        if (
            self.appointments_version != versions.appointments
            or span is None
            or not span[0] <= start
            or not end <= span[1]
        ):
            span = (start, end + APPOINTMENT_MARGIN)
            self.appointments = await reminders.appointment_snapshots(*span)
            self.appointments_span = span
            self.appointments_version = versions.appointments
            self.occurrences = {}
        return self.appointments

    def occurrences_due(
        self, now: datetime, prefs: AssistantPrefs, appointment: AppointmentSnapshot
    ) -> list[Occurrence]:
        """appointment_occurrences, worked out again only once the answer may have changed."""
        key = (prefs.telegram_id, appointment.id)
        kept = self.occurrences.get(key)
        if kept is not None and kept[0] <= now < kept[1]:
            return kept[2]
        found, until = appointment_occurrences(now, prefs, appointment)
        self.occurrences[key] = (now, until, found)
        return found

    def known_keys(self, versions: TickVersions) -> set[str]:
        """Keys known to be in the outbox (none once a key may have left it)."""
        if self.keys_version != versions.outbox_keys or len(self.known) > KNOWN_KEYS_LIMIT:
            self.known = set()
            self.keys_version = versions.outbox_keys
        return self.known
