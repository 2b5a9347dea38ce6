"""ReminderService and Dispatcher on a real SQLite file with a fake Sender and a frozen clock.

The accepted at-least-once window, shown by `test_crash_after_send_before_mark_sends_once_more`:
when the process dies after Telegram accepted a message but before the row is marked sent, the
row is still pending after the restart and the message goes out exactly once more.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.config import Settings
from bot.domain.appointment import Institution, NewAppointment
from bot.domain.errors import DomainError, NotAllowed, NotFound, Settled
from bot.domain.family import Member, NewFamily
from bot.domain.people import Actor
from bot.domain.plan import TaskOwner
from bot.domain.reminders.kinds import ReminderKind
from bot.domain.visit import VisitDraft
from bot.domain.vocabulary import Area, MemberRole, MissedReason, Place, VisitKind
from bot.i18n import translator
from bot.services.morning_batches import expand_due
from bot.services.registry import Services
from bot.services.reminders import (
    MAX_ATTEMPTS,
    Dispatcher,
    RecipientGone,
    SendLater,
)
from bot.storage.db import Database
from bot.storage.outbox import OutboxItem, OutboxStatus, UnreachableNotice
from bot.storage.people import PeopleRepository
from bot.ui.reminder_texts import render
from tests.support.telegram_rules import check_text

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY = date(2026, 12, 7)
FRIDAY = MONDAY - timedelta(days=3)
OWNER = Actor(telegram_id=1001, is_assistant=True)
OTHER = Actor(telegram_id=1002, is_assistant=True)
STRANGER = Actor(telegram_id=9999)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Warsaw wall time as a UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW).astimezone(UTC)


NOW = local(MONDAY, 8)


class Crash(BaseException):
    """The process dies (not an Exception: nothing in the bot may catch it)."""


@dataclass
class FakeSender:
    """Records every message Telegram "accepted"; raises what it is told to, in order."""

    sent: list[tuple[int, OutboxItem]] = field(default_factory=list)
    failures: list[BaseException | None] = field(default_factory=list)
    gone: set[int] = field(default_factory=set)
    crash_after_accepting: bool = False

    async def send(self, chat_id: int, reminder: OutboxItem) -> None:
        """Deliver, fail, or accept and then crash."""
        if chat_id in self.gone:
            raise RecipientGone()
        failure = self.failures.pop(0) if self.failures else None
        if failure is not None:
            raise failure
        self.sent.append((chat_id, reminder))
        if self.crash_after_accepting:
            raise Crash()

    def kinds(self) -> list[ReminderKind]:
        """The kinds sent, in order."""
        return [item.kind for _, item in self.sent]


@dataclass
class FakeTime:
    """A monotonic clock that moves only when the dispatcher sleeps."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        """The current fake reading."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Move time on instead of waiting."""
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class World:
    """The owner with R-01 (never visited) and R-03, the other assistant with R-02."""

    services: Services
    db: Database
    family_id: int
    third_family_id: int
    other_family_id: int
    time: FakeTime = field(default_factory=FakeTime)
    notices: list[UnreachableNotice] = field(default_factory=list)

    def dispatcher(self, sender: FakeSender, services: Services | None = None) -> Dispatcher:
        """A dispatcher with fake pacing time, telling the admins through `notices`."""
        services = services or self.services

        async def notify(notice: UnreachableNotice) -> None:
            self.notices.append(notice)

        return Dispatcher(
            services.reminders.reminders,
            sender,
            services.clock,
            notify_admins=notify,
            sleep=self.time.sleep,
            monotonic=self.time.monotonic,
        )

    async def outbox(self) -> list[dict[str, object]]:
        """Every outbox row, oldest first, once the dispatcher has expanded the mornings."""
        await expand_due(self.services.reminders.reminders, NOW + timedelta(days=30), None)
        return await self.db.fetch_all("SELECT * FROM outbox ORDER BY id")


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Coordinates]:
    """Monday 8:00 in Warsaw, after the default 7:30 digest."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
async def world(settings: Settings, db: Database) -> World:
    """Two assistants; families registered a month ago, so R-01 and R-03 wait for a visit."""
    services = Services.build(settings, db)
    people = PeopleRepository(db)
    month_ago = NOW - timedelta(days=30)
    await people.add_assistant(OWNER.telegram_id, "Ola Owner", month_ago)
    await people.add_assistant(OTHER.telegram_id, "Ewa Other", month_ago)
    with time_machine.travel(month_ago, tick=False):
        family_id, _ = await services.families.register(
            OWNER, NewFamily(code="R-01", members=[Member(name="Anna", role=MemberRole.MOTHER)])
        )
        third_id, _ = await services.families.register(OWNER, NewFamily(code="R-03"))
        other_id, _ = await services.families.register(OTHER, NewFamily(code="R-02"))
    return World(
        services=services,
        db=db,
        family_id=family_id,
        third_family_id=third_id,
        other_family_id=other_id,
    )


async def _appointment(world: World, starts_at: datetime, actor: Actor = OWNER) -> int:
    """An appointment at the court for the actor's first family."""
    family_id = world.family_id if actor == OWNER else world.other_family_id
    saved = await world.services.appointments.create(
        actor,
        NewAppointment(
            family_id=family_id,
            institution=Institution.COURT,
            starts_at=starts_at,
            accompany=True,
            purpose="Hearing",
        ),
    )
    return saved.id


