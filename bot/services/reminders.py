"""Reminders as a use case: the tick, an assistant's reminder settings, a reminder's buttons.

The tick (what is due, into the outbox) lives in reminder_tick.py, the sending of the outbox in
dispatcher.py; the dispatcher's names are importable from here as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from bot.domain.errors import DomainError, NotAllowed, NotFound, Settled
from bot.domain.family import Family
from bot.domain.people import Actor
from bot.domain.reminders.kinds import ReminderKind
from bot.domain.reminders.monitoring import MONITORING_KINDS
from bot.domain.reminders.quiet import defer_for_quiet_hours, folded_family, own_family
from bot.domain.reminders.snapshots import AssistantPrefs
from bot.services.clock import Clock
from bot.services.dispatcher import (
    BEFORE_KINDS,
    MAX_ATTEMPTS,
    Dispatcher,
    DispatchReport,
    NotifyAdmins,
    RecipientGone,
    Sender,
    SendLater,
    StillHolds,
)
from bot.services.families import FamilyService, Named
from bot.services.morning_batches import expand_all_of
from bot.services.reminder_tick import Mornings, tick
from bot.services.tick_memo import TickMemo
from bot.storage.outbox import OutboxItem, UnreachableNotice
from bot.storage.reminders import ReminderRepository

__all__ = [
    "MAX_ATTEMPTS",
    "DispatchReport",
    "Dispatcher",
    "RecipientGone",
    "ReminderService",
    "SendLater",
    "Sender",
]

KEEP_SENT = timedelta(days=90)  # finished outbox rows kept this long (keys outlive windows)
CLOSED = "family_closed"  # the refusal of a change to a family whose work ended
# What a press is told when a reminder's family went to someone else, or its work ended.
REMINDER_GONE = {"gone": "reminder_family_gone", "closed": "reminder_family_closed"}
CATCH_UP_GONE = {"gone": "catch_up_family_gone", "closed": "catch_up_family_closed"}
# What a press on a monitoring reminder is told once its family is no longer monitored.
NOT_MONITORED = {
    "ended": "reminder_monitoring_ended",
    "erased": "reminder_family_erased",
    "reopened": "reminder_family_reopened",
    "anew": "reminder_monitoring_earlier",  # closed and monitored anew: not this monitoring
}


@dataclass(frozen=True)
class ReminderService:
    """The tick, reminder settings, and the buttons on a reminder (snooze, done)."""

    reminders: ReminderRepository
    families: FamilyService
    clock: Clock
    # The morning batches this process knows are stored (see reminder_tick.tick).
    mornings: Mornings = field(default_factory=set, compare=False, repr=False)
    # What a later minute's tick can know has not changed (see tick_memo.py).
    memo: TickMemo = field(default_factory=TickMemo, compare=False, repr=False)

    # The tick

    async def tick(self, now: datetime | None = None) -> int:
        """Store every reminder due now in the outbox; return how many messages were queued."""
        return await tick(self.reminders, now or self.clock.now(), self.mornings, self.memo)

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
        # Their waiting mornings are dropped like their rows, and counted with them.
        await expand_all_of(self.reminders, telegram_id, self.clock.now())
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
        item = await self._received(actor, outbox_id)
        await self._still_current(actor, item)
        return item

    async def purged(self, actor: Actor, outbox_id: int) -> bool:
        """Whether a reminder the bot's own message names is no longer stored: its row was
        purged (finished, and made over KEEP_SENT ago). Nobody is refused anything: nothing
        is logged (an id only a press carries may be forged: `item` logs the attempt)."""
        actor.check_member()
        return await self.reminders.get(outbox_id) is None

    async def told(self, actor: Actor, outbox_id: int, family_id: int) -> OutboxItem:
        """An escalation told to the actor about `family_id`, for its 📝 Record a visit;
        Settled (it closes) once the family is no longer theirs to work with."""
        item = await self._received(actor, outbox_id)
        case = item.facts.escalation
        if item.kind is not ReminderKind.ESCALATION_TOLD or case is None:
            raise NotFound("reminder_unknown")
        if case.family_id != family_id:
            raise NotFound("reminder_unknown")  # not the family it was about (forged)
        await self._still_current(actor, item)
        return item

    async def _received(self, actor: Actor, outbox_id: int) -> OutboxItem:
        """A reminder sent to the actor; NotFound (the attempt logged) for anyone else's."""
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
        return item

    async def _still_current(self, actor: Actor, item: OutboxItem) -> None:
        """Settled once the family the reminder lets the actor act on is no longer theirs to
        work with (or, for a monitoring reminder, no longer monitored)."""
        family_id, code = own_family(item.kind, item.facts)
        if family_id is None:
            return
        family = await self._still_worked(
            actor, item.id, item.kind, family_id, code, gone=REMINDER_GONE
        )
        if item.kind in MONITORING_KINDS:
            shown = item.facts.monitoring
            await self._still_monitored(
                actor, family, code, None if shown is None else shown.period_id
            )

    async def folded(self, actor: Actor, outbox_id: int, family_id: int) -> OutboxItem:
        """A catch-up the actor received, for a button of a reminder it folded about
        `family_id`; Settled (that family's buttons go, not the catch-up) once the family
        is no longer theirs to work with."""
        item = await self.item(actor, outbox_id)
        for missed in item.facts.missed:
            folded = folded_family(missed)
            if folded is not None and folded[0] == family_id:
                await self._still_worked(
                    actor, outbox_id, missed.kind, family_id, folded[1], gone=CATCH_UP_GONE
                )
                return item
        raise NotFound("reminder_unknown")  # not a family this catch-up folded (forged)

    async def _still_worked(
        self,
        actor: Actor,
        outbox_id: int,
        kind: ReminderKind,
        family_id: int,
        code: str | None,
        *,
        gone: dict[str, str],
    ) -> Family:
        """The reminder's family; Settled, by a code of `gone`, when it is no longer the
        actor's to work with: handed over, or its work closed (a monitoring reminder is
        about a closed family: snoozing it changes no family)."""
        try:
            return await self.families.peek(
                actor,
                family_id,
                "reminder.open",
                subject=Named("reminder", outbox_id),
                closed_ok=kind in MONITORING_KINDS,
            )
        except (NotFound, NotAllowed) as refusal:
            if isinstance(refusal, NotAllowed) and refusal.code not in {"read_only", CLOSED}:
                raise
            # Told by the code the reminder showed and nothing more (not who holds the
            # family now, nor a code changed since).
            if code is None:
                raise Settled("reminder_closed") from None
            why = "closed" if refusal.code == CLOSED else "gone"
            raise Settled(gone[why], family_code=code) from None

    async def _still_monitored(
        self, actor: Actor, family: Family, code: str | None, period_id: int | None
    ) -> None:
        """Settled once a monitoring reminder's family is no longer monitored: its monitoring
        finished, its data erased, or its work reopened, or it is monitored anew after a later
        closure (`period_id`, the reminder's; told by the code the reminder showed)."""
        watched = await self.reminders.monitored_family(actor.telegram_id, family.id)
        if watched is not None and period_id in {None, watched.period.id}:
            return
        if code is None:
            raise Settled("reminder_closed")
        why = "anew" if watched is not None else "reopened" if family.active else "ended"
        if family.erased_at is not None:
            why = "erased"
        raise Settled(NOT_MONITORED[why], family_code=code)

    async def snooze(self, actor: Actor, outbox_id: int, until: datetime) -> OutboxItem:
        """Send a reminder again at `until` (past quiet hours unless it is urgent)."""
        now = self.clock.now()
        if until <= now:
            raise DomainError("when_past")
        item = await self.item(actor, outbox_id)
        if await StillHolds(self.reminders, self.clock).item(item) is None:
            # Dealt with, moved or cancelled since: a snoozed copy would never be sent.
            await self.reminders.mark_done(item.id)
            raise Settled("reminder_out_of_date")
        prefs = await self.reminders.prefs(actor.telegram_id)
        again = defer_for_quiet_hours(
            item.as_reminder().model_copy(update={"send_at": until}), prefs
        )
        appointment = item.facts.appointment
        if (
            item.kind in BEFORE_KINDS
            and appointment is not None
            and again.send_time >= appointment.starts_at
        ):  # the dispatcher drops a reminder before it once it has begun: none would come
            starts = appointment.starts_at.astimezone(item.zone)
            raise DomainError("snooze_after_start", date=f"{starts:%d.%m}", time=f"{starts:%H:%M}")
        if not await self.reminders.snooze(outbox_id, again.send_time):
            raise DomainError("reminder_closed")
        return await self.item(actor, outbox_id)

    async def is_digest(self, actor: Actor, outbox_id: int) -> bool:
        """Whether the actor's reminder is a morning digest."""
        return (await self.item(actor, outbox_id)).kind is ReminderKind.DIGEST

    async def done(self, actor: Actor, outbox_id: int) -> OutboxItem:
        """The actor dealt with a reminder: a snoozed copy will not come (twice is fine)."""
        item = await self.item(actor, outbox_id)
        await self.reminders.mark_done(item.id)
        return await self.item(actor, outbox_id)

    # Sending

    def dispatcher(self, sender: Sender, notify_admins: NotifyAdmins | None = None) -> Dispatcher:
        """A dispatcher over this service's outbox."""
        return Dispatcher(self.reminders, sender, self.clock, notify_admins=notify_admins)


def _minute(at: time) -> time:
    """A wall time to the minute, without a zone."""
    return time(at.hour, at.minute)
