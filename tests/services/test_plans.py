"""PlanService: who may read and change a plan, the lazy plan, the rules, visit progress."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.config import Settings
from bot.domain.errors import DomainError, NotAllowed, NotFound
from bot.domain.family import Member, NewFamily
from bot.domain.people import Actor
from bot.domain.plan import GoalEventKind, GoalStatus, Independence, TaskOwner
from bot.domain.visit import VisitDraft
from bot.domain.vocabulary import Area, MemberRole, Place
from bot.services.registry import Services
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.people import PeopleRepository
from tests.support.harness import ADMIN_ID

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
TODAY = date(2026, 11, 25)
CONTRACT_SIGNED = date(2025, 9, 1)
OWNER = Actor(telegram_id=1001, is_assistant=True)
OTHER = Actor(telegram_id=1002, is_assistant=True)
ADMIN = Actor(telegram_id=ADMIN_ID, is_admin=True)
STRANGER = Actor(telegram_id=9999)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class World:
    """Two assistants with a family each; the owner's family has a goal, task and resource."""

    services: Services
    family_id: int
    other_family_id: int
    member_id: int
    goal_id: int
    task_id: int
    resource_id: int
    visit_id: int


@pytest.fixture
async def world(settings: Settings, db: Database) -> World:
    """The owner's family R-01 (with Anna) and the other assistant's family R-02.

    R-01's contract was signed a year and more before it came into the bot: assessments
    of that work, up to a year back, are typed in after.
    """
    services = Services.build(settings, db)
    people = PeopleRepository(db)
    await people.add_assistant(OWNER.telegram_id, "Owner", NOW)
    await people.add_assistant(OTHER.telegram_id, "Other", NOW)
    anna = Member(name="Anna", role=MemberRole.MOTHER)
    family_id, _ = await services.families.register(
        OWNER, NewFamily(code="R-01", members=[anna], contract_signed_on=CONTRACT_SIGNED)
    )
    other_family_id, _ = await services.families.register(OTHER, NewFamily(code="R-02"))
    family = await services.families.peek(OWNER, family_id)
    plans = services.plans
    goal = await plans.add_goal(OWNER, family_id, Area.HOUSING, "Pay the rent arrears")
    task = await plans.add_task(OWNER, goal.id, "Call the housing office", TaskOwner.assistant())
    resource = await plans.add_resource(OWNER, family_id, "Grandmother helps")
    saved = await services.visits.record(
        OWNER,
        VisitDraft(
            token="visit-1",
            family_id=family_id,
            visit_date=date(2026, 11, 24),
            duration_min=60,
            place=Place.HOME,
            present=[family.members[0].id],
        ),
    )
    return World(
        services=services,
        family_id=family_id,
        other_family_id=other_family_id,
        member_id=family.members[0].id,
        goal_id=goal.id,
        task_id=task.id,
        resource_id=resource.id,
        visit_id=saved.visit.id,
    )


Write = Callable[[World, Actor], Awaitable[object]]

WRITES: dict[str, Write] = {
    "add_goal": lambda w, a: w.services.plans.add_goal(a, w.family_id, Area.HEALTH, "x"),
    "change_status": lambda w, a: w.services.plans.change_status(a, w.goal_id, GoalStatus.DROPPED),
    "add_progress_note": lambda w, a: w.services.plans.add_progress_note(a, w.goal_id, "x"),
    "change_due_date": lambda w, a: w.services.plans.change_due_date(a, w.goal_id, TODAY),
    "add_task": lambda w, a: w.services.plans.add_task(a, w.goal_id, "x", TaskOwner.assistant()),
    "set_task_done": lambda w, a: w.services.plans.set_task_done(a, w.task_id, True),
    "change_independence": lambda w, a: w.services.plans.change_independence(
        a, w.task_id, Independence.ALONE
    ),
    "record_assessment": lambda w, a: w.services.plans.record_assessment(
        a, w.family_id, TODAY, "x"
    ),
    "add_resource": lambda w, a: w.services.plans.add_resource(a, w.family_id, "x"),
    "remove_resource": lambda w, a: w.services.plans.remove_resource(a, w.resource_id),
    "record_visit_progress": lambda w, a: w.services.plans.record_visit_progress(
        a, w.family_id, [w.goal_id], w.visit_id, day=TODAY
    ),
    "open_goals": lambda w, a: w.services.plans.open_goals(a, w.family_id),
    "resources": lambda w, a: w.services.plans.resources(a, w.family_id),
    "next_assessment": lambda w, a: w.services.plans.next_assessment(a, w.family_id),
}


