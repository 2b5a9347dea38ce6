"""A morning stored in parts: whole assistants per transaction, nothing lost or doubled by a crash.

The tick reads and stores a national morning in many short transactions (reminder_tick.py),
one morning batch per assistant, expanded into outbox rows when the dispatcher reaches it;
here the parts are made tiny, so a dozen assistants' morning takes several of them.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.config import Settings
from bot.domain.family import NewFamily
from bot.domain.people import Actor
from bot.domain.reminders.quiet import CatchUp
from bot.services import reminder_tick
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.morning_batches import NewMorningBatch
from bot.storage.outbox import OutboxRepository
from bot.storage.people import PeopleRepository
from tests.support.mornings import expand_mornings

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY = date(2026, 12, 7)
NOW = datetime.combine(MONDAY, time(8), tzinfo=WARSAW).astimezone(UTC)
ASSISTANTS = [Actor(telegram_id=2000 + n, is_assistant=True) for n in range(12)]
Row = tuple[object, ...]


class Crash(BaseException):
    """The process dies (not an Exception: nothing in the bot may catch it)."""


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """Monday 8:00 in Warsaw, after the default 7:30 digest."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Five assistants read at once, about four reminders per transaction."""
    monkeypatch.setattr(reminder_tick, "MORNING_PART", 5)
    monkeypatch.setattr(reminder_tick, "QUEUE_ROWS", 4)


@pytest.fixture
async def services(settings: Settings, db: Database) -> Services:
    """Twelve assistants with two families each, registered a month ago (overdue visits)."""
    services = Services.build(settings, db)
    people = PeopleRepository(db)
    month_ago = NOW - timedelta(days=30)
    for number, actor in enumerate(ASSISTANTS):
        await people.add_assistant(actor.telegram_id, f"Assistant {number}", month_ago)
        with time_machine.travel(month_ago, tick=False):
            for family in range(2):
                await services.families.register(actor, NewFamily(code=f"R-{number}{family}"))
    return services


async def _rows(db: Database) -> list[Row]:
    """The outbox as stored, ids left out (they depend on the order of the transactions)."""
    rows = await db.fetch_all(
        "SELECT key, assistant_id, kind, urgent, subject, payload, due_at, next_attempt_at, "
        "status FROM outbox ORDER BY id"
    )
    return [tuple(r.values()) for r in rows]


async def _batches(db: Database) -> int:
    """How many morning batches are stored."""
    row = await db.fetch_one("SELECT count(*) AS stored FROM morning_batches")
    return 0 if row is None else int(row["stored"])


async def _reference(db: Database, settings: Settings, folder: Path) -> list[Row]:
    """What one tick without a crash gives, once expanded, on a copy of the database now."""
    copy = folder / "reference.sqlite3"
    await db.backup(copy, settings.key())
    other = await Database.open(copy, settings.key())
    try:
        services = Services.build(settings, other)
        await services.reminders.tick()
        await expand_mornings(services)
        return await _rows(other)
    finally:
        await other.close()


def _by_assistant(rows: list[Row]) -> dict[object, list[Row]]:
    """Each assistant's rows, in the order stored."""
    grouped: dict[object, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row[1], []).append(row)
    return grouped


