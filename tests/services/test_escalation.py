"""Escalations and the weekly team digest: due rules with a frozen clock, DST, quiet hours,
restarts (no case told twice), on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.config import Settings
from bot.domain.family import NewFamily
from bot.domain.people import Actor, Role
from bot.domain.reminders.escalation import escalation_cases, team_check_day
from bot.domain.reminders.facts import EscalationCase
from bot.domain.reminders.snapshots import FamilySnapshot
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository

WARSAW = ZoneInfo("Europe/Warsaw")
OWNER = Actor(telegram_id=1001, is_assistant=True)
COORDINATOR = Actor(telegram_id=3001, is_assistant=True, is_coordinator=True)
REGISTERED = date(2026, 11, 16)  # a Monday
ESCALATION_DAY = REGISTERED + timedelta(days=14)  # Monday 30 November


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Warsaw wall time as a UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW).astimezone(UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    """The clock starts when the family is registered."""
    with time_machine.travel(local(REGISTERED, 9), tick=False) as traveller:
        yield traveller


@pytest.fixture
async def services(settings: Settings, db: Database, clock: time_machine.Coordinates) -> Services:
    """An assistant with a family never visited, and a coordinator."""
    people = PeopleRepository(db)
    await people.add_assistant(OWNER.telegram_id, "Ala", local(REGISTERED, 8))
    await people.add_assistant(COORDINATOR.telegram_id, "Kasia", local(REGISTERED, 8))
    await people.set_role(COORDINATOR.telegram_id, Role.COORDINATOR)
    services = Services.build(settings, db)
    await services.families.register(OWNER, NewFamily(code="R-01"))
    return services


async def outbox(db: Database, pattern: str = "escalation%") -> list[tuple[str, int, str]]:
    """(kind, recipient, next attempt) of the outbox rows of some kinds, in order."""
    rows = await db.fetch_all(
        "SELECT kind, assistant_id, next_attempt_at FROM outbox WHERE kind LIKE ? ORDER BY id",
        (pattern,),
    )
    return [(r["kind"], r["assistant_id"], r["next_attempt_at"]) for r in rows]


async def test_a_family_not_seen_for_14_days_is_told_once_from_8_on_a_working_day(
    services: Services, db: Database, clock: time_machine.Coordinates, settings: Settings
) -> None:
    clock.move_to(local(ESCALATION_DAY - timedelta(days=1), 12))  # Sunday: 13 days anyway
    await services.team.tick()
    clock.move_to(local(ESCALATION_DAY, 7, 59))
    await services.team.tick()
    assert await outbox(db) == []
    clock.move_to(local(ESCALATION_DAY, 8))
    await services.team.tick()
    due = local(ESCALATION_DAY, 8).isoformat(timespec="microseconds")
    assert await outbox(db) == [
        ("escalation", COORDINATOR.telegram_id, due),
        ("escalation_told", OWNER.telegram_id, due),
    ]
    # Every later minute, day and restart: the same case is not told again.
    for moment in (local(ESCALATION_DAY, 8, 1), local(ESCALATION_DAY + timedelta(days=1), 8)):
        clock.move_to(moment)
        await services.team.tick()
    restarted = Services.build(settings, db)
    await db.conn.execute("DELETE FROM team_state")  # a crash before the day was marked done
    await restarted.team.tick()
    assert len(await outbox(db)) == 2


async def test_a_new_gap_after_a_visit_is_a_new_case(
    services: Services, db: Database, clock: time_machine.Coordinates
) -> None:
    clock.move_to(local(ESCALATION_DAY, 9))
    await services.team.tick()
    family = await services.families.families.by_code("R-01")
    assert family is not None
    await db.conn.execute(
        "INSERT INTO visits (family_id, assistant_id, kind, visit_date, duration_min, "
        "draft_token, created_at) VALUES (?, ?, 'completed', ?, 60, 't1', ?)",
        (
            family.id,
            OWNER.telegram_id,
            ESCALATION_DAY.isoformat(),
            local(ESCALATION_DAY, 9).isoformat(),
        ),
    )
    clock.move_to(local(ESCALATION_DAY + timedelta(days=13), 9))
    await services.team.tick()
    assert len(await outbox(db)) == 2
    clock.move_to(local(ESCALATION_DAY + timedelta(days=14), 9))
    await services.team.tick()
    assert len(await outbox(db)) == 4


async def test_an_escalation_waits_for_the_coordinators_quiet_hours(
    services: Services, db: Database, clock: time_machine.Coordinates
) -> None:
    await services.reminders.set_quiet_hours(COORDINATOR, time(20), time(9, 30))
    clock.move_to(local(ESCALATION_DAY, 8))
    await services.team.tick()
    rows = await outbox(db)
    assert rows[0] == (
        "escalation",
        COORDINATOR.telegram_id,
        local(ESCALATION_DAY, 9, 30).isoformat(timespec="microseconds"),
    )


@pytest.mark.parametrize(
    ("monday", "utc_hour"),
    [
        (date(2026, 3, 30), 6),  # the first Monday of summer time: 08:00 CEST
        (date(2026, 10, 26), 7),  # the first Monday of winter time: 08:00 CET
    ],
)
async def test_the_team_digest_comes_on_monday_at_8_across_dst(
    settings: Settings, db: Database, monday: date, utc_hour: int
) -> None:
    people = PeopleRepository(db)
    with time_machine.travel(local(monday - timedelta(days=30), 9), tick=False) as clock:
        await people.add_assistant(OWNER.telegram_id, "Ala", local(monday, 0))
        await people.add_assistant(COORDINATOR.telegram_id, "Kasia", local(monday, 0))
        await people.set_role(COORDINATOR.telegram_id, Role.COORDINATOR)
        services = Services.build(settings, db)
        await services.families.register(OWNER, NewFamily(code="R-01"))
        await db.conn.execute("DELETE FROM outbox")
        clock.move_to(
            datetime(monday.year, monday.month, monday.day, utc_hour - 1, 59, tzinfo=UTC)
        )
        await services.team.tick()
        assert await outbox(db, "team_digest") == []
        clock.move_to(datetime(monday.year, monday.month, monday.day, utc_hour, tzinfo=UTC))
        await services.team.tick()
        clock.move_to(datetime(monday.year, monday.month, monday.day, utc_hour, 5, tzinfo=UTC))
        await Services.build(settings, db).team.tick()  # a restart: still one digest
        digests = await outbox(db, "team_digest")
        assert [r[1] for r in digests] == [COORDINATOR.telegram_id]
        # Missed by a downtime of more than two days, it does not come at all.
        clock.move_to(local(monday + timedelta(days=9), 9))
        await db.conn.execute("DELETE FROM outbox WHERE kind = 'team_digest'")
        await services.team.tick()
        assert await outbox(db, "team_digest") == []


def test_assessment_and_unreachable_cases() -> None:
    family = FamilySnapshot(
        family_id=1,
        code="R-01",
        assistant_id=1001,
        registered_on=date(2026, 1, 5),
        last_visit=date(2026, 11, 27),
        plan_started_on=date(2026, 5, 1),  # assessment due 1 November
    )
    friday = date(2026, 11, 13)
    assert escalation_cases(date(2026, 11, 15), [family], {}, {}) == []  # 14 days late
    cases = escalation_cases(date(2026, 11, 16), [family], {}, {})
    assert [(k, f.case, f.days) for k, f in cases] == [
        ("esc:assessment:1:2026-11-01", EscalationCase.ASSESSMENT, 15)
    ]
    gone = {1002: friday}
    assert [f.case for _, f in escalation_cases(date(2026, 11, 16), [], gone, {})] == []
    cases = escalation_cases(date(2026, 11, 17), [], gone, {1002: "Ola"})  # Tuesday
    assert [(k, f.assistant_name, f.days) for k, f in cases] == [
        ("esc:unreachable:1002:2026-11-13", "Ola", 2)
    ]


def test_escalations_are_looked_for_on_working_days_from_8() -> None:
    assert team_check_day(local(date(2026, 11, 28), 12), WARSAW) is None  # Saturday
    assert team_check_day(local(date(2026, 11, 30), 7, 59), WARSAW) is None
    assert team_check_day(local(date(2026, 11, 30), 8), WARSAW) == date(2026, 11, 30)
