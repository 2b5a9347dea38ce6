"""Sweep of what the bot sends on its own and of the buttons on it, through the real bot."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from bot.domain.appointment import AppointmentStatus
from bot.domain.lifecycle import CloseReason, Closure, ContactForm
from bot.domain.people import Actor
from bot.domain.plan import GoalStatus, TaskOwner
from bot.domain.vocabulary import Area
from bot.services.dispatcher import PER_CHAT_INTERVAL
from tests.conversations.test_new_family import register_family
from tests.reminders.test_reminder_job import tick
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY = date(2026, 12, 7)
OWNER = Actor(telegram_id=1001, is_assistant=True)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Warsaw wall time as a UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW).astimezone(UTC)


async def tick_at(harness: BotHarness, moment: datetime) -> None:
    """The minute job at `moment` of a bot that ran all along (its last tick a minute before)."""
    assert harness.db is not None
    before = (moment - timedelta(minutes=1)).astimezone(UTC).isoformat(timespec="microseconds")
    async with harness.db.write() as conn:
        await conn.execute("UPDATE scheduler_state SET last_tick_at = ?", (before,))
    with time_machine.travel(moment, tick=False):
        await tick(harness)


def sent_since(harness: BotHarness, chat_id: int, mark: int) -> list[str]:
    """Texts of the messages sent to a chat after call number `mark`."""
    return [
        str(c.params.get("text", ""))
        for c in harness.fake.calls[mark:]
        if c.method == "sendMessage" and c.chat_id == chat_id
    ]


def newest(harness: BotHarness, chat_id: int, words: str) -> dict[str, Any]:
    """The newest message in a chat whose text contains `words`."""
    for message in reversed(harness.fake.messages(chat_id)):
        if words in str(message.get("text", "")):
            return message
    raise AssertionError(f"no message with {words!r}")


def button(message: dict[str, Any], ending: str) -> str:
    """The callback data of the message's button whose text ends with `ending`."""
    rows = message["reply_markup"]["inline_keyboard"]
    return str(next(b["callback_data"] for row in rows for b in row if b["text"].endswith(ending)))


async def snooze(
    harness: BotHarness, sim: UserSim, at: datetime, *messages: dict[str, Any]
) -> None:
    """Press "⏰ 1 h" on each message at `at`."""
    with time_machine.travel(at, tick=False):
        for message in messages:
            await sim.press_data(int(message["message_id"]), button(message, "1 h"))


async def family_id(harness: BotHarness, code: str = "R-01") -> int:
    """The id of a family by its code."""
    assert harness.services is not None
    family = await harness.services.families.families.by_code(code)
    assert family is not None
    return family.id


# A plan item, an assessment, a contract: the day told must still hold when it is sent


async def test_a_snoozed_goal_or_task_reminder_goes_once_it_was_dealt_with(
    harness: BotHarness,
) -> None:
    tuesday = MONDAY + timedelta(days=1)
    with time_machine.travel(local(MONDAY, 9) - timedelta(days=3), tick=False):
        sim = await harness.assistant(language_code="en")
        await register_family(sim, members=(("Anna", "mother"),))
        await tick(harness)
        assert harness.services is not None
        plans = harness.services.plans
        goal = await plans.add_goal(
            OWNER, await family_id(harness), Area.HOUSING, "Rent arrears", due=tuesday
        )
        task = await plans.add_task(
            OWNER, goal.id, "Call the office", TaskOwner.assistant(), due=tuesday
        )
        other = await plans.add_goal(
            OWNER, await family_id(harness), Area.HEALTH, "Clinic", due=tuesday
        )
    await tick_at(harness, local(MONDAY, 9))
    shown = [
        m
        for m in harness.fake.messages(sim.chat_id)
        if "A goal of" in str(m.get("text", "")) or "A task of" in str(m.get("text", ""))
    ]
    assert len(shown) == 3
    await snooze(harness, sim, local(MONDAY, 9, 1), *shown)
    with time_machine.travel(local(MONDAY, 9, 2), tick=False):
        await plans.set_task_done(OWNER, task.id, True)
        await plans.change_status(OWNER, goal.id, GoalStatus.ACHIEVED)
        await plans.change_due_date(OWNER, other.id, MONDAY + timedelta(days=14))
    mark = len(harness.fake.calls)
    await tick_at(harness, local(MONDAY, 10, 5))
    # The task is done, the goal achieved, the other goal due in two weeks: none "is due Tue".
    assert sent_since(harness, sim.chat_id, mark) == []
    assert harness.fake.errors == []


