"""Reminder storage on a real SQLite file: settings, bulk snapshots, the outbox and its indexes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.appointment import AppointmentStatus, Institution, NewAppointment
from bot.domain.family import Member, NewFamily
from bot.domain.plan import NewGoal, NewTask, Stamp, TaskOwner
from bot.domain.reminders.facts import MissedReminder, Reminder, ReminderFacts
from bot.domain.reminders.kinds import PlanItemKind, ReminderKind
from bot.domain.reminders.quiet import CatchUp
from bot.domain.visit import VisitDraft
from bot.domain.vocabulary import Area, MemberRole, MissedReason, Place, VisitKind
from bot.storage.appointments import AppointmentRepository
from bot.storage.db import Database
from bot.storage.families import FamilyRepository
from bot.storage.outbox import OutboxStatus
from bot.storage.people import PeopleRepository
from bot.storage.plans import PlanRepository
from bot.storage.reminders import ReminderRepository
from bot.storage.visits import VisitRepository

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)
ASSISTANT = 7
OTHER = 8


def repo(db: Database) -> ReminderRepository:
    """The repository with the centre's defaults."""
    return ReminderRepository(db, timezone="Europe/Warsaw", locale="pl")


def reminder(key: str, due_at: datetime = NOW, assistant_id: int = ASSISTANT) -> Reminder:
    """A plain reminder."""
    return Reminder(
        assistant_id=assistant_id,
        kind=ReminderKind.GOAL_DUE,
        key=key,
        due_at=due_at,
        subject=f"goal:{key}",
        facts=ReminderFacts(),
    )


async def _people(db: Database) -> None:
    """Two assistants."""
    people = PeopleRepository(db)
    await people.add_assistant(ASSISTANT, "Ola", NOW)
    await people.add_assistant(OTHER, "Ewa", NOW)


async def _family(db: Database, code: str = "R-01", assistant_id: int = ASSISTANT) -> int:
    """A family with one member."""
    family = NewFamily(code=code, members=[Member(name="Anna", role=MemberRole.MOTHER)])
    return await FamilyRepository(db).add(family, assistant_id, NOW - timedelta(days=30))


async def _statuses(db: Database) -> dict[str, str]:
    """Every outbox key with its status."""
    rows = await db.fetch_all("SELECT key, status FROM outbox ORDER BY id")
    return {r["key"]: r["status"] for r in rows}


# Settings


async def test_settings_default_until_chosen(db: Database) -> None:
    await _people(db)
    reminders = repo(db)
    prefs = await reminders.prefs(ASSISTANT)
    assert (prefs.digest_time, prefs.quiet_start, prefs.quiet_end) == (
        time(7, 30),
        time(20),
        time(7),
    )
    assert prefs.timezone == "Europe/Warsaw"
    assert prefs.working_days == frozenset(range(5))
    await PeopleRepository(db).set_locale(ASSISTANT, "en")
    await reminders.save_digest_time(ASSISTANT, time(8, 15))
    await reminders.save_quiet_hours(ASSISTANT, time(22), time(6, 30))
    await reminders.save_working_days(ASSISTANT, frozenset({0, 1, 2, 3, 4, 5}))
    prefs = await reminders.prefs(ASSISTANT)
    assert prefs.locale == "en"
    assert (prefs.digest_time, prefs.quiet_start, prefs.quiet_end) == (
        time(8, 15),
        time(22),
        time(6, 30),
    )
    assert 5 in prefs.working_days
    assert (await reminders.prefs(99)).telegram_id == 99  # someone unknown: all defaults


async def test_reachable_assistants_hold_families_and_did_not_block(db: Database) -> None:
    await _people(db)
    await _family(db, "R-01", ASSISTANT)
    await _family(db, "R-02", OTHER)
    await PeopleRepository(db).add_assistant(9, "No families", NOW)
    reminders = repo(db)
    assert {p.telegram_id for p in await reminders.reachable_prefs()} == {ASSISTANT, OTHER}
    name, dropped = await reminders.drop_unreachable(OTHER, NOW, "recipient_gone")
    assert (name, dropped) == ("Ewa", 0)
    assert {p.telegram_id for p in await reminders.reachable_prefs()} == {ASSISTANT}
    assert await reminders.set_reachable(OTHER)
    assert not await reminders.set_reachable(OTHER)
    assert {p.telegram_id for p in await reminders.reachable_prefs()} == {ASSISTANT, OTHER}


