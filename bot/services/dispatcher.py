"""The dispatcher: sends the outbox's pending rows whose time has come, paced, oldest first.

`Dispatcher.dispatch` sends through a `Sender` (the Telegram adapter), and marks each row sent
right after Telegram accepted it. The morning batches it reaches are expanded into rows first
(morning_batches.py), oldest first, a dispatch run's worth at a time.

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
from datetime import datetime, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from bot.domain.reminders.monitoring import MONITORING_KINDS
from bot.services.clock import Clock
from bot.services.morning_batches import expand_all_of, expand_due
from bot.storage.outbox import OutboxItem, OutboxRepository, UnreachableNotice

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)
PER_CHAT_INTERVAL = 1.0  # seconds between two messages to one chat (Telegram: about 1/s)
OVERALL_PER_SECOND = 25  # below Telegram's 30/s for the whole bot
DISPATCH_BATCH = 200


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
        """One pass over the due rows (morning batches reached are expanded into rows first)."""
        await expand_due(self.reminders, now, self.batch)
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
                # Their waiting mornings are dropped like their rows, and counted with them.
                await expand_all_of(self.reminders, item.assistant_id, self.clock.now())
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