async def six_months_on(harness: BotHarness) -> UserSim:
    """R-01 (Anna) whose plan started 15 June and whose contract ends 15 December."""
    with time_machine.travel(local(date(2026, 6, 15), 9), tick=False):
        sim = await harness.assistant(language_code="en")
        await register_family(sim, members=(("Anna", "mother"),))
        await tick(harness)
        assert harness.services is not None
        family = await family_id(harness)
        await harness.services.plans.add_goal(OWNER, family, Area.HOUSING, "Rent arrears")
        await harness.services.family_edits.renew_contract(OWNER, family, date(2026, 12, 15))
    return sim


async def test_a_snoozed_assessment_contract_or_digest_goes_without_what_was_done(
    harness: BotHarness,
) -> None:
    sim = await six_months_on(harness)
    paced = harness.pacing.slept
    await tick_at(harness, local(MONDAY, 9))
    # Three messages to one chat, a second apart (on the harness's pacing clock).
    assert harness.pacing.slept - paced >= 2 * PER_CHAT_INTERVAL
    assessment = newest(harness, sim.chat_id, "The periodic assessment of")
    contract = newest(harness, sim.chat_id, "The contract with")
    digest = newest(harness, sim.chat_id, "Good morning")
    assert "Periodic assessments" in digest["text"]
    assert "Contracts ending" in digest["text"]
    await snooze(harness, sim, local(MONDAY, 9, 1), assessment, contract, digest)
    assert harness.services is not None
    with time_machine.travel(local(MONDAY, 9, 2), tick=False):
        family = await family_id(harness)
        await harness.services.plans.record_assessment(OWNER, family, MONDAY, "Went well")
        await harness.services.family_edits.renew_contract(OWNER, family, date(2027, 6, 15))
    mark = len(harness.fake.calls)
    await tick_at(harness, local(MONDAY, 10, 5))
    again = sent_since(harness, sim.chat_id, mark)
    assert len(again) == 1  # the digest, for the visit R-01 still waits for
    assert "Waiting for a visit" in again[0]
    assert "Periodic assessments" not in again[0]
    assert "Contracts ending" not in again[0]
    assert harness.fake.errors == []


# An appointment's reminders


async def test_an_appointment_reminder_snoozed_past_its_start_does_not_come(
    harness: BotHarness,
) -> None:
    from tests.reminders.test_reminder_job import WEDNESDAY, booked  # noqa: PLC0415

    with time_machine.travel(WEDNESDAY, tick=False):
        sim = await booked(harness)  # R-01 at the court on Thursday 26 November, 10:30
    thursday = date(2026, 11, 26)
    await tick_at(harness, local(thursday, 8, 31))
    soon = newest(harness, sim.chat_id, "Appointment soon")
    with time_machine.travel(local(thursday, 8, 32), tick=False):
        await sim.press_data(int(soon["message_id"]), button(soon, "Tomorrow"))
    await tick_at(harness, local(thursday, 12, 31))
    assert "How did the appointment go?" in harness.fake.last_text(sim.chat_id)
    mark = len(harness.fake.calls)
    await tick_at(harness, local(thursday + timedelta(days=1), 7, 31))
    texts = sent_since(harness, sim.chat_id, mark)
    assert [t for t in texts if "Appointment soon" in t] == []  # it was yesterday
    assert [t for t in texts if "Good morning" in t]  # Friday's digest still comes
    assert harness.fake.errors == []


