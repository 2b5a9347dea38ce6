"""AppointmentService: who may see and change an appointment, the agenda by day, outcomes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.config import Settings
from bot.domain.appointment import AppointmentStatus, Institution, NewAppointment
from bot.domain.errors import DomainError, NotAllowed, NotFound
from bot.domain.family import Member, NewFamily
from bot.domain.people import Actor
from bot.domain.vocabulary import Area, MemberRole
from bot.services.registry import Services
from bot.storage.audit import AuditRepository
from bot.storage.db import Database
from bot.storage.outbox import OutboxStatus
from bot.storage.people import PeopleRepository
from tests.support.harness import ADMIN_ID

WARSAW = ZoneInfo("Europe/Warsaw")
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # Monday 09:00 in Warsaw
TODAY = date(2026, 12, 7)
OWNER = Actor(telegram_id=1001, is_assistant=True)
OTHER = Actor(telegram_id=1002, is_assistant=True)
ADMIN = Actor(telegram_id=ADMIN_ID, is_admin=True)
STRANGER = Actor(telegram_id=9999)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Warsaw wall time as an aware instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Monday morning in Warsaw."""
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class World:
    """The owner's family R-01 with Anna and a goal, and the other assistant's R-02."""

    services: Services
    family_id: int
    other_family_id: int
    member_id: int
    other_member_id: int
    goal_id: int
    other_goal_id: int


@pytest.fixture
async def world(settings: Settings, db: Database) -> World:
    """Two assistants with a family each."""
    services = Services.build(settings, db)
    people = PeopleRepository(db)
    await people.add_assistant(OWNER.telegram_id, "Owner", NOW)
    await people.add_assistant(OTHER.telegram_id, "Other", NOW)
    family_id, _ = await services.families.register(
        OWNER, NewFamily(code="R-01", members=[Member(name="Anna", role=MemberRole.MOTHER)])
    )
    other_id, _ = await services.families.register(
        OTHER, NewFamily(code="R-02", members=[Member(name="Jan", role=MemberRole.FATHER)])
    )
    goal = await services.plans.add_goal(OWNER, family_id, Area.EMPLOYMENT, "Find work")
    other_goal = await services.plans.add_goal(OTHER, other_id, Area.HEALTH, "x")
    return World(
        services=services,
        family_id=family_id,
        other_family_id=other_id,
        member_id=(await services.families.peek(OWNER, family_id)).members[0].id,
        other_member_id=(await services.families.peek(OTHER, other_id)).members[0].id,
        goal_id=goal.id,
        other_goal_id=other_goal.id,
    )


def new(world: World, starts_at: datetime, **changes: object) -> NewAppointment:
    """An appointment at the labour office for Anna, with the assistant going along."""
    values: dict[str, object] = {
        "family_id": world.family_id,
        "member_ids": (world.member_id,),
        "institution": Institution.PUP,
        "institution_name": "  PUP Śródmieście ",
        "starts_at": starts_at,
        "accompany": True,
        "purpose": " Register as unemployed ",
        "goal_id": world.goal_id,
    }
    values.update(changes)
    return NewAppointment.model_validate(values)


async def test_create_and_read_back(world: World) -> None:
    service = world.services.appointments
    saved = await service.create(OWNER, new(world, local(TODAY + timedelta(days=1), 10, 30)))
    assert saved.starts_at == datetime(2026, 12, 8, 9, 30, tzinfo=UTC)
    assert saved.starts_at.tzinfo is not None
    assert saved.purpose == "Register as unemployed"
    assert saved.institution_name == "PUP Śródmieście"
    assert saved.member_ids == (world.member_id,)
    assert saved.status is AppointmentStatus.SCHEDULED
    card = await service.get(OWNER, saved.id)
    assert card.family.code == "R-01"
    assert card.appointment == saved