# The tick


async def test_tick_twice_stores_nothing_twice(world: World) -> None:
    reminders = world.services.reminders
    queued = await reminders.tick()
    assert queued == 2  # each assistant's morning batch, expanded when the dispatcher gets to it
    assert await reminders.tick() == 0
    assert await reminders.tick(NOW + timedelta(minutes=1)) == 0
    rows = await world.outbox()
    # Each assistant's digest, and one overdue visit per family never visited.
    assert len(rows) == 5
    assert len({r["key"] for r in rows}) == 5
    assert await reminders.tick(NOW + timedelta(minutes=2)) == 0
    assert len(await world.outbox()) == 5
    kinds = sorted(str(r["kind"]) for r in rows)
    assert kinds == ["digest", "digest", "overdue_visit", "overdue_visit", "overdue_visit"]


async def test_tick_after_a_restart_stores_nothing_twice(world: World, settings: Settings) -> None:
    await world.services.reminders.tick()
    restarted = await Database.open(settings.database_path, settings.key())
    try:
        again = Services.build(settings, restarted)
        assert await again.reminders.tick(NOW + timedelta(minutes=1)) == 0
    finally:
        await restarted.close()


async def test_nothing_before_the_digest_time_or_at_the_weekend(
    world: World, frozen_clock: time_machine.Coordinates
) -> None:
    assert await world.services.reminders.tick(local(MONDAY, 7, 29)) == 0
    assert await world.services.reminders.tick(local(MONDAY - timedelta(days=1), 12)) == 0


async def test_quiet_hours_defer_an_evening_reminder_to_the_morning(world: World) -> None:
    await world.services.reminders.set_quiet_hours(OWNER, time(17), time(8, 30))
    tomorrow_noon = local(MONDAY + timedelta(days=1), 12)
    appointment_id = await _appointment(world, tomorrow_noon)
    sender = FakeSender()
    await world.services.reminders.tick(local(MONDAY, 18))
    row = await world.db.fetch_one(
        "SELECT next_attempt_at FROM outbox WHERE kind = 'appointment_evening' AND subject = ?",
        (f"appointment:{appointment_id}",),
    )
    assert row is not None
    assert datetime.fromisoformat(str(row["next_attempt_at"])) == local(
        MONDAY + timedelta(days=1), 8, 30
    )
    await world.dispatcher(sender).dispatch(local(MONDAY, 18, 1))
    assert ReminderKind.APPOINTMENT_EVENING not in sender.kinds()
    await world.dispatcher(sender).dispatch(local(MONDAY + timedelta(days=1), 8, 30))
    assert ReminderKind.APPOINTMENT_EVENING in sender.kinds()


async def test_chosen_digest_time_moves_the_morning_batch(world: World) -> None:
    prefs = await world.services.reminders.set_digest_time(OWNER, time(9, 15, 42))
    assert prefs.digest_time == time(9, 15)
    await world.services.reminders.tick(local(MONDAY, 9, 14))
    owner_rows = [r for r in await world.outbox() if r["assistant_id"] == OWNER.telegram_id]
    assert owner_rows == []
    await world.services.reminders.tick(local(MONDAY, 9, 15))
    owner_rows = [r for r in await world.outbox() if r["assistant_id"] == OWNER.telegram_id]
    assert {r["kind"] for r in owner_rows} == {"digest", "overdue_visit"}


