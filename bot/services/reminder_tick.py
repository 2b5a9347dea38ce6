"""The reminder tick: every reminder due now, computed from the data, stored in the outbox.

The database is the source of truth. The tick computes, from the data, every reminder due for
every reachable assistant and stores it in the outbox under a key unique to its occurrence
(INSERT OR IGNORE): a tick run twice, or after a restart, stores nothing new. No reminder
lives only in memory.

A Monday morning at national scale is 5,000 assistants' batches at once (100,000 reminders).
They are read MORNING_PART assistants at a time and stored in short transactions of about
QUEUE_ROWS rows with a turn of the event loop between two, so a chat update waits for one
small transaction at most, never for the whole morning. A transaction holds every row of the
assistants in it: their digest, the mark of a morning done, never commits without the rest of
their batch. A crash midway therefore loses nothing (the assistants not yet stored are computed
again by the next tick) and duplicates nothing (the keys). The next transaction is computed
only once the last one is stored: computing alongside would make SQLite's thread wait for the
interpreter lock row by row, and every transaction slower. The parts are committed without
waiting for the disk, the tick's last transaction with it (see Database.write_with): a power
cut can only undo parts the next tick computes again.
"""

from __future__ import annotations

import asyncio
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.domain.lifecycle import MonitoredFamily
from bot.domain.reminders.facts import Reminder
from bot.domain.reminders.kinds import DUE_SOON_DAYS, LATE_AFTER, OUTCOME_AFTER, OUTCOME_WINDOW
from bot.domain.reminders.monitoring import monitoring_due
from bot.domain.reminders.quiet import CatchUp, collapse_missed, defer_all
from bot.domain.reminders.rules import (
    appointment_reminders,
    batch_day,
    digest_key,
    morning_batch,
)
from bot.domain.reminders.snapshots import (
    AppointmentSnapshot,
    AssistantPrefs,
    FamilySnapshot,
    PlanItemSnapshot,
)
from bot.services.morning_batches import expand_due
from bot.services.tick_memo import TickMemo
from bot.storage.morning_batches import NewMorningBatch, batch_inputs
from bot.storage.reminders import ReminderRepository

APPOINTMENT_LOOKAHEAD = timedelta(days=2)  # covers "the evening before" in any zone and DST
MORNING_PART = 100  # assistants whose families and plan items are read at once
QUEUE_ROWS = 400  # reminders per write transaction: the write lock is held a few ms at a time
BATCH_ROWS = 4  # what storing one morning batch weighs against QUEUE_ROWS (one row, more text)
YIELD_EVERY = 500  # assistants' appointments looked at between two turns of the event loop


Mornings = set[tuple[int, date]]  # (assistant, local day) whose morning batch is stored


async def tick(
    reminders: ReminderRepository,
    now: datetime,
    mornings: Mornings,
    memo: TickMemo | None = None,
) -> int:
    """Store every reminder due now in the outbox; return how many messages were queued.

    Reminders that fell due while the bot was down (a gap since the last tick of more than
    LATE_AFTER) are collapsed with never-sent backlog into one catch-up per assistant;
    the rest are deferred past each assistant's quiet hours unless urgent. `mornings`
    remembers, across ticks, the morning batches known to be stored (only ever true facts:
    a batch row stays), so a later minute asks the outbox only about the others; `memo`
    keeps the reads a later minute can know have not changed (tick_memo.py). A morning
    batch stored counts as one message (the dispatcher expands it: morning_batches.py).
    """
    with _cyclic_gc_paused():
        return await _tick(reminders, now, mornings, memo or TickMemo())


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a tick runs (reference counting goes on).

    A national morning makes half a million short-lived models, none in a reference cycle;
    they are freed by reference counting as each transaction is stored. The cyclic collector
    would meanwhile walk the whole heap again and again: a third of the tick's time, measured.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


async def _tick(
    reminders: ReminderRepository, now: datetime, mornings: Mornings, memo: TickMemo
) -> int:
    """The tick itself."""
    versions = await reminders.tick_versions()
    reachable, watching = await memo.reachable(reminders, versions)
    prefs = {p.telegram_id: p for p in reachable}
    # Those who only monitor closed families get the monitoring reminders, no digest.
    watchers = {p.telegram_id: p for p in watching}
    last = versions.last_tick
    down_since = last if last is not None and now - last > LATE_AFTER else None
    appointments = _by_assistant(
        await memo.appointments_in(
            reminders, versions, now - OUTCOME_WINDOW - OUTCOME_AFTER, now + APPOINTMENT_LOOKAHEAD
        )
    )
    stored = memo.known_keys(versions)
    # Per assistant, in the order they are stored: appointments, morning batch, monitoring.
    found: defaultdict[int, list[Reminder]] = defaultdict(list)
    for number, (assistant_id, assistant) in enumerate(prefs.items(), 1):
        if number % YIELD_EVERY == 0:
            await asyncio.sleep(0)  # thousands of assistants: let chat updates in between
        for appointment in appointments.get(assistant_id, ()):
            due = [
                o for o in memo.occurrences_due(now, assistant, appointment) if o[1] not in stored
            ]
            if due:
                found[assistant_id] += appointment_reminders(assistant, appointment, due)
    monitoring = await _monitoring(reminders, now, watchers)
    queue = _Queue(reminders, now, {**watchers, **prefs}, down_since, stored)
    if down_since is not None:
        # Batches the dispatcher had not reached before the gap are backlog like any row.
        await expand_due(reminders, now - LATE_AFTER, None)
        for item in await reminders.backlog(now - LATE_AFTER):
            if item.assistant_id in queue.prefs:
                queue.backlog[item.assistant_id].append(item.as_reminder())
    days = await _waiting(reminders, now, prefs, mornings)
    if days and down_since is None:
        await _store_batches(queue, days, appointments, found, monitoring)
    elif days:
        await _compute_mornings(queue, days, appointments, found, monitoring)
    queue.fresh = False
    mornings.update(days.items())
    for assistant_id in {**found, **monitoring, **queue.backlog}:
        await queue.add(
            assistant_id, [*found.get(assistant_id, []), *monitoring.get(assistant_id, [])]
        )
    return await queue.done()


