"""The morning batch in one pass gives exactly what the rules written one kind at a time gave.

`reference_batch` below is the morning batch as it was before issue 10 made it one pass over
the families and items (each rule on its own, every fact made again by each): kept here as the
oracle, word for word, so any difference in the reminders, their keys, facts or order shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.appointment import Institution
from bot.domain.reminders.calendar import first_working_day_after, working_day_before
from bot.domain.reminders.facts import (
    AssessmentFact,
    ContractFact,
    DigestFacts,
    Reminder,
    ReminderFacts,
    appointment_fact,
    due_fact,
    gap_fact,
)
from bot.domain.reminders.kinds import DUE_SOON_DAYS, NOTICE_DAYS, PlanItemKind, ReminderKind
from bot.domain.reminders.rules import _announced, batch_day, digest_key, morning_batch
from bot.domain.reminders.snapshots import (
    AppointmentSnapshot,
    AssistantPrefs,
    FamilySnapshot,
    PlanItemSnapshot,
)

MONDAY = date(2026, 12, 7)
ASSISTANT = 1001


class _Morning(NamedTuple):
    """One occurrence a morning rule finds; the batch gives it its assistant and due time."""

    kind: ReminderKind
    key: str
    subject: str
    facts: ReminderFacts


def _each_morning(
    now: datetime, prefs: AssistantPrefs, found: Callable[[date], Iterator[_Morning]]
) -> list[Reminder]:
    """What one rule finds on the working day whose batch is due at `now`, due at its digest time.

    Every morning rule opens the same way: no batch (a day off, before the digest time, past
    the morning window) means nothing, and everything found is due that morning, once.
    """
    day = batch_day(now, prefs)
    if day is None:
        return []
    due_at = prefs.at(day, prefs.digest_time)
    return [
        Reminder(
            assistant_id=prefs.telegram_id,
            kind=occurrence.kind,
            key=occurrence.key,
            due_at=due_at,
            subject=occurrence.subject,
            facts=occurrence.facts,
        )
        for occurrence in found(day)
    ]


def _build_digest(
    day: date,
    prefs: AssistantPrefs,
    families: list[FamilySnapshot],
    appointments: list[AppointmentSnapshot],
    items: list[PlanItemSnapshot],
) -> DigestFacts:
    """What the digest of `day` lists: today's appointments, overdue families, due soon."""
    today_appointments = sorted(
        (appointment_fact(a) for a in appointments if prefs.local_day(a.starts_at) == day),
        key=lambda a: (a.starts_at, a.family_code),
    )
    overdue = sorted(
        (gap_fact(f, day) for f in families if f.is_overdue(day)),
        key=lambda g: (-g.days, g.family_code),
    )
    soon = day + timedelta(days=DUE_SOON_DAYS)
    due = sorted(
        (due_fact(i) for i in items if i.due <= soon),
        key=lambda d: (d.due_on, d.family_code, d.item, d.item_id),
    )
    notice = day + timedelta(days=NOTICE_DAYS)
    assessments = sorted(
        (
            AssessmentFact(family_id=f.family_id, family_code=f.code, due_on=when)
            for f in families
            if (when := f.assessment_due()) is not None and when <= notice
        ),
        key=lambda a: (a.due_on, a.family_code),
    )
    contracts = sorted(
        (
            ContractFact(family_id=f.family_id, family_code=f.code, ends_on=f.contract_valid_until)
            for f in families
            if f.contract_valid_until is not None and day <= f.contract_valid_until <= notice
        ),
        key=lambda c: (c.ends_on, c.family_code),
    )
    return DigestFacts(
        day=day,
        appointments=tuple(today_appointments),
        overdue=tuple(overdue),
        due=tuple(due),
        assessments=tuple(assessments),
        contracts=tuple(contracts),
    )


def _digest_due(
    now: datetime,
    prefs: AssistantPrefs,
    families: list[FamilySnapshot],
    appointments: list[AppointmentSnapshot],
    items: list[PlanItemSnapshot],
) -> list[Reminder]:
    """The morning digest, on working days at the digest time (once per local day)."""

    def found(day: date) -> Iterator[_Morning]:
        digest = _build_digest(day, prefs, families, appointments, items)
        yield _Morning(
            ReminderKind.DIGEST,
            digest_key(prefs.telegram_id, day),
            "",
            ReminderFacts(digest=digest),
        )

    return _each_morning(now, prefs, found)


