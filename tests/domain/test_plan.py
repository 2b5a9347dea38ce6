"""Help-plan rules: assessment dates, overdue marks, the independence scale, goal order."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import DomainError
from bot.domain.family import Family
from bot.domain.plan import (
    CLOSED_STATUSES,
    Assessment,
    CaseStart,
    Goal,
    GoalStatus,
    Independence,
    OwnerKind,
    Plan,
    PlanView,
    Task,
    TaskOwner,
    add_months,
    area_rank,
    check_assessment_day,
    check_due,
    check_goal_due,
    check_optional_text,
    check_required_text,
    check_status_change,
    check_task_due,
    check_task_tick,
    days_until,
    level_step,
    next_assessment_due,
    open_goals,
    sort_goals,
)
from bot.domain.vocabulary import Area

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)


def goal(
    goal_id: int,
    area: Area = Area.HOUSING,
    status: GoalStatus = GoalStatus.PLANNED,
    due: date | None = None,
    tasks: tuple[Task, ...] = (),
) -> Goal:
    """A goal with just what a test needs."""
    return Goal(
        id=goal_id,
        family_id=1,
        area=area,
        text=f"goal {goal_id}",
        due=due,
        status=status,
        created_at=NOW,
        tasks=tasks,
    )


def task(task_id: int, *, done: bool = False, due: date | None = None) -> Task:
    """A task of goal 1 done by the assistant."""
    return Task(
        id=task_id, goal_id=1, text="t", owner=TaskOwner.assistant(), done=done, due=due,
        created_at=NOW,
    )  # fmt: skip


def test_months_are_added_clamping_to_the_month_end() -> None:
    assert add_months(date(2026, 5, 25), 6) == date(2026, 11, 25)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)  # 2028 is a leap year
    assert add_months(date(2028, 2, 29), 6) == date(2028, 8, 29)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 7, 31), 6) == date(2027, 1, 31)
    assert add_months(date(2026, 12, 31), 6) == date(2027, 6, 30)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 48))
def test_month_add_lands_in_the_right_month_never_later_day(day: date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == min(day.day, calendar.monthrange(result.year, result.month)[1])


def test_next_assessment_counts_from_the_last_one_or_the_plan_start() -> None:
    assert next_assessment_due(date(2026, 8, 31), None) == date(2027, 2, 28)
    assert next_assessment_due(date(2026, 1, 10), date(2027, 8, 31)) == date(2028, 2, 29)
    assert next_assessment_due(date(2026, 1, 10), date(2026, 3, 1)) == date(2026, 9, 1)


def test_days_until_goes_negative_once_past() -> None:
    assert days_until(date(2026, 11, 30), TODAY) == 5
    assert days_until(TODAY, TODAY) == 0
    assert days_until(date(2026, 11, 20), TODAY) == -5


def test_overdue_marks_only_for_open_things() -> None:
    assert goal(1, due=date(2026, 11, 24)).is_overdue(TODAY)
    assert not goal(1, due=TODAY).is_overdue(TODAY)
    assert not goal(1).is_overdue(TODAY)
    assert not goal(1, status=GoalStatus.ACHIEVED, due=date(2026, 1, 1)).is_overdue(TODAY)
    assert goal(1, status=GoalStatus.IN_PROGRESS, due=date(2026, 1, 1)).is_overdue(TODAY)
    late, done = task(1, due=date(2026, 11, 24)), task(2, due=date(2026, 11, 24), done=True)
    assert goal(1, tasks=(late,)).is_task_overdue(late, TODAY)
    assert not goal(1).is_task_overdue(done, TODAY)
    assert not goal(1).is_task_overdue(task(3, due=TODAY), TODAY)
    assert goal(1, status=GoalStatus.IN_PROGRESS).is_task_overdue(late, TODAY)
    for closed in CLOSED_STATUSES:  # a closed goal's tasks are history: never late
        assert not goal(1, status=closed, tasks=(late,)).is_task_overdue(late, TODAY)


def test_independence_scale_runs_from_shown_to_alone() -> None:
    assert list(Independence) == [
        Independence.SHOWN,
        Independence.TOGETHER,
        Independence.SUPPORTED,
        Independence.ALONE,
    ]
    assert [level_step(x) for x in Independence] == [1, 2, 3, 4]


def test_task_owner_needs_exactly_its_detail() -> None:
    assert TaskOwner.member(3).kind is OwnerKind.MEMBER
    assert TaskOwner.of_institution("PUP").institution == "PUP"
    with pytest.raises(ValueError, match="member"):
        TaskOwner(kind=OwnerKind.MEMBER)
    with pytest.raises(ValueError, match="institution"):
        TaskOwner(kind=OwnerKind.ASSISTANT, institution="PUP")


def test_goals_follow_the_order_of_work_then_open_first() -> None:
    assert area_rank(Area.HOUSING) < area_rank(Area.EMOTIONS) < area_rank(Area.EMPLOYMENT)
    goals = [
        goal(1, Area.EMPLOYMENT),
        goal(2, Area.EMOTIONS, GoalStatus.DROPPED),
        goal(3, Area.HOUSING),
        goal(4, Area.EMOTIONS, GoalStatus.IN_PROGRESS),
        goal(5, Area.HOUSING, GoalStatus.ACHIEVED),
        goal(6, Area.MONEY),
    ]
    assert [g.id for g in sort_goals(goals)] == [3, 5, 6, 4, 2, 1]
    assert [g.id for g in open_goals(goals)] == [3, 6, 4, 1]


def test_achieving_with_open_tasks_needs_confirmation() -> None:
    busy = goal(1, tasks=(task(1), task(2, done=True), task(3)))
    with pytest.raises(DomainError) as caught:
        check_status_change(busy, GoalStatus.ACHIEVED, confirm_open_tasks=False)
    assert caught.value.code == "goal_open_tasks"
    assert caught.value.details == {"count": 2}
    check_status_change(busy, GoalStatus.ACHIEVED, confirm_open_tasks=True)
    check_status_change(busy, GoalStatus.DROPPED, confirm_open_tasks=False)
    finished = goal(2, tasks=(task(4, done=True),))
    check_status_change(finished, GoalStatus.ACHIEVED, confirm_open_tasks=False)


def test_due_dates_and_assessment_days() -> None:
    assert check_due(TODAY, TODAY) == TODAY
    assert check_due(None, TODAY) is None
    with pytest.raises(DomainError, match="date_past"):
        check_due(date(2026, 11, 24), TODAY)
    assert check_assessment_day(TODAY, TODAY) == TODAY
    with pytest.raises(DomainError, match="assessment_future"):
        check_assessment_day(date(2026, 11, 26), TODAY)


def test_a_task_is_due_by_its_goal_and_a_goal_not_before_its_open_tasks() -> None:
    march = goal(1, due=date(2027, 3, 31))
    assert check_task_due(date(2027, 3, 31), march) == date(2027, 3, 31)
    assert check_task_due(None, march) is None
    assert check_task_due(date(2030, 1, 1), goal(2)) == date(2030, 1, 1)  # the goal has no date
    with pytest.raises(DomainError) as caught:
        check_task_due(date(2027, 4, 1), march)
    assert (caught.value.code, caught.value.details) == ("task_after_goal", {"date": "31.03.2027"})
    tasks = (
        task(1, due=date(2027, 3, 15)),
        task(2, due=date(2027, 3, 20)),
        task(3, due=date(2027, 5, 1), done=True),  # done: holds nothing back
        task(4),
    )
    busy = goal(3, due=date(2027, 6, 30), tasks=tasks)
    assert check_goal_due(date(2027, 3, 20), busy) == date(2027, 3, 20)
    assert check_goal_due(None, busy) is None
    with pytest.raises(DomainError) as caught:
        check_goal_due(date(2027, 3, 1), busy)
    assert caught.value.code == "goal_before_tasks"
    assert caught.value.details == {"count": 2, "date": "01.03.2027", "latest": "20.03.2027"}


def test_only_an_open_goal_s_tasks_are_ticked() -> None:
    check_task_tick(goal(1, status=GoalStatus.IN_PROGRESS))
    for closed in (GoalStatus.ACHIEVED, GoalStatus.NOT_ACHIEVED, GoalStatus.DROPPED):
        with pytest.raises(DomainError, match="task_goal_closed"):
            check_task_tick(goal(1, status=closed))


def test_the_status_a_goal_has_is_refused() -> None:
    for status in GoalStatus:
        with pytest.raises(DomainError, match="goal_status_same"):
            check_status_change(goal(1, status=status), status, confirm_open_tasks=True)


def test_an_assessment_is_not_dated_before_the_work_began() -> None:
    registered = CaseStart(code="R-01", registered_on=date(2026, 10, 1))
    assert check_assessment_day(date(2026, 10, 1), TODAY, registered) == date(2026, 10, 1)
    with pytest.raises(DomainError) as caught:
        check_assessment_day(date(2026, 9, 30), TODAY, registered)
    assert caught.value.code == "assessment_before_registration"
    assert caught.value.details == {"family_code": "R-01", "date": "01.10.2026"}
    contract_first = registered.model_copy(update={"first_contract_on": date(2026, 6, 1)})
    assert check_assessment_day(date(2026, 6, 1), TODAY, contract_first) == date(2026, 6, 1)
    with pytest.raises(DomainError, match="assessment_before_contract"):
        check_assessment_day(date(2026, 5, 31), TODAY, contract_first)
    contract_later = registered.model_copy(update={"first_contract_on": date(2026, 11, 1)})
    assert contract_later.day == date(2026, 10, 1)  # the registration came first
    with pytest.raises(DomainError, match="assessment_before_registration"):
        check_assessment_day(date(2026, 9, 30), TODAY, contract_later)


def test_texts_are_trimmed_and_limited() -> None:
    assert check_required_text("  ok\x00 ", 10) == "ok"
    with pytest.raises(DomainError, match="text_empty"):
        check_required_text(" \n ", 10)
    with pytest.raises(DomainError, match="text_too_long"):
        check_required_text("x" * 11, 10)
    assert check_optional_text("  ", 10) is None
    assert check_optional_text(None, 10) is None


def test_plan_view_dates_and_folding() -> None:
    family = Family(id=1, code="R-01")
    plan = Plan(id=1, family_id=1, started_on=date(2026, 8, 31), created_at=NOW)
    goals = (
        goal(1),
        goal(2, status=GoalStatus.ACHIEVED),
        goal(3, status=GoalStatus.ACHIEVED),
        goal(4, status=GoalStatus.DROPPED),
    )
    view = PlanView(family=family, plan=plan, goals=goals)
    assert view.next_assessment_due() == date(2027, 2, 28)
    assert [g.id for g in view.shown_goals()] == [1]
    assert view.folded_counts() == {GoalStatus.ACHIEVED: 2, GoalStatus.DROPPED: 1}
    assessed = view.model_copy(
        update={
            "include_closed": True,
            "last_assessment": Assessment(
                id=1, family_id=1, day=date(2026, 10, 1), summary="s", author_id=7, created_at=NOW
            ),
        }
    )
    assert assessed.next_assessment_due() == date(2027, 4, 1)
    assert len(assessed.shown_goals()) == 4
    assert assessed.folded_counts() == {}
    assert PlanView(family=family, plan=None).next_assessment_due() is None
