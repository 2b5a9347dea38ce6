"""The access log: every refusal on a family is a 'denied' row; a refused change leaves none."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.config import Settings
from bot.domain.appointment import AppointmentStatus, Institution, NewAppointment
from bot.domain.audit import Denial
from bot.domain.errors import DomainError, NotAllowed, NotFound
from bot.domain.family import Member, NewFamily
from bot.domain.people import Actor
from bot.domain.plan import GoalStatus, Independence, TaskOwner
from bot.domain.visit import VisitDraft
from bot.domain.vocabulary import Area, MemberRole, Place
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository
from tests.support.harness import ADMIN_ID
from tests.support.mornings import expand_mornings

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY = date(2026, 12, 7)
NOW = datetime.combine(MONDAY, time(8), tzinfo=WARSAW)  # after the 07:30 digest
OWNER = Actor(telegram_id=1001, is_assistant=True)
OTHER = Actor(telegram_id=1002, is_assistant=True)
ADMIN = Actor(telegram_id=ADMIN_ID, is_admin=True)
COORDINATOR = Actor(telegram_id=1003, is_coordinator=True)
STRANGER_ID = 4242


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Coordinates]:
    """Monday 8:00 in Warsaw."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@dataclass
class World:
    """The owner's R-01 with one of everything a button can name; the other's R-02."""

    services: Services
    family_id: int
    other_family_id: int
    member_id: int
    goal_id: int
    task_id: int
    resource_id: int
    visit_id: int
    appointment_id: int
    reminder_id: int

    async def denials(self, actor: Actor) -> list[Denial]:
        """What the actor was refused, oldest first."""
        return await self.services.families.audit.denials_by(actor.telegram_id)

    async def accesses(self) -> list[tuple[int, str]]:
        """The allowed rows about the owner's family."""
        return await self.services.families.audit.entries(self.family_id)


@pytest.fixture
async def world(settings: Settings, db: Database) -> World:
    """R-01 registered a month ago and last visited ten days ago: its overdue reminder is due."""
    services = Services.build(settings, db)
    people = PeopleRepository(db)
    month_ago = NOW - timedelta(days=30)
    await people.add_assistant(OWNER.telegram_id, "Owner", month_ago)
    await people.add_assistant(OTHER.telegram_id, "Other", month_ago)
    with time_machine.travel(month_ago, tick=False):
        family_id, _ = await services.families.register(
            OWNER, NewFamily(code="R-01", members=[Member(name="Anna", role=MemberRole.MOTHER)])
        )
        other_id, _ = await services.families.register(OTHER, NewFamily(code="R-02"))
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
            visit_date=MONDAY - timedelta(days=10),
            duration_min=60,
            place=Place.HOME,
            present=[family.members[0].id],
        ),
    )
    appointment = await services.appointments.create(
        OWNER,
        NewAppointment(
            family_id=family_id,
            institution=Institution.COURT,
            starts_at=NOW + timedelta(days=1),
            accompany=True,
            purpose="Hearing",
        ),
    )
    await services.reminders.tick()
    await expand_mornings(services)
    [row] = await db.fetch_all(
        "SELECT id FROM outbox WHERE kind = 'overdue_visit' AND subject = ?",
        (f"family:{family_id}",),
    )
    return World(
        services=services,
        family_id=family_id,
        other_family_id=other_id,
        member_id=family.members[0].id,
        goal_id=goal.id,
        task_id=task.id,
        resource_id=resource.id,
        visit_id=saved.visit.id,
        appointment_id=appointment.id,
        reminder_id=int(row["id"]),
    )


def _new_appointment(world: World) -> NewAppointment:
    """An appointment for the owner's family tomorrow."""
    return NewAppointment(
        family_id=world.family_id,
        institution=Institution.PUP,
        starts_at=NOW + timedelta(days=1),
        accompany=False,
        purpose="x",
    )


def _draft(world: World, token: str, day: date) -> VisitDraft:
    """A complete visit draft for the owner's family."""
    return VisitDraft(
        token=token,
        family_id=world.family_id,
        visit_date=day,
        duration_min=30,
        place=Place.PHONE,
        present=[world.member_id],
    )


Call = Callable[[World, Actor], Awaitable[object]]
Detail = Callable[[World], str]

