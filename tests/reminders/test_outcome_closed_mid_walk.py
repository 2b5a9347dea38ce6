"""✅ / ❌ / 📅 of a "how did it go?" reminder (or a card's 📅 Move) for an appointment already
closed, pressed while another walk holds work: the appointment is said to be closed at once, the
open walk is never offered to be dropped for it, and the reminder loses its buttons."""

from __future__ import annotations

import pytest
import time_machine

from bot.domain.appointment import AppointmentStatus
from bot.domain.reminders.facts import ReminderFacts
from bot.domain.reminders.kinds import ReminderKind
from tests.conversations.test_new_family import register_family
from tests.handlers.test_sweep_dec4 import sent_since
from tests.reminders.test_catch_up_presses import _folded_about
from tests.reminders.test_outcome_double_tap_mid_walk import asked_how_it_went, visit_half_done
from tests.reminders.test_reminder_job import AFTER, WEDNESDAY, booked
from tests.reminders.test_sweep_reminder_buttons import _stored_reminder, answers
from tests.support.fake_telegram import keyboard_rows
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

CLOSED = "This appointment is already closed (cancelled, moved on or with an outcome)."


async def _closed_earlier(harness: BotHarness, sim: UserSim) -> None:
    """R-01's hearing got its outcome elsewhere (its card, another device)."""
    services = harness.services
    assert services is not None
    actor = await services.membership.actor(sim.user_id)
    appointment = await _the_appointment(harness, sim)
    await services.appointments.record_outcome(
        actor, appointment, AppointmentStatus.ATTENDED, "", new_starts_at=None
    )


async def _the_appointment(harness: BotHarness, sim: UserSim) -> int:
    """The id the reminder's ✅ carries."""
    _, data = harness.fake.button(sim.chat_id, "✅ Attended")
    return int(str(data).split(":")[1])


@pytest.mark.parametrize("walk", [True, False])
@pytest.mark.parametrize("button", ["✅ Attended", "❌ Not attended", "📅 Rescheduled"])
async def test_an_outcome_of_a_closed_appointment_says_so_at_once(
    harness: BotHarness, button: str, walk: bool
) -> None:
    sim = await asked_how_it_went(harness)
    with time_machine.travel(AFTER, tick=True):
        message_id, data = harness.fake.button(sim.chat_id, button)
        await _closed_earlier(harness, sim)
        if walk:
            await visit_half_done(sim)
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, data)
        assert answers(harness, mark) == [CLOSED]  # not "Drop the visit you started …?"
        assert sent_since(harness, mark) == []
        settled = harness.fake.message(sim.chat_id, message_id)
        assert settled is not None
        assert "reply_markup" not in settled  # its answers are all moot now
        if walk:
            await sim.press("Family's home")  # the visit to R-02 goes on where it was
            assert "Who was present" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_cards_move_of_a_closed_appointment_mid_walk_keeps_the_walk(
    harness: BotHarness,
) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
        await register_family(sim, "R-02", members=(("Basia", "mother"),))
        await sim.send("/agenda")
        await sim.press("R-01")
        message_id, data = harness.fake.button(sim.chat_id, "📅 Move")
    with time_machine.travel(AFTER, tick=True):
        services = harness.services
        assert services is not None
        actor = await services.membership.actor(sim.user_id)
        appointment = int(str(data).split(":")[1])
        await services.appointments.record_outcome(
            actor, appointment, AppointmentStatus.ATTENDED, "", new_starts_at=None
        )
        await visit_half_done(sim)
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, data)
        sent = sent_since(harness, mark)
        assert not any(t.startswith("Drop") for t in sent)
        assert any("already closed" in t for t in sent)
        await sim.press("Family's home")  # the visit to R-02 goes on where it was
        assert "Who was present" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_catch_ups_outcome_of_a_closed_appointment_takes_only_its_row(
    harness: BotHarness,
) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
        await register_family(sim, "R-02", members=(("Basia", "mother"),))
        services = harness.services
        assert services is not None
        actor = await services.membership.actor(sim.user_id)
        [day] = await services.appointments.agenda(actor)
        [appointment] = [item.appointment.id for item in day.items]
    with time_machine.travel(AFTER, tick=True):
        first = await services.families.families.by_code("R-01")
        second = await services.families.families.by_code("R-02")
        assert first is not None
        assert second is not None
        missed = (
            *_folded_about(first.id, "R-01", appointment),
            *_folded_about(second.id, "R-02", 99),
        )
        facts = ReminderFacts(missed=missed)
        message_id = await _stored_reminder(harness, sim, ReminderKind.CATCH_UP, facts)
        _, data = harness.fake.button(sim.chat_id, "✅ Attended · R-01")
        await services.appointments.record_outcome(
            actor, appointment, AppointmentStatus.ATTENDED, "", new_starts_at=None
        )
        await visit_half_done(sim)
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, data)
        assert answers(harness, mark) == [CLOSED]
        assert sent_since(harness, mark) == []
        rows = keyboard_rows(harness.fake.message(sim.chat_id, message_id) or {})
        texts = [text for row in rows for text, _ in row]
        assert not any("Attended · R-01" in t for t in texts)  # its answers go
        assert "📝 Record a visit · R-01" in texts  # the rest stays to press
        assert "✅ Attended · R-02" in texts
        await sim.press("Family's home")  # the visit to R-02 goes on where it was
        assert "Who was present" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
