"""A golden month for the documents: visits on both sides of month ends and of the DST change."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count
from zoneinfo import ZoneInfo

from bot.domain.appointment import AppointmentStatus, Institution, NewAppointment
from bot.domain.family import Member, NewFamily
from bot.domain.people import Actor
from bot.domain.visit import VisitDraft
from bot.domain.vocabulary import Activity, Area, MemberRole, MissedReason, Place, VisitKind
from bot.services.registry import Services
from bot.storage.appointments import AppointmentRepository
from bot.storage.db import Database
from bot.storage.people import PeopleRepository

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday; November is the last month
WARSAW = ZoneInfo("Europe/Warsaw")
ASSISTANT = Actor(telegram_id=1001, is_assistant=True)
OTHER = Actor(telegram_id=1002, is_assistant=True)
ADMIN = Actor(telegram_id=500, is_admin=True)
ASSISTANT_NAME = "Zofia Łęcka-Źróbek"
MEMBER_NAMES = ("Grażyna", "Bożydar")
_tokens = count(1)


async def visit(
    services: Services,
    actor: Actor,
    family_id: int,
    day: date,
    minutes: int = 60,
    **changes: object,
) -> None:
    """A visit saved through the service, as the walk saves it."""
    values: dict[str, object] = {
        "token": f"golden-{next(_tokens)}",
        "family_id": family_id,
        "visit_date": day,
        "duration_min": minutes,
        "place": Place.HOME,
        "areas": [Area.HOUSING, Area.MONEY],
        "activities": [Activity.DOCUMENTS],
    }
    values.update(changes)
    await services.visits.record(actor, VisitDraft.model_validate(values))


async def mother(services: Services, family_id: int) -> list[int]:
    """Who was present at a visit to a family with members: its first member (the mother)."""
    return [(await services.families.peek(ASSISTANT, family_id)).members[0].id]


async def missed(services: Services, actor: Actor, family_id: int, day: date) -> None:
    """A visit that did not take place."""
    await visit(
        services,
        actor,
        family_id,
        day,
        kind=VisitKind.MISSED,
        duration_min=None,
        place=None,
        areas=[],
        activities=[],
        missed_reason=MissedReason.NOBODY_HOME,
    )


async def accompanied(db: Database, family_id: int, at: datetime) -> None:
    """An appointment the assistant went to, attended."""
    repo = AppointmentRepository(db)
    new = NewAppointment(
        family_id=family_id,
        institution=Institution.PUP,
        starts_at=at,
        accompany=True,
        purpose="Rejestracja",
    )
    appointment_id = await repo.add(new, ASSISTANT.telegram_id, NOW)
    await repo.close(appointment_id, AppointmentStatus.ATTENDED, "", NOW)


async def golden_world(services: Services, db: Database) -> dict[str, int]:
    """R-01 and R-02 of the assistant, R-03 of another; contacts around 1 November.

    November for the assistant: R-01 visits on 1 Nov (60), 15 Nov missed, 30 Nov (95) and an
    accompanying on 1 Nov 00:30 Warsaw (31 Oct 23:30 UTC); R-02 visits 2 Nov (45), 29 Nov (30).
    Outside November: 31 Oct (a Saturday, R-01), 25 Oct (the DST night, R-02), 1 Dec (R-02),
    an accompanying on 31 Oct 23:30 Warsaw (22:30 UTC). Totals: 4 visits, 1 missed, 1 other,
    230 minutes.
    """
    people = PeopleRepository(db)
    await people.add_assistant(ASSISTANT.telegram_id, ASSISTANT_NAME, NOW)
    await people.add_assistant(OTHER.telegram_id, "Marek Nowak", NOW)
    members = [
        Member(name=MEMBER_NAMES[0], role=MemberRole.MOTHER),
        Member(name=MEMBER_NAMES[1], role=MemberRole.CHILD, birth_year=2015),
    ]
    r01, _ = await services.families.register(
        ASSISTANT, NewFamily(code="R-01", label="Łąkowa", members=members)
    )
    r02, _ = await services.families.register(ASSISTANT, NewFamily(code="R-02"))
    r03, _ = await services.families.register(OTHER, NewFamily(code="R-03"))
    present = await mother(services, r01)
    await visit(services, ASSISTANT, r01, date(2026, 10, 31), 50, present=present)
    await visit(services, ASSISTANT, r01, date(2026, 11, 1), 60, present=present)
    await missed(services, ASSISTANT, r01, date(2026, 11, 15))
    await visit(
        services,
        ASSISTANT,
        r01,
        date(2026, 11, 30),
        95,
        areas=[Area.HEALTH],
        place=Place.OFFICE,
        present=present,
    )
    await visit(services, ASSISTANT, r02, date(2026, 10, 25), 120)
    await visit(services, ASSISTANT, r02, date(2026, 11, 2), 45, activities=[Activity.SKILL])
    await visit(services, ASSISTANT, r02, date(2026, 11, 29), 30)
    await visit(services, ASSISTANT, r02, date(2026, 12, 1), 40)
    await visit(services, OTHER, r03, date(2026, 11, 10), 75)
    await accompanied(db, r01, datetime(2026, 10, 31, 23, 30, tzinfo=UTC))
    await accompanied(db, r01, datetime(2026, 10, 31, 22, 30, tzinfo=UTC))
    return {"R-01": r01, "R-02": r02, "R-03": r03}