async def test_settings_need_a_member(world: World) -> None:
    with pytest.raises(NotAllowed):
        await world.services.reminders.prefs(STRANGER)
    with pytest.raises(NotAllowed):
        await world.services.reminders.set_quiet_hours(STRANGER, time(21), time(6))
    with pytest.raises(DomainError) as empty:
        await world.services.reminders.set_working_days(OWNER, frozenset())
    assert empty.value.code == "working_days_empty"
    prefs = await world.services.reminders.set_working_days(OWNER, frozenset(range(7)))
    assert prefs.working_days == frozenset(range(7))


# The dispatcher


async def test_dispatch_sends_oldest_first_and_marks_each_sent(world: World) -> None:
    await world.services.reminders.tick()
    sender = FakeSender()
    report = await world.dispatcher(sender).dispatch()
    assert report.sent == 5
    assert sender.kinds()[0] is ReminderKind.DIGEST
    assert {r["status"] for r in await world.outbox()} == {OutboxStatus.SENT}
    assert (await world.dispatcher(sender).dispatch()).sent == 0
    assert len(sender.sent) == 5


async def test_crash_after_send_before_mark_sends_once_more(
    world: World, settings: Settings
) -> None:
    """The documented at-least-once window: accepted, then the process dies before marking."""
    await world.services.reminders.tick()
    crashing = FakeSender(crash_after_accepting=True)
    with pytest.raises(Crash):
        await world.dispatcher(crashing).dispatch()
    assert len(crashing.sent) == 1  # Telegram has the message…
    first = crashing.sent[0][1]
    stored = await world.services.reminders.reminders.get(first.id)
    assert stored is not None
    assert stored.status is OutboxStatus.PENDING  # …but the row was never marked sent.

    # Restart: a new connection and new services on the same file, as after `kill -9`.
    restarted = await Database.open(settings.database_path, settings.key())
    try:
        services = Services.build(settings, restarted)
        sender = FakeSender()
        await world.dispatcher(sender, services).dispatch()
        assert [item.key for _, item in sender.sent].count(first.key) == 1  # exactly once more
        assert (await world.dispatcher(sender, services).dispatch()).sent == 0
        again = await services.reminders.reminders.get(first.id)
        assert again is not None
        assert again.status is OutboxStatus.SENT
    finally:
        await restarted.close()
    deliveries = [c for c in (*crashing.sent, *sender.sent) if c[1].key == first.key]
    assert len(deliveries) == 2  # the one duplicate the window allows, never more


async def test_send_later_requeues_and_ends_the_run(world: World) -> None:
    await world.services.reminders.tick()
    sender = FakeSender(failures=[SendLater(30)])
    report = await world.dispatcher(sender).dispatch()
    assert (report.sent, report.requeued) == (0, 1)
    rows = await world.outbox()
    assert {r["status"] for r in rows} == {OutboxStatus.PENDING}
    first = rows[0]
    assert first["attempts"] == 1
    assert first["last_error"] == "retry_after"
    assert datetime.fromisoformat(str(first["next_attempt_at"])) == NOW + timedelta(seconds=30)
    # Before the wait is over the others go, the first waits for its time.
    report = await world.dispatcher(sender).dispatch()
    assert report.sent == 4
    with time_machine.travel(NOW + timedelta(seconds=31), tick=False):
        assert (await world.dispatcher(sender).dispatch()).sent == 1
    assert {r["status"] for r in await world.outbox()} == {OutboxStatus.SENT}


async def test_recipient_gone_stops_everything_for_them_and_tells_the_admins(
    world: World,
) -> None:
    reminders = world.services.reminders
    await reminders.tick()
    sender = FakeSender(gone={OWNER.telegram_id})
    report = await world.dispatcher(sender).dispatch()
    assert report.sent == 2  # the other assistant's digest and overdue visit
    assert report.dropped == 3
    assert world.notices == [
        UnreachableNotice(assistant_id=OWNER.telegram_id, display_name="Ola Owner", dropped=3)
    ]
    statuses = {
        r["key"]: r["status"]
        for r in await world.outbox()
        if r["assistant_id"] == OWNER.telegram_id
    }
    assert set(statuses.values()) == {OutboxStatus.DROPPED_UNREACHABLE}
    assert (await reminders.prefs(OWNER)).unreachable
    # No more retries, and the next day's tick skips them.
    assert (await world.dispatcher(sender).dispatch()).sent == 0
    tuesday = local(MONDAY + timedelta(days=1), 8)
    await reminders.tick(tuesday)
    tuesday_rows = [r for r in await world.outbox() if str(r["key"]).endswith("2026-12-08")]
    assert {r["assistant_id"] for r in tuesday_rows} == {OTHER.telegram_id}
    # Once they write to the bot again, reminders resume.
    assert await reminders.mark_reachable(OWNER.telegram_id)
    assert await reminders.tick(tuesday + timedelta(minutes=1)) == 1  # their morning batch
    tuesday_rows = [r for r in await world.outbox() if str(r["key"]).endswith("2026-12-08")]
    assert len([r for r in tuesday_rows if r["assistant_id"] == OWNER.telegram_id]) == 3