async def test_create_refuses_the_past_and_others_things(world: World) -> None:
    service = world.services.appointments
    with pytest.raises(DomainError) as past:
        await service.create(OWNER, new(world, local(TODAY, 8, 59)))
    assert past.value.code == "when_past"
    tomorrow = local(TODAY + timedelta(days=1), 10)
    with pytest.raises(NotFound) as member:
        await service.create(OWNER, new(world, tomorrow, member_ids=(world.other_member_id,)))
    assert member.value.code == "member_unknown"
    with pytest.raises(NotFound) as goal:
        await service.create(OWNER, new(world, tomorrow, goal_id=world.other_goal_id))
    assert goal.value.code == "goal_unknown"
    with pytest.raises(NotFound) as family:
        await service.create(OWNER, new(world, tomorrow, family_id=world.other_family_id))
    assert family.value.code == "family_unknown"
    with pytest.raises(DomainError) as empty:
        await service.create(OWNER, new(world, tomorrow, purpose="   "))
    assert empty.value.code == "text_empty"
    with pytest.raises(DomainError) as long_name:
        await service.create(OWNER, new(world, tomorrow, institution_name="x" * 61))
    assert long_name.value.code == "text_too_long"


async def test_another_assistant_gets_not_found_for_everything(world: World) -> None:
    service = world.services.appointments
    saved = await service.create(OWNER, new(world, local(TODAY + timedelta(days=1), 10)))
    later = local(TODAY + timedelta(days=2), 10)
    calls = [
        service.get(OTHER, saved.id),
        service.cancel(OTHER, saved.id),
        service.move(OTHER, saved.id, later),
        service.record_outcome(
            OTHER, saved.id, AppointmentStatus.RESCHEDULED, new_starts_at=later
        ),
        service.get(OTHER, 999_999),
    ]
    for call in calls:
        with pytest.raises(NotFound) as refused:
            await call
        assert refused.value.code == "appointment_unknown"
    assert (await service.get(OWNER, saved.id)).appointment.status is AppointmentStatus.SCHEDULED
    assert await service.agenda(OTHER) == []
    with pytest.raises(NotAllowed):
        await service.agenda(STRANGER)


async def test_an_admin_may_read_a_card_but_not_change_it(world: World, db: Database) -> None:
    service = world.services.appointments
    saved = await service.create(OWNER, new(world, local(TODAY + timedelta(days=1), 10)))
    assert (await service.get(ADMIN, saved.id)).appointment.id == saved.id
    with pytest.raises(NotAllowed, match="read_only"):
        await service.cancel(ADMIN, saved.id)
    log = await AuditRepository(db).entries(world.family_id)
    assert (ADMIN_ID, "read.appointment") in log
    assert (OWNER.telegram_id, "appointment.create") in log


async def test_agenda_groups_by_local_day(world: World) -> None:
    service = world.services.appointments
    late_evening = await service.create(OWNER, new(world, local(TODAY, 23, 30)))
    after_midnight = await service.create(
        OWNER, new(world, local(TODAY + timedelta(days=1), 0, 30))
    )
    same_day = await service.create(OWNER, new(world, local(TODAY, 14)))
    last_day = await service.create(OWNER, new(world, local(TODAY + timedelta(days=6), 12)))
    await service.create(OWNER, new(world, local(TODAY + timedelta(days=7), 12)))  # beyond
    cancelled = await service.create(OWNER, new(world, local(TODAY, 16)))
    await service.cancel(OWNER, cancelled.id)
    await world.services.appointments.create(
        OTHER,
        new(
            world,
            local(TODAY, 15),
            family_id=world.other_family_id,
            member_ids=(),
            goal_id=None,
        ),
    )
    agenda = await service.agenda(OWNER)
    assert [day.day for day in agenda] == [
        TODAY,
        TODAY + timedelta(days=1),
        TODAY + timedelta(days=6),
    ]
    assert [i.appointment.id for i in agenda[0].items] == [same_day.id, late_evening.id]
    assert [i.appointment.id for i in agenda[1].items] == [after_midnight.id]
    assert [i.appointment.id for i in agenda[2].items] == [last_day.id]
    assert {i.family_code for day in agenda for i in day.items} == {"R-01"}
    assert len(await service.agenda(OWNER, days=8)) == 4


