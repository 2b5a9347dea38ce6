"""A hostile sweep of the help plan and the appointments, through the real Application.

As an assistant on a phone would use them (a button pressed twice, an old message, words where
a date goes) and as the coordinator would (reading, never changing).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine

from bot.domain.appointment import AppointmentStatus
from bot.reminders.chat_cleanup import cleanup_tick
from tests.conversations.test_case_walks import close_r01
from tests.conversations.test_forged_callbacks import outcome_asked, status
from tests.conversations.test_new_family import register_family
from tests.handlers.test_team import coordinator
from tests.reminders.test_reminder_job import AFTER, WEDNESDAY, booked
from tests.support.harness import ADMIN_ID, BotHarness


async def test_a_cancelled_appointments_card_from_an_old_agenda_says_it_is_cancelled(
    harness: BotHarness,
) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)  # R-01 at the court tomorrow, 10:30
        await sim.send("/agenda")
        agenda, card = harness.fake.button(sim.chat_id, "R-01")
        await close_r01(sim)  # the closure cancels it
        await sim.press_data(agenda, card)  # yesterday's agenda, still in the chat
        text = harness.fake.last_text(sim.chat_id)
        assert "Thursday 26 November 2026, 10:30" in text
        assert "✖ Cancelled (it does not take place)" in text
    assert harness.fake.errors == []


async def test_an_answered_appointments_card_says_how_it_went(harness: BotHarness) -> None:
    sim, reminder, appointment = await outcome_asked(harness)
    with time_machine.travel(AFTER, tick=True):
        await sim.send("/agenda")  # today's list still holds the morning's hearing
        agenda, card = harness.fake.button(sim.chat_id, "R-01")
        await sim.press_data(reminder, f"ao:{appointment}:not_attended:")
        await sim.send("Anna was ill <b>&</b>")
        await sim.press_data(agenda, card)
        text = harness.fake.last_text(sim.chat_id)
        assert "❌ Not attended: Anna was ill <b>&</b>" in text
        await sim.send("/jezyk")
        await sim.press("Polski")
        await sim.press_data(agenda, card)
        assert "❌ Nie odbyło się: Anna was ill <b>&</b>" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_resources_cross_pressed_twice_keeps_the_list_open(harness: BotHarness) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await harness.assistant(language_code="en")
        await register_family(sim, members=(("Anna", "mother"),))
        await sim.send("/resources R-01")
        await sim.send("Grandma helps")
        await sim.send("Anna has a job")
        message, cross = harness.fake.button(sim.chat_id, "✖ Grandma helps")
        await sim.press_data(message, cross)
        await sim.press_data(message, cross)  # a second tap on a slow connection
        text = harness.fake.last_text(sim.chat_id)
        assert text.startswith("That one is off the list already.\n\n💪 R-01")
        assert "• Anna has a job" in text
        await sim.send("Neighbour drives them")  # the walk goes on
        assert "• Neighbour drives them" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_resources_cross_after_a_hand_over_says_the_family_is_not_yours(
    harness: BotHarness,
) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await harness.assistant(language_code="en")
        await harness.assistant(2002, language_code="en")
        await register_family(sim, members=(("Anna", "mother"),))
        await sim.send("/resources R-01")
        await sim.send("Grandma helps")
        message, cross = harness.fake.button(sim.chat_id, "✖ Grandma helps")
        admin = harness.user(ADMIN_ID, language_code="en")
        await admin.send("/assign R-01 2002")
        await sim.press_data(message, cross)
        text = harness.fake.last_text(sim.chat_id)
        assert "I do not know that family among yours" in text  # not "removed already"
        assert harness.services is not None
        family = await harness.services.families.families.by_code("R-01")
        assert family is not None
        owner = await harness.services.membership.actor(2002)
        assert [r.text for r in await harness.services.plans.resources(owner, family.id)] == [
            "Grandma helps"
        ]
    assert harness.fake.errors == []


async def test_cancel_asks_naming_the_appointment_and_no_keeps_it(harness: BotHarness) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
        await sim.send("/agenda")
        await sim.press("R-01")
        await sim.press("Cancel it")  # a thumb slipped
        text = harness.fake.last_text(sim.chat_id)
        assert "Thursday 26 November 2026, 10:30" in text
        assert text.endswith("Cancel this appointment?")
        await sim.press("No, keep it")
        assert "Purpose: Custody-Secret hearing" in harness.fake.last_text(sim.chat_id)
        await sim.press("Move")  # the card is back, with its buttons
        assert "New date and time?" in harness.fake.last_text(sim.chat_id)
        assert await status(harness, sim) == (AppointmentStatus.SCHEDULED, "")
    assert harness.fake.errors == []


async def test_cancel_on_an_old_card_of_an_answered_appointment_asks_nothing(
    harness: BotHarness,
) -> None:
    sim, reminder, appointment = await outcome_asked(harness)
    with time_machine.travel(AFTER, tick=True):
        await sim.send("/agenda")
        await sim.press("R-01")
        card, cancel = harness.fake.button(sim.chat_id, "Cancel it")
        await sim.press_data(reminder, f"ao:{appointment}:attended:")
        await sim.press("Skip")
        await sim.press_data(card, cancel)  # the card from before the outcome
        text = harness.fake.last_text(sim.chat_id)
        assert text.endswith("✅ Attended")  # the card as it is now
        assert "Cancel this appointment?" not in text
        assert harness.fake.last_markup(sim.chat_id) == []
        assert await status(harness, sim) == (AppointmentStatus.ATTENDED, "")
    assert harness.fake.errors == []


async def test_plan_without_a_code_tells_a_coordinator_to_type_one(harness: BotHarness) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await harness.assistant(language_code="en")
        await register_family(sim, members=(("Anna", "mother"),))
        boss = await coordinator(harness)  # holds no family, reads every one
        await boss.send("/plan")
        assert harness.fake.last_text(boss.chat_id) == (
            "Which family's plan? Type its code, like /plan R-01."
        )  # not "You have no families yet. Add one with /newfamily."
        await boss.send("/plan R-01")
        assert "Help plan: R-01" in harness.fake.last_text(boss.chat_id)
    assert harness.fake.errors == []


async def test_an_old_how_did_it_go_of_an_appointment_moved_ahead_asks_no_note(
    harness: BotHarness,
) -> None:
    sim, reminder, appointment = await outcome_asked(harness)
    with time_machine.travel(AFTER, tick=True):
        await sim.send("/agenda")
        await sim.press("R-01")
        await sim.press("Move")  # it did not happen today: tomorrow at 9
        await sim.send("jutro 9")
        await sim.press("Yes")
        await sim.press_data(reminder, f"ao:{appointment}:attended:")  # the old question
        assert harness.fake.last_text(sim.chat_id) == (
            "This appointment has not started yet. Move or cancel it instead."
        )  # not a note question whose every answer is refused with that
        await sim.send("It went well")
        assert "did not understand" in harness.fake.last_text(sim.chat_id)
        assert await status(harness, sim) == (AppointmentStatus.SCHEDULED, "")
    assert harness.fake.errors == []


async def test_a_move_while_the_note_is_asked_ends_the_walk_saying_why(
    harness: BotHarness,
) -> None:
    sim, reminder, appointment = await outcome_asked(harness)
    with time_machine.travel(AFTER, tick=True):
        await sim.press_data(reminder, f"ao:{appointment}:not_attended:")
        assert "how it went" in harness.fake.last_text(sim.chat_id)
        assert harness.services is not None
        actor = await harness.services.membership.actor(sim.user_id)
        card = await harness.services.appointments.get(actor, int(appointment))
        later = card.appointment.starts_at + timedelta(days=1)
        await harness.services.appointments.move(actor, int(appointment), later)  # elsewhere
        await sim.send("Nobody came")
        assert harness.fake.last_text(sim.chat_id).startswith(
            "⏳ Not saved: the appointment was moved and has not started yet."
        )
        await sim.send("Nobody came")  # the walk is over, not asking again
        assert "did not understand" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_note_typed_while_the_appointment_was_moved_ahead_is_shown_back(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # the level the bot runs at (bot/__main__.py)
    sim, reminder, appointment = await outcome_asked(harness)
    with time_machine.travel(AFTER, tick=True):
        await sim.press_data(reminder, f"ao:{appointment}:attended:")
        assert harness.services is not None
        actor = await harness.services.membership.actor(sim.user_id)
        card = await harness.services.appointments.get(actor, int(appointment))
        later = card.appointment.starts_at + timedelta(days=1)
        await harness.services.appointments.move(actor, int(appointment), later)  # elsewhere
        note = "Judge <b>Nowak</b> & the mother: next hearing\nin March"
        await sim.send(note)
        why = (
            "⏳ Not saved: the appointment was moved and has not started yet. Here is your "
            "note, to copy and send once it has taken place:\n\n"
        )
        assert harness.fake.last_text(sim.chat_id) == why + note  # as the assistant reads it
        closing = harness.fake.sent(sim.chat_id)[-1]
        assert closing.params["text"] == why + (  # as sent: escaped, its line break kept
            "Judge &lt;b&gt;Nowak&lt;/b&gt; &amp; the mother: next hearing\nin March"
        )
        assert await status(harness, sim) == (AppointmentStatus.SCHEDULED, "")
        shown = harness.fake.chat_texts(sim.chat_id)
        assert [text for text in shown if "Nowak" in text] == [why + note]  # the typed one went
    with time_machine.travel(AFTER + timedelta(minutes=31), tick=True):
        await cleanup_tick(SimpleNamespace(application=harness.app))
        # It shows the note, not codes only: it leaves like a sensitive answer, not staying.
        assert not any("Nowak" in text for text in harness.fake.chat_texts(sim.chat_id))
    assert "Nowak" not in caplog.text
    assert harness.fake.errors == []