def _overdue_visits_due(
    now: datetime, prefs: AssistantPrefs, families: list[FamilySnapshot]
) -> list[Reminder]:
    """One reminder per family waiting too long for a visit, once per working day."""

    def found(day: date) -> Iterator[_Morning]:
        for f in families:
            if f.is_overdue(day):
                yield _Morning(
                    ReminderKind.OVERDUE_VISIT,
                    f"overdue:{prefs.telegram_id}:{f.family_id}:{day.isoformat()}",
                    f"family:{f.family_id}",
                    ReminderFacts(visit_gap=gap_fact(f, day)),
                )

    return _each_morning(now, prefs, found)


def _plan_items_due(
    now: datetime, prefs: AssistantPrefs, items: list[PlanItemSnapshot]
) -> list[Reminder]:
    """Goals and tasks due: from the last working day before the due date up to the due day."""

    def found(day: date) -> Iterator[_Morning]:
        for item in items:
            if not working_day_before(item.due, prefs.working_days) <= day <= item.due:
                continue
            goal = item.kind is PlanItemKind.GOAL
            yield _Morning(
                ReminderKind.GOAL_DUE if goal else ReminderKind.TASK_DUE,
                f"{item.kind.value}_due:{prefs.telegram_id}:{item.id}:{item.due.isoformat()}",
                f"{item.kind.value}:{item.id}",
                ReminderFacts(due=due_fact(item)),
            )

    return _each_morning(now, prefs, found)


def _assessments_due(
    now: datetime, prefs: AssistantPrefs, families: list[FamilySnapshot]
) -> list[Reminder]:
    """Assessments due within 14 days (once); overdue ones the day after, then once a week."""

    def found(day: date) -> Iterator[_Morning]:
        for family in families:
            due = family.assessment_due()
            if due is None:
                continue
            first_late = first_working_day_after(due, prefs.working_days)
            if _announced(day, due, prefs):
                kind = ReminderKind.ASSESSMENT_DUE
                key = f"assess_due:{prefs.telegram_id}:{family.family_id}:{due}"
            elif day > due and (day.weekday() == min(prefs.working_days) or day == first_late):
                kind = ReminderKind.ASSESSMENT_OVERDUE
                key = f"assess_overdue:{prefs.telegram_id}:{family.family_id}:{due}:{day}"
            else:
                continue
            fact = AssessmentFact(family_id=family.family_id, family_code=family.code, due_on=due)
            yield _Morning(kind, key, f"family:{family.family_id}", ReminderFacts(assessment=fact))

    return _each_morning(now, prefs, found)


def _contracts_due(
    now: datetime, prefs: AssistantPrefs, families: list[FamilySnapshot]
) -> list[Reminder]:
    """Contracts ending within 14 days, announced once."""

    def found(day: date) -> Iterator[_Morning]:
        for family in families:
            ends = family.contract_valid_until
            if ends is None:
                continue
            if not _announced(day, ends, prefs):
                continue
            fact = ContractFact(family_id=family.family_id, family_code=family.code, ends_on=ends)
            yield _Morning(
                ReminderKind.CONTRACT_ENDS,
                f"contract_ends:{prefs.telegram_id}:{family.family_id}:{ends.isoformat()}",
                f"family:{family.family_id}",
                ReminderFacts(contract=fact),
            )

    return _each_morning(now, prefs, found)


def reference_batch(
    now: datetime,
    prefs: AssistantPrefs,
    families: list[FamilySnapshot],
    appointments: list[AppointmentSnapshot],
    items: list[PlanItemSnapshot],
) -> list[Reminder]:
    """The digest first, then everything else of the working day's morning batch."""
    return [
        *_digest_due(now, prefs, families, appointments, items),
        *_overdue_visits_due(now, prefs, families),
        *_plan_items_due(now, prefs, items),
        *_assessments_due(now, prefs, families),
        *_contracts_due(now, prefs, families),
    ]


# The property

days = st.dates(min_value=MONDAY - timedelta(days=400), max_value=MONDAY + timedelta(days=60))
maybe_days = st.none() | days


@st.composite
def families(draw: st.DrawFn) -> list[FamilySnapshot]:
    """Up to 15 families with any mix of visits, plans, assessments and contracts."""
    count = draw(st.integers(min_value=0, max_value=15))
    return [
        FamilySnapshot(
            family_id=n,
            code=f"R-{draw(st.integers(min_value=1, max_value=20)):02d}",  # codes may tie
            assistant_id=ASSISTANT,
            visits_per_week=draw(st.sampled_from((1, 2))),
            registered_on=draw(days),
            last_visit=draw(maybe_days),
            contract_valid_until=draw(maybe_days),
            plan_started_on=draw(maybe_days),
            last_assessment=draw(maybe_days),
        )
        for n in range(1, count + 1)
    ]


