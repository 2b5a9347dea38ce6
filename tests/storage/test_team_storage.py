"""The team view's figures per family on a real SQLite file: what each count takes and leaves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.domain.appointment import AppointmentStatus, Institution, NewAppointment
from bot.domain.family import Member, NewFamily
from bot.domain.plan import GoalStatus, NewGoal, NewTask, Stamp, TaskOwner
from bot.domain.team import TeamFamily
from bot.domain.visit import VisitDraft
from bot.domain.vocabulary import Area, MemberRole, MissedReason, Place, VisitKind
from bot.storage.appointments import AppointmentRepository
from bot.storage.db import Database
from bot.storage.families import FamilyRepository
from bot.storage.people import PeopleRepository
from bot.storage.plans import PlanRepository
from bot.storage.team import TeamRepository, _families_query
from bot.storage.visits import VisitRepository

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # a Wednesday: the ISO week is 30 Nov - 6 Dec
TODAY = date(2026, 12, 2)
YESTERDAY = TODAY - timedelta(days=1)
TOMORROW = TODAY + timedelta(days=1)
ASSISTANT = 7
OTHER = 8
ADMINS = frozenset({1})


async def _family(db: Database, code: str, assistant_id: int = ASSISTANT) -> int:
    """A family with one member, registered a month ago."""
    family = NewFamily(code=code, members=[Member(name="Anna", role=MemberRole.MOTHER)])
    return await FamilyRepository(db).add(family, assistant_id, NOW - timedelta(days=30))


async def _visit(db: Database, family_id: int, token: str, day: date, kind: VisitKind) -> None:
    """A completed visit or a missed attempt on a day."""
    completed = kind is VisitKind.COMPLETED
    draft = VisitDraft(
        token=token,
        family_id=family_id,
        kind=kind,
        visit_date=day,
        duration_min=60 if completed else None,
        place=Place.HOME if completed else None,
        missed_reason=None if completed else MissedReason.NOBODY_HOME,
    )
    await VisitRepository(db).add(draft, ASSISTANT, NOW)


async def _task(plans: PlanRepository, goal_id: int, due: date, stamp: Stamp) -> int:
    """A task of the assistant's under a goal."""
    return await plans.add_task(
        goal_id, NewTask(text="t", owner=TaskOwner.assistant(), due=due), stamp
    )


async def _appointment(db: Database, family_id: int, starts_at: datetime) -> int:
    """A scheduled appointment at school."""
    new = NewAppointment(
        family_id=family_id, institution=Institution.SCHOOL, starts_at=starts_at, purpose="p"
    )
    return await AppointmentRepository(db).add(new, ASSISTANT, NOW)


async def _centre(db: Database) -> dict[str, int]:
    """Three families: a busy one, one whose old plan ended, one of another person's."""
    people = PeopleRepository(db)
    await people.add_assistant(ASSISTANT, "Ola", NOW)
    await people.add_assistant(OTHER, "Ewa", NOW)
    busy, renewed = await _family(db, "R-01"), await _family(db, "R-02")
    other = await _family(db, "R-03", OTHER)
    await _visit(db, busy, "a", date(2026, 11, 27), VisitKind.COMPLETED)  # last week
    await _visit(db, busy, "b", date(2026, 11, 30), VisitKind.COMPLETED)
    await _visit(db, busy, "c", YESTERDAY, VisitKind.COMPLETED)
    await _visit(db, busy, "d", TODAY, VisitKind.MISSED)  # neither last visit nor counted

    plans = PlanRepository(db)
    stamp = Stamp(actor_id=ASSISTANT, day=date(2026, 6, 1), at=NOW)
    overdue = await plans.add_goal(
        busy, NewGoal(area=Area.HOUSING, text="g", due=YESTERDAY), stamp
    )
    achieved = await plans.add_goal(
        busy, NewGoal(area=Area.HOUSING, text="g", due=YESTERDAY), stamp
    )
    await plans.set_status(achieved, GoalStatus.ACHIEVED, stamp)
    ahead = await plans.add_goal(busy, NewGoal(area=Area.HEALTH, text="g", due=TOMORROW), stamp)
    await plans.set_status(ahead, GoalStatus.IN_PROGRESS, stamp)
    await plans.add_goal(busy, NewGoal(area=Area.HEALTH, text="g"), stamp)  # no due date
    await _task(plans, ahead, YESTERDAY, stamp)  # the one overdue task
    done = await _task(plans, ahead, YESTERDAY, stamp)
    await plans.set_task_done(done, True, stamp)
    await _task(plans, ahead, TOMORROW, stamp)
    await _task(plans, achieved, YESTERDAY, stamp)  # its goal is reached: not counted
    await _task(plans, overdue, TOMORROW, stamp)
    await plans.add_assessment(busy, date(2026, 7, 1), "s", stamp)
    await plans.add_assessment(busy, date(2026, 9, 1), "s", stamp)

    old = await plans.add_goal(renewed, NewGoal(area=Area.HOUSING, text="g", due=YESTERDAY), stamp)
    await _task(plans, old, YESTERDAY, stamp)
    async with db.write() as conn:  # the old plan ends; its open items are history
        await conn.execute(
            "UPDATE plans SET ended_on = '2026-10-01' WHERE family_id = ?", (renewed,)
        )
    later = Stamp(actor_id=ASSISTANT, day=date(2026, 10, 2), at=NOW)
    await plans.add_goal(renewed, NewGoal(area=Area.HOUSING, text="g", due=TOMORROW), later)

    await _appointment(db, busy, NOW + timedelta(days=2))
    cancelled = await _appointment(db, busy, NOW + timedelta(days=3))
    await AppointmentRepository(db).close(cancelled, AppointmentStatus.CANCELLED, "", NOW)
    await _appointment(db, busy, NOW - timedelta(days=1))  # past, still marked scheduled
    return {"R-01": busy, "R-02": renewed, "R-03": other}