# Snapshots


async def test_family_snapshot_reads_last_completed_visit_plan_and_assessment(
    db: Database,
) -> None:
    await _people(db)
    family_id = await _family(db)
    visits = VisitRepository(db)
    for token, day, kind in [
        ("a", date(2026, 11, 20), VisitKind.COMPLETED),
        ("b", date(2026, 11, 27), VisitKind.COMPLETED),
        ("c", date(2026, 12, 4), VisitKind.MISSED),
    ]:
        draft = VisitDraft(
            token=token,
            family_id=family_id,
            kind=kind,
            visit_date=day,
            duration_min=60 if kind is VisitKind.COMPLETED else None,
            place=Place.HOME if kind is VisitKind.COMPLETED else None,
            missed_reason=MissedReason.NOBODY_HOME if kind is VisitKind.MISSED else None,
        )
        await visits.add(draft, ASSISTANT, NOW)
    plans = PlanRepository(db)
    stamp = Stamp(actor_id=ASSISTANT, day=date(2026, 6, 1), at=NOW)
    await plans.add_assessment(family_id, date(2026, 9, 1), "summary", stamp)
    [snapshot] = await repo(db).family_snapshots([ASSISTANT])
    assert snapshot.last_visit == date(2026, 11, 27)  # the missed attempt does not count
    assert snapshot.plan_started_on == date(2026, 6, 1)
    assert snapshot.last_assessment == date(2026, 9, 1)
    assert snapshot.registered_on == (NOW - timedelta(days=30)).date()
    assert await repo(db).family_snapshots([OTHER]) == []


async def test_plan_items_are_open_and_due(db: Database) -> None:
    await _people(db)
    family_id = await _family(db)
    plans = PlanRepository(db)
    stamp = Stamp(actor_id=ASSISTANT, day=TODAY, at=NOW)
    soon = TODAY + timedelta(days=3)
    goal = await plans.add_goal(family_id, NewGoal(area=Area.HOUSING, text="g", due=soon), stamp)
    far = await plans.add_goal(
        family_id, NewGoal(area=Area.HOUSING, text="g", due=TODAY + timedelta(days=60)), stamp
    )
    task = await plans.add_task(
        goal, NewTask(text="t", owner=TaskOwner.assistant(), due=soon), stamp
    )
    done = await plans.add_task(
        goal, NewTask(text="t", owner=TaskOwner.assistant(), due=soon), stamp
    )
    await plans.set_task_done(done, True, stamp)
    items = await repo(db).plan_items([ASSISTANT], TODAY + timedelta(days=8))
    assert {(i.kind, i.id) for i in items} == {
        (PlanItemKind.GOAL, goal),
        (PlanItemKind.TASK, task),
    }
    assert far not in {i.id for i in items if i.kind is PlanItemKind.GOAL}
    assert all(i.family_code == "R-01" for i in items)


async def test_appointment_snapshots_are_scheduled_ones_in_the_window(db: Database) -> None:
    await _people(db)
    family_id = await _family(db)
    appointments = AppointmentRepository(db)

    async def add(hours: int) -> int:
        new = NewAppointment(
            family_id=family_id,
            institution=Institution.SCHOOL,
            starts_at=NOW + timedelta(hours=hours),
            purpose="p",
        )
        return await appointments.add(new, ASSISTANT, NOW)

    inside = await add(5)
    cancelled = await add(6)
    await add(24 * 5)
    await appointments.close(cancelled, AppointmentStatus.CANCELLED, "", NOW)
    found = await repo(db).appointment_snapshots(NOW, NOW + timedelta(days=2))
    assert [a.id for a in found] == [inside]
    assert found[0].family_code == "R-01"
    assert found[0].assistant_id == ASSISTANT
    assert found[0].scheduled_at == NOW


# The outbox