# Every service entry that takes a family, a family's code or an object of a family:
# the call, the action its denied row names, and what the row says was tried.
ENTRIES: dict[str, tuple[Call, str, Detail]] = {
    "plan_for by id": (
        lambda w, a: w.services.plans.plan_for(a, w.family_id),
        "read.plan",
        lambda w: "",
    ),
    "plan_for by code": (
        lambda w, a: w.services.plans.plan_for(a, "r-01"),
        "read.plan",
        lambda w: "code=R-01",
    ),
    "goal": (
        lambda w, a: w.services.plans.goal(a, w.goal_id),
        "read.goal",
        lambda w: f"goal={w.goal_id}",
    ),
    "open_goals": (
        lambda w, a: w.services.plans.open_goals(a, w.family_id),
        "plan.goals.open",
        lambda w: "",
    ),
    "goals": (lambda w, a: w.services.plans.goals(a, w.family_id), "plan.goals.all", lambda w: ""),
    "resources": (
        lambda w, a: w.services.plans.resources(a, w.family_id),
        "plan.resources",
        lambda w: "",
    ),
    "assessments": (
        lambda w, a: w.services.plans.assessments(a, w.family_id),
        "read.assessments",
        lambda w: "",
    ),
    "next_assessment": (
        lambda w, a: w.services.plans.next_assessment(a, w.family_id),
        "plan.assessment.next",
        lambda w: "",
    ),
    "add_goal": (
        lambda w, a: w.services.plans.add_goal(a, w.family_id, Area.HEALTH, "x"),
        "plan.goal.add",
        lambda w: "",
    ),
    "change_status": (
        lambda w, a: w.services.plans.change_status(a, w.goal_id, GoalStatus.DROPPED),
        "plan.goal.status",
        lambda w: f"goal={w.goal_id}",
    ),
    "add_progress_note": (
        lambda w, a: w.services.plans.add_progress_note(a, w.goal_id, "x"),
        "plan.goal.progress",
        lambda w: f"goal={w.goal_id}",
    ),
    "change_due_date": (
        lambda w, a: w.services.plans.change_due_date(a, w.goal_id, MONDAY),
        "plan.goal.due",
        lambda w: f"goal={w.goal_id}",
    ),
    "record_visit_progress": (
        lambda w, a: w.services.plans.record_visit_progress(
            a, w.family_id, [w.goal_id], w.visit_id, day=MONDAY
        ),
        "plan.visit_progress",
        lambda w: "",
    ),
    "add_task": (
        lambda w, a: w.services.plans.add_task(a, w.goal_id, "x", TaskOwner.assistant()),
        "plan.task.add",
        lambda w: f"goal={w.goal_id}",
    ),
    "set_task_done": (
        lambda w, a: w.services.plans.set_task_done(a, w.task_id, True),
        "plan.task.done",
        lambda w: f"task={w.task_id}",
    ),
    "change_independence": (
        lambda w, a: w.services.plans.change_independence(a, w.task_id, Independence.ALONE),
        "plan.task.independence",
        lambda w: f"task={w.task_id}",
    ),
    "record_assessment": (
        lambda w, a: w.services.plans.record_assessment(a, w.family_id, MONDAY, "x"),
        "plan.assessment",
        lambda w: "",
    ),
    "add_resource": (
        lambda w, a: w.services.plans.add_resource(a, w.family_id, "x"),
        "plan.resource.add",
        lambda w: "",
    ),
    "remove_resource": (
        lambda w, a: w.services.plans.remove_resource(a, w.resource_id),
        "plan.resource.remove",
        lambda w: f"resource={w.resource_id}",
    ),
    "appointment create": (
        lambda w, a: w.services.appointments.create(a, _new_appointment(w)),
        "appointment.create",
        lambda w: "",
    ),
    "appointment get": (
        lambda w, a: w.services.appointments.get(a, w.appointment_id),
        "read.appointment",
        lambda w: f"appointment={w.appointment_id}",
    ),
    "appointment cancel": (
        lambda w, a: w.services.appointments.cancel(a, w.appointment_id),
        "appointment.cancel",
        lambda w: f"appointment={w.appointment_id}",
    ),
    "appointment move": (
        lambda w, a: w.services.appointments.move(a, w.appointment_id, NOW + timedelta(days=2)),
        "appointment.move",
        lambda w: f"appointment={w.appointment_id}",
    ),
    "appointment outcome": (
        lambda w, a: w.services.appointments.record_outcome(
            a,
            w.appointment_id,
            AppointmentStatus.RESCHEDULED,
            new_starts_at=NOW + timedelta(days=2),
        ),
        "appointment.outcome",
        lambda w: f"appointment={w.appointment_id}",
    ),
    "visit record": (
        lambda w, a: w.services.visits.record(a, _draft(w, "forged", MONDAY)),
        "visit.record",
        lambda w: "",
    ),
    "visit listing": (
        lambda w, a: w.services.visits.recent(a, "R-01"),
        "read.visits",
        lambda w: "code=R-01",
    ),
    "family card": (
        lambda w, a: w.services.families.open_family(a, w.family_id, "read.card"),
        "read.card",
        lambda w: "",
    ),
    "walk by code": (
        lambda w, a: w.services.families.open_by_code(a, "R-01", "visit.start"),
        "visit.start",
        lambda w: "code=R-01",
    ),
    "walk step": (
        lambda w, a: w.services.families.peek(a, w.family_id),
        "walk.step",
        lambda w: "",
    ),
    "assign": (
        lambda w, a: w.services.team.hand_over(a, "R-01", a.telegram_id),
        "family.assign",
        lambda w: "code=R-01",
    ),
    "reminder button": (
        lambda w, a: w.services.reminders.snooze(a, w.reminder_id, NOW + timedelta(hours=1)),
        "reminder.open",
        lambda w: f"reminder={w.reminder_id}",
    ),
}


