"""The move / outcome walk through the real Application: rescheduled, skip, cancel, reassigned."""

from __future__ import annotations

import time_machine

from bot.domain.appointment import AppointmentStatus
from tests.conversations.test_forged_callbacks import outcome_asked, status
from tests.reminders.test_reminder_job import AFTER, WEDNESDAY, booked
from tests.support.harness import ADMIN_ID, BotHarness


async def test_rescheduled_asks_the_new_date_then_the_note(harness: BotHarness) -> None:
    sim, _, _ = await outcome_asked(harness)
    with time_machine.travel(AFTER, tick=True):
        await sim.press("Rescheduled")
        assert "New date and time?" in harness.fake.last_text(sim.chat_id)
        await sim.send("pt 9")
        assert "Friday 27 November 2026, 09:00" in harness.fake.last_text(sim.chat_id)
        await sim.press("Type again")
        await sim.send("pt 11")
        await sim.press("Yes")
        assert "how it went" in harness.fake.last_text(sim.chat_id)
        await sim.send("The judge was ill")
        assert "Saved" in harness.fake.last_text(sim.chat_id)
        assert await status(harness, sim) == (AppointmentStatus.RESCHEDULED, "The judge was ill")
        assert harness.services is not None
        actor = await harness.services.membership.actor(sim.user_id)
        follow_up = await harness.services.appointments.get(actor, 2)
        assert follow_up.appointment.status is AppointmentStatus.SCHEDULED
        assert follow_up.appointment.starts_at.hour == 10  # 11:00 in Warsaw
    assert harness.fake.errors == []


async def test_not_attended_with_skip_and_a_cancelled_move(harness: BotHarness) -> None:
    sim, message_id, appointment = await outcome_asked(harness)
    with time_machine.travel(AFTER, tick=True):
        await sim.press_data(message_id, f"ao:{appointment}:rescheduled:")
        await sim.press("Cancel")
        assert "Nothing was changed" in harness.fake.last_text(sim.chat_id)
        assert await status(harness, sim) == (AppointmentStatus.SCHEDULED, "")
        await sim.press_data(message_id, f"ao:{appointment}:not_attended:")
        await sim.press("Skip")
        assert "Saved" in harness.fake.last_text(sim.chat_id)
        assert await status(harness, sim) == (AppointmentStatus.NOT_ATTENDED, "")
    assert harness.fake.errors == []


async def test_a_family_reassigned_mid_walk_ends_it_with_the_reason(harness: BotHarness) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
        second = await harness.assistant(2002, language_code="en")
        await sim.send("/agenda")
        await sim.press("R-01")
        await sim.press("Move")
        assert "New date and time?" in harness.fake.last_text(sim.chat_id)
        admin = harness.user(ADMIN_ID, language_code="en")
        await admin.send(f"/assign R-01 {second.user_id}")
        await sim.send("pt 9")
        assert "could not find that appointment" in harness.fake.last_text(sim.chat_id)
        await sim.send("pt 9")  # the walk is over
        assert "did not understand" in harness.fake.last_text(sim.chat_id)
        assert await status(harness, second) == (AppointmentStatus.SCHEDULED, "")
    assert harness.fake.errors == []


async def test_an_outcome_already_given_ends_the_walk_instead_of_asking_again(
    harness: BotHarness,
) -> None:
    sim, message_id, appointment = await outcome_asked(harness)
    with time_machine.travel(AFTER, tick=True):
        await sim.press_data(message_id, f"ao:{appointment}:not_attended:")
        assert "how it went" in harness.fake.last_text(sim.chat_id)
        assert harness.services is not None
        actor = await harness.services.membership.actor(sim.user_id)
        await harness.services.appointments.record_outcome(
            actor, appointment, AppointmentStatus.ATTENDED, "", new_starts_at=None
        )
        await sim.send("Nobody came")
        assert "already closed" in harness.fake.last_text(sim.chat_id)
        await sim.send("Nobody came")  # the walk is over, not asking again
        assert "did not understand" in harness.fake.last_text(sim.chat_id)
        assert await status(harness, sim) == (AppointmentStatus.ATTENDED, "")
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, f"ao:{appointment}:rescheduled:")  # the old reminder
        assert any(
            "already closed" in str(c.params.get("text")) for c in harness.fake.calls[mark:]
        )
        assert "reply_markup" not in (harness.fake.message(sim.chat_id, message_id) or {})
        await sim.send("pt 9")
        assert "did not understand" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
