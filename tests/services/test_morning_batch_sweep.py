"""A morning batch waiting for the dispatcher follows what happened meanwhile."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from bot.config import Settings
from bot.domain.family import NewFamily
from bot.domain.people import Actor
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository
from tests.support.mornings import expand_mornings

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY = date(2026, 12, 7)
EARLY = datetime.combine(MONDAY, time(8), tzinfo=WARSAW).astimezone(UTC)
ANNA = Actor(telegram_id=2001, is_assistant=True)


async def waiting_morning(settings: Settings, db: Database) -> Services:
    """Anna holds an overdue family; the Monday tick at 8:00 stored her morning, not sent yet."""
    services = Services.build(settings, db)
    month_ago = EARLY - timedelta(days=30)
    await PeopleRepository(db).add_assistant(ANNA.telegram_id, "Anna", month_ago)
    with time_machine.travel(month_ago, tick=False):
        await services.families.register(ANNA, NewFamily(code="R-01"))
    with time_machine.travel(EARLY, tick=False):
        assert await services.reminders.tick() == 1
    waiting = await db.fetch_one(
        "SELECT count(*) AS n FROM morning_batches WHERE inputs IS NOT NULL"
    )
    assert waiting is not None
    assert waiting["n"] == 1
    return services


async def pending_of(db: Database, assistant_id: int) -> int:
    """How many of an assistant's outbox rows wait to be sent."""
    row = await db.fetch_one(
        "SELECT count(*) AS n FROM outbox WHERE assistant_id = ? AND status = 'pending'",
        (assistant_id,),
    )
    return 0 if row is None else int(row["n"])


async def test_a_deactivated_assistant_s_waiting_morning_is_not_sent(
    settings: Settings, db: Database
) -> None:
    services = await waiting_morning(settings, db)
    await PeopleRepository(db).set_active(ANNA.telegram_id, False)  # what /team's Deactivate does
    await expand_mornings(services)
    assert await pending_of(db, ANNA.telegram_id) == 0


async def test_a_reactivated_assistant_s_morning_still_goes(
    settings: Settings, db: Database
) -> None:
    services = await waiting_morning(settings, db)
    await expand_mornings(services)
    assert await pending_of(db, ANNA.telegram_id) >= 1  # the guard above is not vacuous
