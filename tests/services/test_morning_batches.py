"""Morning batches: stored by the tick, expanded by the dispatcher, never lost, never doubled.

The tick stores each assistant's morning as one row of inputs; the dispatcher makes its outbox
rows when it reaches it. These tests break the redesign where it could break: a crash while
expanding or between expansion and send, a batch expanded twice, a family handed over or
closed between the tick and the send, an assistant gone meanwhile, quiet hours, and rows made
from the stored inputs that differ from what the rules give on the data itself.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from benchmarks.synthetic import generate
from bot.config import Settings
from bot.domain.family import NewFamily
from bot.domain.lifecycle import CloseReason, Closure
from bot.domain.people import Actor
from bot.domain.reminders.kinds import DUE_SOON_DAYS, ReminderKind
from bot.domain.reminders.quiet import defer_all
from bot.domain.reminders.rules import morning_batch
from bot.services.dispatcher import Dispatcher
from bot.services.morning_batches import expand
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.outbox import OutboxItem, OutboxRepository, OutboxStatus
from bot.storage.people import PeopleRepository
from tests.services.test_reminders import Crash, FakeSender, FakeTime
from tests.support.mornings import expand_mornings

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY = date(2026, 12, 7)
NOW = datetime.combine(MONDAY, time(8), tzinfo=WARSAW).astimezone(UTC)
OWNER = Actor(telegram_id=1001, is_assistant=True)
OTHER = Actor(telegram_id=1002, is_assistant=True)
MORNING_KINDS = {
    ReminderKind.DIGEST,
    ReminderKind.OVERDUE_VISIT,
    ReminderKind.GOAL_DUE,
    ReminderKind.TASK_DUE,
    ReminderKind.ASSESSMENT_DUE,
    ReminderKind.ASSESSMENT_OVERDUE,
    ReminderKind.CONTRACT_ENDS,
}


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Coordinates]:
    """Monday 8:00 in Warsaw, after the default 7:30 digest."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@dataclass
class World:
    """The owner with R-01 and R-03 (never visited), the other assistant with R-02."""

    services: Services
    db: Database
    family_id: int

    def dispatcher(
        self,
        sender: FakeSender,
        services: Services | None = None,
        batch: int = 200,
        *,
        run_seconds: float = 0.0,
        time: FakeTime | None = None,
    ) -> Dispatcher:
        """A dispatcher with fake pacing time, sending `batch` rows a pass, one pass a run.

        `run_seconds` lets a run take more passes while it lasts (on `time`'s fake clock).
        """
        services = services or self.services
        fake = time or FakeTime()
        return Dispatcher(
            services.reminders.reminders,
            sender,
            services.clock,
            sleep=fake.sleep,
            monotonic=fake.monotonic,
            batch=batch,
            run_seconds=run_seconds,
        )

    async def rows(self) -> list[dict[str, object]]:
        """Every outbox row, oldest first, as stored (nothing expanded here)."""
        return await self.db.fetch_all("SELECT * FROM outbox ORDER BY id")

    async def waiting(self) -> list[int]:
        """The assistants whose stored batch is not expanded yet."""
        rows = await self.db.fetch_all(
            "SELECT assistant_id FROM morning_batches WHERE expanded_at IS NULL ORDER BY id"
        )
        return [int(r["assistant_id"]) for r in rows]


@pytest.fixture
async def world(settings: Settings, db: Database) -> World:
    """Two assistants, families registered a month ago: each waits for a visit."""
    services = Services.build(settings, db)
    people = PeopleRepository(db)
    month_ago = NOW - timedelta(days=30)
    await people.add_assistant(OWNER.telegram_id, "Ola Owner", month_ago)
    await people.add_assistant(OTHER.telegram_id, "Ewa Other", month_ago)
    with time_machine.travel(month_ago, tick=False):
        family_id, _ = await services.families.register(OWNER, NewFamily(code="R-01"))
        await services.families.register(OWNER, NewFamily(code="R-03"))
        await services.families.register(OTHER, NewFamily(code="R-02"))
    return World(services=services, db=db, family_id=family_id)


