"""Help plans on a real SQLite file: lazy plan, goals with history, tasks, resources."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.family import Member, NewFamily
from bot.domain.plan import (
    OPEN_STATUSES,
    GoalEventKind,
    GoalStatus,
    Independence,
    NewGoal,
    NewTask,
    Stamp,
    TaskOwner,
)
from bot.domain.visit import VisitDraft
from bot.domain.vocabulary import Area, MemberRole, Place
from bot.storage import goals as goals_module
from bot.storage.db import Database
from bot.storage.families import FamilyRepository
from bot.storage.family_edits import FamilyEdits
from bot.storage.goals import OPEN_GOAL
from bot.storage.people import PeopleRepository
from bot.storage.plans import PlanRepository
from bot.storage.visits import VisitRepository

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
ASSISTANT = 7
STAMP = Stamp(actor_id=ASSISTANT, day=TODAY, at=NOW)


def test_the_sql_open_goal_is_the_domains_open_statuses() -> None:
    """The reminders, the digest and /team's count read Goal.is_task_overdue's open goal."""
    assert set(re.findall(r"'(\w+)'", OPEN_GOAL)) == {status.value for status in OPEN_STATUSES}


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES))
def test_no_storage_module_spells_an_open_status_itself(status: GoalStatus) -> None:
    """Every SQL on open goals (closing a case drops them too) is built from the domain's list."""
    storage = Path(goals_module.__file__).parent
    spelled = [
        module.name
        for module in sorted(storage.glob("*.py"))
        if re.search(rf"[\'\"]{status.value}[\'\"]", module.read_text(encoding="utf-8"))
    ]
    assert spelled == []


async def _family(db: Database, code: str = "R-01") -> int:
    """A family with one member, assigned to the assistant."""
    await PeopleRepository(db).add_assistant(ASSISTANT, "Assistant", NOW)
    family = NewFamily(code=code, members=[Member(name="Anna", role=MemberRole.MOTHER)])
    return await FamilyRepository(db).add(family, ASSISTANT, NOW)


def later(days: int) -> Stamp:
    """The assistant's stamp some days after TODAY."""
    return Stamp(
        actor_id=ASSISTANT, day=TODAY + timedelta(days=days), at=NOW + timedelta(days=days)
    )


async def test_plan_is_started_once_and_kept(db: Database) -> None:
    plans = PlanRepository(db)
    family_id = await _family(db)
    assert await plans.current_plan(family_id) is None
    first = await plans.ensure_plan(family_id, STAMP)
    again = await plans.ensure_plan(family_id, later(30))
    assert first == again
    assert first.started_on == TODAY


async def test_goal_history_keeps_every_change(db: Database) -> None:
    plans = PlanRepository(db)
    family_id = await _family(db)
    goal_id = await plans.add_goal(
        family_id,
        NewGoal(area=Area.HOUSING, text="Pay the rent arrears", due=date(2027, 3, 1)),
        STAMP,
    )
    assert await plans.current_plan(family_id) is not None  # started by the first goal
    assert await plans.set_status(goal_id, GoalStatus.IN_PROGRESS, later(1))
    assert not await plans.set_status(goal_id, GoalStatus.IN_PROGRESS, later(1))
    assert await plans.set_due(goal_id, date(2027, 4, 1), later(2))
    assert await plans.set_due(goal_id, None, later(3))
    assert not await plans.set_due(goal_id, None, later(3))
    await plans.add_progress(goal_id, "First instalment paid", later(4))
    await plans.add_progress(goal_id, "Second instalment paid", later(9))
    goal = await plans.goal(goal_id)
    assert goal is not None
    assert goal.status is GoalStatus.IN_PROGRESS
    assert goal.due is None
    assert goal.last_progress_on == TODAY + timedelta(days=9)
    events = await plans.events(goal_id)
    assert [(e.kind, e.old_value, e.new_value) for e in events] == [
        (GoalEventKind.CREATED, None, "planned"),
        (GoalEventKind.STATUS, "planned", "in_progress"),
        (GoalEventKind.DUE_DATE, "2027-03-01", "2027-04-01"),
        (GoalEventKind.DUE_DATE, "2027-04-01", None),
        (GoalEventKind.PROGRESS, None, None),
        (GoalEventKind.PROGRESS, None, None),
    ]
    assert events[4].text == "First instalment paid"
    assert all(e.actor_id == ASSISTANT for e in events)
    assert events[1].at == NOW + timedelta(days=1)


