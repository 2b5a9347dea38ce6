"""Chat clean-up: which messages leave the chat and when (the Telegram side is in reminders/).

Two sources: a sensitive answer (a plan, a family card, the last visits) is due
CHAT_CLEANUP_MINUTES after it was shown; a walk's typed texts and question copies are due
when the walk ends, or after that many idle minutes, and a typed one before Telegram's
48 hours in any case. Each is about the actor's own chat, so there is nothing to authorise.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.domain.chat_cleanup import DueMessage, ShownMessage, due_at
from bot.services.clock import Clock
from bot.storage.chat_cleanup import ChatCleanupRepository
from bot.storage.sqlite_work import Statement

SWEEP_LIMIT = 500  # rows per sweep; the rest waits a minute
# A press that shows nothing new moves the walk's idle time-out on at most this often: one
# write fewer for most steps, at the price of a time-out up to this much early.
REFRESH_EVERY = timedelta(minutes=1)


class ChatCleanupService:
    """Remembers what to remove and hands out what is due."""

    def __init__(self, repo: ChatCleanupRepository, clock: Clock, minutes: int) -> None:
        self.repo = repo
        self.clock = clock
        self.minutes = minutes
        self._refreshed: dict[tuple[int, str], datetime] = {}  # (chat, walk) -> last move

    async def answer_shown(self, shown: Sequence[ShownMessage], locale: str) -> None:
        """A sensitive answer was sent (or shown again): it goes `minutes` from now."""
        if self.minutes <= 0 or not shown:
            return
        now = self.clock.now()
        due = [(m, due_at(m.kind, m.sent_at, now, self.minutes)) for m in shown]
        await self.repo.remember(due, walk=None, locale=locale)

    def walk_step(
        self, chat_id: int, walk: str, shown: Sequence[ShownMessage], locale: str
    ) -> list[Statement]:
        """A walk moved: the writes that remember its new messages, all due after idle minutes.

        The caller commits them with the update's walk state (see `handlers/gate.py`).
        """
        now = self.clock.now()
        last = self._refreshed.get((chat_id, walk))
        if not shown and (self.minutes <= 0 or (last is not None and now - last < REFRESH_EVERY)):
            return []  # nothing new, and the idle time-out was moved on a moment ago
        if len(self._refreshed) > 10_000:  # walks left open for good: forget, refresh again
            self._refreshed.clear()
        self._refreshed[chat_id, walk] = now
        timed = now + timedelta(minutes=self.minutes) if self.minutes > 0 else None
        due = [(m, due_at(m.kind, m.sent_at, now, self.minutes)) for m in shown]
        return self.repo.walk_step(chat_id, walk, due, timed=timed, locale=locale)

    async def typed_into_walk(self, typed: ShownMessage, walk: str, locale: str) -> None:
        """A text typed into a walk: stored at once, due with the walk's other messages.

        Committed without a sync of its own: safe from a kill at once, and the caller's
        update commit, which syncs, puts it on the disk (a sync asked here cost that update
        100-200 µs more: the rest of it waited behind the disk).
        """
        due = due_at(typed.kind, typed.sent_at, self.clock.now(), self.minutes)
        writes = self.repo.remember_writes([(typed, due)], walk=walk, locale=locale)
        await self.repo.save_now(writes, durable=False)

    async def save_now(self, writes: Sequence[Statement]) -> None:
        """Commit walk-step writes on their own (when there is no update's transaction)."""
        await self.repo.save_now(writes)

    async def walk_over(
        self,
        chat_id: int,
        walk: str,
        keep: int | None = None,
        before: Sequence[Statement] = (),
    ) -> int:
        """A walk ended (saved, cancelled, replaced): its messages but `keep` are due now.

        `before`, the update's pending walk-step writes, is committed with it.
        """
        self._refreshed.pop((chat_id, walk), None)
        return await self.repo.walk_over(chat_id, walk, self.clock.now(), keep, before)

    async def due(self, chat_id: int | None = None) -> list[DueMessage]:
        """What must leave the chat now (one chat's, or everyone's)."""
        return await self.repo.due(self.clock.now(), chat_id, SWEEP_LIMIT)

    async def settle(self, ids: Sequence[int]) -> None:
        """These are gone from the chat (deleted, stubbed, or beyond the bot's reach)."""
        await self.repo.settle(ids)

    def settle_writes(self, ids: Sequence[int]) -> list[Statement]:
        """The writes `settle` would commit, for a caller's transaction."""
        return self.repo.settle_writes(ids)