def _by_code(families: list[TeamFamily]) -> dict[str, TeamFamily]:
    """The families by code."""
    return {f.code: f for f in families}


async def test_each_family_figure_counts_only_what_it_should(db: Database) -> None:
    ids = await _centre(db)
    team = TeamRepository(db, timezone="Europe/Warsaw")
    found = _by_code(await team.families(TODAY, NOW))
    assert set(found) == set(ids)

    busy = found["R-01"]
    assert busy.last_visit == YESTERDAY  # the missed attempt today does not count
    assert busy.visits_this_week == 2  # Monday and Tuesday; last Friday is last week
    assert busy.plan_started_on == date(2026, 6, 1)
    assert busy.last_assessment == date(2026, 9, 1)
    assert busy.open_appointments == 1  # neither the cancelled nor the past one
    assert busy.overdue_items == 2  # one open goal, one open task of an open goal
    assert busy.registered_on == date(2026, 11, 2)

    renewed = found["R-02"]
    assert renewed.plan_started_on == date(2026, 10, 2)  # the current plan, not the ended one
    assert renewed.overdue_items == 0  # the ended plan's goal and task are not counted
    assert renewed.last_visit is None
    assert renewed.visits_this_week == 0

    other = found["R-03"]
    assert other.assistant_id == OTHER
    assert (other.plan_started_on, other.last_assessment, other.overdue_items) == (None, None, 0)


async def test_one_trip_reads_the_same_as_each_read(db: Database) -> None:
    await _centre(db)
    team = TeamRepository(db, timezone="Europe/Warsaw")
    members, families = await team.members_and_families(ADMINS, TODAY, NOW)
    assert members == await team.members(ADMINS)
    assert families == await team.families(TODAY, NOW)
    assert [m.display_name for m in members] == ["Ewa", "Ola"]

    _, caseload = await team.members_and_families(ADMINS, TODAY, NOW, assistant_id=OTHER)
    assert [f.code for f in caseload] == ["R-03"]
    assert caseload == await team.families(TODAY, NOW, assistant_id=OTHER)


async def test_every_figure_is_read_from_an_index_alone(db: Database) -> None:
    sql, params = _families_query(TODAY, NOW, None)
    plan = " | ".join(
        str(r["detail"]) for r in await db.fetch_all(f"EXPLAIN QUERY PLAN {sql}", params)
    )
    for index in (
        "COVERING INDEX visits_completed_by_family",
        "COVERING INDEX assessments_by_family_day",
        "COVERING INDEX goals_open_by_plan",
        "COVERING INDEX tasks_open_by_goal",
        "INDEX plans_current",
    ):
        assert index in plan, plan
    assert "goals_by_due" not in plan, plan
    assert "tasks_by_due" not in plan, plan
