"""A later minute's tick reuses what it read only while nothing behind it changed.

Every step below changes something a tick depends on (settings, quiet hours, an appointment
made, moved away and back, cancelled; a family handed over and back within the fortnight of
its outcome question), then ticks the running bot, whose memo is warm, and compares what it
stored with a tick of a bot just started on a copy of the same database (no memo): the same
rows. The counters behind the memo are checked to move with every kind of write.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.config import Settings
from bot.domain.appointment import Institution, NewAppointment
from bot.domain.family import NewFamily
from bot.domain.people import Actor
from bot.services.dispatcher import Dispatcher
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository
from bot.storage.reminders import ReminderRepository
from tests.services.test_reminders import FakeSender, FakeTime

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY = date(2026, 12, 7)
OWNER = Actor(telegram_id=1001, is_assistant=True)
OTHER = Actor(telegram_id=1002, is_assistant=True)
Row = tuple[object, ...]


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Warsaw wall time as a UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW).astimezone(UTC)


START = local(MONDAY, 12)  # after the morning: only appointments and settings are in play


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    """Monday noon in Warsaw."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


class Steps:
    """The running bot (its memo warm) and a fresh bot on a copy, tick by tick."""

    def __init__(
        self, services: Services, settings: Settings, folder: Path, clock: time_machine.Coordinates
    ) -> None:
        self.services = services
        self.settings = settings
        self.folder = folder
        self.clock = clock
        self.copies = 0

    async def tick(self, moment: datetime) -> list[Row]:
        """Tick both at `moment`; both must store the same; what the running one holds."""
        self.clock.move_to(moment)
        self.copies += 1
        copy = self.folder / f"copy-{self.copies}.sqlite3"
        db = self.services.reminders.reminders.db
        await db.backup(copy, self.settings.key())
        fresh = await Database.open(copy, self.settings.key())
        try:
            await Services.build(self.settings, fresh).reminders.tick(moment)
            expected = await _rows(fresh)
        finally:
            await fresh.close()
        await self.services.reminders.tick(moment)
        assert await _rows(db) == expected
        return expected

    async def dispatch(self, moment: datetime) -> None:
        """Send what is due (a reassigned family's pending rows are withdrawn on the way)."""
        self.clock.move_to(moment)
        time = FakeTime()
        dispatcher = Dispatcher(
            self.services.reminders.reminders,
            FakeSender(),
            self.services.clock,
            sleep=time.sleep,
            monotonic=time.monotonic,
        )
        await dispatcher.dispatch(moment)


async def _rows(db: Database) -> list[Row]:
    """The outbox's appointment rows as stored."""
    rows = await db.fetch_all(
        "SELECT id, key, assistant_id, kind, status, payload, next_attempt_at FROM outbox "
        "WHERE subject LIKE 'appointment:%' ORDER BY id"
    )
    return [tuple(r.values()) for r in rows]


@pytest.fixture
async def steps(
    settings: Settings, db: Database, tmp_path: Path, clock: time_machine.Coordinates
) -> Steps:
    """Two assistants; the owner holds R-01 (registered a month ago)."""
    services = Services.build(settings, db)
    people = PeopleRepository(db)
    month_ago = START - timedelta(days=30)
    await people.add_assistant(OWNER.telegram_id, "Ola Owner", month_ago)
    await people.add_assistant(OTHER.telegram_id, "Ewa Other", month_ago)
    clock.move_to(month_ago)
    await services.families.register(OWNER, NewFamily(code="R-01"))
    await services.families.register(OTHER, NewFamily(code="R-02"))
    clock.move_to(START)
    return Steps(services, settings, tmp_path, clock)


def _kinds(rows: list[Row], assistant: Actor, status: str = "pending") -> list[object]:
    """The kinds of an assistant's rows in a status."""
    return [r[3] for r in rows if r[2] == assistant.telegram_id and r[4] == status]


async def test_every_change_reaches_the_running_tick(steps: Steps, settings: Settings) -> None:
    services = steps.services
    admin = Actor(telegram_id=next(iter(settings.admin_telegram_ids)), is_admin=True)
    assert await steps.tick(START) == []
    tuesday_ten = local(MONDAY + timedelta(days=1), 10)
    court = await services.appointments.create(
        OWNER,
        NewAppointment(
            family_id=1,
            institution=Institution.COURT,
            starts_at=tuesday_ten,
            accompany=True,
            purpose="Hearing",
        ),
    )
    assert await steps.tick(START + timedelta(minutes=1)) == []
    # Quiet hours from 17:00: the evening reminder waits for their end.
    await services.reminders.set_quiet_hours(OWNER, time(17), time(8, 30))
    rows = await steps.tick(local(MONDAY, 18))
    assert _kinds(rows, OWNER) == ["appointment_evening"]
    # Moved away (withdrawn) and back: the same occurrence is due again, and stored again.
    await services.appointments.move(OWNER, court.id, tuesday_ten + timedelta(days=2))
    await steps.tick(local(MONDAY, 18, 1))
    await services.appointments.move(OWNER, court.id, tuesday_ten)
    rows = await steps.tick(local(MONDAY, 18, 2))
    assert _kinds(rows, OWNER) == []  # set after 18:00: this evening's reminder is skipped
    assert await steps.tick(local(MONDAY, 18, 3)) == rows
    # Tuesday: two hours before, then the outcome question two hours after.
    rows = await steps.tick(local(MONDAY + timedelta(days=1), 8))
    assert _kinds(rows, OWNER) == ["appointment_soon"]
    await steps.dispatch(local(MONDAY + timedelta(days=1), 8, 30))
    rows = await steps.tick(local(MONDAY + timedelta(days=1), 12))
    assert _kinds(rows, OWNER) == ["outcome_question"]
    # Handed over before the question went out: withdrawn, and asked of the new assistant.
    await services.team.hand_over(admin, "R-01", OTHER.telegram_id)
    await steps.dispatch(local(MONDAY + timedelta(days=1), 12, 1))
    rows = await steps.tick(local(MONDAY + timedelta(days=1), 12, 2))
    assert _kinds(rows, OTHER) == ["outcome_question"]
    assert _kinds(rows, OWNER) == []
    # Back to the owner within the fortnight, before the other's question went out: the
    # other's is withdrawn, and the owner is asked again (their first was withdrawn too).
    await services.team.hand_over(admin, "R-01", OWNER.telegram_id)
    await steps.dispatch(local(MONDAY + timedelta(days=2), 9))
    rows = await steps.tick(local(MONDAY + timedelta(days=2), 9, 1))
    assert _kinds(rows, OWNER) == ["outcome_question"]
    assert _kinds(rows, OTHER) == []
    # Cancelled: nothing more, on either side.
    await services.appointments.cancel(OWNER, court.id)
    rows = await steps.tick(local(MONDAY + timedelta(days=2), 9, 2))
    assert _kinds(rows, OWNER) == []


