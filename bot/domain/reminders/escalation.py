"""The centre's pushes: escalations to the coordinators, the weekly team digest, holiday cover.

Decisions (the service, the texts and the tests follow them):
- Escalations are looked for once per working day (Monday to Friday, the centre's zone) from
  08:00; each case is told once, its key naming what makes it one case: a family with no
  completed visit since a day (a new visit, then a new gap, is a new case), an assessment due
  on a day, an assistant out of reach since a day. Every coordinator and admin gets one
  message per case (never about themselves), and the assistant of a family case is told their
  coordinator was informed. An assistant who blocked the bot is not told: nothing would reach
  them.
- A family with no completed visit for ESCALATE_AFTER_DAYS days (counted from the registration
  when never visited); an assessment overdue by more than 14 days; an assistant marked
  unreachable on a day, escalated on the second working day after it.
- The weekly team digest goes to each coordinator and admin on Monday at 08:00 in their zone,
  about the ISO week before; missed by a downtime it still goes within two days, not later.
- Everything is deferred past the recipient's quiet hours like any non-urgent reminder.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.cadence import week_bounds
from bot.domain.reminders.calendar import first_working_day_after, local_instant
from bot.domain.reminders.facts import (
    DatedCode,
    EscalationCase,
    EscalationFact,
    Reminder,
    ReminderFacts,
    TeamDigestFacts,
    TeamDigestRow,
)
from bot.domain.reminders.kinds import (
    ASSESSMENT_ESCALATE_DAYS,
    ESCALATE_AFTER_DAYS,
    TEAM_CHECK_AT,
    TEAM_DIGEST_AT,
    TEAM_DIGEST_WINDOW,
    UNREACHABLE_WORKING_DAYS,
    WORK_WEEK,
    ReminderKind,
)
from bot.domain.reminders.snapshots import AssistantPrefs, FamilySnapshot
from bot.domain.team import DIGEST_NOTICE_DAYS, TeamFamily


def team_check_day(now: datetime, zone: ZoneInfo) -> date | None:
    """The centre's working day whose escalations are due at `now` (from 08:00), or None."""
    day = now.astimezone(zone).date()
    if day.weekday() not in WORK_WEEK or now < local_instant(day, TEAM_CHECK_AT, zone):
        return None
    return day


def escalation_cases(
    day: date,
    families: Iterable[FamilySnapshot],
    unreachable: dict[int, date],
    names: dict[int, str],
    *,
    after_days: int = ESCALATE_AFTER_DAYS,
) -> list[tuple[str, EscalationFact]]:
    """Every case open on `day`, with the key that makes it one case."""
    cases: list[tuple[str, EscalationFact]] = []
    for family in sorted(families, key=lambda f: f.code):
        reference = family.last_visit or family.registered_on
        gap = (day - reference).days
        if gap >= after_days:
            fact = EscalationFact(
                case=EscalationCase.NO_VISIT,
                assistant_id=family.assistant_id,
                family_id=family.family_id,
                family_code=family.code,
                days=gap,
                visited=family.last_visit is not None,
            )
            cases.append((f"esc:no_visit:{family.family_id}:{reference}", fact))
        due = family.assessment_due()
        if due is not None and (day - due).days > ASSESSMENT_ESCALATE_DAYS:
            fact = EscalationFact(
                case=EscalationCase.ASSESSMENT,
                assistant_id=family.assistant_id,
                family_id=family.family_id,
                family_code=family.code,
                days=(day - due).days,
                due_on=due,
            )
            cases.append((f"esc:assessment:{family.family_id}:{due}", fact))
    for assistant_id, since in sorted(unreachable.items()):
        escalate_on = since
        for _ in range(UNREACHABLE_WORKING_DAYS):
            escalate_on = first_working_day_after(escalate_on)
        if day >= escalate_on:
            fact = EscalationFact(
                case=EscalationCase.UNREACHABLE,
                assistant_id=assistant_id,
                assistant_name=names.get(assistant_id, str(assistant_id)),
                days=_working_days_between(since, day),
            )
            cases.append((f"esc:unreachable:{assistant_id}:{since}", fact))
    return cases


