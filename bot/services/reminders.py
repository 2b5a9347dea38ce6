"""The reminder scheduler: a tick that fills the outbox, and a dispatcher that empties it.

The database is the source of truth. `ReminderService.tick` computes, from the data, every
reminder due for every reachable assistant and stores it in the outbox under a key unique to
its occurrence (INSERT OR IGNORE), in one short transaction: a tick run twice, or after a
restart, stores nothing new. No reminder lives only in memory.

`Dispatcher.dispatch` sends pending rows whose time has come, oldest first, through a `Sender`
(the Telegram adapter), and marks each row sent right after Telegram accepted it.

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
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import DomainError, NotFound
from bot.domain.lifecycle import MonitoredFamily
from bot.domain.people import Actor
from bot.domain.reminders.facts import Reminder
from bot.domain.reminders.kinds import DUE_SOON_DAYS, LATE_AFTER, OUTCOME_AFTER, OUTCOME_WINDOW
from bot.domain.reminders.monitoring import MONITORING_KINDS, monitoring_due
from bot.domain.reminders.quiet import CatchUp, collapse_missed, defer_for_quiet_hours
from bot.domain.reminders.rules import (
    appointment_reminders_due,
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
from bot.services.clock import Clock
from bot.services.families import FamilyService, Named
from bot.storage.outbox import OutboxItem, OutboxRepository, UnreachableNotice
from bot.storage.reminders import ReminderRepository

log = logging.getLogger(__name__)

APPOINTMENT_LOOKAHEAD = timedelta(days=2)  # covers "the evening before" in any zone and DST
KEEP_SENT = timedelta(days=90)  # finished outbox rows kept this long (keys outlive windows)
MAX_ATTEMPTS = 10
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)
PER_CHAT_INTERVAL = 1.0  # seconds between two messages to one chat (Telegram: about 1/s)
OVERALL_PER_SECOND = 25  # below Telegram's 30/s for the whole bot
DISPATCH_BATCH = 200
YIELD_EVERY = 50  # morning batches computed between two turns of the event loop


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


@dataclass(frozen=True)
class ReminderService:
    """The tick, reminder settings, and the buttons on a reminder (snooze, done)."""

    reminders: ReminderRepository
    families: FamilyService
    clock: Clock

    # The tick

    async def tick(self, now: datetime | None = None) -> int:
        """Store every reminder due now in the outbox; return how many messages were queued.

        Reminders that fell due while the bot was down (a gap since the last tick of more than
        LATE_AFTER) are collapsed with never-sent backlog into one catch-up per assistant;
        the rest are deferred past each assistant's quiet hours unless urgent.
        """
        now = now or self.clock.now()
        prefs = {p.telegram_id: p for p in await self.reminders.reachable_prefs()}
        # Those who only monitor closed families get the monitoring reminders, no digest.
        watchers = {p.telegram_id: p for p in await self.reminders.monitoring_prefs()}
        last = await self.reminders.last_tick()
        down_since = last if last is not None and now - last > LATE_AFTER else None
        appointments = _by_assistant(
            await self.reminders.appointment_snapshots(
                now - OUTCOME_WINDOW - OUTCOME_AFTER, now + APPOINTMENT_LOOKAHEAD
            )
        )
        found: list[Reminder] = []
        for assistant_id, assistant in prefs.items():
            found += appointment_reminders_due(now, assistant, appointments[assistant_id])
        found += await self._morning_batches(now, prefs, appointments)
        found += await self._monitoring(now, watchers)
        prefs = {**watchers, **prefs}
        existing = await self.reminders.existing_keys([r.key for r in found])
        fresh = [r for r in found if r.key not in existing]
        backlog: list[Reminder] = []
        if down_since is not None:
            backlog = [
                item.as_reminder()
                for item in await self.reminders.backlog(now - LATE_AFTER)
                if item.assistant_id in prefs
            ]
        plan = collapse_missed(fresh, now, down_since=down_since, backlog=backlog)
        plan = CatchUp(
            send=tuple(defer_for_quiet_hours(r, prefs[r.assistant_id]) for r in plan.send),
            collapsed=plan.collapsed,
            folded_backlog=plan.folded_backlog,
            catch_ups=tuple(
                defer_for_quiet_hours(r, prefs[r.assistant_id]) for r in plan.catch_ups
            ),
        )
        return await self.reminders.enqueue(plan, now)

    async def _morning_batches(
        self,
        now: datetime,
        prefs: dict[int, AssistantPrefs],
        appointments: dict[int, list[AppointmentSnapshot]],
    ) -> list[Reminder]:
        """The morning batch of each assistant whose digest time came and whose day is not done.

        The digest's key marks a day's batch as done, so the heavy reads happen once per
        assistant per working day, not every minute.
        """
        days: dict[int, date] = {}
        for assistant_id, assistant in prefs.items():
            day = batch_day(now, assistant)
            if day is not None:
                days[assistant_id] = day
        done = await self.reminders.existing_keys([digest_key(a, d) for a, d in days.items()])
        waiting = [a for a, d in days.items() if digest_key(a, d) not in done]
        if not waiting:
            return []
        families: dict[int, list[FamilySnapshot]] = defaultdict(list)
        for family in await self.reminders.family_snapshots(waiting):
            families[family.assistant_id].append(family)
        items: dict[int, list[PlanItemSnapshot]] = defaultdict(list)
        until = max(days.values()) + timedelta(days=DUE_SOON_DAYS)
        for item in await self.reminders.plan_items(waiting, until):
            items[item.assistant_id].append(item)
        found: list[Reminder] = []
        for number, assistant_id in enumerate(waiting, 1):
            if number % YIELD_EVERY == 0:
                # A national morning is thousands of batches: let Telegram updates in between.
                await asyncio.sleep(0)
            found += morning_batch(
                now,
                prefs[assistant_id],
                families[assistant_id],
                appointments[assistant_id],
                items[assistant_id],
            )
        return found

    async def _monitoring(
        self, now: datetime, watchers: dict[int, AssistantPrefs]
    ) -> list[Reminder]:
        """The monitoring reminders of the assistants whose morning batch is due."""
        waiting = [a for a, p in watchers.items() if batch_day(now, p) is not None]
        if not waiting:
            return []
        monitored: dict[int, list[MonitoredFamily]] = defaultdict(list)
        for item in await self.reminders.monitored(waiting):
            monitored[item.assistant_id].append(item)
        found: list[Reminder] = []
        for assistant_id in waiting:
            found += monitoring_due(now, watchers[assistant_id], monitored[assistant_id])
        return found

    async def purge(self, keep: timedelta = KEEP_SENT) -> int:
        """Delete finished outbox rows older than `keep` (run it once a day)."""
        return await self.reminders.purge(self.clock.now() - keep)

    # Settings

    async def prefs(self, actor: Actor) -> AssistantPrefs:
        """The actor's reminder settings."""
        actor.check_member()
        return await self.reminders.prefs(actor.telegram_id)

    async def set_digest_time(self, actor: Actor, at: time) -> AssistantPrefs:
        """Choose the time of the morning digest (local, to the minute)."""
        actor.check_member()
        await self.reminders.save_digest_time(actor.telegram_id, _minute(at))
        return await self.reminders.prefs(actor.telegram_id)

    async def set_quiet_hours(self, actor: Actor, start: time, end: time) -> AssistantPrefs:
        """Choose the quiet hours (local; may cross midnight; start == end means none)."""
        actor.check_member()
        await self.reminders.save_quiet_hours(actor.telegram_id, _minute(start), _minute(end))
        return await self.reminders.prefs(actor.telegram_id)

    async def set_working_days(self, actor: Actor, days: frozenset[int]) -> AssistantPrefs:
        """Choose the weekdays (Monday = 0) the morning batch comes on."""
        actor.check_member()
        if not days or not days <= frozenset(range(7)):
            raise DomainError("working_days_empty")
        await self.reminders.save_working_days(actor.telegram_id, days)
        return await self.reminders.prefs(actor.telegram_id)

    async def mark_reachable(self, telegram_id: int) -> bool:
        """The person wrote to the bot again: reminders resume; True if they were stopped."""
        return await self.reminders.set_reachable(telegram_id)

    async def mark_unreachable(self, telegram_id: int) -> UnreachableNotice | None:
        """Telegram refused an answer (403): stop reminders; a notice if that is news."""
        dropped = await self.reminders.drop_newly_unreachable(
            telegram_id, self.clock.now(), "recipient_gone"
        )
        if dropped is None:  # a stranger, or already known to be unreachable
            return None
        name, count = dropped
        return UnreachableNotice(assistant_id=telegram_id, display_name=name, dropped=count)

    # The buttons on a reminder

    async def item(self, actor: Actor, outbox_id: int) -> OutboxItem:
        """A reminder the actor received (for its buttons); NotFound for anyone else's."""
        actor.check_member()
        item = await self.reminders.get(outbox_id)
        if item is None or item.assistant_id != actor.telegram_id:
            await self.families.audit.denied(
                actor.telegram_id,
                "reminder.open",
                family_id=None if item is None else item.family_id,
                subject=f"reminder={outbox_id}",
            )
            raise NotFound("reminder_unknown")
        if item.family_id is not None:
            # The family may have gone to someone else since: its reminders are no longer theirs.
            await self.families.peek(
                actor,
                item.family_id,
                "reminder.open",
                subject=Named("reminder", outbox_id),
            )
        return item

    async def snooze(self, actor: Actor, outbox_id: int, until: datetime) -> OutboxItem:
        """Send a reminder again at `until` (past quiet hours unless it is urgent)."""
        now = self.clock.now()
        if until <= now:
            raise DomainError("when_past")
        item = await self.item(actor, outbox_id)
        prefs = await self.reminders.prefs(actor.telegram_id)
        again = defer_for_quiet_hours(
            item.as_reminder().model_copy(update={"send_at": until}), prefs
        )
        if not await self.reminders.snooze(outbox_id, again.send_time):
            raise DomainError("reminder_closed")
        return await self.item(actor, outbox_id)

    async def done(self, actor: Actor, outbox_id: int) -> OutboxItem:
        """The actor dealt with a reminder: a snoozed copy will not come (twice is fine)."""
        item = await self.item(actor, outbox_id)
        await self.reminders.mark_done(item.id)
        return await self.item(actor, outbox_id)

    # Sending

    def dispatcher(self, sender: Sender, notify_admins: NotifyAdmins | None = None) -> Dispatcher:
        """A dispatcher over this service's outbox."""
        return Dispatcher(self.reminders, sender, self.clock, notify_admins=notify_admins)