async def test_the_tick_stores_batches_and_the_dispatcher_sends_their_rows(world: World) -> None:
    assert await world.services.reminders.tick() == 2
    assert await world.rows() == []
    assert await world.waiting() == [OWNER.telegram_id, OTHER.telegram_id]
    sender = FakeSender()
    assert (await world.dispatcher(sender).dispatch()).sent == 5
    assert await world.waiting() == []
    assert [item.kind for chat, item in sender.sent if chat == OWNER.telegram_id] == [
        ReminderKind.DIGEST,
        ReminderKind.OVERDUE_VISIT,
        ReminderKind.OVERDUE_VISIT,
    ]
    assert {r["status"] for r in await world.rows()} == {OutboxStatus.SENT}
    assert (await world.dispatcher(sender).dispatch()).sent == 0


async def test_a_dispatch_run_expands_only_what_it_can_send(world: World) -> None:
    await world.services.reminders.tick()
    sender = FakeSender()
    # A run of two messages: the owner's batch (three rows) is enough, the other's waits.
    assert (await world.dispatcher(sender, batch=2).dispatch()).sent == 2
    assert await world.waiting() == [OTHER.telegram_id]
    assert (await world.dispatcher(sender, batch=2).dispatch()).sent == 2
    assert (await world.dispatcher(sender, batch=2).dispatch()).sent == 1
    assert len(sender.sent) == 5
    assert len({item.key for _, item in sender.sent}) == 5


@dataclass
class TimedSender(FakeSender):
    """A sender that notes the fake time of every message it accepts."""

    time: FakeTime = field(default_factory=FakeTime)
    times: list[float] = field(default_factory=list)

    async def send(self, chat_id: int, reminder: OutboxItem) -> None:
        """Deliver, and note when."""
        await super().send(chat_id, reminder)
        self.times.append(self.time.now)


async def test_a_run_takes_pass_after_pass_while_whole_batches_come(world: World) -> None:
    await world.services.reminders.tick()  # five rows in two mornings
    time = FakeTime()
    sender = TimedSender(time=time)
    # Passes of two rows: three passes in one run (the third finds one row and ends it).
    dispatcher = world.dispatcher(sender, batch=2, run_seconds=40, time=time)
    assert (await dispatcher.dispatch()).sent == 5
    assert await world.waiting() == []
    assert {r["status"] for r in await world.rows()} == {OutboxStatus.SENT}
    # The pace holds over passes: the owner's three rows (two in the first pass, one in the
    # second) are a second apart, the other's two as well.
    for assistant, gaps in ((OWNER, [1.0, 1.0]), (OTHER, [1.0])):
        times = [
            t
            for (chat, _), t in zip(sender.sent, sender.times, strict=True)
            if chat == assistant.telegram_id
        ]
        assert [round(b - a, 2) for a, b in itertools.pairwise(times)] == gaps
    assert sorted(sender.times) == sender.times


async def test_a_run_takes_no_new_pass_once_its_time_is_spent(world: World) -> None:
    await world.services.reminders.tick()
    time = FakeTime()
    sender = FakeSender()
    # The first pass's two rows (the owner's, a second apart) spend the run's half second.
    first = world.dispatcher(sender, batch=2, run_seconds=0.5, time=time)
    assert (await first.dispatch()).sent == 2
    # The next run's first pass takes two chats' rows at once: its time lasts for one more.
    second = world.dispatcher(sender, batch=2, run_seconds=0.5, time=time)
    assert (await second.dispatch()).sent == 3