async def _store_batches(
    queue: _Queue,
    days: dict[int, date],
    appointments: dict[int, list[AppointmentSnapshot]],
    found: dict[int, list[Reminder]],
    monitoring: dict[int, list[Reminder]],
) -> None:
    """Each waiting morning as one stored batch of inputs, with the assistant's other rows.

    The dispatcher expands a batch into its reminders when it reaches it (morning_batches.py).
    """
    until = max(days.values()) + timedelta(days=DUE_SOON_DAYS)
    for part in _parts(list(days), MORNING_PART):
        inputs = await queue.reminders.morning_inputs(part, until)
        for assistant_id in part:
            assistant, day = queue.prefs[assistant_id], days[assistant_id]
            families, items = inputs[assistant_id]
            on_day = appointments[assistant_id]
            today = [a for a in on_day if assistant.local_day(a.starts_at) == day]
            due_at = assistant.at(day, assistant.digest_time)
            batch = NewMorningBatch(
                assistant_id=assistant_id,
                day=day,
                send_at=assistant.quiet_until(due_at) or due_at,
                inputs=batch_inputs(assistant, families, items, today),
            )
            await queue.add(
                assistant_id,
                [*found.pop(assistant_id, []), *monitoring.pop(assistant_id, [])],
                batch,
            )
    await queue.flush()


async def _compute_mornings(
    queue: _Queue,
    days: dict[int, date],
    appointments: dict[int, list[AppointmentSnapshot]],
    found: dict[int, list[Reminder]],
    monitoring: dict[int, list[Reminder]],
) -> None:
    """After a downtime: each waiting morning's reminders computed now, to fold what was missed."""
    # A morning batch is new by construction (its digest key was absent): INSERT OR
    # IGNORE skips the few keys stored on earlier days, cheaper than asking for all.
    queue.fresh = True
    until = max(days.values()) + timedelta(days=DUE_SOON_DAYS)
    for part in _parts(list(days), MORNING_PART):
        families, items = await _morning_reads(queue.reminders, part, until)
        for assistant_id in part:
            batch = morning_batch(
                queue.now,
                queue.prefs[assistant_id],
                families[assistant_id],
                appointments[assistant_id],
                items[assistant_id],
            )
            await queue.add(
                assistant_id,
                [*found.pop(assistant_id, []), *batch, *monitoring.pop(assistant_id, [])],
            )
    await queue.flush()