@pytest.mark.parametrize("name", list(ENTRIES))
async def test_another_assistant_is_refused_and_the_attempt_is_audited(
    world: World, name: str
) -> None:
    call, action, detail = ENTRIES[name]
    before = await world.accesses()
    with pytest.raises(DomainError):
        await call(world, OTHER)
    assert await world.denials(OTHER) == [
        Denial(
            actor_id=OTHER.telegram_id,
            action=action,
            family_id=world.family_id,
            detail=detail(world),
        )
    ]
    assert await world.accesses() == before  # nothing logged as if it had happened
    assert await world.denials(OWNER) == []


async def test_forty_attempts_leave_forty_rows(world: World) -> None:
    for _ in range(2):
        for call, _action, _detail in ENTRIES.values():
            with pytest.raises(DomainError):
                await call(world, OTHER)
    denials = await world.denials(OTHER)
    assert len(denials) == 2 * len(ENTRIES) >= 40
    assert {d.family_id for d in denials} == {world.family_id}


@pytest.mark.parametrize("reader", [ADMIN, COORDINATOR], ids=["admin", "coordinator"])
async def test_a_readers_reads_are_audited_as_allowed_and_changes_denied(
    world: World, reader: Actor
) -> None:
    services = world.services
    await services.plans.plan_for(reader, "R-01")
    await services.plans.goal(reader, world.goal_id)
    await services.plans.assessments(reader, world.family_id)
    await services.appointments.get(reader, world.appointment_id)
    await services.visits.recent(reader, "R-01")
    await services.families.open_family(reader, world.family_id, "read.card")
    log = await world.accesses()
    for action in (
        "read.plan",
        "read.goal",
        "read.assessments",
        "read.appointment",
        "read.visits",
        "read.card",
    ):
        assert (reader.telegram_id, action) in log
    assert await world.denials(reader) == []
    with pytest.raises(NotAllowed, match="read_only"):
        await services.plans.add_goal(reader, world.family_id, Area.HEALTH, "x")
    with pytest.raises(NotAllowed, match="read_only"):
        await services.appointments.cancel(reader, world.appointment_id)
    assert [(d.action, d.family_id) for d in await world.denials(reader)] == [
        ("plan.goal.add", world.family_id),
        ("appointment.cancel", world.family_id),
    ]