async def test_a_stopped_dispatcher_ends_its_run_after_the_message_in_flight(world: World) -> None:
    await world.services.reminders.tick()
    dispatcher: Dispatcher | None = None

    @dataclass
    class StoppingSender(FakeSender):
        async def send(self, chat_id: int, reminder: OutboxItem) -> None:
            await super().send(chat_id, reminder)
            assert dispatcher is not None
            dispatcher.stop()  # the shutdown comes while this message is sent

    sender = StoppingSender()
    dispatcher = world.dispatcher(sender, batch=200, run_seconds=40)
    assert (await dispatcher.dispatch()).sent == 1
    assert (await dispatcher.dispatch()).sent == 0  # stopped: nothing more
    # What was not sent waits for the next start.
    assert (await world.dispatcher(FakeSender()).dispatch()).sent == 4


async def test_a_crash_while_expanding_leaves_the_batch_waiting(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await world.services.reminders.tick()
    enqueue = OutboxRepository.enqueue

    async def dies_expanding(
        self: OutboxRepository, plan: object, now: datetime, **how: object
    ) -> int:
        if how.get("expanding") is not None:
            raise Crash()
        return await enqueue(self, plan, now, **how)  # type: ignore[arg-type]

    monkeypatch.setattr(OutboxRepository, "enqueue", dies_expanding)
    with pytest.raises(Crash):
        await world.dispatcher(FakeSender()).dispatch()
    monkeypatch.setattr(OutboxRepository, "enqueue", enqueue)
    assert await world.rows() == []
    assert await world.waiting() == [OWNER.telegram_id, OTHER.telegram_id]
    sender = FakeSender()
    assert (await world.dispatcher(sender).dispatch()).sent == 5
    assert len({item.key for _, item in sender.sent}) == 5


async def test_a_crash_between_expansion_and_send_loses_and_doubles_nothing(
    world: World, settings: Settings
) -> None:
    await world.services.reminders.tick()
    crashing = FakeSender(crash_after_accepting=True)
    with pytest.raises(Crash):
        await world.dispatcher(crashing).dispatch()
    [(_, first)] = crashing.sent
    assert await world.waiting() == []  # expanded: the rows are stored, pending
    restarted = await Database.open(settings.database_path, settings.key())
    try:
        services = Services.build(settings, restarted)
        await services.reminders.tick(NOW + timedelta(minutes=1))  # nothing new
        sender = FakeSender()
        assert (await world.dispatcher(sender, services).dispatch()).sent == 5
        assert (await world.dispatcher(sender, services).dispatch()).sent == 0
    finally:
        await restarted.close()
    keys = [item.key for _, item in sender.sent]
    assert len(keys) == len(set(keys)) == 5
    assert first.key in keys  # the documented once-more of the row accepted before the crash
    assert len(await world.rows()) == 5


async def test_a_batch_expanded_twice_stores_its_rows_once(world: World) -> None:
    await world.services.reminders.tick()
    outbox = world.services.reminders.reminders
    batch = await outbox.waiting_batch(NOW)
    assert batch is not None
    # Two runs holding the same batch: one stores its rows, the other nothing.
    stored = await asyncio.gather(expand(outbox, batch, NOW), expand(outbox, batch, NOW))
    assert sorted(stored) == [0, 3]
    # Once a row is withdrawn its key is free: only the claimed batch keeps it from coming back.
    [digest, *_] = await world.rows()
    await outbox.withdraw_item(int(str(digest["id"])))
    assert await expand(outbox, batch, NOW) == 0
    assert len(await world.rows()) == 3
    assert await world.waiting() == [OTHER.telegram_id]


async def test_a_family_handed_over_before_the_send_gets_no_reminder_from_the_old_batch(
    world: World, settings: Settings
) -> None:
    await world.services.reminders.tick()
    admin = Actor(telegram_id=next(iter(settings.admin_telegram_ids)), is_admin=True)
    await world.services.team.hand_over(admin, "R-01", OTHER.telegram_id)
    sender = FakeSender()
    await world.dispatcher(sender).dispatch()
    about_r01 = [
        (chat, item.kind)
        for chat, item in sender.sent
        if item.kind is ReminderKind.OVERDUE_VISIT and item.family_id == world.family_id
    ]
    assert about_r01 == []  # the owner's no longer holds it, the other's was computed without it
    withdrawn = [r for r in await world.rows() if r["status"] == OutboxStatus.WITHDRAWN]
    assert [r["subject"] for r in withdrawn] == [f"family:{world.family_id}"]


async def test_a_family_closed_before_the_send_gets_no_reminder(world: World) -> None:
    await world.services.reminders.tick()
    closure = Closure(day=MONDAY, reason=CloseReason.REFUSED, summary="s", monitor_months=0)
    await world.services.cases.close(OWNER, world.family_id, closure)
    sender = FakeSender()
    await world.dispatcher(sender).dispatch()
    assert not [item for _, item in sender.sent if item.family_id == world.family_id]
    assert len(sender.sent) == 4


async def test_an_assistant_gone_drops_their_waiting_morning_and_counts_it(
    world: World,
) -> None:
    reminders = world.services.reminders
    await reminders.tick()
    notice = await reminders.mark_unreachable(OWNER.telegram_id)
    assert notice is not None
    assert notice.dropped == 3  # the digest and two overdue visits, never expanded
    assert await world.waiting() == [OTHER.telegram_id]
    assert await reminders.mark_reachable(OWNER.telegram_id)
    sender = FakeSender()
    await world.dispatcher(sender).dispatch()
    assert {chat for chat, _ in sender.sent} == {OTHER.telegram_id}


async def test_a_batch_waits_for_the_end_of_quiet_hours(world: World) -> None:
    reminders = world.services.reminders
    await reminders.set_digest_time(OWNER, time(6))
    await reminders.set_quiet_hours(OWNER, time(20), time(7, 15))
    six_thirty = datetime.combine(MONDAY, time(6, 30), tzinfo=WARSAW).astimezone(UTC)
    assert await reminders.tick(six_thirty) == 1
    sender = FakeSender()
    assert (await world.dispatcher(sender).dispatch(six_thirty)).sent == 0
    assert await world.waiting() == [OWNER.telegram_id]
    quarter_past = six_thirty + timedelta(minutes=45)
    assert (await world.dispatcher(sender).dispatch(quarter_past)).sent == 3
    sent_at = {r["next_attempt_at"] for r in await world.rows()}
    assert sent_at == {quarter_past.isoformat(timespec="microseconds")}


async def test_expanding_leaves_the_last_tick_alone(world: World) -> None:
    reminders = world.services.reminders
    await reminders.tick()
    await world.dispatcher(FakeSender()).dispatch(NOW + timedelta(minutes=30))
    assert await reminders.reminders.last_tick() == NOW


async def test_expanded_rows_are_what_the_rules_give_on_the_data(
    tmp_path: Path, settings: Settings
) -> None:
    """On a synthetic caseload: the rows made from stored inputs equal the rules on the data."""
    monday = date(2026, 11, 23)
    now = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    path = tmp_path / "synthetic.sqlite3"
    await generate(path, families=240, visits_per_family=6, appointments=600, today=monday)
    db = await Database.open(path)
    try:
        async with db.write() as conn:  # due dates around today, as benchmarks.scheduler_tick
            await conn.execute(
                "UPDATE goals SET due = date(?, ((id * 7) % 29 - 14) || ' days') WHERE id % 3 = 0",
                (monday.isoformat(),),
            )
            await conn.execute(
                "UPDATE tasks SET due = date(?, ((id * 5) % 29 - 14) || ' days') WHERE id % 3 = 0",
                (monday.isoformat(),),
            )
            # Every other family assessed some months ago: assessments due, overdue, listed.
            await conn.execute(
                "INSERT INTO assessments (family_id, day, summary, author_id, created_at) "
                "SELECT id, date(?, '-' || (150 + id % 60) || ' days'), 's', assistant_id, "
                "created_at FROM families WHERE id % 2 = 0",
                (monday.isoformat(),),
            )
        services = Services.build(settings, db)
        outbox = services.reminders.reminders
        expected = await _rules_on_the_data(services, now)
        assert len(expected) > 300
        assert await services.reminders.tick(now) > 0
        with time_machine.travel(now, tick=False):
            await expand_mornings(services)
        rows = await db.fetch_all("SELECT * FROM outbox ORDER BY id")
        stored = {
            (r["key"], r["kind"], r["subject"], r["payload"], r["due_at"], r["next_attempt_at"])
            for r in rows
            if r["kind"] in MORNING_KINDS
        }
        assert stored == expected
        kinds = {row[1] for row in stored}
        assert {"digest", "overdue_visit", "task_due", "assessment_due"} <= kinds
        assert not await outbox.waiting_batches_of(int(rows[0]["assistant_id"]))
    finally:
        await db.close()


async def _rules_on_the_data(services: Services, now: datetime) -> set[tuple[object, ...]]:
    """Each assistant's morning batch from the snapshots read directly, as outbox columns."""
    repository = services.reminders.reminders
    prefs = {p.telegram_id: p for p in await repository.reachable_prefs()}
    until = now.date() + timedelta(days=DUE_SOON_DAYS)
    families = await repository.family_snapshots(list(prefs))
    items = await repository.plan_items(list(prefs), until)
    appointments = await repository.appointment_snapshots(
        now - timedelta(days=15), now + timedelta(days=2)
    )
    expected: set[tuple[object, ...]] = set()
    for assistant_id, assistant in prefs.items():
        found = morning_batch(
            now,
            assistant,
            [f for f in families if f.assistant_id == assistant_id],
            [a for a in appointments if a.assistant_id == assistant_id],
            [i for i in items if i.assistant_id == assistant_id],
        )
        for reminder in defer_all(found, prefs):
            expected.add(
                (
                    reminder.key,
                    reminder.kind.value,
                    reminder.subject,
                    reminder.facts.model_dump_json(exclude_defaults=True),
                    reminder.due_at.astimezone(UTC).isoformat(timespec="microseconds"),
                    reminder.send_time.astimezone(UTC).isoformat(timespec="microseconds"),
                )
            )
    return expected


async def test_an_unreadable_batch_waits_and_the_rest_goes_out(
    world: World, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    await world.services.reminders.tick()
    [row] = await world.db.fetch_all(
        "SELECT inputs FROM morning_batches WHERE assistant_id = ?", (OWNER.telegram_id,)
    )
    async with world.db.write() as conn:  # as if stored by code with other inputs
        await conn.execute(
            "UPDATE morning_batches SET inputs = '{\"prefs\": {}}' WHERE assistant_id = ?",
            (OWNER.telegram_id,),
        )
    sender = FakeSender()
    with caplog.at_level("ERROR"):
        assert (await world.dispatcher(sender).dispatch()).sent == 2
    assert {chat for chat, _ in sender.sent} == {OTHER.telegram_id}
    assert await world.waiting() == [OWNER.telegram_id]  # nothing of it lost
    [record] = [r for r in caplog.records if "cannot be read" in r.getMessage()]
    assert "Ola" not in record.getMessage()
    assert (await world.dispatcher(sender).dispatch()).sent == 0  # passed over, not retried
    # Put right, a restarted bot sends it.
    async with world.db.write() as conn:
        await conn.execute(
            "UPDATE morning_batches SET inputs = ? WHERE assistant_id = ?",
            (row["inputs"], OWNER.telegram_id),
        )
    restarted = Services.build(settings, world.db)
    again = FakeSender()
    assert (await world.dispatcher(again, restarted).dispatch()).sent == 3
    assert {chat for chat, _ in again.sent} == {OWNER.telegram_id}