async def test_other_errors_back_off_then_fail(world: World) -> None:
    await world.services.reminders.tick()
    await world.outbox()  # the mornings expanded, as the dispatcher's run would first
    reminders = world.services.reminders.reminders
    [first, *_] = await reminders.due(NOW, 10)
    await world.db.conn.execute(
        "UPDATE outbox SET status = 'sent' WHERE id != ?", (first.id,)
    )  # only this row in play
    moment = NOW
    for attempt in range(MAX_ATTEMPTS):
        sender = FakeSender(failures=[RuntimeError("network down")])
        moment += timedelta(hours=2)
        report = await world.dispatcher(sender).dispatch(moment)
        if attempt < MAX_ATTEMPTS - 1:
            assert report.requeued == 1
        else:
            assert report.failed == 1
    stored = await reminders.get(first.id)
    assert stored is not None
    assert stored.status is OutboxStatus.FAILED
    assert stored.last_error == "RuntimeError: network down"


async def test_pacing_one_per_second_per_chat_others_go_ahead(world: World) -> None:
    await world.services.reminders.tick()  # owner: 3 rows, other: 2 rows, all due together
    sender = FakeSender()
    await world.dispatcher(sender).dispatch()
    chats = [chat for chat, _ in sender.sent]
    owner, other = OWNER.telegram_id, OTHER.telegram_id
    assert chats == [owner, other, owner, other, owner]
    # Sleeps add up so that each chat's messages are a second apart: 2 s for the owner's third.
    assert world.time.now == pytest.approx(2.0)


# Downtime


async def _down_from_friday(
    world: World, frozen_clock: time_machine.Coordinates, *starts: datetime
) -> list[int]:
    """Friday 8:00 is sent, appointments are made at `starts`, then the bot is down.

    Nothing ticks and nothing is sent until Monday 10:00, whose tick queues one catch-up
    per assistant. The appointments' ids, in order.
    """
    frozen_clock.move_to(local(FRIDAY, 8))
    await world.services.reminders.tick()
    await world.dispatcher(FakeSender()).dispatch()
    made = [await _appointment(world, start) for start in starts]
    frozen_clock.move_to(local(MONDAY, 10))
    assert await world.services.reminders.tick() == 2
    return made


async def test_three_days_down_then_one_catch_up_message(
    world: World, frozen_clock: time_machine.Coordinates
) -> None:
    reminders = world.services.reminders
    saturday_court, monday_court = await _down_from_friday(
        world, frozen_clock, local(FRIDAY + timedelta(days=1), 10), local(MONDAY, 13)
    )
    sender = FakeSender()
    await world.dispatcher(sender).dispatch()
    owner_messages = [item for chat, item in sender.sent if chat == OWNER.telegram_id]
    [catch_up] = owner_messages
    assert catch_up.kind is ReminderKind.CATCH_UP
    missed = {
        (m.kind, m.facts.appointment.appointment_id if m.facts.appointment else None)
        for m in catch_up.facts.missed
    }
    # Saturday's reminders before the appointment are pointless now; its outcome question is not.
    assert (ReminderKind.APPOINTMENT_EVENING, saturday_court) not in missed
    assert (ReminderKind.APPOINTMENT_SOON, saturday_court) not in missed
    assert (ReminderKind.OUTCOME_QUESTION, saturday_court) in missed
    assert (ReminderKind.APPOINTMENT_EVENING, monday_court) in missed
    assert (ReminderKind.DIGEST, None) in missed
    for locale in ("pl", "en"):
        check_text(render(translator(locale), catch_up), "HTML")
    # The next minutes bring nothing more; at 11:00 the 2-hours-before reminder comes on time.
    frozen_clock.move_to(local(MONDAY, 10, 1))
    assert await reminders.tick() == 0
    frozen_clock.move_to(local(MONDAY, 11))
    assert await reminders.tick() == 1
    later = FakeSender()
    await world.dispatcher(later).dispatch()
    assert later.kinds() == [ReminderKind.APPOINTMENT_SOON]