async def test_a_refused_change_is_not_logged_as_if_it_happened(world: World) -> None:
    services = world.services
    appointments = services.appointments
    with pytest.raises(DomainError, match="appointment_not_yet"):
        await appointments.record_outcome(OWNER, world.appointment_id, AppointmentStatus.ATTENDED)
    with pytest.raises(DomainError, match="when_missing"):
        await appointments.record_outcome(
            OWNER, world.appointment_id, AppointmentStatus.RESCHEDULED
        )
    with pytest.raises(DomainError, match="date_future"):
        await services.visits.record(OWNER, _draft(world, "future", MONDAY + timedelta(days=1)))
    with pytest.raises(DomainError, match="goal_open_tasks"):
        await services.plans.change_status(OWNER, world.goal_id, GoalStatus.ACHIEVED)
    log = await world.accesses()
    for action in ("appointment.outcome", "plan.goal.status"):
        assert (OWNER.telegram_id, action) not in log
    assert log.count((OWNER.telegram_id, "visit.record")) == 1  # the world's own visit
    assert await world.denials(OWNER) == []  # a rule said no, not the access check
    await appointments.record_outcome(
        OWNER,
        world.appointment_id,
        AppointmentStatus.RESCHEDULED,
        new_starts_at=NOW + timedelta(days=3),
    )
    with pytest.raises(DomainError, match="appointment_closed"):
        await appointments.record_outcome(
            OWNER,
            world.appointment_id,
            AppointmentStatus.RESCHEDULED,
            new_starts_at=NOW + timedelta(days=4),
        )
    await services.plans.remove_resource(OWNER, world.resource_id)
    with pytest.raises(NotFound, match="resource_unknown"):
        await services.plans.remove_resource(OWNER, world.resource_id)
    log = await world.accesses()
    assert log.count((OWNER.telegram_id, "appointment.outcome")) == 1
    assert log.count((OWNER.telegram_id, "plan.resource.remove")) == 1


async def test_missing_ids_and_unknown_codes_are_audited_without_content(
    world: World, db: Database
) -> None:
    services = world.services
    with pytest.raises(NotFound, match="goal_unknown"):
        await services.plans.add_progress_note(OWNER, 10_000, "x")
    with pytest.raises(NotFound, match="appointment_unknown"):
        await services.appointments.get(OWNER, 10_000)
    with pytest.raises(NotFound, match="family_unknown"):
        await services.families.open_family(OWNER, 10_000, "visit.start")
    with pytest.raises(NotFound, match="family_unknown"):
        await services.visits.recent(OWNER, "r-99")
    with pytest.raises(NotFound, match="family_unknown"):
        await services.plans.plan_for(OWNER, "Anna Kowalska")
    assert [(d.action, d.family_id, d.detail) for d in await world.denials(OWNER)] == [
        ("plan.goal.progress", None, "goal=10000"),
        ("read.appointment", None, "appointment=10000"),
        ("visit.start", None, "family=10000"),
        ("read.visits", None, "code=R-99"),
        ("read.plan", None, "code=?"),
    ]
    rows = await db.fetch_all("SELECT * FROM access_log")
    assert not any(
        "Anna" in str(value) or "rent" in str(value) for r in rows for value in r.values()
    )


async def test_a_strangers_bad_invite_codes_are_audited(world: World) -> None:
    membership = world.services.membership
    invite = await membership.create_invite(ADMIN)
    stale = await membership.create_invite(ADMIN)
    await membership.join(invite.code, 2001, "Newcomer")
    for code in ("nonsense", "Jan Kowalski " * 400, invite.code):
        with pytest.raises(DomainError):
            await membership.join(code, STRANGER_ID, "Stranger")
    with (
        time_machine.travel(NOW + timedelta(hours=73), tick=False),
        pytest.raises(DomainError, match="invite_expired"),
    ):
        await membership.join(stale.code, STRANGER_ID, "Stranger")
    stranger = Actor(telegram_id=STRANGER_ID)
    assert [(d.action, d.family_id, d.detail) for d in await world.denials(stranger)] == [
        ("invite.join", None, "invite_unknown"),
        ("invite.join", None, "invite_unknown"),
        ("invite.join", None, f"invite_used invite={invite.code}"),
        ("invite.join", None, f"invite_expired invite={stale.code}"),
    ]
    assert await world.services.families.audit.denials_by(2001) == []


async def test_a_stranger_is_refused_outright_and_audited(world: World) -> None:
    stranger = Actor(telegram_id=STRANGER_ID)
    with pytest.raises(NotAllowed):
        await world.services.plans.add_goal(stranger, world.family_id, Area.HEALTH, "x")
    with pytest.raises(NotAllowed):
        await world.services.visits.recent(stranger, "R-01")
    assert [(d.action, d.family_id) for d in await world.denials(stranger)] == [
        ("plan.goal.add", world.family_id),
        ("read.visits", None),
    ]


async def test_a_visit_saved_again_is_logged_once(world: World) -> None:
    draft = _draft(world, "twice", MONDAY)
    first = await world.services.visits.record(OWNER, draft)
    again = await world.services.visits.record(OWNER, draft)  # Save pressed again, a replay
    assert again.visit.id == first.visit.id
    assert first.newly_saved
    assert not again.newly_saved
    log = await world.accesses()
    assert log.count((OWNER.telegram_id, "visit.record")) == 2  # the world's own visit, this one
