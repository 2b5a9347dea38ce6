"""Quiet hours and catch-up: when a due reminder may go out, and what a downtime brings back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from bot.domain.reminders.facts import MissedReminder, Reminder, ReminderFacts
from bot.domain.reminders.kinds import (
    LATE_AFTER,
    SUPERSEDED_KINDS,
    URGENT_MARGIN,
    ReminderKind,
)
from bot.domain.reminders.snapshots import AssistantPrefs


def defer_for_quiet_hours(reminder: Reminder, prefs: AssistantPrefs) -> Reminder:
    """Move a reminder falling in quiet hours to their end; never drop it.

    An urgent one moves only when the end of quiet hours is still at least 30 minutes before
    its deadline; otherwise it goes at once (a 06:30 appointment is worth waking up for).
    """
    return _deferred(reminder, prefs.quiet_until(reminder.send_time))


def defer_all(
    reminders: Iterable[Reminder], prefs: Mapping[int, AssistantPrefs]
) -> tuple[Reminder, ...]:
    """Each reminder deferred for its assistant's quiet hours, like defer_for_quiet_hours.

    A morning batch is many reminders due at one instant: the end of the quiet hours is found
    once per assistant and instant, not once per reminder.
    """
    ends: dict[tuple[int, datetime], datetime | None] = {}
    deferred = []
    for reminder in reminders:
        moment = (reminder.assistant_id, reminder.send_time)
        if moment not in ends:
            ends[moment] = prefs[reminder.assistant_id].quiet_until(reminder.send_time)
        deferred.append(_deferred(reminder, ends[moment]))
    return tuple(deferred)


def _deferred(reminder: Reminder, end: datetime | None) -> Reminder:
    """The reminder moved to the end of the quiet hours it falls in (`end`), if it may wait."""
    if end is None:
        return reminder
    if reminder.urgent and (reminder.deadline is None or end > reminder.deadline - URGENT_MARGIN):
        return reminder
    return reminder.model_copy(update={"send_at": end})


class CatchUp(BaseModel):
    """How a tick's reminders go out once the missed ones are collapsed."""

    model_config = ConfigDict(frozen=True)

    send: tuple[Reminder, ...] = ()  # new reminders to queue as they are
    collapsed: tuple[Reminder, ...] = ()  # new reminders folded into a catch-up
    folded_backlog: tuple[str, ...] = ()  # keys of stored, never sent rows folded into one
    catch_ups: tuple[Reminder, ...] = ()  # one per assistant with two or more missed


def collapse_missed(
    reminders: list[Reminder],
    now: datetime,
    *,
    down_since: datetime | None,
    backlog: list[Reminder] | None = None,
    late_after: timedelta = LATE_AFTER,
) -> CatchUp:
    """Fold what fell due while the bot was down into one catch-up per assistant.

    `down_since` is the last tick before a gap (None: the bot was not down); a reminder is
    missed when it fell due after it and more than `late_after` before now. `backlog` holds
    stored rows never sent from before the gap; they count as missed too. An assistant with a
    single missed reminder gets it as it is, late; one with more gets one catch-up message,
    keyed by the tick's UTC date and hour.
    """
    backlog = backlog or []
    backlog_keys = {r.key for r in backlog}
    cutoff = now - late_after
    by_assistant: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in backlog:
        by_assistant[reminder.assistant_id].append(reminder)
    for reminder in reminders:
        if down_since is not None and down_since < reminder.due_at < cutoff:
            by_assistant[reminder.assistant_id].append(reminder)
    folded = {r.key for group in by_assistant.values() if len(group) > 1 for r in group}
    catch_ups = [
        _catch_up(assistant_id, group, now)
        for assistant_id, group in sorted(by_assistant.items())
        if len(group) > 1
    ]
    return CatchUp(
        send=tuple(r for r in reminders if r.key not in folded),
        collapsed=tuple(r for r in reminders if r.key in folded),
        folded_backlog=tuple(k for k in sorted(folded) if k in backlog_keys),
        catch_ups=tuple(catch_ups),
    )


def _catch_up(assistant_id: int, group: list[Reminder], now: datetime) -> Reminder:
    """One message standing for several missed reminders, oldest first."""
    missed: list[MissedReminder] = []
    for reminder in group:
        if reminder.kind is ReminderKind.CATCH_UP:
            missed += reminder.facts.missed  # an unsent earlier catch-up: flatten, never nest
        else:
            missed.append(
                MissedReminder(kind=reminder.kind, due_at=reminder.due_at, facts=reminder.facts)
            )
    return Reminder(
        assistant_id=assistant_id,
        kind=ReminderKind.CATCH_UP,
        key=f"catchup:{assistant_id}:{now.astimezone(UTC).strftime('%Y-%m-%dT%H')}",
        due_at=now,
        urgent=any(r.urgent for r in group),
        deadline=min((r.deadline for r in group if r.deadline is not None), default=None),
        facts=ReminderFacts(missed=_latest_only(missed)),
    )


def _latest_only(missed: list[MissedReminder]) -> tuple[MissedReminder, ...]:
    """Oldest first, where a later digest or a later day's nag about a family replaces an older."""
    latest: dict[tuple[str, int | None], MissedReminder] = {}
    kept: list[MissedReminder] = []
    for item in sorted(missed, key=lambda m: m.due_at):
        if item.kind in SUPERSEDED_KINDS:
            latest[(item.kind.value, item.facts.family_id)] = item
        else:
            kept.append(item)
    return tuple(sorted([*kept, *latest.values()], key=lambda m: m.due_at))


def own_family(kind: ReminderKind, facts: ReminderFacts) -> tuple[int | None, str | None]:
    """The family a reminder lets its recipient act on, and the code it showed (either may
    be missing); an escalation's only when told to the family's own assistant."""
    case = facts.escalation
    if case is None:
        return facts.family_id, facts.family_code
    if kind is ReminderKind.ESCALATION_TOLD:
        return case.family_id, case.family_code
    return None, None  # a coordinator's: they hold no family, they read it


def folded_family(missed: MissedReminder) -> tuple[int, str] | None:
    """The family a reminder folded into a catch-up lets its recipient act on, and the code
    it showed; an escalation's only when told to the family's own assistant."""
    family_id, code = own_family(missed.kind, missed.facts)
    return None if family_id is None or code is None else (family_id, code)