async def test_a_catch_up_leaves_out_what_no_longer_holds_when_it_is_sent(
    world: World, frozen_clock: time_machine.Coordinates
) -> None:
    saturday_court, monday_court, monday_office = await _down_from_friday(
        world,
        frozen_clock,
        local(FRIDAY + timedelta(days=1), 10),
        local(MONDAY, 13),
        local(MONDAY, 14),
    )
    # Between the tick and the sending: one of Monday's appointments is cancelled, the other
    # moved an hour later (it gets reminders of its own for the new time).
    await world.services.appointments.cancel(OWNER, monday_court)
    await world.services.appointments.move(OWNER, monday_office, local(MONDAY, 15))
    sender = FakeSender()
    await world.dispatcher(sender).dispatch()
    [catch_up] = [item for chat, item in sender.sent if chat == OWNER.telegram_id]
    assert catch_up.kind is ReminderKind.CATCH_UP
    folded = [
        (m.kind, m.facts.appointment.appointment_id)
        for m in catch_up.facts.missed
        if m.facts.appointment is not None
    ]
    assert folded == [(ReminderKind.OUTCOME_QUESTION, saturday_court)]
    [digest] = [m.facts.digest for m in catch_up.facts.missed if m.facts.digest is not None]
    assert [(a.appointment_id, a.starts_at) for a in digest.appointments] == [
        (monday_office, local(MONDAY, 15))
    ]
    for locale in ("pl", "en"):
        check_text(render(translator(locale), catch_up), "HTML")


async def test_backlog_left_pending_by_downtime_joins_the_catch_up(
    world: World, frozen_clock: time_machine.Coordinates
) -> None:
    reminders = world.services.reminders
    await reminders.tick()  # Monday's morning rows are queued, then the bot dies unsent
    frozen_clock.move_to(NOW + timedelta(days=1))
    await reminders.tick()
    sender = FakeSender()
    await world.dispatcher(sender).dispatch()
    assert [chat for chat, _ in sender.sent] == [OWNER.telegram_id, OTHER.telegram_id]
    assert set(sender.kinds()) == {ReminderKind.CATCH_UP}
    statuses = {str(r["status"]) for r in await world.outbox() if r["kind"] != "catch_up"}
    assert statuses == {OutboxStatus.COLLAPSED}


# Buttons: snooze and done


async def test_snooze_and_done(world: World) -> None:
    reminders = world.services.reminders
    await reminders.tick()
    sender = FakeSender()
    await world.dispatcher(sender).dispatch()
    item = next(i for chat, i in sender.sent if chat == OWNER.telegram_id)
    with pytest.raises(NotFound) as foreign:
        await reminders.snooze(OTHER, item.id, NOW + timedelta(hours=1))
    assert foreign.value.code == "reminder_unknown"
    with pytest.raises(DomainError) as past:
        await reminders.snooze(OWNER, item.id, NOW - timedelta(minutes=1))
    assert past.value.code == "when_past"
    snoozed = await reminders.snooze(OWNER, item.id, NOW + timedelta(hours=1))
    assert snoozed.status is OutboxStatus.PENDING
    assert snoozed.next_attempt_at == NOW + timedelta(hours=1)
    again = FakeSender()
    assert (await world.dispatcher(again).dispatch(NOW + timedelta(minutes=59))).sent == 0
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert (await world.dispatcher(again).dispatch()).sent == 1
    done = await reminders.done(OWNER, item.id)
    assert done.status is OutboxStatus.DONE
    assert (await reminders.done(OWNER, item.id)).status is OutboxStatus.DONE
    with pytest.raises(DomainError) as closed:
        await reminders.snooze(OWNER, item.id, NOW + timedelta(hours=3))
    assert closed.value.code == "reminder_closed"


async def _visit(
    world: World, family_id: int, day: date, kind: VisitKind = VisitKind.COMPLETED
) -> None:
    """The owner records a visit (or a missed one) on `day`, now."""
    draft = VisitDraft(
        token=f"{family_id}-{day}-{kind}", family_id=family_id, visit_date=day, kind=kind
    )
    if kind is VisitKind.COMPLETED:
        draft.duration_min, draft.place, draft.note = 60, Place.HOME, "A visit."
        family = await world.services.families.peek(OWNER, family_id)
        draft.present = [m.id for m in family.members[:1]]  # someone was there, if any
    else:
        draft.missed_reason = MissedReason.NOBODY_HOME
    await world.services.visits.record(OWNER, draft)