class Dispatcher:
    """Sends pending outbox rows whose time has come, paced, oldest first.

    Pacing within one run: at most one message per `per_chat_interval` seconds to one chat
    and `overall_per_second` overall (the adapter may add PTB's AIORateLimiter on top). Runs
    do not overlap: a call while one is running returns an empty report at once.
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
        self._running = asyncio.Lock()

    async def dispatch(self, now: datetime | None = None) -> DispatchReport:
        """Send what is due; return what happened (admins are notified of unreachable people)."""
        if self._running.locked():
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
        """One pass over the due rows."""
        items = await self.reminders.due(now, self.batch)
        sent = requeued = failed = dropped = 0
        notices: list[UnreachableNotice] = []
        started = self.monotonic()
        for offset, item in self._schedule(items):
            delay = started + offset - self.monotonic()
            if delay > 0:
                await self.sleep(delay)
            if not await self.reminders.is_pending(item.id):
                continue  # done, withdrawn or dropped while this run was waiting
            family_id = item.facts.family_id
            if family_id is not None and not await self.reminders.holds_family(
                item.assistant_id, family_id, closed=item.kind in MONITORING_KINDS
            ):  # reassigned (or closed) meanwhile: a new assistant gets their own copy
                await self.reminders.withdraw_item(item.id)
                continue
            try:
                await self.sender.send(item.assistant_id, item)
            except SendLater as exc:
                when = self.clock.now() + timedelta(seconds=max(exc.seconds, 1))
                await self.reminders.retry_at(item.id, when, "retry_after")
                requeued += 1
                break  # flood control holds for the whole bot: the next run goes on
            except RecipientGone:
                name, count = await self.reminders.drop_unreachable(
                    item.assistant_id, self.clock.now(), "recipient_gone"
                )
                dropped += count
                notices.append(
                    UnreachableNotice(
                        assistant_id=item.assistant_id, display_name=name, dropped=count
                    )
                )
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:200]
                log.warning("reminder %s not sent: %s", item.id, error)
                if item.attempts + 1 >= MAX_ATTEMPTS:
                    await self.reminders.mark_failed(item.id, error)
                    failed += 1
                else:
                    backoff = min(RETRY_BASE * 2**item.attempts, RETRY_MAX)
                    await self.reminders.retry_at(item.id, self.clock.now() + backoff, error)
                    requeued += 1
            else:
                await self.reminders.mark_sent(item.id, self.clock.now())
                sent += 1
        return DispatchReport(
            sent=sent,
            requeued=requeued,
            failed=failed,
            dropped=dropped,
            unreachable=tuple(notices),
        )

    def _schedule(self, items: list[OutboxItem]) -> list[tuple[float, OutboxItem]]:
        """Each row's send offset (seconds from the start of the run), in send order.

        Oldest first, except that a chat's next message waits for its own slot while other
        chats' messages go ahead; overall the slots are `1 / overall_per_second` apart.
        """
        remaining = list(items)
        free_at: dict[int, float] = {}
        offset = 0.0
        slots: list[tuple[float, OutboxItem]] = []
        while remaining:
            for position, item in enumerate(remaining):
                if free_at.get(item.assistant_id, 0.0) <= offset:
                    slots.append((offset, item))
                    free_at[item.assistant_id] = offset + self.per_chat_interval
                    offset += self.overall_interval
                    del remaining[position]
                    break
            else:
                offset = min(free_at[item.assistant_id] for item in remaining)
        return slots


def _by_assistant(
    appointments: list[AppointmentSnapshot],
) -> defaultdict[int, list[AppointmentSnapshot]]:
    """Appointments grouped by the family's current assistant."""
    grouped: defaultdict[int, list[AppointmentSnapshot]] = defaultdict(list)
    for appointment in appointments:
        grouped[appointment.assistant_id].append(appointment)
    return grouped


def _minute(at: time) -> time:
    """A wall time to the minute, without a zone."""
    return time(at.hour, at.minute)