async def test_each_transaction_holds_whole_assistants_digest_first(
    services: Services, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts: list[tuple[NewMorningBatch, ...]] = []
    enqueue = OutboxRepository.enqueue

    async def watched(self: OutboxRepository, plan: CatchUp, now: datetime, **how: object) -> int:
        batches = how.get("batches", ())
        assert isinstance(batches, tuple)
        parts.append(batches)
        return await enqueue(self, plan, now, **how)  # type: ignore[arg-type]

    monkeypatch.setattr(OutboxRepository, "enqueue", watched)
    assert await services.reminders.tick() == 12  # one morning batch each
    assert await _rows(db) == []  # nothing is made before the dispatcher reaches it
    stored = [p for p in parts if p]
    assert len(stored) >= 6  # the morning went in parts
    seen: set[int] = set()
    for batches in stored:
        assistants = [b.assistant_id for b in batches]
        assert len(assistants) == len(set(assistants))
        assert not seen & set(assistants)  # nobody's batch is stored twice
        seen |= set(assistants)
    assert seen == {a.telegram_id for a in ASSISTANTS}
    monkeypatch.setattr(OutboxRepository, "enqueue", enqueue)
    assert await expand_mornings(services) == 36  # a digest and two overdue visits each
    for rows in _by_assistant(await _rows(db)).values():
        assert [row[2] for row in rows] == ["digest", "overdue_visit", "overdue_visit"]


async def test_a_crash_midway_loses_nothing_and_stores_nothing_twice(
    services: Services,
    db: Database,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = await _reference(db, settings, tmp_path)
    assert len(expected) == 36
    calls = 0
    enqueue = OutboxRepository.enqueue

    async def dies_on_the_third(
        self: OutboxRepository, plan: CatchUp, now: datetime, **how: object
    ) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise Crash()
        return await enqueue(self, plan, now, **how)  # type: ignore[arg-type]

    monkeypatch.setattr(OutboxRepository, "enqueue", dies_on_the_third)
    with pytest.raises(Crash):
        await services.reminders.tick()
    monkeypatch.setattr(OutboxRepository, "enqueue", enqueue)
    half = await _batches(db)
    assert 0 < half < len(ASSISTANTS)
    # Whoever was stored was stored whole: their digest never without the rest of the batch.
    await expand_mornings(services)
    reference = _by_assistant(expected)
    for assistant, rows in _by_assistant(await _rows(db)).items():
        assert rows == reference[assistant]
    # A restart a minute later stores the rest, and nothing a second time.
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        again = await Services.build(settings, db).reminders.tick()
    assert again == len(ASSISTANTS) - half
    await expand_mornings(services)
    after = await _rows(db)
    assert Counter(after) == Counter(expected)
    assert _by_assistant(after) == reference


async def test_a_chat_update_writes_between_two_parts(services: Services, db: Database) -> None:
    """The tick lets go of the write lock between parts: an update's write does not wait."""
    order: list[str] = []
    begun = asyncio.Event()
    enqueue = OutboxRepository.enqueue

    async def noted(self: OutboxRepository, plan: CatchUp, now: datetime, **how: object) -> int:
        queued = await enqueue(self, plan, now, **how)  # type: ignore[arg-type]
        order.append("tick part")
        begun.set()
        return queued

    async def update() -> None:
        await begun.wait()  # the tick has stored its first part
        async with db.write() as conn:
            await conn.execute("UPDATE assistants SET locale = 'en' WHERE telegram_id = 2000")
        order.append("update")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(OutboxRepository, "enqueue", noted)
        await asyncio.gather(services.reminders.tick(), update())
    assert "update" in order[1:-1]  # after the first part, before the last


async def test_a_later_minute_does_not_ask_again_about_stored_mornings(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []
    mornings_stored = OutboxRepository.mornings_stored

    async def noted(self: OutboxRepository, days: dict[int, date]) -> set[int]:
        asked.extend(days)
        return await mornings_stored(self, days)

    monkeypatch.setattr(OutboxRepository, "mornings_stored", noted)
    assert await services.reminders.tick() == 12
    assert len(asked) == 12  # is each morning done? no
    asked.clear()
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert await services.reminders.tick() == 0
    assert asked == []
    # A restarted bot does not know: it asks once, and stores nothing twice.
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        restarted = Services.build(services.settings, services.reminders.reminders.db)
        assert await restarted.reminders.tick() == 0
    assert len(asked) == 12
    # Expanded mornings stay done too.
    await expand_mornings(services)
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        restarted = Services.build(services.settings, services.reminders.reminders.db)
        assert await restarted.reminders.tick() == 0