def _overdue_codes(sender: FakeSender) -> list[str]:
    """The families whose overdue-visit reminders were sent, by code (not in pacing order)."""
    return sorted(
        str(item.facts.family_code)
        for _, item in sender.sent
        if item.kind is ReminderKind.OVERDUE_VISIT
    )


async def test_a_visit_recorded_after_the_tick_withdraws_its_overdue_reminder(
    world: World,
) -> None:
    await world.services.reminders.tick()  # R-01, R-03 (the owner's) and R-02 wait for a visit
    await _visit(world, world.family_id, MONDAY)  # R-01 is visited before the sending
    sender = FakeSender()
    report = await world.dispatcher(sender).dispatch()
    assert _overdue_codes(sender) == ["R-02", "R-03"]
    assert report.sent == 4
    [row] = [r for r in await world.outbox() if r["subject"] == f"family:{world.family_id}"]
    assert row["status"] == OutboxStatus.WITHDRAWN


async def test_a_snoozed_overdue_reminder_does_not_come_after_the_visit(world: World) -> None:
    reminders = world.services.reminders
    await reminders.tick()
    sender = FakeSender()
    await world.dispatcher(sender).dispatch()
    [item] = [i for _, i in sender.sent if i.facts.family_id == world.family_id]
    await reminders.snooze(OWNER, item.id, NOW + timedelta(hours=1))
    await _visit(world, world.family_id, MONDAY)
    again = FakeSender()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert (await world.dispatcher(again).dispatch()).sent == 0
    stored = await reminders.reminders.get(item.id)
    assert stored is not None
    assert stored.status is OutboxStatus.WITHDRAWN


async def test_only_a_later_completed_visit_closes_the_gap(
    world: World, frozen_clock: time_machine.Coordinates
) -> None:
    # R-01 was last visited ten days ago: overdue this morning, counted from that visit.
    await _visit(world, world.family_id, MONDAY - timedelta(days=10))
    await world.services.reminders.tick()
    [row] = [r for r in await world.outbox() if r["subject"] == f"family:{world.family_id}"]
    item = await world.services.reminders.reminders.get(int(str(row["id"])))
    assert item is not None
    gap = item.facts.visit_gap
    assert gap is not None
    assert gap.last_visit == MONDAY - timedelta(days=10)
    # A missed visit today and a visit of two weeks ago typed in late leave it open...
    await _visit(world, world.family_id, MONDAY, VisitKind.MISSED)
    await _visit(world, world.family_id, MONDAY - timedelta(days=14))
    sender = FakeSender()
    await world.dispatcher(sender).dispatch()
    assert _overdue_codes(sender) == ["R-01", "R-02", "R-03"]
    # ...and a rule on the fact: a later visit closes it, a first one closes a never-visited gap.
    assert gap.visited_since(MONDAY - timedelta(days=9))
    assert not gap.visited_since(MONDAY - timedelta(days=10))
    assert not gap.visited_since(None)
    never = gap.model_copy(update={"visited": False, "last_visit": None})
    assert never.visited_since(MONDAY - timedelta(days=30))
    # A row queued before the date was kept tells nothing: it is sent.
    legacy = gap.model_copy(update={"last_visit": None})
    assert not legacy.visited_since(MONDAY)


async def test_a_digest_is_sent_without_what_was_dealt_with_since_the_tick(world: World) -> None:
    plans = world.services.plans
    r01 = world.family_id
    hearing = await _appointment(world, local(MONDAY, 14))
    goal = await plans.add_goal(OWNER, r01, Area.HOUSING, "Rent paid", due=MONDAY)
    task = await plans.add_task(
        OWNER, goal.id, "Call the office", TaskOwner.assistant(), due=MONDAY
    )
    await world.services.reminders.tick()
    # Between the tick and the sending: R-01 is visited, the hearing cancelled, the task done.
    await _visit(world, r01, MONDAY)
    await world.services.appointments.cancel(OWNER, hearing)
    await plans.set_task_done(OWNER, task.id, True)
    sender = FakeSender()
    await world.dispatcher(sender).dispatch()
    [digest] = [
        i.facts.digest
        for chat, i in sender.sent
        if chat == OWNER.telegram_id and i.facts.digest is not None
    ]
    assert [g.family_code for g in digest.overdue] == ["R-03"]
    assert digest.appointments == ()
    assert [(d.item.value, d.item_id) for d in digest.due] == [("goal", goal.id)]
    # The stored row keeps what the tick found (a snoozed digest is checked again).
    [row] = [
        r
        for r in await world.outbox()
        if r["kind"] == "digest" and r["assistant_id"] == OWNER.telegram_id
    ]
    stored = await world.services.reminders.reminders.get(int(str(row["id"])))
    assert stored is not None
    assert stored.facts.digest is not None
    assert len(stored.facts.digest.overdue) == 2


