"""Reminder rules: when each kind is due, quiet hours, DST mornings, catch-up after downtime."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.appointment import Institution
from bot.domain.reminders.calendar import in_window
from bot.domain.reminders.facts import (
    AppointmentFact,
    AssessmentFact,
    ContractFact,
    DigestFacts,
    DigestNow,
    DueFact,
    Reminder,
    ReminderFacts,
    VisitGapFact,
)
from bot.domain.reminders.kinds import PlanItemKind, ReminderKind
from bot.domain.reminders.quiet import collapse_missed, defer_for_quiet_hours
from bot.domain.reminders.rules import (
    appointment_occurrences,
    appointment_reminders_due,
    assessments_due,
    contracts_due,
    digest_due,
    morning_batch,
    overdue_visits_due,
    plan_items_due,
)
from bot.domain.reminders.snapshots import (
    AppointmentSnapshot,
    AssistantPrefs,
    FamilySnapshot,
    PlanItemSnapshot,
)

WARSAW = ZoneInfo("Europe/Warsaw")
ASSISTANT = 1001
PREFS = AssistantPrefs(telegram_id=ASSISTANT)
MONDAY = date(2026, 12, 7)
EVERY_DAY = frozenset(range(7))


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Warsaw wall time as a UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW).astimezone(UTC)


def family(
    family_id: int = 1,
    *,
    last_visit: date | None = None,
    per_week: int = 1,
    registered_on: date = date(2026, 1, 5),
    contract_until: date | None = None,
    plan_started_on: date | None = None,
    last_assessment: date | None = None,
) -> FamilySnapshot:
    """A family of the assistant."""
    return FamilySnapshot(
        family_id=family_id,
        code=f"R-{family_id:02d}",
        assistant_id=ASSISTANT,
        visits_per_week=per_week,
        registered_on=registered_on,
        last_visit=last_visit,
        contract_valid_until=contract_until,
        plan_started_on=plan_started_on,
        last_assessment=last_assessment,
    )


def appointment(
    starts_at: datetime, *, scheduled_at: datetime | None = None, appointment_id: int = 5
) -> AppointmentSnapshot:
    """A scheduled appointment of family R-01."""
    return AppointmentSnapshot(
        id=appointment_id,
        family_id=1,
        family_code="R-01",
        assistant_id=ASSISTANT,
        institution=Institution.PUP,
        starts_at=starts_at,
        accompany=True,
        scheduled_at=scheduled_at or starts_at - timedelta(days=10),
    )


def item(kind: PlanItemKind, due: date, item_id: int = 3) -> PlanItemSnapshot:
    """An open goal or task of family R-01."""
    return PlanItemSnapshot(
        kind=kind,
        id=item_id,
        goal_id=item_id,
        family_id=1,
        family_code="R-01",
        assistant_id=ASSISTANT,
        due=due,
    )


def reminder(key: str, due_at: datetime, assistant_id: int = ASSISTANT) -> Reminder:
    """A plain reminder for the catch-up tests."""
    return Reminder(
        assistant_id=assistant_id,
        kind=ReminderKind.GOAL_DUE,
        key=key,
        due_at=due_at,
        facts=ReminderFacts(),
    )


# The morning digest


def test_digest_comes_on_a_working_day_at_the_digest_time() -> None:
    assert digest_due(local(MONDAY, 7, 29), PREFS, [], [], []) == []
    [digest] = digest_due(local(MONDAY, 7, 30), PREFS, [], [], [])
    assert digest.kind is ReminderKind.DIGEST
    assert digest.key == "digest:1001:2026-12-07"
    assert digest.due_at == local(MONDAY, 7, 30)
    assert not digest.urgent
    # Later that morning it is the same occurrence (the outbox stores it once).
    [again] = digest_due(local(MONDAY, 12, 0), PREFS, [], [], [])
    assert again.key == digest.key
    # In the afternoon (a first start, a long outage) the day's morning batch is skipped.
    assert digest_due(local(MONDAY, 16, 0), PREFS, [], [], []) == []


def test_no_digest_on_a_day_off_unless_chosen() -> None:
    saturday = MONDAY - timedelta(days=2)
    assert digest_due(local(saturday, 9), PREFS, [], [], []) == []
    weekend_worker = PREFS.model_copy(update={"working_days": EVERY_DAY})
    assert len(digest_due(local(saturday, 9), weekend_worker, [], [], [])) == 1


def test_digest_follows_the_chosen_time() -> None:
    prefs = PREFS.model_copy(update={"digest_time": time(9, 15)})
    assert digest_due(local(MONDAY, 9, 14), prefs, [], [], []) == []
    [digest] = digest_due(local(MONDAY, 9, 15), prefs, [], [], [])
    assert digest.due_at == local(MONDAY, 9, 15)


def test_digest_lists_today_overdue_due_soon_and_assessments() -> None:
    families = [
        family(1, last_visit=MONDAY - timedelta(days=9)),
        family(2, last_visit=MONDAY - timedelta(days=1)),
        family(3, plan_started_on=date(2026, 6, 10)),  # assessment due 10 Dec
        family(4, contract_until=MONDAY + timedelta(days=5), last_visit=MONDAY),
    ]
    appointments = [
        appointment(local(MONDAY, 13), appointment_id=1),
        appointment(local(MONDAY + timedelta(days=1), 0, 30), appointment_id=2),
    ]
    items = [
        item(PlanItemKind.GOAL, MONDAY + timedelta(days=3), 1),
        item(PlanItemKind.TASK, MONDAY - timedelta(days=2), 2),
        item(PlanItemKind.TASK, MONDAY + timedelta(days=30), 3),
    ]
    [digest] = digest_due(local(MONDAY, 8), PREFS, families, appointments, items)
    facts = digest.facts.digest
    assert facts is not None
    assert facts.day == MONDAY
    assert [a.appointment_id for a in facts.appointments] == [1]  # 00:30 tomorrow is not today
    # The longest wait first: R-03 was never visited since its registration in January.
    assert [g.family_code for g in facts.overdue] == ["R-03", "R-01"]
    assert facts.overdue[1].days == 9
    assert [d.item_id for d in facts.due] == [2, 1]  # overdue task first, far one left out
    assert [a.family_code for a in facts.assessments] == ["R-03"]
    assert [c.family_code for c in facts.contracts] == ["R-04"]


def test_dst_spring_day_fires_the_digest_once_at_0730_local() -> None:
    _fires_once_at_0730(date(2026, 3, 29))


def test_dst_autumn_day_fires_the_digest_once_at_0730_local() -> None:
    _fires_once_at_0730(date(2026, 10, 25))


@pytest.mark.parametrize("day", [date(2026, 3, 30), date(2026, 10, 26)])
def test_the_monday_after_a_clock_change_fires_at_0730_local(day: date) -> None:
    _fires_once_at_0730(day, PREFS)


def _fires_once_at_0730(day: date, prefs: AssistantPrefs | None = None) -> None:
    """Tick every minute of a local day (23, 24 or 25 hours): one digest, first due 07:30."""
    prefs = prefs or PREFS.model_copy(update={"working_days": EVERY_DAY})
    start = local(day, 0)
    end = local(day + timedelta(days=1), 0)
    seen: dict[str, datetime] = {}
    first_fired: datetime | None = None
    moment = start
    while moment < end:
        for found in digest_due(moment, prefs, [], [], []):
            seen.setdefault(found.key, found.due_at)
            first_fired = first_fired or moment
        moment += timedelta(minutes=1)
    assert list(seen) == [f"digest:{ASSISTANT}:{day.isoformat()}"]
    assert first_fired is not None
    assert first_fired.astimezone(WARSAW).time() == time(7, 30)
    assert seen[f"digest:{ASSISTANT}:{day.isoformat()}"] == first_fired
    assert first_fired.astimezone(WARSAW).date() == day


# Overdue visits


@pytest.mark.parametrize(
    ("per_week", "days_ago", "overdue"),
    [(1, 6, False), (1, 7, True), (1, 20, True), (2, 3, False), (2, 4, True)],
)
def test_overdue_visit_depends_on_the_weekly_target(
    per_week: int, days_ago: int, overdue: bool
) -> None:
    families = [family(last_visit=MONDAY - timedelta(days=days_ago), per_week=per_week)]
    found = overdue_visits_due(local(MONDAY, 8), PREFS, families)
    assert bool(found) is overdue
    if overdue:
        assert found[0].key == "overdue:1001:1:2026-12-07"
        assert found[0].facts.visit_gap is not None
        assert found[0].facts.visit_gap.days == days_ago


def test_overdue_visit_once_a_day_until_a_visit() -> None:
    waiting = [family(last_visit=MONDAY - timedelta(days=10))]
    monday = overdue_visits_due(local(MONDAY, 8), PREFS, waiting)
    later = overdue_visits_due(local(MONDAY, 12), PREFS, waiting)
    tuesday = overdue_visits_due(local(MONDAY + timedelta(days=1), 8), PREFS, waiting)
    assert [r.key for r in monday] == [r.key for r in later]
    assert tuesday[0].key == "overdue:1001:1:2026-12-08"
    visited = [family(last_visit=MONDAY + timedelta(days=1))]
    assert overdue_visits_due(local(MONDAY + timedelta(days=2), 8), PREFS, visited) == []


def test_a_family_never_visited_counts_from_its_registration() -> None:
    fresh = [family(registered_on=MONDAY - timedelta(days=2))]
    assert overdue_visits_due(local(MONDAY, 8), PREFS, fresh) == []
    old = [family(registered_on=MONDAY - timedelta(days=8))]
    [found] = overdue_visits_due(local(MONDAY, 8), PREFS, old)
    assert found.facts.visit_gap is not None
    assert not found.facts.visit_gap.visited


def test_no_overdue_nag_on_the_weekend_or_before_the_digest_time() -> None:
    waiting = [family(last_visit=MONDAY - timedelta(days=30))]
    assert overdue_visits_due(local(MONDAY - timedelta(days=1), 12), PREFS, waiting) == []
    assert overdue_visits_due(local(MONDAY, 7), PREFS, waiting) == []


# Appointments


def test_appointment_evening_before_at_1800_local() -> None:
    start = local(MONDAY + timedelta(days=1), 10, 30)
    assert appointment_reminders_due(local(MONDAY, 17, 59), PREFS, [appointment(start)]) == []
    [evening] = appointment_reminders_due(local(MONDAY, 18), PREFS, [appointment(start)])
    assert evening.kind is ReminderKind.APPOINTMENT_EVENING
    assert evening.due_at == local(MONDAY, 18)
    assert evening.key.startswith("appt_evening:1001:5:2026-12-07:")
    assert evening.facts.appointment is not None
    assert evening.facts.appointment.institution is Institution.PUP
    assert evening.facts.appointment.accompany


def test_appointment_two_hours_before_is_urgent() -> None:
    start = local(MONDAY, 14)
    due = appointment_reminders_due(local(MONDAY, 12), PREFS, [appointment(start)])
    soon = [r for r in due if r.kind is ReminderKind.APPOINTMENT_SOON]
    assert len(soon) == 1
    assert soon[0].urgent
    assert soon[0].due_at == local(MONDAY, 12)
    assert soon[0].deadline == start
    assert (
        _soon(appointment_reminders_due(local(MONDAY, 11, 59), PREFS, [appointment(start)])) == []
    )


def test_outcome_question_two_hours_after_and_for_two_weeks() -> None:
    start = local(MONDAY, 9)
    assert appointment_reminders_due(local(MONDAY, 10, 59), PREFS, [appointment(start)]) == []
    [question] = appointment_reminders_due(local(MONDAY, 11), PREFS, [appointment(start)])
    assert question.kind is ReminderKind.OUTCOME_QUESTION
    assert question.due_at == local(MONDAY, 11)
    late = local(MONDAY + timedelta(days=14), 9)
    assert appointment_reminders_due(late, PREFS, [appointment(start)]) == []


def test_no_appointment_reminder_due_before_the_time_was_set() -> None:
    start = local(MONDAY + timedelta(days=1), 9)
    made_late = appointment(start, scheduled_at=local(MONDAY, 19))
    due = appointment_reminders_due(local(MONDAY, 19, 1), PREFS, [made_late])
    assert due == []
    at_seven = appointment_reminders_due(local(MONDAY + timedelta(days=1), 7), PREFS, [made_late])
    assert [r.kind for r in at_seven] == [ReminderKind.APPOINTMENT_SOON]


def test_appointment_reminders_stop_once_it_began() -> None:
    start = local(MONDAY, 9)
    kinds = {r.kind for r in appointment_reminders_due(start, PREFS, [appointment(start)])}
    assert kinds == set()


def test_a_moved_appointment_has_new_keys() -> None:
    first = appointment_reminders_due(local(MONDAY, 12), PREFS, [appointment(local(MONDAY, 14))])
    moved = appointment_reminders_due(local(MONDAY, 13), PREFS, [appointment(local(MONDAY, 15))])
    assert {r.key for r in first}.isdisjoint({r.key for r in moved})


# Goals, tasks, assessments, contracts


def test_goal_due_is_announced_the_working_day_before() -> None:
    tuesday = MONDAY + timedelta(days=1)
    [found] = plan_items_due(local(MONDAY, 8), PREFS, [item(PlanItemKind.GOAL, tuesday)])
    assert found.kind is ReminderKind.GOAL_DUE
    assert found.key == "goal_due:1001:3:2026-12-08"
    wednesday = MONDAY + timedelta(days=2)
    assert plan_items_due(local(MONDAY, 8), PREFS, [item(PlanItemKind.GOAL, wednesday)]) == []


def test_a_monday_due_date_is_announced_on_friday() -> None:
    friday = MONDAY - timedelta(days=3)
    [found] = plan_items_due(local(friday, 8), PREFS, [item(PlanItemKind.TASK, MONDAY)])
    assert found.kind is ReminderKind.TASK_DUE
    assert found.key == "task_due:1001:3:2026-12-07"


def test_a_due_date_set_late_is_announced_up_to_the_day_itself() -> None:
    on_the_day = plan_items_due(local(MONDAY, 8), PREFS, [item(PlanItemKind.GOAL, MONDAY)])
    assert len(on_the_day) == 1
    yesterday = MONDAY - timedelta(days=1)
    tuesday = MONDAY + timedelta(days=1)
    assert plan_items_due(local(tuesday, 8), PREFS, [item(PlanItemKind.GOAL, yesterday)]) == []


def test_assessment_due_fourteen_days_ahead_once() -> None:
    # Plan started 2026-06-21: the assessment is due 2026-12-21, announced from Monday 7 Dec.
    waiting = [family(plan_started_on=date(2026, 6, 21))]
    friday = MONDAY - timedelta(days=3)
    assert assessments_due(local(friday, 8), PREFS, waiting) == []
    [found] = assessments_due(local(MONDAY, 8), PREFS, waiting)
    assert found.kind is ReminderKind.ASSESSMENT_DUE
    assert found.key == "assess_due:1001:1:2026-12-21"
    [again] = assessments_due(local(MONDAY + timedelta(days=3), 8), PREFS, waiting)
    assert again.key == found.key  # the same occurrence: stored once


def test_assessment_overdue_the_next_working_day_then_weekly() -> None:
    # Due Friday 4 Dec: overdue on Monday 7 Dec (next working day and a Monday), Monday 14 Dec.
    waiting = [family(plan_started_on=date(2026, 6, 4))]
    keys = []
    for offset in range(14):
        day = MONDAY + timedelta(days=offset)
        keys += [r.key for r in assessments_due(local(day, 8), PREFS, waiting)]
    assert keys == [
        "assess_overdue:1001:1:2026-12-04:2026-12-07",
        "assess_overdue:1001:1:2026-12-04:2026-12-14",
    ]
    # Due on a Tuesday: the Wednesday after, then Mondays.
    tuesday_due = [family(plan_started_on=date(2026, 6, 8), last_assessment=date(2026, 6, 8))]
    days = [
        d
        for offset in range(10)
        if assessments_due(
            local(d := date(2026, 12, 8) + timedelta(days=offset), 8), PREFS, tuesday_due
        )
        and d > date(2026, 12, 8)
    ]
    assert days == [date(2026, 12, 9), date(2026, 12, 14)]


def test_contract_end_fourteen_days_ahead() -> None:
    ends = MONDAY + timedelta(days=14)
    waiting = [family(contract_until=ends)]
    assert contracts_due(local(MONDAY - timedelta(days=3), 8), PREFS, waiting) == []
    [found] = contracts_due(local(MONDAY, 8), PREFS, waiting)
    assert found.kind is ReminderKind.CONTRACT_ENDS
    assert found.key == "contract_ends:1001:1:2026-12-21"
    assert contracts_due(local(ends + timedelta(days=1), 8), PREFS, waiting) == []


def test_morning_batch_puts_the_digest_first() -> None:
    families = [family(last_visit=MONDAY - timedelta(days=8))]
    batch = morning_batch(local(MONDAY, 8), PREFS, families, [], [])
    assert [r.kind for r in batch] == [ReminderKind.DIGEST, ReminderKind.OVERDUE_VISIT]
    assert all(r.due_at == local(MONDAY, 7, 30) for r in batch)


# Quiet hours


@pytest.mark.parametrize(
    ("at", "start", "end", "quiet"),
    [
        (time(21), time(20), time(7), True),
        (time(2), time(20), time(7), True),
        (time(7), time(20), time(7), False),
        (time(19, 59), time(20), time(7), False),
        (time(13), time(12), time(14), True),
        (time(14), time(12), time(14), False),
        (time(3), time(9), time(9), False),
    ],
)
def test_quiet_window(at: time, start: time, end: time, quiet: bool) -> None:
    assert in_window(at, start, end) is quiet


def test_quiet_hours_defer_to_their_end_never_drop() -> None:
    prefs = PREFS.model_copy(update={"quiet_start": time(17), "quiet_end": time(8)})
    start = local(MONDAY + timedelta(days=1), 12)
    [evening] = appointment_reminders_due(local(MONDAY, 18), prefs, [appointment(start)])
    deferred = defer_for_quiet_hours(evening, prefs)
    assert deferred.send_time == local(MONDAY + timedelta(days=1), 8)  # next morning
    assert deferred.due_at == evening.due_at
    assert deferred.key == evening.key


def test_quiet_hours_across_midnight_in_their_morning_part() -> None:
    prefs = PREFS.model_copy(update={"quiet_start": time(22), "quiet_end": time(6)})
    early = reminder("k", local(MONDAY, 5))
    assert defer_for_quiet_hours(early, prefs).send_time == local(MONDAY, 6)
    late = reminder("k", local(MONDAY, 23))
    assert defer_for_quiet_hours(late, prefs).send_time == local(MONDAY + timedelta(days=1), 6)
    day = reminder("k", local(MONDAY, 12))
    assert defer_for_quiet_hours(day, prefs).send_time == local(MONDAY, 12)


def test_urgent_reminders_wait_only_when_there_is_time() -> None:
    # 2 h before an 08:00 appointment is 06:00, in quiet hours ending 07:00: wait until 07:00.
    at_eight = appointment(local(MONDAY, 8))
    [soon] = _soon(appointment_reminders_due(local(MONDAY, 6), PREFS, [at_eight]))
    assert defer_for_quiet_hours(soon, PREFS).send_time == local(MONDAY, 7)
    # Before a 07:15 appointment, 07:00 would be too late: it goes at once.
    at_quarter_past = appointment(local(MONDAY, 7, 15))
    [early] = _soon(appointment_reminders_due(local(MONDAY, 5, 15), PREFS, [at_quarter_past]))
    assert defer_for_quiet_hours(early, PREFS).send_time == local(MONDAY, 5, 15)


def _soon(found: list[Reminder]) -> list[Reminder]:
    """Only the 2-hours-before reminders."""
    return [r for r in found if r.kind is ReminderKind.APPOINTMENT_SOON]


def test_a_digest_chosen_inside_quiet_hours_waits_for_their_end() -> None:
    prefs = PREFS.model_copy(update={"digest_time": time(6, 30)})
    [digest] = digest_due(local(MONDAY, 6, 30), prefs, [], [], [])
    assert defer_for_quiet_hours(digest, prefs).send_time == local(MONDAY, 7)


# Catch-up


def test_three_days_down_collapse_into_one_catch_up() -> None:
    friday = MONDAY - timedelta(days=3)
    last_tick = local(friday, 10)
    now = local(MONDAY, 10)
    families = [family(last_visit=friday - timedelta(days=10)), family(2)]
    appointments = [appointment(local(MONDAY, 13))]
    found = [
        *morning_batch(now, PREFS, families, appointments, []),
        *appointment_reminders_due(now, PREFS, appointments),
    ]
    assert len(found) >= 4  # digest, two overdue families, the evening before, 2 h before…
    plan = collapse_missed(found, now, down_since=last_tick)
    assert plan.send == ()
    assert len(plan.collapsed) == len(found)
    [catch_up] = plan.catch_ups
    assert catch_up.kind is ReminderKind.CATCH_UP
    assert catch_up.key == "catchup:1001:2026-12-07T09"  # the tick's UTC date and hour
    assert len(catch_up.facts.missed) == len(found)
    assert [m.due_at for m in catch_up.facts.missed] == sorted(m.due_at for m in found)


def test_no_catch_up_without_downtime_or_for_fresh_reminders() -> None:
    now = local(MONDAY, 10)
    old = [reminder("a", now - timedelta(hours=2)), reminder("b", now - timedelta(hours=1))]
    assert collapse_missed(old, now, down_since=None).catch_ups == ()
    fresh = [reminder("c", now - timedelta(minutes=5)), reminder("d", now)]
    plan = collapse_missed(fresh, now, down_since=now - timedelta(days=1))
    assert plan.catch_ups == ()
    assert [r.key for r in plan.send] == ["c", "d"]


def test_a_single_missed_reminder_is_sent_late_as_it_is() -> None:
    now = local(MONDAY, 10)
    plan = collapse_missed(
        [reminder("a", now - timedelta(hours=3))], now, down_since=now - timedelta(days=1)
    )
    assert [r.key for r in plan.send] == ["a"]
    assert plan.catch_ups == ()


def test_backlog_and_new_misses_fold_per_assistant() -> None:
    now = local(MONDAY, 10)
    down = now - timedelta(days=3)
    backlog = [reminder("old", down - timedelta(minutes=1))]
    fresh = [
        reminder("new", now - timedelta(hours=1)),
        reminder("other", now - timedelta(hours=1), assistant_id=2002),
        reminder("other-2", now - timedelta(hours=2), assistant_id=2002),
    ]
    plan = collapse_missed(fresh, now, down_since=down, backlog=backlog)
    assert [c.assistant_id for c in plan.catch_ups] == [ASSISTANT, 2002]
    assert plan.folded_backlog == ("old",)
    assert {r.key for r in plan.collapsed} == {"new", "other", "other-2"}


def test_an_unsent_catch_up_is_flattened_not_nested() -> None:
    now = local(MONDAY, 10)
    down = now - timedelta(days=1)
    first = collapse_missed(
        [reminder("a", now - timedelta(hours=5)), reminder("b", now - timedelta(hours=4))],
        now - timedelta(hours=3),
        down_since=down,
    ).catch_ups[0]
    second = collapse_missed(
        [reminder("c", now - timedelta(hours=1))], now, down_since=down, backlog=[first]
    ).catch_ups[0]
    assert [m.kind for m in second.facts.missed] == [ReminderKind.GOAL_DUE] * 3
    assert all(m.facts.missed == () for m in second.facts.missed)


def test_a_catch_up_keeps_only_the_latest_digest() -> None:
    now = local(MONDAY, 12)
    friday = MONDAY - timedelta(days=3)
    backlog = digest_due(local(friday, 8), PREFS, [], [], [])
    fresh = digest_due(now, PREFS, [], [], [])
    plan = collapse_missed(fresh, now, down_since=local(friday, 9), backlog=backlog)
    [catch_up] = plan.catch_ups
    assert [m.facts.digest.day for m in catch_up.facts.missed if m.facts.digest] == [MONDAY]


@given(
    minute=st.integers(0, 3 * 24 * 60),
    start=st.integers(0, 24 * 60 - 1),
    end=st.integers(0, 24 * 60 - 1),
    urgent=st.booleans(),
)
def test_deferral_never_drops_and_lands_outside_quiet_hours(
    minute: int, start: int, end: int, urgent: bool
) -> None:
    prefs = PREFS.model_copy(
        update={
            "quiet_start": time(start // 60, start % 60),
            "quiet_end": time(end // 60, end % 60),
        }
    )
    due = local(MONDAY, 0) + timedelta(minutes=minute)
    moved = defer_for_quiet_hours(reminder("k", due).model_copy(update={"urgent": urgent}), prefs)
    assert moved.key == "k"
    assert due <= moved.send_time < due + timedelta(days=1)
    if not urgent:
        assert not prefs.is_quiet(moved.send_time)


@given(
    start_minutes=st.integers(min_value=-20 * 24 * 60, max_value=3 * 24 * 60),
    set_minutes=st.integers(min_value=0, max_value=20 * 24 * 60),
    later_minutes=st.integers(min_value=0, max_value=20 * 24 * 60),
)
def test_appointment_occurrences_stay_the_same_until_the_instant_given(
    start_minutes: int, set_minutes: int, later_minutes: int
) -> None:
    """Between `now` and the instant returned with them, the same occurrences are due."""
    now = local(MONDAY, 12)
    start = now + timedelta(minutes=start_minutes)
    snapshot = appointment(start, scheduled_at=start - timedelta(minutes=set_minutes))
    found, until = appointment_occurrences(now, PREFS, snapshot)
    assert until > now
    later = now + timedelta(minutes=later_minutes)
    if later < until:
        assert appointment_occurrences(later, PREFS, snapshot)[0] == found
    else:  # at the instant itself the answer may change; the next instant is later again
        assert appointment_occurrences(until, PREFS, snapshot)[1] > until


def test_a_digest_as_of_sending_leaves_out_the_families_gone_from_the_assistant() -> None:
    day = date(2026, 12, 7)
    digest = DigestFacts(
        day=day,
        assessments=(
            AssessmentFact(family_id=1, family_code="R-01", due_on=day),
            AssessmentFact(family_id=2, family_code="R-02", due_on=day),
        ),
        contracts=(ContractFact(family_id=2, family_code="R-02", ends_on=day),),
        overdue=(
            VisitGapFact(
                family_id=2, family_code="R-02", days=9, visited=False, visits_per_week=1
            ),
        ),
    )
    # R-02 went to another assistant (or was closed or erased) since the tick.
    now = DigestNow(last_visits={1: None}, open_items={}, agenda=(), assessments_due={1: day})
    sent = digest.as_of(now, PREFS.zone)
    assert [a.family_code for a in sent.assessments] == ["R-01"]
    assert sent.contracts == ()
    assert sent.overdue == ()
    assert digest.as_of(DigestNow({}, {}, ()), PREFS.zone).is_empty


def test_a_digest_as_of_sending_leaves_out_an_assessment_made_and_a_contract_renewed() -> None:
    day = date(2026, 12, 7)
    digest = DigestFacts(
        day=day,
        assessments=(
            AssessmentFact(family_id=1, family_code="R-01", due_on=day),
            AssessmentFact(family_id=2, family_code="R-02", due_on=day),
        ),
        contracts=(
            ContractFact(family_id=1, family_code="R-01", ends_on=day),
            ContractFact(family_id=2, family_code="R-02", ends_on=day),
        ),
    )
    # R-01's assessment was recorded and its contract renewed since the tick; R-02's hold.
    later = day + timedelta(days=182)
    now = DigestNow(
        last_visits={1: None, 2: None},
        open_items={},
        agenda=(),
        assessments_due={1: later, 2: day},
        contracts_end={1: later, 2: day},
    )
    sent = digest.as_of(now, PREFS.zone)
    assert [a.family_code for a in sent.assessments] == ["R-02"]
    assert [c.family_code for c in sent.contracts] == ["R-02"]


def test_a_digest_as_of_sending_leaves_out_a_goal_or_task_given_another_day() -> None:
    day = date(2026, 12, 7)

    def due(kind: PlanItemKind, item_id: int) -> DueFact:
        return DueFact(
            item=kind, item_id=item_id, goal_id=1, family_id=1, family_code="R-01", due_on=day
        )

    digest = DigestFacts(
        day=day,
        due=(due(PlanItemKind.GOAL, 1), due(PlanItemKind.TASK, 2), due(PlanItemKind.TASK, 3)),
    )
    # The goal is still due that day; task 2 was given a later day; task 3 is done.
    now = DigestNow(
        last_visits={1: None},
        open_items={(PlanItemKind.GOAL, 1): day, (PlanItemKind.TASK, 2): day + timedelta(14)},
        agenda=(),
    )
    sent = digest.as_of(now, PREFS.zone)
    assert [(d.item, d.item_id) for d in sent.due] == [(PlanItemKind.GOAL, 1)]


def _court(appointment_id: int, starts_at: datetime, code: str = "R-01") -> AppointmentFact:
    """A court appointment of a family as a digest shows it."""
    return AppointmentFact(
        appointment_id=appointment_id,
        family_id=int(code[2:]),
        family_code=code,
        institution=Institution.COURT,
        starts_at=starts_at,
        accompany=False,
    )


def test_a_digest_keeps_an_appointment_moved_within_its_local_day_only() -> None:
    digest = DigestFacts(
        day=MONDAY, appointments=(_court(1, local(MONDAY, 10)), _court(2, local(MONDAY, 10)))
    )
    # 23:30 is still Monday in Warsaw; 00:30 on Tuesday is Monday 23:30 in UTC, yet Tuesday.
    late, next_day = local(MONDAY, 23, 30), local(MONDAY + timedelta(days=1), 0, 30)
    assert next_day.astimezone(UTC).date() == MONDAY
    now = DigestNow({1: None}, {}, (_court(1, late), _court(2, next_day)))
    sent = digest.as_of(now, PREFS.zone)
    assert [(a.appointment_id, a.starts_at) for a in sent.appointments] == [(1, late)]


def test_a_digest_lists_its_day_s_appointments_as_they_stand_new_ones_in_time_order() -> None:
    digest = DigestFacts(
        day=MONDAY, appointments=(_court(1, local(MONDAY, 10)), _court(2, local(MONDAY, 12)))
    )
    # Since the tick: 2 was cancelled (it is no longer in the agenda), 3 was booked for the
    # afternoon and 4 moved in from Tuesday to the early morning, before the digest's time.
    agenda = (
        _court(3, local(MONDAY, 15), "R-03"),
        _court(1, local(MONDAY, 10)),
        _court(4, local(MONDAY, 7), "R-02"),
    )
    sent = digest.as_of(DigestNow({1: None}, {}, agenda), PREFS.zone)
    assert [a.appointment_id for a in sent.appointments] == [4, 1, 3]
    assert [a.family_code for a in sent.appointments] == ["R-02", "R-01", "R-03"]
    # A digest with nothing to say when it was made says the appointment booked since.
    empty = DigestFacts(day=MONDAY)
    assert empty.is_empty
    assert not empty.as_of(DigestNow({}, {}, agenda[:1]), PREFS.zone).is_empty


def test_a_digest_s_hours_are_its_local_day_across_a_dst_change() -> None:
    sunday = date(2026, 10, 25)  # Warsaw goes from CEST to CET: a 25-hour day
    start, end = DigestFacts(day=sunday).hours(PREFS.zone)
    assert (start, end) == (
        datetime(2026, 10, 24, 22, tzinfo=UTC),
        datetime(2026, 10, 25, 23, tzinfo=UTC),
    )
