"""The dispatcher: sends the outbox's pending rows whose time has come, paced, oldest first.

`Dispatcher.dispatch` sends through a `Sender` (the Telegram adapter), and marks each row sent
right after Telegram accepted it. The morning batches it reaches are expanded into rows first
(morning_batches.py), oldest first, a pass's worth at a time. A run takes pass after pass
while a whole batch came due and its time (`RUN_SECONDS`) lasts: at the paced 25 a second, a
Monday's morning for thousands of assistants goes out in minutes, not 200 rows a minute.

The one at-least-once window: if the process dies after Telegram accepted a message but
before `sent_at` is committed (a few milliseconds between the HTTP answer and the next
COMMIT), the row is still pending on restart and is sent once more. Marking it before sending
would instead lose the reminder on a crash during the send; a duplicate reminder is the
cheaper failure. Nothing else is ever sent twice: a sent row is never picked again.

Failures: `SendLater` (the adapter maps Telegram's RetryAfter, and may map network errors)
re-queues the row and ends the run, since flood control holds for the whole bot;
`RecipientGone` (403: the assistant blocked the bot) marks the assistant unreachable, drops
their pending rows, stops the tick computing more for them and tells the admins; any other
error is retried with backoff and the row fails after `MAX_ATTEMPTS`.
"""

from __future__ import annotations

import asyncio
import logging
import time as monotonic_time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from bot.domain.reminders.facts import AppointmentFact, ReminderFacts
from bot.domain.reminders.kinds import ReminderKind
from bot.domain.reminders.monitoring import MONITORING_KINDS, monitoring_now
from bot.services.clock import Clock
from bot.services.morning_batches import expand_all_of, expand_due
from bot.storage.outbox import OutboxItem, OutboxRepository, UnreachableNotice
from bot.storage.sending_checks import HeldFamily

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)
PER_CHAT_INTERVAL = 1.0  # seconds between two messages to one chat (Telegram: about 1/s)
OVERALL_PER_SECOND = 25  # below Telegram's 30/s for the whole bot
DISPATCH_BATCH = 200  # rows read per pass (8 s of sending at the overall pace)
RUN_SECONDS = 45.0  # no new pass after this: a pass (8 s) ends before the minute's next tick
# Reminders before an appointment: pointless once it has begun (the outcome question is not).
BEFORE_KINDS = frozenset({ReminderKind.APPOINTMENT_EVENING, ReminderKind.APPOINTMENT_SOON})