# A catch-up's buttons


async def test_record_a_visit_of_a_family_handed_over_takes_only_its_buttons_off_the_catch_up(
    harness: BotHarness,
) -> None:
    with time_machine.travel(local(MONDAY, 9) - timedelta(days=30), tick=False):
        sim = await harness.assistant(language_code="en")
        await register_family(sim, "R-01", members=(("Anna", "mother"),))
        await register_family(sim, "R-02")
        await harness.assistant(1002, language_code="en", first_name="Ola")
        await tick(harness)
    with time_machine.travel(local(MONDAY, 9), tick=False):
        await tick(harness)  # back after a month away: one catch-up
        catch_up = newest(harness, sim.chat_id, "While I was offline")
        admin = await harness.admin()
        await admin.send("/assign R-01 1002")
        mark = len(harness.fake.calls)
        await sim.press_data(
            int(catch_up["message_id"]), button(catch_up, "Record a visit · R-01")
        )
    after = harness.fake.message(sim.chat_id, int(catch_up["message_id"]))
    assert after is not None
    assert after["text"] == catch_up["text"]  # the catch-up, R-02's lines too, still there
    rows = catch_up["reply_markup"]["inline_keyboard"]
    kept = [row for row in rows if not row[0]["text"].endswith("· R-01")]
    assert len(kept) < len(rows)
    assert after["reply_markup"]["inline_keyboard"] == kept  # R-02's and ⏰ / ✔ stay
    told = [
        str(c.params.get("text"))
        for c in harness.fake.calls[mark:]
        if c.method == "answerCallbackQuery"
    ]
    assert told == [
        "R-01 is no longer assigned to you, so its buttons are gone from this message."
    ]
    assert sent_since(harness, sim.chat_id, mark) == []  # said on the press, nothing below
    assert harness.fake.errors == []


async def test_an_appointment_reminder_snoozed_after_a_cancel_or_an_outcome_does_not_come(
    harness: BotHarness,
) -> None:
    from tests.reminders.test_reminder_job import WEDNESDAY, booked  # noqa: PLC0415

    with time_machine.travel(WEDNESDAY, tick=False):
        sim = await booked(harness)  # R-01 at the court on Thursday 26 November, 10:30
        await sim.send("/appointment R-01")  # and at the clinic on Thursday at 10:00
        for pressed in ("Anna", "Done", "Clinic"):
            await sim.press(pressed)
        for typed in ("Poradnia", "jutro 10:00"):
            await sim.send(typed)
        for pressed in ("Yes", "Yes, I go along"):
            await sim.press(pressed)
        await sim.send("Check-up")
        await sim.press("Save")
    assert harness.db is not None
    rows = await harness.db.fetch_all("SELECT id FROM appointments ORDER BY id")
    court, clinic = (int(row["id"]) for row in rows)
    wednesday, thursday = date(2026, 11, 25), date(2026, 11, 26)
    assert harness.services is not None
    appointments = harness.services.appointments
    await tick_at(harness, local(wednesday, 18, 1))
    evening = [
        m
        for m in harness.fake.messages(sim.chat_id)
        if "Appointment coming up" in str(m.get("text", ""))
    ]
    assert len(evening) == 2
    with time_machine.travel(local(wednesday, 18, 2), tick=False):
        await appointments.cancel(OWNER, clinic)
    await snooze(harness, sim, local(wednesday, 18, 3), *evening)
    mark = len(harness.fake.calls)
    await tick_at(harness, local(wednesday, 19, 5))
    again = sent_since(harness, sim.chat_id, mark)
    assert len(again) == 1  # the court's; the clinic was cancelled
    assert "Court" in again[0]
    await tick_at(harness, local(thursday, 12, 31))
    question = newest(harness, sim.chat_id, "How did the appointment go?")
    with time_machine.travel(local(thursday, 12, 32), tick=False):
        await appointments.record_outcome(OWNER, court, AppointmentStatus.ATTENDED)
    await snooze(harness, sim, local(thursday, 12, 33), question)
    mark = len(harness.fake.calls)
    await tick_at(harness, local(thursday, 13, 35))
    assert sent_since(harness, sim.chat_id, mark) == []  # its outcome is recorded
    assert harness.fake.errors == []