async def test_tasks_with_owners_ticks_and_independence(db: Database) -> None:
    plans = PlanRepository(db)
    family_id = await _family(db)
    family = await FamilyRepository(db).get(family_id)
    assert family is not None
    anna = family.members[0].id
    goal_id = await plans.add_goal(family_id, NewGoal(area=Area.MONEY, text="Budget"), STAMP)
    owners = [TaskOwner.member(anna), TaskOwner.assistant(), TaskOwner.of_institution("PUP")]
    ids = [
        await plans.add_task(
            goal_id,
            NewTask(
                text=f"task {n}",
                owner=owner,
                independence=Independence.SHOWN if n == 0 else None,
            ),
            STAMP,
        )
        for n, owner in enumerate(owners)
    ]
    assert await plans.set_independence(ids[0], Independence.TOGETHER, later(1))
    assert not await plans.set_independence(ids[0], Independence.TOGETHER, later(1))
    assert await plans.set_task_done(ids[1], True, later(2))
    assert not await plans.set_task_done(ids[1], True, later(2))
    assert await plans.set_task_done(ids[1], False, later(3))
    goal = await plans.goal(goal_id)
    assert goal is not None
    assert [t.owner for t in goal.tasks] == owners
    assert goal.tasks[0].independence is Independence.TOGETHER
    assert not goal.tasks[1].done
    assert await plans.family_of_task(ids[2]) == family_id
    kinds = [(e.kind, e.task_id) for e in await plans.events(goal_id)]
    assert kinds == [
        (GoalEventKind.CREATED, None),
        (GoalEventKind.TASK_ADDED, ids[0]),
        (GoalEventKind.TASK_ADDED, ids[1]),
        (GoalEventKind.TASK_ADDED, ids[2]),
        (GoalEventKind.INDEPENDENCE, ids[0]),
        (GoalEventKind.TASK_DONE, ids[1]),
        (GoalEventKind.TASK_REOPENED, ids[1]),
    ]


async def test_the_database_refuses_inconsistent_owners(db: Database) -> None:
    plans = PlanRepository(db)
    family_id = await _family(db)
    goal_id = await plans.add_goal(family_id, NewGoal(area=Area.MONEY, text="x"), STAMP)
    with pytest.raises(Exception, match="CHECK"):
        async with db.write() as conn:
            await conn.execute(
                "INSERT INTO tasks (goal_id, text, owner_kind, created_by, created_at) "
                "VALUES (?, 't', 'member', 7, 'x')",
                (goal_id,),
            )


async def test_goals_come_in_the_order_of_work_with_their_tasks(db: Database) -> None:
    plans = PlanRepository(db)
    family_id = await _family(db)
    other = await _family(db, "R-02")
    for area in (Area.EMPLOYMENT, Area.HOUSING, Area.EMOTIONS):
        goal_id = await plans.add_goal(family_id, NewGoal(area=area, text=area.value), STAMP)
        await plans.add_task(
            goal_id, NewTask(text=f"do {area.value}", owner=TaskOwner.assistant()), STAMP
        )
    await plans.add_goal(other, NewGoal(area=Area.HOUSING, text="other family"), STAMP)
    goals = await plans.goals(family_id)
    assert [g.area for g in goals] == [Area.HOUSING, Area.EMOTIONS, Area.EMPLOYMENT]
    assert [[t.text for t in g.tasks] for g in goals] == [
        ["do housing"],
        ["do emotions"],
        ["do employment"],
    ]