class SendLater(Exception):
    """Telegram asked to wait (RetryAfter); the row goes back to the queue."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class RecipientGone(Exception):
    """The assistant blocked the bot or deleted the chat (403): stop sending to them."""


class Sender(Protocol):
    """The adapter that delivers one rendered reminder (Telegram, or a fake in tests)."""

    async def send(self, chat_id: int, reminder: OutboxItem) -> None:
        """Deliver it, or raise SendLater / RecipientGone (anything else counts as an error)."""


NotifyAdmins = Callable[[UnreachableNotice], Awaitable[None]]


class DispatchReport(BaseModel):
    """What one dispatch run did."""

    model_config = ConfigDict(frozen=True)

    sent: int = 0
    requeued: int = 0
    failed: int = 0
    dropped: int = 0
    unreachable: tuple[UnreachableNotice, ...] = ()


class Dispatcher:
    """Sends pending outbox rows whose time has come, paced, oldest first.

    Pacing within one run, over all its passes: at most one message per `per_chat_interval`
    seconds to one chat and `overall_per_second` overall (the adapter may add PTB's
    AIORateLimiter on top). Runs do not overlap: a call while one is running returns an
    empty report at once.
    """

    def __init__(
        self,
        reminders: OutboxRepository,
        sender: Sender,
        clock: Clock,
        *,
        notify_admins: NotifyAdmins | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = monotonic_time.monotonic,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        overall_per_second: float = OVERALL_PER_SECOND,
        batch: int = DISPATCH_BATCH,
        run_seconds: float = RUN_SECONDS,
    ) -> None:
        self.reminders = reminders
        self.sender = sender
        self.clock = clock
        self.notify_admins = notify_admins
        self.sleep = sleep
        self.monotonic = monotonic
        self.per_chat_interval = per_chat_interval
        self.overall_interval = 1 / overall_per_second
        self.batch = batch
        self.run_seconds = run_seconds
        self.holds = StillHolds(reminders, clock)
        self._running = asyncio.Lock()
        self._stopping = False

    def stop(self) -> None:
        """Send nothing more: a run in progress ends after the message in flight (shutdown)."""
        self._stopping = True

    async def dispatch(self, now: datetime | None = None) -> DispatchReport:
        """Send what is due; return what happened (admins are notified of unreachable people)."""
        if self._running.locked() or self._stopping:
            return DispatchReport()
        async with self._running:
            report = await self._run(now or self.clock.now())
        for notice in report.unreachable:
            if self.notify_admins is not None:
                try:
                    await self.notify_admins(notice)
                except Exception:
                    log.exception("could not tell the admins about %s", notice.assistant_id)
        return report

    async def _run(self, now: datetime) -> DispatchReport:
        """Passes over the rows due at `now` while a whole batch comes and the run has time."""
        tally = _Tally()
        pace = _Pace(self.per_chat_interval, self.overall_interval, self.monotonic())
        while True:
            # Morning batches reached are expanded into rows first, a pass's worth.
            await expand_due(self.reminders, now, self.batch)
            items = await self.reminders.due(now, self.batch)
            flooded = await self._pass(items, pace, tally)
            if flooded or self._stopping or len(items) < self.batch:
                break  # flood control holds for the whole bot, or nothing more is due
            if self.monotonic() - pace.started >= self.run_seconds:
                break
        return tally.report()

    async def _pass(self, items: list[OutboxItem], pace: _Pace, tally: _Tally) -> bool:
        """Send a pass's rows in their slots; True when Telegram asked the bot to wait."""
        for offset, queued in pace.slots(items):
            delay = pace.started + offset - self.monotonic()
            if delay > 0:
                await self.sleep(delay)
            if self._stopping:
                return False  # the rows left stay pending for the next start
            if not await self.reminders.is_pending(queued.id):
                continue  # done, withdrawn or dropped while this run was waiting
            item = await self.holds.item(queued)
            if item is None:
                await self.reminders.withdraw_item(queued.id)
                continue
            try:
                await self.sender.send(item.assistant_id, item)
            except SendLater as exc:
                when = self.clock.now() + timedelta(seconds=max(exc.seconds, 1))
                await self.reminders.retry_at(item.id, when, "retry_after")
                tally.requeued += 1
                return True  # flood control holds for the whole bot: the next run goes on
            except RecipientGone:
                # Their waiting mornings are dropped like their rows, and counted with them.
                await expand_all_of(self.reminders, item.assistant_id, self.clock.now())
                name, count = await self.reminders.drop_unreachable(
                    item.assistant_id, self.clock.now(), "recipient_gone"
                )
                tally.dropped += count
                tally.notices.append(
                    UnreachableNotice(
                        assistant_id=item.assistant_id, display_name=name, dropped=count
                    )
                )
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:200]
                log.warning("reminder %s not sent: %s", item.id, error)
                if item.attempts + 1 >= MAX_ATTEMPTS:
                    await self.reminders.mark_failed(item.id, error)
                    tally.failed += 1
                else:
                    backoff = min(RETRY_BASE * 2**item.attempts, RETRY_MAX)
                    await self.reminders.retry_at(item.id, self.clock.now() + backoff, error)
                    tally.requeued += 1
            else:
                await self.reminders.mark_sent(item.id, self.clock.now())
                tally.sent += 1
        return False