async def test_a_digest_shows_an_appointment_moved_since_the_tick_at_its_new_time(
    world: World,
) -> None:
    hearing = await _appointment(world, local(MONDAY, 14))
    office = await _appointment(world, local(MONDAY, 11))
    gone = await _appointment(world, local(MONDAY, 16))
    await world.services.reminders.tick()
    # Between the tick and the sending: the hearing moves to the morning, before the office,
    # and the last one to Wednesday (it is no longer today's).
    appointments = world.services.appointments
    await appointments.move(OWNER, hearing, local(MONDAY, 9, 30))
    await appointments.move(OWNER, gone, local(MONDAY + timedelta(days=2), 16))
    sender = FakeSender()
    await world.dispatcher(sender).dispatch()
    [item] = [
        i for chat, i in sender.sent if chat == OWNER.telegram_id and i.facts.digest is not None
    ]
    assert item.facts.digest is not None
    assert [(a.appointment_id, a.starts_at) for a in item.facts.digest.appointments] == [
        (hearing, local(MONDAY, 9, 30)),
        (office, local(MONDAY, 11)),
    ]
    text = render(translator("en"), item)
    assert text.index("09:30") < text.index("11:00")
    assert "14:00" not in text
    assert "16:00" not in text


async def _booked(world: World, family_id: int, starts_at: datetime, actor: Actor = OWNER) -> int:
    """An appointment at the labour office for one of the actor's families."""
    saved = await world.services.appointments.create(
        actor,
        NewAppointment(
            family_id=family_id,
            institution=Institution.PUP,
            starts_at=starts_at,
            accompany=False,
            purpose="Secret-purpose",
        ),
    )
    return saved.id


async def _snoozed_digest(world: World) -> OutboxItem:
    """The owner's digest, sent at 08:00 and snoozed for an hour."""
    sender = FakeSender()
    await world.dispatcher(sender).dispatch()
    [item] = [
        i for chat, i in sender.sent if chat == OWNER.telegram_id and i.facts.digest is not None
    ]
    await world.services.reminders.snooze(OWNER, item.id, NOW + timedelta(hours=1))
    return item


async def _digest_sent_again(world: World) -> OutboxItem:
    """The owner's snoozed digest as it is sent an hour later."""
    sender = FakeSender()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        await world.dispatcher(sender).dispatch()
    [item] = [
        i for chat, i in sender.sent if chat == OWNER.telegram_id and i.facts.digest is not None
    ]
    return item


async def test_a_snoozed_digest_lists_the_appointments_scheduled_into_its_day_since(
    world: World, settings: Settings
) -> None:
    r01, r03 = world.family_id, world.third_family_id
    hearing = await _appointment(world, local(MONDAY, 11))
    tomorrow = await _booked(world, r03, local(MONDAY + timedelta(days=1), 10))
    await world.services.reminders.tick()
    made = await _snoozed_digest(world)
    assert made.facts.digest is not None
    assert [a.appointment_id for a in made.facts.digest.appointments] == [hearing]
    # While it is snoozed: one is booked for this afternoon, tomorrow's is moved to this
    # morning; one booked for today is cancelled, one for tomorrow stays there, and another
    # assistant books one for today (none of those three is this digest's).
    appointments = world.services.appointments
    afternoon = await _booked(world, r01, local(MONDAY, 14))
    await appointments.move(OWNER, tomorrow, local(MONDAY, 10))
    cancelled = await _booked(world, r03, local(MONDAY, 15))
    await appointments.cancel(OWNER, cancelled)
    await _booked(world, r03, local(MONDAY + timedelta(days=1), 9))
    await _booked(world, world.other_family_id, local(MONDAY, 12), OTHER)
    item = await _digest_sent_again(world)
    assert item.facts.digest is not None
    assert [(a.appointment_id, a.starts_at) for a in item.facts.digest.appointments] == [
        (tomorrow, local(MONDAY, 10)),
        (hearing, local(MONDAY, 11)),
        (afternoon, local(MONDAY, 14)),
    ]
    text = render(translator("en"), item)
    assert text.index("10:00 <b>R-03</b>") < text.index("11:00 <b>R-01</b>")
    assert text.index("11:00 <b>R-01</b>") < text.index("14:00 <b>R-01</b>")
    for gone in ("09:00", "12:00", "15:00", "R-02", "Secret-purpose", "Hearing", "Anna"):
        assert gone not in text
    check_text(text, "HTML")
    # A family handed over meanwhile takes its appointments along, the named one too.
    await world.services.reminders.snooze(OWNER, item.id, NOW + timedelta(hours=2))
    admin = Actor(telegram_id=next(iter(settings.admin_telegram_ids)), is_admin=True)
    await world.services.team.hand_over(admin, "R-01", OTHER.telegram_id)
    sender = FakeSender()
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        await world.dispatcher(sender).dispatch()
    [later] = [
        i.facts.digest
        for chat, i in sender.sent
        if chat == OWNER.telegram_id and i.facts.digest is not None
    ]
    assert [a.appointment_id for a in later.appointments] == [tomorrow]


