"""Keep or erase: the retention job with a frozen clock, then the raw file holds no erased text.

Also an admin's early erasure (admins only), and the CLI export of one family's record.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from bot.__main__ import main
from bot.config import Settings, load_settings
from bot.domain.appointment import Institution, NewAppointment
from bot.domain.errors import DomainError, NotAllowed
from bot.domain.family import Member, NewFamily
from bot.domain.lifecycle import CloseReason, Closure, ContactForm
from bot.domain.people import Actor
from bot.domain.plan import OwnerKind, TaskOwner
from bot.domain.visit import VisitDraft
from bot.domain.vocabulary import Area, MemberRole, Place
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository
from tests.support.harness import ADMIN_ID

OWNER = Actor(telegram_id=1001, is_assistant=True)
ADMIN = Actor(telegram_id=ADMIN_ID, is_admin=True)
START = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
CLOSED_ON = date(2024, 6, 3)
# Every piece of personal data or free text, each unique so a scan of the file finds it.
SECRETS = {
    "name": "Zuzannaxq",
    "label": "Polnaxq",
    "note": "NoteSecretxq",
    "next": "NextStepsxq",
    "goal": "GoalTextxq",
    "effect": "Effectxq",
    "task": "TaskTextxq",
    "institution": "InstNamexq",
    "resource": "Resourcexq",
    "assessment": "AssessSummaryxq",
    "purpose": "Purposexq",
    "summary": "ClosingSummaryxq",
    "contact": "ContactNotexq",
}


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    """The work starts on a Monday in March 2024."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def short_retention(tmp_path: Path) -> Settings:
    """Two years' retention (the centre's choice)."""
    return load_settings(
        _env_file=None,
        telegram_bot_token="123456:TEST-TOKEN",
        database_path=tmp_path / "data" / "bot.sqlite3",
        admin_telegram_ids=str(ADMIN_ID),
        retention_years=2,
    )


async def _full_family(services: Services, clock: time_machine.Coordinates) -> int:
    """A family with every kind of free text, closed on 3 June 2024 with 3 months' monitoring."""
    family_id, _ = await services.families.register(
        OWNER,
        NewFamily(
            code="R-01",
            label=SECRETS["label"],
            members=[Member(name=SECRETS["name"], role=MemberRole.MOTHER, birth_year=1987)],
        ),
    )
    family = await services.families.families.get(family_id)
    assert family is not None
    member = family.members[0].id
    await services.visits.record(
        OWNER,
        VisitDraft(
            token="v1",
            family_id=family_id,
            visit_date=START.date(),
            duration_min=90,
            place=Place.HOME,
            present=[member],
            areas=[Area.HOUSING],
            note=SECRETS["note"],
            next_steps=SECRETS["next"],
        ),
    )
    goal = await services.plans.add_goal(
        OWNER, family_id, Area.HOUSING, SECRETS["goal"], expected_effect=SECRETS["effect"]
    )
    await services.plans.add_task(
        OWNER, goal.id, SECRETS["task"], TaskOwner(kind=OwnerKind.ASSISTANT)
    )
    await services.plans.add_task(
        OWNER,
        goal.id,
        "x",
        TaskOwner(kind=OwnerKind.INSTITUTION, institution=SECRETS["institution"]),
    )
    await services.plans.add_resource(OWNER, family_id, SECRETS["resource"])
    await services.plans.record_assessment(OWNER, family_id, START.date(), SECRETS["assessment"])
    await services.appointments.create(
        OWNER,
        NewAppointment(
            family_id=family_id,
            institution=Institution.PUP,
            starts_at=datetime(2024, 3, 20, 9, 0, tzinfo=UTC),
            purpose=SECRETS["purpose"],
        ),
    )
    clock.move_to(datetime(2024, 6, 3, 12, 0, tzinfo=UTC))
    closure = Closure(
        day=CLOSED_ON,
        reason=CloseReason.GOALS_ACHIEVED,
        summary=SECRETS["summary"],
        monitor_months=3,
    )
    await services.cases.close(OWNER, family_id, closure)
    clock.move_to(datetime(2024, 7, 1, 12, 0, tzinfo=UTC))
    await services.cases.record_contact(
        OWNER, family_id, date(2024, 7, 1), ContactForm.PHONE, SECRETS["contact"]
    )
    return family_id