@dataclass(frozen=True)
class StillHolds:
    """Whether a reminder still says something true now: before it is sent, or snoozed."""

    reminders: OutboxRepository
    clock: Clock

    async def item(self, item: OutboxItem) -> OutboxItem | None:
        """The reminder as it holds now; None when it no longer does (it is withdrawn).

        A catch-up keeps the folded reminders that still hold, each checked as if it were
        sent alone; it is withdrawn when none does.
        """
        if not item.facts.missed:
            facts = await self._facts_now(
                item.assistant_id, item.kind, item.facts, item.zone, item.due_at
            )
        else:
            kept = []
            for missed in item.facts.missed:
                now = await self._facts_now(
                    item.assistant_id,
                    missed.kind,
                    missed.facts,
                    item.zone,
                    missed.due_at,
                    folded=True,
                )
                if now is not None:
                    kept.append(
                        missed if now is missed.facts else missed.model_copy(update={"facts": now})
                    )
            facts = item.facts.model_copy(update={"missed": tuple(kept)}) if kept else None
        if facts is None:
            return None
        return item if facts is item.facts else item.model_copy(update={"facts": facts})

    async def _facts_now(
        self,
        assistant_id: int,
        kind: ReminderKind,
        facts: ReminderFacts,
        zone: ZoneInfo,
        due_at: datetime,
        *,
        folded: bool = False,
    ) -> ReminderFacts | None:
        """A reminder's facts as they hold now, or None.

        A family reassigned (or closed) meanwhile: a new assistant gets their own copy. A visit
        recorded since the tick (a snoozed reminder, a morning sent late): no nagging; nor for a
        goal or task done, closed or given another day, an assessment recorded or a contract
        renewed, nor a monitoring reminder once the month has a contact or the monitoring was
        finished (a monthly one after an extension tells the new end). A digest leaves out
        what was dealt with since and lists its day's appointments as they stand (new ones in).
        An appointment's reminder goes once the appointment is cancelled, finished or moved
        (a pending one is withdrawn by its subject then, but not one sent and snoozed after;
        a moved one gets new reminders); one before it, sent alone, once it has begun.
        """
        digest = facts.digest
        if digest is not None:  # an empty one too: an appointment may have come into its day
            now = await self.reminders.digest_now(assistant_id, digest, zone)
            return facts.model_copy(update={"digest": digest.as_of(now, zone)})
        family_id = facts.family_id
        if family_id is None:
            return facts
        held_id = family_id
        held = await self.reminders.held_family(
            assistant_id, family_id, closed=kind in MONITORING_KINDS
        )
        if held is None:
            return None
        gap = facts.visit_gap
        if gap is not None and gap.visited_since(held.last_visit):
            return None
        if not await self._plan_holds(facts, held):
            return None
        if facts.monitoring is not None:
            family_id = facts.monitoring.family_id
            watched = await self.reminders.monitored_family(assistant_id, family_id)
            day = due_at.astimezone(zone).date()
            monitoring = monitoring_now(kind, facts.monitoring, watched, day)
            if monitoring is None:
                return None
            facts = facts.model_copy(update={"monitoring": monitoring})
        appointment = facts.appointment
        if appointment is not None and not await self._appointment_holds(
            kind, appointment, folded=folded
        ):
            return None
        return facts.recoded({held_id: held.code})

    async def _appointment_holds(
        self, kind: ReminderKind, appointment: AppointmentFact, *, folded: bool
    ) -> bool:
        """Whether an appointment is still scheduled at the time told, and (alone) still ahead.

        A reminder before it snoozed past its start is pointless; inside a catch-up it says
        what came due meanwhile.
        """
        starts = await self.reminders.scheduled_starts([appointment.appointment_id])
        if starts.get(appointment.appointment_id) != appointment.starts_at:
            return False
        return folded or kind not in BEFORE_KINDS or self.clock.now() < appointment.starts_at

    async def _plan_holds(self, facts: ReminderFacts, held: HeldFamily) -> bool:
        """Whether a plan item's, an assessment's or a contract's day is still the one told."""
        due = facts.due
        if due is not None:
            return await self.reminders.open_item_due(due.item, due.item_id) == due.due_on
        if facts.assessment is not None:
            return held.assessment_due == facts.assessment.due_on
        if facts.contract is not None:
            return held.contract_ends == facts.contract.ends_on
        return True


@dataclass
class _Tally:
    """What a run has done so far, over its passes."""

    sent: int = 0
    requeued: int = 0
    failed: int = 0
    dropped: int = 0
    notices: list[UnreachableNotice] = field(default_factory=list)

    def report(self) -> DispatchReport:
        """The run's report."""
        return DispatchReport(
            sent=self.sent,
            requeued=self.requeued,
            failed=self.failed,
            dropped=self.dropped,
            unreachable=tuple(self.notices),
        )


@dataclass
class _Pace:
    """A run's send slots, in seconds from its start, over all its passes."""

    per_chat_interval: float
    overall_interval: float
    started: float
    # Kept from pass to pass: a chat whose rows end one pass and begin the next still gets
    # them a second apart.
    offset: float = 0.0
    free_at: dict[int, float] = field(default_factory=dict)

    def slots(self, items: list[OutboxItem]) -> list[tuple[float, OutboxItem]]:
        """Each row's send offset, in send order, after the slots of the passes before.

        Oldest first, except that a chat's next message waits for its own slot while other
        chats' messages go ahead; overall the slots are `overall_interval` apart.
        """
        remaining = list(items)
        slots: list[tuple[float, OutboxItem]] = []
        while remaining:
            for position, item in enumerate(remaining):
                if self.free_at.get(item.assistant_id, 0.0) <= self.offset:
                    slots.append((self.offset, item))
                    self.free_at[item.assistant_id] = self.offset + self.per_chat_interval
                    self.offset += self.overall_interval
                    del remaining[position]
                    break
            else:
                self.offset = min(self.free_at[item.assistant_id] for item in remaining)
        return slots