async def _history(world: World) -> list[tuple[int, str]]:
    """Everything about the owner's family: goal history rows and the access log."""
    events = await world.services.plans.plans.events(world.goal_id)
    log = await world.services.families.audit.entries(world.family_id)
    return [(e.id, e.kind.value) for e in events] + log


@pytest.mark.parametrize("name", list(WRITES))
@pytest.mark.parametrize("actor", [OTHER, ADMIN], ids=["other assistant", "admin"])
async def test_only_the_familys_assistant_may_change_the_plan(
    world: World, name: str, actor: Actor
) -> None:
    before = await _history(world)
    # Another assistant learns nothing; an admin may read the family, so is told it is read-only.
    refusal = NotAllowed if actor.is_admin else NotFound
    with pytest.raises(refusal):
        await WRITES[name](world, actor)
    assert await _history(world) == before  # nothing written, not even a log line
    await WRITES[name](world, OWNER)


@pytest.mark.parametrize("name", list(WRITES))
async def test_strangers_are_refused_outright(world: World, name: str) -> None:
    with pytest.raises(NotAllowed):
        await WRITES[name](world, STRANGER)


async def test_forged_ids_look_the_same_as_missing_ones(world: World) -> None:
    plans = world.services.plans
    other_goal = await plans.add_goal(OTHER, world.other_family_id, Area.MONEY, "theirs")
    for goal_id in (other_goal.id, 10_000):
        with pytest.raises(NotFound) as caught:
            await plans.add_progress_note(OWNER, goal_id, "x")
        assert caught.value.code == "goal_unknown"
        assert caught.value.details == {}
    with pytest.raises(NotFound, match="task_unknown"):
        await plans.set_task_done(OTHER, world.task_id, True)
    with pytest.raises(NotFound, match="resource_unknown"):
        await plans.remove_resource(OTHER, world.resource_id)


async def test_admin_reads_without_starting_a_plan(world: World) -> None:
    plans = world.services.plans
    view = await plans.plan_for(ADMIN, "r-01", include_closed=True)
    assert view.plan is not None
    assert [g.text for g in view.goals] == ["Pay the rent arrears"]
    detail = await plans.goal(ADMIN, world.goal_id)
    assert [e.kind for e in detail.events] == [GoalEventKind.CREATED, GoalEventKind.TASK_ADDED]
    assert await plans.assessments(ADMIN, world.family_id) == []
    untouched = await plans.plan_for(ADMIN, world.other_family_id)
    assert untouched.plan is None
    assert await plans.plans.current_plan(world.other_family_id) is None
    log = await AuditRepository(plans.plans.db).entries(world.family_id)
    assert (ADMIN_ID, "read.plan") in log
    assert (ADMIN_ID, "read.goal") in log
    with pytest.raises(NotFound):
        await plans.plan_for(OTHER, "R-01")


async def test_the_plan_starts_the_first_time_its_assistant_looks(world: World) -> None:
    plans = world.services.plans
    view = await plans.plan_for(OTHER, world.other_family_id)
    assert view.plan is not None
    assert view.plan.started_on == TODAY
    assert view.next_assessment_due() == date(2027, 5, 25)
    assert view.goals == ()
    assert await plans.next_assessment(OTHER, world.other_family_id) == date(2027, 5, 25)