async def test_enqueue_twice_stores_each_key_once(db: Database) -> None:
    reminders = repo(db)
    plan = CatchUp(send=(reminder("a"), reminder("b")), collapsed=(reminder("c"),))
    assert await reminders.enqueue(plan, NOW) == 2
    assert await reminders.enqueue(plan, NOW + timedelta(minutes=1)) == 0
    assert await _statuses(db) == {"a": "pending", "b": "pending", "c": "collapsed"}
    assert await reminders.existing_keys(["a", "c", "zz"]) == {"a", "c"}
    assert await reminders.last_tick() == NOW + timedelta(minutes=1)


async def test_last_tick_never_goes_back(db: Database) -> None:
    reminders = repo(db)
    await reminders.enqueue(CatchUp(), NOW)
    await reminders.enqueue(CatchUp(), NOW - timedelta(hours=1))
    assert await reminders.last_tick() == NOW


async def test_due_rows_oldest_first_and_not_before_their_time(db: Database) -> None:
    reminders = repo(db)
    later = reminder("later", NOW + timedelta(hours=1))
    deferred = reminder("deferred", NOW - timedelta(hours=3)).model_copy(
        update={"send_at": NOW + timedelta(hours=2)}
    )
    await reminders.enqueue(
        CatchUp(
            send=(reminder("new", NOW), reminder("old", NOW - timedelta(hours=2)), later, deferred)
        ),
        NOW,
    )
    assert [i.key for i in await reminders.due(NOW, 10)] == ["old", "new"]
    assert [i.key for i in await reminders.due(NOW + timedelta(hours=3), 10)] == [
        "old",
        "new",
        "later",
        "deferred",
    ]
    assert [i.key for i in await reminders.due(NOW, 1)] == ["old"]


async def test_row_life_sent_snoozed_done(db: Database) -> None:
    reminders = repo(db)
    await reminders.enqueue(CatchUp(send=(reminder("a"),)), NOW)
    [item] = await reminders.due(NOW, 10)
    assert item.locale == "pl"
    assert item.timezone == "Europe/Warsaw"
    await reminders.mark_sent(item.id, NOW)
    assert not await reminders.is_pending(item.id)
    assert await reminders.due(NOW + timedelta(days=1), 10) == []
    assert await reminders.snooze(item.id, NOW + timedelta(hours=1))
    [again] = await reminders.due(NOW + timedelta(hours=1), 10)
    assert again.id == item.id
    assert await reminders.mark_done(item.id)
    assert not await reminders.snooze(item.id, NOW + timedelta(hours=2))  # done stays done
    stored = await reminders.get(item.id)
    assert stored is not None
    assert stored.status is OutboxStatus.DONE


async def test_retry_fail_withdraw_and_drop(db: Database) -> None:
    await _people(db)
    reminders = repo(db)
    await reminders.enqueue(
        CatchUp(
            send=(reminder("a"), reminder("b"), reminder("c"), reminder("d", assistant_id=OTHER))
        ),
        NOW,
    )
    a, b, _, _ = await reminders.due(NOW, 10)
    await reminders.retry_at(a.id, NOW + timedelta(minutes=5), "retry_after")
    await reminders.mark_failed(b.id, "BadRequest: x")
    assert await reminders.withdraw("goal:c") == 1
    assert [i.key for i in await reminders.due(NOW + timedelta(minutes=5), 10)] == ["d", "a"]
    retried = await reminders.get(a.id)
    assert retried is not None
    assert (retried.attempts, retried.last_error) == (1, "retry_after")
    name, dropped = await reminders.drop_unreachable(OTHER, NOW, "recipient_gone")
    assert (name, dropped) == ("Ewa", 1)
    assert await _statuses(db) == {
        "a": "pending",
        "b": "failed",
        "c~3": "withdrawn",  # a withdrawn row frees its key for a later, true occurrence
        "d": "dropped_unreachable",
    }
    assert (await reminders.prefs(OTHER)).unreachable