@dataclass
class _Queue:
    """Reminders gathered per assistant, stored in transactions of about QUEUE_ROWS rows."""

    reminders: ReminderRepository
    now: datetime
    prefs: dict[int, AssistantPrefs]
    down_since: datetime | None
    stored: set[str]  # keys known to be in the outbox (tick_memo.py)
    fresh: bool = False  # the reminders gathered need no look-up of stored keys
    backlog: defaultdict[int, list[Reminder]] = field(default_factory=lambda: defaultdict(list))
    gathered: list[Reminder] = field(default_factory=list)
    folded: list[Reminder] = field(default_factory=list)  # backlog of the assistants gathered
    batches: list[NewMorningBatch] = field(default_factory=list)
    queued: int = 0

    async def add(
        self, assistant_id: int, found: list[Reminder], batch: NewMorningBatch | None = None
    ) -> None:
        """One assistant's reminders; a transaction is started once enough are gathered."""
        self.gathered += found
        self.folded += self.backlog.pop(assistant_id, [])
        if batch is not None:
            self.batches.append(batch)
        gathered = len(self.gathered) + len(self.folded) + BATCH_ROWS * len(self.batches)
        if gathered >= QUEUE_ROWS:
            await self.flush()

    async def flush(self) -> None:
        """Store what is gathered, in one transaction, then let chat updates in."""
        if not self.gathered and not self.folded and not self.batches:
            return
        await self._store(durable=False)
        await asyncio.sleep(0)

    async def done(self) -> int:
        """Store the rest and the tick's time, synced to disk (and the parts before with it)."""
        await self._store(durable=True)
        return self.queued

    async def _store(self, *, durable: bool) -> None:
        """What is gathered, in one transaction; a morning batch counts as one message."""
        plan = await self._plan(self.gathered, self.folded)
        batches = tuple(self.batches)
        self.gathered, self.folded, self.batches = [], [], []
        self.queued += len(batches) + await self.reminders.enqueue(
            plan, self.now, durable=durable, batches=batches
        )
        if not self.fresh:  # stored now (the few of a minute, not a whole morning's)
            self.stored.update(r.key for r in (*plan.send, *plan.collapsed))

    async def _plan(self, found: list[Reminder], backlog: list[Reminder]) -> CatchUp:
        """Collapse what a downtime missed, defer for quiet hours."""
        if self.down_since is not None or not self.fresh:
            unknown = [r.key for r in found if r.key not in self.stored]
            if not self.fresh:
                self.stored.update(await self.reminders.existing_keys(unknown))
                found = [r for r in found if r.key not in self.stored]
            else:
                existing = await self.reminders.existing_keys(unknown)
                found = [r for r in found if r.key not in existing and r.key not in self.stored]
        plan = collapse_missed(found, self.now, down_since=self.down_since, backlog=backlog)
        return CatchUp(
            send=defer_all(plan.send, self.prefs),
            collapsed=plan.collapsed,
            folded_backlog=plan.folded_backlog,
            catch_ups=defer_all(plan.catch_ups, self.prefs),
        )


async def _waiting(
    reminders: ReminderRepository,
    now: datetime,
    prefs: dict[int, AssistantPrefs],
    mornings: Mornings,
) -> dict[int, date]:
    """The assistants whose morning batch is due and not done yet, with its day.

    A stored batch (or the digest's key) marks a day's batch as done, so the heavy reads
    happen once per assistant per working day, not every minute.
    """
    days: dict[int, date] = {}
    batch_days: dict[tuple[object, ...], date | None] = {}  # most share the default settings
    for assistant_id, assistant in prefs.items():
        settings = (assistant.timezone, assistant.digest_time, assistant.working_days)
        if settings not in batch_days:
            batch_days[settings] = batch_day(now, assistant)
        day = batch_days[settings]
        if day is not None and (assistant_id, day) not in mornings:
            days[assistant_id] = day
    if days:
        earliest = min(days.values()) - timedelta(days=1)
        for known in [m for m in mornings if m[1] < earliest]:
            mornings.discard(known)  # yesterday's and older: no longer asked about
    # A stored batch marks the morning done; so does a digest row (stored after a downtime).
    done = await reminders.mornings_stored(days)
    digests = await reminders.existing_keys(
        [digest_key(a, d) for a, d in days.items() if a not in done]
    )
    done.update(a for a, d in days.items() if digest_key(a, d) in digests)
    mornings.update((a, d) for a, d in days.items() if a in done)
    return {a: d for a, d in days.items() if a not in done}


async def _morning_reads(
    reminders: ReminderRepository, assistant_ids: list[int], until: date
) -> tuple[defaultdict[int, list[FamilySnapshot]], defaultdict[int, list[PlanItemSnapshot]]]:
    """These assistants' families and open plan items due until a day, by assistant."""
    families: defaultdict[int, list[FamilySnapshot]] = defaultdict(list)
    items: defaultdict[int, list[PlanItemSnapshot]] = defaultdict(list)
    read_families, read_items = await reminders.morning_snapshots(assistant_ids, until)
    for family in read_families:
        families[family.assistant_id].append(family)
    for item in read_items:
        items[item.assistant_id].append(item)
    return families, items


async def _monitoring(
    reminders: ReminderRepository, now: datetime, watchers: dict[int, AssistantPrefs]
) -> dict[int, list[Reminder]]:
    """The monitoring reminders of the assistants whose morning batch is due, by assistant."""
    waiting = [a for a, p in watchers.items() if batch_day(now, p) is not None]
    if not waiting:
        return {}
    monitored: dict[int, list[MonitoredFamily]] = defaultdict(list)
    for item in await reminders.monitored(waiting):
        monitored[item.assistant_id].append(item)
    found: dict[int, list[Reminder]] = {}
    for assistant_id in waiting:
        due = monitoring_due(now, watchers[assistant_id], monitored[assistant_id])
        if due:
            found[assistant_id] = due
    return found


def _parts(assistant_ids: list[int], size: int) -> Iterator[list[int]]:
    """The assistants, `size` at a time."""
    for start in range(0, len(assistant_ids), size):
        yield assistant_ids[start : start + size]


def _by_assistant(
    appointments: Iterable[AppointmentSnapshot],
) -> defaultdict[int, list[AppointmentSnapshot]]:
    """Appointments grouped by the family's current assistant."""
    grouped: defaultdict[int, list[AppointmentSnapshot]] = defaultdict(list)
    for appointment in appointments:
        grouped[appointment.assistant_id].append(appointment)
    return grouped