async def test_an_empty_digest_snoozed_lists_an_appointment_booked_for_its_day(
    world: World,
) -> None:
    # Both families were visited this morning: the digest has nothing to say.
    await _visit(world, world.family_id, MONDAY)
    await _visit(world, world.third_family_id, MONDAY)
    await world.services.reminders.tick()
    made = await _snoozed_digest(world)
    assert made.facts.digest is not None
    assert made.facts.digest.is_empty
    afternoon = await _booked(world, world.third_family_id, local(MONDAY, 14))
    item = await _digest_sent_again(world)
    assert item.facts.digest is not None
    assert [a.appointment_id for a in item.facts.digest.appointments] == [afternoon]
    text = render(translator("en"), item)
    assert "Appointments today" in text
    assert "14:00 <b>R-03</b>" in text
    assert "Nothing pressing" not in text


async def test_snooze_into_quiet_hours_waits_for_their_end(world: World) -> None:
    reminders = world.services.reminders
    await reminders.tick()
    await world.dispatcher(FakeSender()).dispatch()
    [row] = [
        r
        for r in await world.outbox()
        if r["kind"] == "digest" and r["assistant_id"] == OWNER.telegram_id
    ]
    snoozed = await reminders.snooze(OWNER, int(str(row["id"])), local(MONDAY, 22))
    assert snoozed.next_attempt_at == local(MONDAY + timedelta(days=1), 7)


async def test_a_reminder_about_a_family_handed_over_is_no_longer_yours(
    world: World, settings: Settings
) -> None:
    reminders = world.services.reminders
    await reminders.tick()
    await world.dispatcher(FakeSender()).dispatch()
    [row] = [
        r
        for r in await world.outbox()
        if r["kind"] == "overdue_visit" and r["subject"] == f"family:{world.family_id}"
    ]
    admin = Actor(telegram_id=next(iter(settings.admin_telegram_ids)), is_admin=True)
    await world.services.team.hand_over(admin, "R-01", OTHER.telegram_id)
    with pytest.raises(Settled) as gone:  # theirs no more: its buttons go, by the code alone
        await reminders.snooze(OWNER, int(str(row["id"])), NOW + timedelta(hours=1))
    assert (gone.value.code, gone.value.details) == (
        "reminder_family_gone",
        {"family_code": "R-01"},
    )
    with pytest.raises(NotFound) as unknown:  # nor is it the new assistant's
        await reminders.snooze(OTHER, int(str(row["id"])), NOW + timedelta(hours=1))
    assert unknown.value.code == "reminder_unknown"


async def test_appointment_reminders_reach_the_current_assistant(
    world: World, settings: Settings
) -> None:
    appointment_id = await _appointment(world, local(MONDAY, 12))
    admin = Actor(telegram_id=next(iter(settings.admin_telegram_ids)), is_admin=True)
    await world.services.team.hand_over(admin, "R-01", OTHER.telegram_id)
    await world.services.reminders.tick(local(MONDAY, 10))
    [row] = await world.db.fetch_all(
        "SELECT assistant_id FROM outbox WHERE subject = ?", (f"appointment:{appointment_id}",)
    )
    assert row["assistant_id"] == OTHER.telegram_id