async def test_catch_up_in_the_same_hour_joins_or_gets_a_new_key(db: Database) -> None:
    reminders = repo(db)

    def catch_up(*keys: str) -> Reminder:
        return Reminder(
            assistant_id=ASSISTANT,
            kind=ReminderKind.CATCH_UP,
            key="catchup:7:2026-12-07T09",
            due_at=NOW,
            facts=ReminderFacts(
                missed=tuple(
                    MissedReminder(kind=ReminderKind.GOAL_DUE, due_at=NOW, facts=ReminderFacts())
                    for _ in keys
                )
            ),
        )

    assert await reminders.enqueue(CatchUp(catch_ups=(catch_up("a", "b"),)), NOW) == 1
    assert await reminders.enqueue(CatchUp(catch_ups=(catch_up("c", "d"),)), NOW) == 0
    [pending] = await reminders.due(NOW, 10)
    assert len(pending.facts.missed) == 4  # joined the one still waiting
    await reminders.mark_sent(pending.id, NOW)
    assert await reminders.enqueue(CatchUp(catch_ups=(catch_up("e", "f"),)), NOW) == 1
    [second] = await reminders.due(NOW, 10)
    assert second.key == "catchup:7:2026-12-07T09:2"
    assert len(second.facts.missed) == 2


async def test_backlog_is_pending_rows_never_sent(db: Database) -> None:
    reminders = repo(db)
    await reminders.enqueue(
        CatchUp(
            send=(
                reminder("old", NOW - timedelta(days=2)),
                reminder("sent", NOW - timedelta(days=2)),
            )
        ),
        NOW - timedelta(days=2),
    )
    sent = next(i for i in await reminders.due(NOW, 10) if i.key == "sent")
    await reminders.mark_sent(sent.id, NOW - timedelta(days=2))
    await reminders.snooze(sent.id, NOW - timedelta(days=1))
    assert [i.key for i in await reminders.backlog(NOW)] == ["old"]


async def test_purge_keeps_pending_rows(db: Database) -> None:
    reminders = repo(db)
    await reminders.enqueue(
        CatchUp(send=(reminder("a"), reminder("b"))), NOW - timedelta(days=100)
    )
    a, _ = await reminders.due(NOW, 10)
    await reminders.mark_sent(a.id, NOW - timedelta(days=100))
    assert await reminders.purge(NOW - timedelta(days=90)) == 1
    assert await _statuses(db) == {"b": "pending"}


async def test_purge_keeps_the_newest_row_so_no_id_is_given_again(db: Database) -> None:
    reminders = repo(db)
    old = NOW - timedelta(days=100)
    await reminders.enqueue(CatchUp(send=(reminder("a"), reminder("b"))), old)
    a, b = await reminders.due(NOW, 10)
    for item in (a, b):
        await reminders.mark_sent(item.id, old)
    assert await reminders.purge(NOW - timedelta(days=90)) == 1  # b, the newest, stays
    await reminders.enqueue(CatchUp(send=(reminder("c"),)), NOW)
    [c] = await reminders.due(NOW, 10)
    assert c.id > b.id  # an old message's buttons (they carry b's id) never act on c


# Indexes: the tick's reads must not scan millions of rows


@pytest.mark.parametrize(
    ("sql", "index"),
    [
        (
            "SELECT max(visit_date) FROM visits WHERE family_id = 1 AND kind = 'completed'",
            "visits_completed_by_family",
        ),
        (
            "SELECT id FROM appointments WHERE status = 'scheduled' AND starts_at >= '2026' "
            "AND starts_at < '2027'",
            "appointments_scheduled",
        ),
        (
            "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= '2027' "
            "ORDER BY next_attempt_at, id",
            "outbox_pending",
        ),
        ("SELECT id FROM outbox WHERE key = 'x'", "sqlite_autoindex_outbox_1"),
        ("SELECT id FROM goals WHERE due IS NOT NULL AND due <= '2027'", "goals_by_due"),
        (
            "SELECT id FROM tasks WHERE due IS NOT NULL AND done = 0 AND due <= '2027'",
            "tasks_by_due",
        ),
    ],
)
async def test_tick_queries_use_their_index(db: Database, sql: str, index: str) -> None:
    plan = await db.fetch_all(f"EXPLAIN QUERY PLAN {sql}")
    details = " ".join(str(row["detail"]) for row in plan)
    assert index in details