async def test_outcome_attended_once_the_time_has_come(world: World) -> None:
    service = world.services.appointments
    saved = await service.create(OWNER, new(world, local(TODAY, 11)))
    with pytest.raises(DomainError) as early:
        await service.record_outcome(OWNER, saved.id, AppointmentStatus.ATTENDED)
    assert early.value.code == "appointment_not_yet"
    with time_machine.travel(local(TODAY, 12), tick=False):
        assert [i.appointment.id for i in await service.due_outcome_questions(OWNER)] == [saved.id]
        done = await service.record_outcome(
            OWNER, saved.id, AppointmentStatus.ATTENDED, " Registered, next visit in a month "
        )
        assert done.appointment.status is AppointmentStatus.ATTENDED
        assert done.appointment.outcome == "Registered, next visit in a month"
        assert done.follow_up is None
        assert await service.due_outcome_questions(OWNER) == []
        with pytest.raises(DomainError) as again:
            await service.record_outcome(OWNER, saved.id, AppointmentStatus.NOT_ATTENDED)
        assert again.value.code == "appointment_closed"
        with pytest.raises(DomainError) as wrong:
            await service.record_outcome(OWNER, saved.id, AppointmentStatus.CANCELLED)
        assert wrong.value.code == "appointment_closed"


async def test_outcome_status_must_be_an_outcome(world: World) -> None:
    service = world.services.appointments
    saved = await service.create(OWNER, new(world, local(TODAY, 11)))
    with time_machine.travel(local(TODAY, 12), tick=False), pytest.raises(DomainError) as wrong:
        await service.record_outcome(OWNER, saved.id, AppointmentStatus.CANCELLED)
    assert wrong.value.code == "outcome_status"


async def test_rescheduled_closes_the_first_and_saves_the_new_date(world: World) -> None:
    service = world.services.appointments
    saved = await service.create(OWNER, new(world, local(TODAY, 11)))
    with time_machine.travel(local(TODAY, 12), tick=False):
        with pytest.raises(DomainError) as missing:
            await service.record_outcome(OWNER, saved.id, AppointmentStatus.RESCHEDULED)
        assert missing.value.code == "when_missing"
        with pytest.raises(DomainError) as past:
            await service.record_outcome(
                OWNER, saved.id, AppointmentStatus.RESCHEDULED, new_starts_at=local(TODAY, 11, 30)
            )
        assert past.value.code == "when_past"
        result = await service.record_outcome(
            OWNER,
            saved.id,
            AppointmentStatus.RESCHEDULED,
            "The office closed early",
            new_starts_at=local(TODAY + timedelta(days=3), 9),
        )
    assert result.appointment.status is AppointmentStatus.RESCHEDULED
    assert result.appointment.outcome == "The office closed early"
    follow_up = result.follow_up
    assert follow_up is not None
    assert follow_up.status is AppointmentStatus.SCHEDULED
    assert follow_up.rescheduled_from == saved.id
    assert follow_up.starts_at == local(TODAY + timedelta(days=3), 9)
    assert (follow_up.member_ids, follow_up.purpose, follow_up.goal_id) == (
        saved.member_ids,
        saved.purpose,
        saved.goal_id,
    )
    agenda = await service.agenda(OWNER)
    assert [i.appointment.id for day in agenda for i in day.items] == [follow_up.id]


async def test_move_is_future_only_and_withdraws_waiting_reminders(
    world: World, db: Database
) -> None:
    service = world.services.appointments
    saved = await service.create(OWNER, new(world, local(TODAY, 13)))
    # 2 h before: the tick queues the urgent reminder; a move withdraws it before it goes out.
    with time_machine.travel(local(TODAY, 11), tick=False):
        await world.services.reminders.tick()
        moved_to = local(TODAY + timedelta(days=1), 15)
        with pytest.raises(DomainError) as past:
            await service.move(OWNER, saved.id, local(TODAY, 10))
        assert past.value.code == "when_past"
        moved = await service.move(OWNER, saved.id, moved_to)
    assert moved.starts_at == moved_to
    rows = await db.fetch_all(
        "SELECT kind, status FROM outbox WHERE subject = ?", (f"appointment:{saved.id}",)
    )
    assert {r["kind"]: r["status"] for r in rows}["appointment_soon"] == OutboxStatus.WITHDRAWN


async def test_cancel_closes_and_withdraws(world: World, db: Database) -> None:
    service = world.services.appointments
    saved = await service.create(OWNER, new(world, local(TODAY, 13)))
    with time_machine.travel(local(TODAY, 11), tick=False):
        await world.services.reminders.tick()
        cancelled = await service.cancel(OWNER, saved.id)
        with pytest.raises(DomainError) as again:
            await service.cancel(OWNER, saved.id)
        assert again.value.code == "appointment_closed"
        with pytest.raises(DomainError) as move:
            await service.move(OWNER, saved.id, local(TODAY + timedelta(days=1), 9))
        assert move.value.code == "appointment_closed"
    assert cancelled.status is AppointmentStatus.CANCELLED
    statuses = await db.fetch_all(
        "SELECT status FROM outbox WHERE subject = ?", (f"appointment:{saved.id}",)
    )
    assert {r["status"] for r in statuses} == {OutboxStatus.WITHDRAWN}