async def test_goal_rules_and_history(world: World) -> None:
    plans = world.services.plans
    with pytest.raises(DomainError, match="date_past"):
        await plans.add_goal(OWNER, world.family_id, Area.HEALTH, "x", due=date(2026, 11, 24))
    with pytest.raises(DomainError, match="text_empty"):
        await plans.add_goal(OWNER, world.family_id, Area.HEALTH, "   ")
    with pytest.raises(DomainError, match="text_too_long"):
        await plans.add_goal(OWNER, world.family_id, Area.HEALTH, "x" * 301)
    goal = await plans.add_goal(
        OWNER, world.family_id, Area.HEALTH, " Dentist ", expected_effect=" ", due=TODAY
    )
    assert (goal.text, goal.expected_effect, goal.due) == ("Dentist", None, TODAY)
    with pytest.raises(DomainError) as caught:
        await plans.change_status(OWNER, world.goal_id, GoalStatus.ACHIEVED)
    assert (caught.value.code, caught.value.details) == ("goal_open_tasks", {"count": 1})
    achieved = await plans.change_status(
        OWNER, world.goal_id, GoalStatus.ACHIEVED, confirm_open_tasks=True
    )
    assert achieved.status is GoalStatus.ACHIEVED
    with pytest.raises(DomainError, match="goal_closed"):
        await plans.change_due_date(OWNER, world.goal_id, date(2027, 1, 1))
    with pytest.raises(DomainError, match="goal_closed"):
        await plans.add_task(OWNER, world.goal_id, "late", TaskOwner.assistant())
    reopened = await plans.change_status(OWNER, world.goal_id, GoalStatus.IN_PROGRESS)
    assert reopened.is_open
    with pytest.raises(DomainError, match="date_past"):
        await plans.change_due_date(OWNER, world.goal_id, date(2026, 1, 1))
    moved = await plans.change_due_date(OWNER, world.goal_id, date(2027, 1, 1))
    assert moved.due == date(2027, 1, 1)
    detail = await plans.goal(OWNER, world.goal_id)
    assert [(e.kind, e.old_value, e.new_value) for e in detail.events[2:]] == [
        (GoalEventKind.STATUS, "planned", "achieved"),
        (GoalEventKind.STATUS, "achieved", "in_progress"),
        (GoalEventKind.DUE_DATE, None, "2027-01-01"),
    ]


async def test_tasks_owners_and_independence(world: World) -> None:
    plans = world.services.plans
    with pytest.raises(NotFound, match="member_unknown"):
        await plans.add_task(OWNER, world.goal_id, "x", TaskOwner.member(world.member_id + 99))
    with pytest.raises(DomainError, match="text_too_long"):
        await plans.add_task(OWNER, world.goal_id, "x", TaskOwner.of_institution("P" * 41))
    with pytest.raises(DomainError, match="date_past"):
        await plans.add_task(
            OWNER, world.goal_id, "x", TaskOwner.assistant(), due=date(2026, 11, 1)
        )
    anna = await plans.add_task(
        OWNER, world.goal_id, "Fill in the form", TaskOwner.member(world.member_id)
    )
    assert anna.independence is Independence.SHOWN
    office = await plans.add_task(
        OWNER, world.goal_id, "Decide", TaskOwner.of_institution("  MOPS\x00 ")
    )
    assert office.owner.institution == "MOPS"
    assert office.independence is None
    moved = await plans.change_independence(OWNER, anna.id, Independence.SUPPORTED)
    assert moved.independence is Independence.SUPPORTED
    assert (await plans.set_task_done(OWNER, anna.id, True)).done
    assert (await plans.set_task_done(OWNER, anna.id, True)).done  # a double press adds nothing
    detail = await plans.goal(OWNER, world.goal_id)
    kinds = [e.kind for e in detail.events]
    assert kinds.count(GoalEventKind.TASK_DONE) == 1
    assert GoalEventKind.INDEPENDENCE in kinds


async def test_visit_progress_is_linked_and_dated(world: World) -> None:
    plans = world.services.plans
    other_goal = await plans.add_goal(OTHER, world.other_family_id, Area.MONEY, "theirs")
    second = await plans.add_goal(OWNER, world.family_id, Area.EMOTIONS, "Calmer mornings")
    day = date(2026, 11, 24)
    added = await plans.record_visit_progress(
        OWNER, world.family_id, [world.goal_id, other_goal.id, second.id], world.visit_id, day=day
    )
    assert added == [world.goal_id, second.id]
    again = await plans.record_visit_progress(
        OWNER, world.family_id, [world.goal_id], world.visit_id, day=day
    )
    assert again == []
    detail = await plans.goal(OWNER, world.goal_id)
    progress = [e for e in detail.events if e.kind is GoalEventKind.PROGRESS]
    assert [(e.visit_id, e.day, e.actor_id) for e in progress] == [
        (world.visit_id, day, OWNER.telegram_id)
    ]
    assert detail.goal.last_progress_on == day
    theirs = await plans.goal(OTHER, other_goal.id)
    assert [e.kind for e in theirs.events] == [GoalEventKind.CREATED]
    other_visit = await world.services.visits.record(
        OTHER,
        VisitDraft(
            token="visit-2",
            family_id=world.other_family_id,
            visit_date=day,
            duration_min=60,
            place=Place.HOME,
        ),
    )
    with pytest.raises(NotFound, match="visit_unknown"):
        await plans.record_visit_progress(
            OWNER, world.family_id, [world.goal_id], other_visit.visit.id, day=day
        )
    with pytest.raises(NotFound, match="visit_unknown"):
        await plans.add_progress_note(OWNER, world.goal_id, "x", visit_id=other_visit.visit.id)
    noted = await plans.add_progress_note(
        OWNER, world.goal_id, "Talked it through", world.visit_id
    )
    assert noted.last_progress_on == TODAY