@st.composite
def items(draw: st.DrawFn) -> list[PlanItemSnapshot]:
    """Up to 20 open goals and tasks due around the day."""
    count = draw(st.integers(min_value=0, max_value=20))
    return [
        PlanItemSnapshot(
            kind=draw(st.sampled_from(list(PlanItemKind))),
            id=draw(st.integers(min_value=1, max_value=8)),  # goals and tasks may share ids
            goal_id=1,
            family_id=draw(st.integers(min_value=1, max_value=15)),
            family_code=f"R-{draw(st.integers(min_value=1, max_value=20)):02d}",
            assistant_id=ASSISTANT,
            due=draw(
                st.dates(
                    min_value=MONDAY - timedelta(days=30), max_value=MONDAY + timedelta(days=30)
                )
            ),
        )
        for _ in range(count)
    ]


@st.composite
def appointments(draw: st.DrawFn) -> list[AppointmentSnapshot]:
    """A few appointments within two days either side."""
    count = draw(st.integers(min_value=0, max_value=4))
    found = []
    for n in range(1, count + 1):
        starts = datetime(2026, 12, 7, 7, tzinfo=UTC) + timedelta(
            minutes=draw(st.integers(min_value=-2 * 1440, max_value=2 * 1440))
        )
        found.append(
            AppointmentSnapshot(
                id=n,
                family_id=1,
                family_code=f"R-{draw(st.integers(min_value=1, max_value=20)):02d}",
                assistant_id=ASSISTANT,
                institution=draw(st.sampled_from(list(Institution))),
                starts_at=starts,
                accompany=draw(st.booleans()),
                scheduled_at=starts - timedelta(days=3),
            )
        )
    return found


prefs = st.builds(
    AssistantPrefs,
    telegram_id=st.just(ASSISTANT),
    digest_time=st.sampled_from((time(7, 30), time(6, 0), time(9, 45))),
    timezone=st.sampled_from(("Europe/Warsaw", "Europe/London", "America/New_York")),
    working_days=st.frozensets(st.integers(min_value=0, max_value=6), min_size=1),
)
mornings = st.builds(
    lambda day, minutes: datetime.combine(day, time(4), tzinfo=UTC) + timedelta(minutes=minutes),
    st.dates(min_value=MONDAY - timedelta(days=3), max_value=MONDAY + timedelta(days=7)),
    st.integers(min_value=0, max_value=12 * 60),
)


@given(mornings, prefs, families(), appointments(), items())
def test_one_pass_gives_what_each_rule_gave(
    now: datetime,
    assistant: AssistantPrefs,
    caseload: list[FamilySnapshot],
    booked: list[AppointmentSnapshot],
    open_items: list[PlanItemSnapshot],
) -> None:
    expected = reference_batch(now, assistant, caseload, booked, open_items)
    found = morning_batch(now, assistant, caseload, booked, open_items)
    assert found == expected
    # The facts are the same to the byte as they are stored in the outbox.
    assert [r.facts.model_dump_json(exclude_defaults=True) for r in found] == [
        r.facts.model_dump_json(exclude_defaults=True) for r in expected
    ]


def test_the_oracle_sees_a_full_morning() -> None:
    """The property above is not vacuous: a plain Monday has every kind in it."""
    caseload = [
        FamilySnapshot(
            family_id=1,
            code="R-01",
            assistant_id=ASSISTANT,
            registered_on=date(2026, 1, 5),
            last_visit=MONDAY - timedelta(days=9),
            contract_valid_until=MONDAY + timedelta(days=10),
            plan_started_on=date(2026, 5, 1),
        )
    ]
    open_items = [
        PlanItemSnapshot(
            kind=PlanItemKind.TASK,
            id=4,
            goal_id=1,
            family_id=1,
            family_code="R-01",
            assistant_id=ASSISTANT,
            due=MONDAY + timedelta(days=1),
        )
    ]
    now = datetime(2026, 12, 7, 7, tzinfo=UTC)
    batch = reference_batch(now, AssistantPrefs(telegram_id=ASSISTANT), caseload, [], open_items)
    assert [r.kind for r in batch] == [
        ReminderKind.DIGEST,
        ReminderKind.OVERDUE_VISIT,
        ReminderKind.TASK_DUE,
        ReminderKind.ASSESSMENT_OVERDUE,
        ReminderKind.CONTRACT_ENDS,
    ]
    assert (
        morning_batch(now, AssistantPrefs(telegram_id=ASSISTANT), caseload, [], open_items)
        == batch
    )