# A closed family's monitoring reminders


async def test_a_monitoring_reminder_can_be_snoozed_and_marked_done(harness: BotHarness) -> None:
    closed_on = date(2026, 11, 2)
    with time_machine.travel(local(closed_on, 9), tick=False):
        sim = await harness.assistant(language_code="en")
        await register_family(sim, members=(("Anna", "mother"),))
        await tick(harness)
        assert harness.services is not None
        closure = Closure(
            day=closed_on, reason=CloseReason.REFUSED, summary="Moved on", monitor_months=3
        )
        await harness.services.cases.close(OWNER, await family_id(harness), closure)
    await tick_at(harness, local(date(2026, 12, 2), 10))  # a month on: record a contact
    reminder = newest(harness, sim.chat_id, "is monitored until")
    said = []
    for ending in ("1 h", "Done"):
        mark = len(harness.fake.calls)
        with time_machine.travel(local(date(2026, 12, 2), 10, 1), tick=False):
            await sim.press_data(int(reminder["message_id"]), button(reminder, ending))
        said += [
            str(c.params.get("text"))
            for c in harness.fake.calls[mark:]
            if c.method == "answerCallbackQuery"
        ]
    assert said[0].startswith("I will remind you again at")
    assert said[1] == "Done ✔"
    assert harness.db is not None
    denied = await harness.db.fetch_all("SELECT action FROM access_log WHERE outcome = 'denied'")
    assert denied == []


async def test_a_snoozed_monitoring_reminder_goes_once_the_month_has_a_contact(
    harness: BotHarness,
) -> None:
    closed_on = date(2026, 11, 2)
    with time_machine.travel(local(closed_on, 9), tick=False):
        sim = await harness.assistant(language_code="en")
        await register_family(sim)
        await tick(harness)
        assert harness.services is not None
        closure = Closure(day=closed_on, reason=CloseReason.REFUSED, summary="x", monitor_months=3)
        await harness.services.cases.close(OWNER, await family_id(harness), closure)
    await tick_at(harness, local(date(2026, 12, 2), 10))
    reminder = newest(harness, sim.chat_id, "is monitored until")
    await snooze(harness, sim, local(date(2026, 12, 2), 10, 1), reminder)
    with time_machine.travel(local(date(2026, 12, 2), 10, 2), tick=False):
        await harness.services.cases.record_contact(
            OWNER, await family_id(harness), date(2026, 12, 1), ContactForm.PHONE, "Called"
        )
    mark = len(harness.fake.calls)
    await tick_at(harness, local(date(2026, 12, 2), 11, 5))
    assert sent_since(harness, sim.chat_id, mark) == []  # yesterday's call covers the month
    assert harness.fake.errors == []


async def _snoozed_monitoring_reminder(harness: BotHarness) -> UserSim:
    """R-01 closed on 2 November with 3 months of monitoring; December's reminder snoozed."""
    closed_on = date(2026, 11, 2)
    with time_machine.travel(local(closed_on, 9), tick=False):
        sim = await harness.assistant(language_code="en")
        await register_family(sim)
        await tick(harness)
        assert harness.services is not None
        closure = Closure(day=closed_on, reason=CloseReason.REFUSED, summary="x", monitor_months=3)
        await harness.services.cases.close(OWNER, await family_id(harness), closure)
    await tick_at(harness, local(date(2026, 12, 2), 10))
    reminder = newest(harness, sim.chat_id, "is monitored until")
    await snooze(harness, sim, local(date(2026, 12, 2), 10, 1), reminder)
    return sim