async def test_a_quiet_minute_reads_nothing_again(
    steps: Steps, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = steps.services
    await services.appointments.create(
        OWNER,
        NewAppointment(
            family_id=1,
            institution=Institution.COURT,
            starts_at=START + timedelta(hours=1),
            accompany=False,
            purpose="Hearing",
        ),
    )
    reads: list[str] = []
    for name in ("reachable_prefs", "appointment_snapshots", "existing_keys"):
        original = getattr(ReminderRepository, name)

        def counted(*args: object, _name: str = name, _original: object = original) -> object:
            if args[1:] != ([],):  # asking about no keys at all reads nothing
                reads.append(_name)
            return _original(*args)  # type: ignore[operator]

        monkeypatch.setattr(ReminderRepository, name, counted)
    asked = START + timedelta(hours=3)  # two hours after it began
    await steps.services.reminders.tick(asked)
    assert set(reads) == {"reachable_prefs", "appointment_snapshots", "existing_keys"}
    reads.clear()
    await services.reminders.tick(asked + timedelta(minutes=1))
    assert reads == []  # the question is known stored; nothing behind the reads changed
    await services.reminders.set_digest_time(OWNER, time(8))
    await services.reminders.tick(asked + timedelta(minutes=2))
    assert reads == ["reachable_prefs"]
    reads.clear()
    await services.reminders.reminders.withdraw("appointment:1")
    await services.reminders.tick(asked + timedelta(minutes=3))
    assert reads == ["existing_keys"]  # a key left the outbox: the question is stored again
    rows = await _rows(services.reminders.reminders.db)
    assert [r[4] for r in rows] == ["withdrawn", "pending"]


async def _versions(db: Database) -> tuple[int, int, int]:
    """The three change counters."""
    row = await db.fetch_one("SELECT settings, appointments, outbox_keys FROM tick_versions")
    assert row is not None
    return int(row["settings"]), int(row["appointments"]), int(row["outbox_keys"])


@pytest.mark.parametrize(
    ("sql", "moved"),
    [
        ("UPDATE assistants SET locale = 'en' WHERE telegram_id = 1001", (1, 0, 0)),
        (
            "INSERT INTO reminder_settings (telegram_id, digest_time) VALUES (1001, '08:00')",
            (1, 0, 0),
        ),
        ("UPDATE families SET active = 0 WHERE id = 1", (1, 1, 0)),
        ("UPDATE families SET assistant_id = 1002 WHERE id = 1", (1, 1, 0)),
        ("UPDATE families SET code = 'R-09' WHERE id = 1", (0, 1, 0)),
        ("UPDATE families SET visits_per_week = 2 WHERE id = 1", (0, 0, 0)),
        (
            "INSERT INTO appointments (family_id, assistant_id, institution, starts_at, "
            "accompany, purpose, scheduled_at, created_at) VALUES (1, 1001, 'court', "
            "'2026-12-08', 0, '', '2026-12-07', '2026-12-07')",
            (0, 1, 0),
        ),
        (
            "INSERT INTO outbox (key, assistant_id, kind, payload, due_at, created_at, "
            "next_attempt_at) VALUES ('k', 1001, 'digest', '{}', '1', '1', '1')",
            (0, 0, 0),
        ),
    ],
)
async def test_the_counters_move_with_what_they_guard(
    steps: Steps, sql: str, moved: tuple[int, int, int]
) -> None:
    db = steps.services.reminders.reminders.db
    before = await _versions(db)
    async with db.write() as conn:
        await conn.execute(sql)
    after = await _versions(db)
    assert tuple(a - b for a, b in zip(after, before, strict=True)) == moved


async def test_a_freed_or_deleted_key_moves_the_outbox_counter(steps: Steps) -> None:
    outbox = steps.services.reminders.reminders
    db = outbox.db
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO outbox (key, assistant_id, kind, subject, payload, due_at, created_at, "
            "next_attempt_at, status) VALUES ('k', 1001, 'digest', 's', '{}', '1', '1', '1', "
            "'pending'), ('newer', 1001, 'digest', 't', '{}', '1', '1', '1', 'pending')"
        )  # the purge keeps the newest row
    first = await _versions(db)
    await outbox.withdraw("s")
    second = await _versions(db)
    assert second[2] == first[2] + 1
    assert await outbox.purge(START + timedelta(days=1)) == 1
    assert (await _versions(db))[2] == second[2] + 1
