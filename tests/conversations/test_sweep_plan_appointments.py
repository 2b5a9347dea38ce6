"""A hostile sweep of the help plan and the appointments, through the real Application.

As an assistant on a phone would use them (a button pressed twice, an old message, words where
a date goes) and as the coordinator would (reading, never changing).
"""

from __future__ import annotations

import time_machine

from tests.conversations.test_case_walks import close_r01
from tests.conversations.test_forged_callbacks import outcome_asked
from tests.reminders.test_reminder_job import AFTER, WEDNESDAY, booked
from tests.support.harness import BotHarness


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