def escalations_due(
    day: date,
    zone: ZoneInfo,
    cases: list[tuple[str, EscalationFact]],
    recipients: Iterable[int],
) -> list[Reminder]:
    """One message per case to each coordinator and admin, and one to the family's assistant."""
    due_at = local_instant(day, TEAM_CHECK_AT, zone)
    found: list[Reminder] = []
    told = list(recipients)
    for key, fact in cases:
        facts = ReminderFacts(escalation=fact)
        found += [
            Reminder(
                assistant_id=recipient,
                kind=ReminderKind.ESCALATION,
                key=f"{key}:{recipient}",
                due_at=due_at,
                facts=facts,
            )
            for recipient in told
            if recipient != fact.assistant_id
        ]
        if fact.case is not EscalationCase.UNREACHABLE and any(
            r != fact.assistant_id for r in told
        ):
            found.append(
                Reminder(
                    assistant_id=fact.assistant_id,
                    kind=ReminderKind.ESCALATION_TOLD,
                    key=f"{key}:told",
                    due_at=due_at,
                    facts=facts,
                )
            )
    return found


def team_digest_monday(now: datetime, prefs: AssistantPrefs) -> date | None:
    """The Monday whose team digest is due for this recipient at `now`, or None."""
    monday, _ = week_bounds(prefs.local_day(now))
    start = prefs.at(monday, TEAM_DIGEST_AT)
    return monday if start <= now < start + TEAM_DIGEST_WINDOW else None


def team_digest_key(recipient: int, monday: date) -> str:
    """The key of a recipient's weekly team digest."""
    return f"team_digest:{recipient}:{monday.isoformat()}"


def build_team_digest(
    monday: date,
    names: dict[int, str],
    families: list[TeamFamily],
    visits: dict[int, tuple[int, int, int]],
) -> TeamDigestFacts:
    """The digest sent on `monday` about the week before it.

    `families` are the active families with `visits_this_week` counted over that week;
    `visits` maps a person to (completed, missed, minutes) recorded that week.
    """
    reported = monday - timedelta(days=7)
    held: dict[int, list[TeamFamily]] = {}
    for family in families:
        held.setdefault(family.assistant_id, []).append(family)
    people = sorted(set(held) | set(visits), key=lambda p: (names.get(p, ""), p))
    rows = []
    for person in people:
        own = sorted(held.get(person, []), key=lambda f: f.code)
        completed, missed, minutes = visits.get(person, (0, 0, 0))
        rows.append(
            TeamDigestRow(
                assistant_name=names.get(person, str(person)),
                completed=completed,
                target=sum(f.visits_per_week for f in own),
                minutes=minutes,
                missed=missed,
                not_seen=tuple(f.code for f in own if f.visits_this_week == 0),
            )
        )
    horizon = monday + timedelta(days=DIGEST_NOTICE_DAYS)
    assessments = sorted(
        (
            DatedCode(family_code=f.code, day=due)
            for f in families
            if (due := f.assessment_due()) is not None and due <= horizon
        ),
        key=lambda d: (d.day, d.family_code),
    )
    contracts = sorted(
        (
            DatedCode(family_code=f.code, day=f.contract_valid_until)
            for f in families
            if f.contract_valid_until is not None and monday <= f.contract_valid_until <= horizon
        ),
        key=lambda d: (d.day, d.family_code),
    )
    return TeamDigestFacts(
        monday=reported,
        rows=tuple(rows),
        assessments=tuple(assessments),
        contracts=tuple(contracts),
    )


def team_digest_reminder(
    recipient: int, monday: date, prefs: AssistantPrefs, digest: TeamDigestFacts
) -> Reminder:
    """The weekly team digest of one recipient, due Monday 08:00 in their zone."""
    return Reminder(
        assistant_id=recipient,
        kind=ReminderKind.TEAM_DIGEST,
        key=team_digest_key(recipient, monday),
        due_at=prefs.at(monday, TEAM_DIGEST_AT),
        facts=ReminderFacts(team_digest=digest),
    )


def _working_days_between(since: date, day: date) -> int:
    """Working days after `since` up to and including `day`."""
    count, current = 0, since
    while current < day:
        current += timedelta(days=1)
        count += current.weekday() in WORK_WEEK
    return count