async def test_assessments_say_when_the_next_is_due(world: World) -> None:
    plans = world.services.plans
    with pytest.raises(DomainError, match="assessment_future"):
        await plans.record_assessment(OWNER, world.family_id, date(2026, 11, 26), "x")
    with pytest.raises(DomainError, match="text_too_long"):
        await plans.record_assessment(OWNER, world.family_id, TODAY, "x" * 2001)
    assert await plans.record_assessment(
        OWNER, world.family_id, date(2026, 8, 31), "Stable housing"
    ) == date(2027, 2, 28)
    # An older assessment typed in later does not move the next due date back.
    assert await plans.record_assessment(
        OWNER, world.family_id, date(2026, 3, 1), "Backfilled"
    ) == date(2027, 2, 28)
    view = await plans.plan_for(OWNER, world.family_id)
    assert view.next_assessment_due() == date(2027, 2, 28)
    assert [a.summary for a in await plans.assessments(OWNER, world.family_id)] == [
        "Stable housing",
        "Backfilled",
    ]


async def test_resources_are_added_and_removed_once(world: World) -> None:
    plans = world.services.plans
    with pytest.raises(DomainError, match="text_too_long"):
        await plans.add_resource(OWNER, world.family_id, "x" * 201)
    await plans.remove_resource(OWNER, world.resource_id)
    with pytest.raises(NotFound, match="resource_unknown"):
        await plans.remove_resource(OWNER, world.resource_id)
    assert await plans.resources(OWNER, world.family_id) == []


async def test_dates_out_of_bounds_are_refused_and_nothing_is_saved(world: World) -> None:
    plans = world.services.plans
    before = await plans.plan_for(OWNER, world.family_id)
    # 01.01.1800 was saved and made the family 82,698 days overdue for an assessment.
    with pytest.raises(DomainError, match="date_too_old"):
        await plans.record_assessment(OWNER, world.family_id, date(1800, 1, 1), "x")
    with pytest.raises(DomainError, match="date_too_far"):
        await plans.add_goal(OWNER, world.family_id, Area.HEALTH, "x", due=date(2099, 1, 1))
    with pytest.raises(DomainError, match="date_too_far"):
        await plans.change_due_date(OWNER, world.goal_id, date(2028, 11, 26))
    with pytest.raises(DomainError, match="date_too_far"):
        await plans.add_task(
            OWNER, world.goal_id, "x", TaskOwner.assistant(), due=date(2099, 1, 1)
        )
    after = await plans.plan_for(OWNER, world.family_id)
    assert after.last_assessment is None
    assert after.goals == before.goals
    assert await plans.assessments(OWNER, world.family_id) == []
    # The edges are kept: two years ahead, a year back.
    assert (await plans.change_due_date(OWNER, world.goal_id, date(2028, 11, 25))).due == date(
        2028, 11, 25
    )
    await plans.record_assessment(OWNER, world.family_id, date(2025, 11, 24), "A year ago")


INVISIBLE = "\u200b\u200d \ufeff\u2060"


async def test_text_that_shows_nothing_is_refused_and_bidi_is_dropped(world: World) -> None:
    plans = world.services.plans
    before = await plans.plan_for(OWNER, world.family_id)
    refused = [
        plans.add_goal(OWNER, world.family_id, Area.HEALTH, INVISIBLE),
        plans.add_goal(OWNER, world.family_id, Area.HEALTH, "x", expected_effect=INVISIBLE),
        plans.add_progress_note(OWNER, world.goal_id, INVISIBLE),
        plans.add_task(OWNER, world.goal_id, INVISIBLE, TaskOwner.assistant()),
        plans.add_task(OWNER, world.goal_id, "x", TaskOwner.of_institution(INVISIBLE)),
        plans.record_assessment(OWNER, world.family_id, TODAY, INVISIBLE),
        plans.add_resource(OWNER, world.family_id, INVISIBLE),
    ]
    for call in refused:
        with pytest.raises(DomainError, match="text_invisible"):
            await call
    after = await plans.plan_for(OWNER, world.family_id)
    assert after.goals == before.goals
    assert after.resources == before.resources
    assert after.last_assessment is None
    resource = await plans.add_resource(OWNER, world.family_id, "\u202eGrandma 👩\u200d👧")
    assert resource.text == "Grandma 👩\u200d👧"