def _found_in_files(path: Path) -> set[str]:
    """Which secrets the database file and its write-ahead log still hold, as raw bytes."""
    found = set()
    for part in (path, path.with_name(path.name + "-wal")):
        if not part.exists():
            continue
        raw = part.read_bytes()
        found |= {key for key, text in SECRETS.items() if text.encode() in raw}
    return found


async def test_the_retention_job_erases_the_text_and_keeps_the_statistics(
    short_retention: Settings, clock: time_machine.Coordinates
) -> None:
    settings = short_retention
    db = await Database.open(settings.database_path)
    await db.migrate()
    try:
        await PeopleRepository(db).add_assistant(OWNER.telegram_id, "Ola", START)
        services = Services.build(settings, db)
        family_id = await _full_family(services, clock)
        assert _found_in_files(settings.database_path) == set(SECRETS)
        # Two years after the end of monitoring (3 September 2024), not a day before.
        clock.move_to(datetime(2026, 9, 2, 2, 0, tzinfo=UTC))
        assert await services.retention.erase_due() == []
        clock.move_to(datetime(2026, 9, 3, 2, 0, tzinfo=UTC))
        assert await services.retention.erase_due() == [family_id]
        assert await services.retention.erase_due() == []  # once
        visit = await db.fetch_one("SELECT visit_date, duration_min, place FROM visits")
        assert visit == {"visit_date": "2024-03-04", "duration_min": 90, "place": "home"}
        assert await db.fetch_one("SELECT area FROM visit_areas") == {"area": "housing"}
        [closure] = await services.cases.cases.closures_of(family_id)
        assert (closure.close_reason, closure.closed_on, closure.summary) == (
            CloseReason.GOALS_ACHIEVED,
            CLOSED_ON,
            "",
        )
        erased = await db.fetch_all(
            "SELECT actor_id, detail FROM access_log WHERE action = 'family.erase'"
        )
        assert erased == [{"actor_id": 0, "detail": "retention"}]
    finally:
        await db.close()
    assert _found_in_files(settings.database_path) == set()


async def test_an_admin_erases_early_and_only_an_admin(
    settings: Settings, db: Database, clock: time_machine.Coordinates
) -> None:
    await PeopleRepository(db).add_assistant(OWNER.telegram_id, "Ola", START)
    services = Services.build(settings, db)
    family_id, _ = await services.families.register(
        OWNER, NewFamily(code="R-01", label=SECRETS["label"])
    )
    with pytest.raises(NotAllowed):
        await services.retention.erasable(OWNER, "R-01")
    with pytest.raises(DomainError, match="code_mismatch"):
        await services.retention.erase_now(ADMIN, family_id, "R-02")
    erased = await services.retention.erase_now(ADMIN, family_id, "r-01")
    assert erased.code == "R-01"
    family = await services.families.families.get(family_id)
    assert family is not None
    assert family.erased_at is not None
    assert family.label is None
    assert await services.families.families.count_active(OWNER.telegram_id) == 0
    denied = [a for _, a in await services.families.audit.entries(family_id, "denied")]
    assert denied == ["family.erase"]


def test_the_cli_exports_one_family_as_json(
    settings: Settings, clock: time_machine.Coordinates, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def prepare() -> None:
        db = await Database.open(settings.database_path)
        await db.migrate()
        await PeopleRepository(db).add_assistant(OWNER.telegram_id, "Ola", START)
        await _full_family(Services.build(settings, db), clock)
        await db.close()

    asyncio.run(prepare())  # the CLI runs its own event loop, as from a shell
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-TOKEN")
    monkeypatch.setenv("DATABASE_PATH", str(settings.database_path))
    monkeypatch.chdir(settings.database_path.parent)  # no .env here
    out = settings.database_path.parent / "r01.json"
    assert main(["export-family", "r-01", "--out", str(out)]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    assert out.stat().st_mode & 0o777 == 0o600
    assert record["family"]["code"] == "R-01"
    assert record["members"][0]["name"] == SECRETS["name"]
    assert record["visits"][0]["note"] == SECRETS["note"]
    assert record["case_periods"][0]["summary"] == SECRETS["summary"]
    assert record["monitoring_contacts"][0]["note"] == SECRETS["contact"]
    assert main(["export-family", "R-01", "--out", str(out)]) == 2  # never overwritten
    assert main(["export-family", "R-77", "--out", str(out.with_name("x.json"))]) == 2