async def test_visit_progress_links_each_goal_once(db: Database) -> None:
    plans = PlanRepository(db)
    family_id = await _family(db)
    other = await _family(db, "R-02")
    mine = await plans.add_goal(family_id, NewGoal(area=Area.HEALTH, text="mine"), STAMP)
    theirs = await plans.add_goal(other, NewGoal(area=Area.HEALTH, text="theirs"), STAMP)
    draft = VisitDraft(
        token="tok", family_id=family_id, visit_date=TODAY, duration_min=60, place=Place.HOME
    )
    visit_id = (await VisitRepository(db).add(draft, ASSISTANT, NOW)).visit.id
    assert await plans.family_of_visit(visit_id) == family_id
    visit_day = Stamp(actor_id=ASSISTANT, day=date(2026, 11, 23), at=NOW)
    added = await plans.add_visit_progress(
        family_id, [mine, theirs, mine], visit_id, "", visit_day
    )
    assert added == [mine]
    assert await plans.add_visit_progress(family_id, [mine], visit_id, "", visit_day) == []
    events = await plans.events(mine)
    assert [(e.kind, e.visit_id, e.day) for e in events[1:]] == [
        (GoalEventKind.PROGRESS, visit_id, date(2026, 11, 23))
    ]
    assert len(await plans.events(theirs)) == 1


async def test_assessments_latest_by_date(db: Database) -> None:
    plans = PlanRepository(db)
    family_id = await _family(db)
    await plans.add_assessment(family_id, date(2026, 11, 20), "second", STAMP)
    await plans.add_assessment(family_id, date(2026, 5, 20), "first, typed in later", later(1))
    last = await plans.last_assessment(family_id)
    assert last is not None
    assert last.summary == "second"
    assert [a.summary for a in await plans.assessments(family_id)] == [
        "second",
        "first, typed in later",
    ]
    assert await plans.current_plan(family_id) is not None


async def test_an_assessment_draft_is_saved_once_per_author(db: Database) -> None:
    plans = PlanRepository(db)
    family_id = await _family(db)
    first = await plans.add_assessment(family_id, TODAY, "saved", STAMP, "abc123")
    again = await plans.add_assessment(family_id, TODAY, "typed again", STAMP, "abc123")
    assert again.id == first.id
    assert again.summary == "saved"
    assert await plans.assessment_saved("abc123", ASSISTANT)
    assert not await plans.assessment_saved("abc123", ASSISTANT + 1)  # tokens are per author
    other = Stamp(actor_id=ASSISTANT + 1, day=TODAY, at=NOW)
    await plans.add_assessment(family_id, TODAY, "another author's draft", other, "abc123")
    await plans.add_assessment(family_id, TODAY, "outside a walk", STAMP)
    await plans.add_assessment(family_id, TODAY, "outside a walk, again", STAMP)
    assert len(await plans.assessments(family_id)) == 4


async def test_removed_resources_stay_on_record(db: Database) -> None:
    plans = PlanRepository(db)
    family_id = await _family(db)
    kept = await plans.add_resource(family_id, "Grandmother helps with the children", STAMP)
    gone = await plans.add_resource(family_id, "Father's steady job", STAMP)
    assert await plans.remove_resource(gone.id, later(1))
    assert not await plans.remove_resource(gone.id, later(2))
    assert await plans.family_of_resource(gone.id) is None
    assert await plans.family_of_resource(kept.id) == family_id
    assert [r.text for r in await plans.resources(family_id)] == [kept.text]
    row = await db.fetch_one(
        "SELECT text, removed_by, removed_at FROM resources WHERE id = ?", (gone.id,)
    )
    assert row == {
        "text": "Father's steady job",
        "removed_by": ASSISTANT,
        "removed_at": (NOW + timedelta(days=1)).isoformat(),
    }


