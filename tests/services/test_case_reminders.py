"""Every reminder rule respects closure; monitoring reminders come for closed families only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.config import Settings
from bot.domain.appointment import Institution, NewAppointment
from bot.domain.family import NewFamily
from bot.domain.lifecycle import CloseReason, Closure, ContactForm
from bot.domain.people import Actor
from bot.domain.plan import NewGoal
from bot.domain.vocabulary import Area
from bot.reminders.sender import reminder_buttons
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.outbox import OutboxItem
from bot.storage.people import PeopleRepository
from bot.ui.reminder_texts import render
from tests.support.mornings import expand_mornings

WARSAW = ZoneInfo("Europe/Warsaw")
OWNER = Actor(telegram_id=1001, is_assistant=True)
WATCHER = Actor(telegram_id=1002, is_assistant=True)  # holds only a closed, monitored family


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Warsaw wall time as a UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW).astimezone(UTC)


REGISTERED = local(date(2026, 9, 1), 9)
CLOSED_ON = date(2026, 11, 2)  # a Monday
MONDAY = date(2026, 12, 7)


@dataclass
class World:
    """The owner: R-01 closed (monitored 3 months), R-03 open; the watcher: R-02 closed."""

    services: Services
    db: Database
    closed_id: int
    open_id: int
    watched_id: int

    async def kinds(self, assistant_id: int) -> list[tuple[str, str]]:
        """(kind, subject) of every pending row of an assistant."""
        rows = await self.db.fetch_all(
            "SELECT kind, subject FROM outbox WHERE assistant_id = ? AND status = 'pending' "
            "ORDER BY kind, subject",
            (assistant_id,),
        )
        return [(r["kind"], r["subject"]) for r in rows]


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    """Moved by each test; starts at the registration."""
    with time_machine.travel(REGISTERED, tick=False) as traveller:
        yield traveller


@pytest.fixture
async def world(settings: Settings, db: Database, clock: time_machine.Coordinates) -> World:
    """Families with a goal due, a contract ending and appointments, then R-01 and R-02 closed."""
    services = Services.build(settings, db)
    people = PeopleRepository(db)
    await people.add_assistant(OWNER.telegram_id, "Ola", REGISTERED)
    await people.add_assistant(WATCHER.telegram_id, "Ewa", REGISTERED)
    families = services.families
    closed_id, _ = await families.register(
        OWNER, NewFamily(code="R-01", contract_valid_until=date(2026, 12, 10))
    )
    open_id, _ = await families.register(OWNER, NewFamily(code="R-03"))
    watched_id, _ = await families.register(WATCHER, NewFamily(code="R-02"))
    await services.plans.plans.add_goal(
        closed_id,
        NewGoal(area=Area.HOUSING, text="rent", due=date(2026, 12, 8)),
        _stamp(),
    )
    for family_id in (closed_id, open_id):
        await services.appointments.create(
            OWNER,
            NewAppointment(
                family_id=family_id,
                institution=Institution.COURT,
                starts_at=local(MONDAY, 11),
                purpose="Hearing",
            ),
        )
    clock.move_to(local(CLOSED_ON, 12))
    closure = Closure(day=CLOSED_ON, reason=CloseReason.REFUSED, summary="s", monitor_months=3)
    await services.cases.close(OWNER, closed_id, closure)
    await services.cases.close(WATCHER, watched_id, closure)
    return World(services, db, closed_id, open_id, watched_id)


async def tick_at(world: World, clock: time_machine.Coordinates, moment: datetime) -> None:
    """A tick at `moment` right after one a minute before (a running bot, no catch-up)."""
    clock.move_to(moment - timedelta(minutes=1))
    await world.services.reminders.tick()
    clock.move_to(moment)
    await world.services.reminders.tick()
    await expand_mornings(world.services)


def _stamp() -> object:
    from bot.domain.plan import Stamp  # noqa: PLC0415

    return Stamp(actor_id=OWNER.telegram_id, day=REGISTERED.date(), at=REGISTERED)


async def test_a_closed_family_has_no_reminder_but_monitoring(
    world: World, clock: time_machine.Coordinates
) -> None:
    # Monday 7 December, 10:00: the morning batch and both appointments' "evening before" are
    # due; the closed family's goal is due tomorrow, its contract ends on the 10th.
    await tick_at(world, clock, local(MONDAY, 10))
    owner = await world.kinds(OWNER.telegram_id)
    closed = f"family:{world.closed_id}"
    assert ("overdue_visit", f"family:{world.open_id}") in owner
    assert ("monitoring_due", closed) in owner
    assert not [k for k in owner if k[1] == closed and k[0] != "monitoring_due"]
    assert ("goal_due", "goal:1") not in owner
    rows = await world.db.fetch_all("SELECT payload FROM outbox WHERE kind = 'digest'")
    assert all('"R-01"' not in r["payload"] for r in rows)
    # the watcher holds no family in the caseload: no digest, only the monitoring reminder
    assert await world.kinds(WATCHER.telegram_id) == [
        ("monitoring_due", f"family:{world.watched_id}")
    ]
    appointments = await world.db.fetch_all(
        "SELECT family_id, status FROM appointments ORDER BY family_id"
    )
    assert [(a["family_id"], a["status"]) for a in appointments] == [
        (world.closed_id, "cancelled"),
        (world.open_id, "scheduled"),
    ]


async def test_the_monthly_reminder_waits_for_the_anniversary_and_skips_a_covered_month(
    world: World, clock: time_machine.Coordinates
) -> None:
    await tick_at(world, clock, local(date(2026, 11, 30), 10))  # a month is not over yet
    assert ("monitoring_due", f"family:{world.watched_id}") not in await world.kinds(
        WATCHER.telegram_id
    )
    clock.move_to(local(date(2026, 12, 1), 12))
    await world.services.cases.record_contact(
        WATCHER, world.watched_id, date(2026, 12, 1), ContactForm.PHONE, "ok"
    )
    await tick_at(world, clock, local(date(2026, 12, 2), 10))  # the anniversary, covered
    assert await world.kinds(WATCHER.telegram_id) == []


async def test_at_the_end_of_monitoring_the_bot_asks_finish_or_extend(
    world: World, clock: time_machine.Coordinates
) -> None:
    await tick_at(world, clock, local(date(2027, 2, 2), 10))  # a Tuesday, three months on
    rows = await world.db.fetch_all(
        "SELECT id FROM outbox WHERE assistant_id = ? AND kind = 'monitoring_ends'",
        (WATCHER.telegram_id,),
    )
    assert len(rows) == 1
    item = await world.services.reminders.reminders.get(int(rows[0]["id"]))
    assert isinstance(item, OutboxItem)
    from bot.i18n import translator  # noqa: PLC0415

    text = render(translator("en"), item)
    assert "R-02" in text
    assert "Finish it, or monitor a while longer?" in text
    buttons = [b.text for row in reminder_buttons(item).inline_keyboard for b in row]
    assert "✔ Zakończ monitoring" in buttons  # the assistant's language: Polish
    until = await world.services.cases.extend_monitoring(WATCHER, world.watched_id)
    assert until == date(2027, 5, 2)
    assert await world.services.cases.finish_monitoring(WATCHER, world.watched_id)
    assert not await world.services.cases.finish_monitoring(WATCHER, world.watched_id)
    await world.db.conn.execute("UPDATE outbox SET status = 'sent'")
    await tick_at(world, clock, local(date(2027, 3, 2), 10))  # finished: nothing more
    assert await world.kinds(WATCHER.telegram_id) == []


async def test_the_dispatcher_sends_a_monitoring_reminder_of_a_closed_family(
    world: World, clock: time_machine.Coordinates
) -> None:
    await tick_at(world, clock, local(date(2026, 12, 2), 10))
    sent: list[OutboxItem] = []

    class Sender:
        async def send(self, chat_id: int, reminder: OutboxItem) -> None:
            sent.append(reminder)

    async def no_sleep(seconds: float) -> None:
        return None

    from bot.services.reminders import Dispatcher  # noqa: PLC0415

    dispatcher = Dispatcher(
        world.services.reminders.reminders, Sender(), world.services.clock, sleep=no_sleep
    )
    await dispatcher.dispatch()
    assert "monitoring_due" in [item.kind.value for item in sent]