async def test_more_than_two_years_ahead_is_refused(world: World) -> None:
    service = world.services.appointments
    with pytest.raises(DomainError) as far:
        await service.create(OWNER, new(world, local(date(2099, 12, 12), 10)))
    assert far.value.code == "date_too_far"
    found = await service.appointments.scheduled_between(
        [world.family_id], NOW, local(date(2100, 1, 1), 0)
    )
    assert found == []
    saved = await service.create(OWNER, new(world, local(date(2028, 12, 6), 10)))
    with pytest.raises(DomainError) as moved:
        await service.move(OWNER, saved.id, local(date(2028, 12, 8), 10))
    assert moved.value.code == "date_too_far"
    assert (await service.get(OWNER, saved.id)).appointment.starts_at == saved.starts_at


async def test_a_rescheduled_date_far_ahead_is_refused(world: World) -> None:
    service = world.services.appointments
    saved = await service.create(OWNER, new(world, local(TODAY, 11)))
    with time_machine.travel(local(TODAY, 12), tick=False), pytest.raises(DomainError) as far:
        await service.record_outcome(
            OWNER,
            saved.id,
            AppointmentStatus.RESCHEDULED,
            new_starts_at=local(date(2099, 1, 5), 10),
        )
    assert far.value.code == "date_too_far"
    assert (await service.get(OWNER, saved.id)).appointment.is_open


async def test_texts_that_show_nothing_are_refused(world: World) -> None:
    service = world.services.appointments
    tomorrow = local(TODAY + timedelta(days=1), 10)
    for changes in ({"purpose": "\u200b\u200b"}, {"institution_name": "\u2060\ufeff "}):
        with pytest.raises(DomainError) as blank:
            await service.create(OWNER, new(world, tomorrow, **changes))
        assert blank.value.code == "text_invisible"
    saved = await service.create(OWNER, new(world, tomorrow, purpose="\u202eHearing\u202c"))
    assert saved.purpose == "Hearing"


async def test_a_draft_saved_twice_is_one_appointment_with_one_set_of_reminders(
    world: World, db: Database
) -> None:
    service = world.services.appointments
    token = "0123456789abcdef"
    draft = new(world, local(TODAY, 13), draft_token=token)
    assert not await service.is_saved(OWNER, token)
    first = await service.create(OWNER, draft)
    assert await service.is_saved(OWNER, token)
    assert not await service.is_saved(OTHER, token)  # only the one who saved it
    with time_machine.travel(local(TODAY, 11), tick=False):
        await world.services.reminders.tick()
        again = await service.create(OWNER, draft)  # Save pressed again after a crash
        await world.services.reminders.tick()
    with time_machine.travel(local(TODAY, 14), tick=False):
        late = await service.create(OWNER, draft)  # even once its time has passed
    assert again == first
    assert late == first
    rows = await db.fetch_all("SELECT id FROM appointments")
    assert [r["id"] for r in rows] == [first.id]
    reminders = await db.fetch_all("SELECT kind FROM outbox WHERE subject LIKE 'appointment:%'")
    assert [r["kind"] for r in reminders] == ["appointment_soon"]
    other = await service.create(OWNER, new(world, local(TODAY, 15), draft_token="f" * 16))
    untokened = await service.create(OWNER, new(world, local(TODAY, 16)))
    assert len({first.id, other.id, untokened.id}) == 3


async def test_a_saved_draft_of_a_family_no_longer_yours_is_refused(
    world: World, db: Database
) -> None:
    service = world.services.appointments
    draft = new(world, local(TODAY, 13), draft_token="0123456789abcdef")
    await service.create(OWNER, draft)
    await world.services.team.hand_over(ADMIN, "R-01", OTHER.telegram_id)
    with pytest.raises(NotFound) as gone:
        await service.create(OWNER, draft)  # the old Save: nothing of the family comes back
    assert gone.value.code == "family_unknown"
    assert not await service.is_saved(OTHER, "0123456789abcdef")
    rows = await db.fetch_all("SELECT id FROM appointments")
    assert len(rows) == 1