async def test_goals_of_an_ended_plan_are_history_not_the_current_plan(db: Database) -> None:
    plans = PlanRepository(db)
    family_id = await _family(db)
    old_goal = await plans.add_goal(family_id, NewGoal(area=Area.HOUSING, text="old"), STAMP)
    async with db.write() as conn:  # no use case ends a plan yet; the schema already allows it
        await conn.execute("UPDATE plans SET ended_on = ? WHERE family_id = ?", ("2027-01-01", 1))
    new_goal = await plans.add_goal(family_id, NewGoal(area=Area.HOUSING, text="new"), later(40))
    assert [g.id for g in await plans.goals(family_id)] == [new_goal]
    assert (await plans.goal(old_goal)) is not None
    plan = await plans.current_plan(family_id)
    assert plan is not None
    assert plan.started_on == TODAY + timedelta(days=40)


async def test_a_plans_contents_in_one_read_are_what_the_single_reads_give(db: Database) -> None:
    plans = PlanRepository(db)
    family_id = await _family(db)
    other = await _family(db, "R-02")
    assert await plans.contents(family_id) == (None, None, [], [])
    await plans.add_goal(family_id, NewGoal(area=Area.HOUSING, text="old plan's"), STAMP)
    async with db.write() as conn:
        await conn.execute("UPDATE plans SET ended_on = ? WHERE family_id = ?", ("2027-01-01", 1))
    work = await plans.add_goal(family_id, NewGoal(area=Area.EMPLOYMENT, text="work"), later(1))
    home = await plans.add_goal(family_id, NewGoal(area=Area.HOUSING, text="home"), later(1))
    await plans.add_goal(other, NewGoal(area=Area.HOUSING, text="other family's"), later(1))
    family = await FamilyRepository(db).get(family_id)
    assert family is not None
    member = family.members[0].id
    owners = [TaskOwner.member(member), TaskOwner.assistant(), TaskOwner.of_institution("PUP")]
    for n, goal_id in enumerate([work, home, work, home, work, home]):  # ids interleave goals
        task = NewTask(text=f"task {n}", owner=owners[n % 3], independence=Independence.ALONE)
        await plans.add_task(goal_id, task, later(2))
    await plans.set_status(work, GoalStatus.ACHIEVED, later(3))
    await plans.add_progress(home, "went well", later(4))
    await plans.add_assessment(family_id, TODAY + timedelta(days=5), "latest", later(5))
    await plans.add_assessment(family_id, TODAY + timedelta(days=2), "earlier", later(6))
    kept = await plans.add_resource(family_id, "kept", later(6))
    gone = await plans.add_resource(family_id, "gone", later(6))
    await plans.remove_resource(gone.id, later(7))

    contents = await plans.contents(family_id)
    assert contents == (
        await plans.current_plan(family_id),
        await plans.last_assessment(family_id),
        await plans.goals(family_id),
        await plans.resources(family_id),
    )
    assert [g.text for g in contents.goals] == ["home", "work"]
    assert [[t.text for t in g.tasks] for g in contents.goals] == [
        ["task 1", "task 3", "task 5"],
        ["task 0", "task 2", "task 4"],
    ]
    assert [t.owner for t in contents.goals[1].tasks] == [owners[0], owners[2], owners[1]]
    assert contents.goals[0].last_progress_on == TODAY + timedelta(days=4)
    assert contents.goals[0] == await plans.goal(home)
    assert contents.last_assessment is not None
    assert contents.last_assessment.summary == "latest"
    assert contents.resources == [kept]


async def test_the_work_begins_with_the_registration_or_the_first_contract(db: Database) -> None:
    family_id = await _family(db)  # registered on NOW's day, no contract
    plans = PlanRepository(db)
    start = await plans.case_start(family_id)
    assert start is not None
    assert (start.code, start.registered_on, start.first_contract_on) == ("R-01", TODAY, None)
    edits = FamilyEdits(db)
    await edits.correct_contract(family_id, date(2026, 3, 1), date(2026, 12, 31))
    await edits.renew_contract(family_id, TODAY, date(2027, 12, 31), STAMP)
    start = await plans.case_start(family_id)
    assert start is not None
    assert start.first_contract_on == date(2026, 3, 1)  # the replaced one, in the history
    assert start.day == date(2026, 3, 1)
    assert await plans.case_start(family_id + 100) is None