async def test_a_snoozed_monitoring_reminder_goes_once_the_monitoring_is_finished(
    harness: BotHarness,
) -> None:
    sim = await _snoozed_monitoring_reminder(harness)
    assert harness.services is not None
    with time_machine.travel(local(date(2026, 12, 2), 10, 2), tick=False):
        await harness.services.cases.finish_monitoring(OWNER, await family_id(harness))
    mark = len(harness.fake.calls)
    await tick_at(harness, local(date(2026, 12, 2), 11, 5))
    assert sent_since(harness, sim.chat_id, mark) == []
    assert harness.fake.errors == []


async def test_a_snoozed_monitoring_reminder_after_an_extension_tells_the_new_end(
    harness: BotHarness,
) -> None:
    sim = await _snoozed_monitoring_reminder(harness)
    assert harness.services is not None
    with time_machine.travel(local(date(2026, 12, 2), 10, 2), tick=False):
        until = await harness.services.cases.extend_monitoring(OWNER, await family_id(harness))
    assert until == date(2027, 5, 2)
    mark = len(harness.fake.calls)
    await tick_at(harness, local(date(2026, 12, 2), 11, 5))
    [again] = sent_since(harness, sim.chat_id, mark)  # the month still has no contact
    assert "is monitored until" in again
    assert "2 May" in again
    assert "2 Feb" not in again
    assert harness.fake.errors == []


async def test_a_snoozed_reminder_and_digest_show_the_code_the_family_has_now(
    harness: BotHarness,
) -> None:
    sim = await six_months_on(harness)
    await tick_at(harness, local(MONDAY, 9))
    assessment = newest(harness, sim.chat_id, "The periodic assessment of")
    digest = newest(harness, sim.chat_id, "Good morning")
    assert "R-01" in assessment["text"]
    await snooze(harness, sim, local(MONDAY, 9, 1), assessment, digest)
    assert harness.services is not None
    with time_machine.travel(local(MONDAY, 9, 2), tick=False):
        await harness.services.family_edits.set_code(OWNER, await family_id(harness), "K-07")
    mark = len(harness.fake.calls)
    await tick_at(harness, local(MONDAY, 10, 5))
    again = sent_since(harness, sim.chat_id, mark)
    assert len(again) == 2
    assert all("K-07" in text and "R-01" not in text for text in again), again
    assert harness.fake.errors == []


async def test_an_older_digests_tomorrow_button_marks_it_done(harness: BotHarness) -> None:
    """Digests sent before the button went still have it: tomorrow's digest is enough."""
    with time_machine.travel(local(MONDAY, 9) - timedelta(days=3), tick=False):
        sim = await harness.assistant(language_code="en")
        await register_family(sim, members=(("Anna", "mother"),))
        await tick(harness)
    await tick_at(harness, local(MONDAY, 9))
    digest = newest(harness, sim.chat_id, "Good morning")
    outbox_id = button(digest, "1 h").split(":")[1]
    with time_machine.travel(local(MONDAY, 9, 1), tick=False):
        await sim.press_data(int(digest["message_id"]), f"rm:{outbox_id}:tomorrow:")
    answers = [
        c.params.get("text") for c in harness.fake.calls if c.method == "answerCallbackQuery"
    ]
    assert answers[-1] == "Tomorrow's digest will list what is still open ✔"
    mark = len(harness.fake.calls)
    await tick_at(harness, local(MONDAY + timedelta(days=1), 9))
    mornings = [t for t in sent_since(harness, sim.chat_id, mark) if "Good morning" in t]
    assert len(mornings) == 1  # Tuesday's own, not Monday's beside it
    assert harness.fake.errors == []
