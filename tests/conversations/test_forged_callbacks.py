"""Forged presses on a reminder, through the real Application, do nothing (#hardening item 6).

Callback data is client input: an unknown action or extra parts must not be read as a move,
an outcome or a snooze. And a refused outcome leaves no row saying it happened.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from bot.domain.appointment import AppointmentStatus
from tests.reminders.test_reminder_job import (
    AFTER,
    EVENING,
    THURSDAY_MORNING,
    WEDNESDAY,
    booked,
    reminders_to,
    tick,
)
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


def answers(harness: BotHarness, since: int) -> list[str]:
    """The texts of the press answers after call number `since`."""
    return [
        str(c.params.get("text", ""))
        for c in harness.fake.calls[since:]
        if c.method == "answerCallbackQuery"
    ]


def texts(harness: BotHarness, chat_id: int, since: int) -> list[str]:
    """Every text the bot sent or edited in a chat after call number `since`."""
    return [
        str(c.params.get("text", ""))
        for c in harness.fake.calls[since:]
        if c.method in {"sendMessage", "editMessageText"} and c.chat_id == chat_id
    ]


async def status(harness: BotHarness, sim: UserSim) -> tuple[AppointmentStatus, str]:
    """The booked appointment's status and outcome note."""
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    card = await harness.services.appointments.get(actor, 1)
    return card.appointment.status, card.appointment.outcome


async def outcome_asked(harness: BotHarness) -> tuple[UserSim, int, str]:
    """A hearing that has passed: the reminder asks how it went; its message and appointment."""
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
    with time_machine.travel(THURSDAY_MORNING, tick=True):
        await tick(harness)
    with time_machine.travel(AFTER, tick=True):
        await tick(harness)
    message_id, data = harness.fake.button(sim.chat_id, "Attended")
    assert data.startswith("ao:")
    return sim, message_id, data.split(":")[1]


@pytest.mark.parametrize("forged", ["bogus:", "rescheduled:extra:more", "move:"])
async def test_a_forged_outcome_press_does_not_open_the_move(
    harness: BotHarness, forged: str
) -> None:
    sim, message_id, appointment = await outcome_asked(harness)
    with time_machine.travel(AFTER, tick=True):
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, f"ao:{appointment}:{forged}")
        assert "older message" in answers(harness, mark)[-1]
        assert texts(harness, sim.chat_id, mark) == []  # no "New date and time?"
        await sim.send("pt 9")  # would be the new date, had a move been opened
        assert "did not understand" in harness.fake.last_text(sim.chat_id)
        assert await status(harness, sim) == (AppointmentStatus.SCHEDULED, "")
    assert harness.fake.errors == []


async def test_attended_with_extra_parts_is_not_counted_as_attended(
    harness: BotHarness,
) -> None:
    sim, message_id, appointment = await outcome_asked(harness)
    with time_machine.travel(AFTER, tick=True):
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, f"ao:{appointment}:attended:extra:more")
        assert "older message" in answers(harness, mark)[-1]
        await sim.send("Went well")  # would be the outcome note, had the press been read
        assert all("Saved" not in text for text in texts(harness, sim.chat_id, mark))
        assert await status(harness, sim) == (AppointmentStatus.SCHEDULED, "")
        await sim.press_data(message_id, f"ao:{appointment}:attended:")  # the real button
        await sim.send("Went well")
        assert "Saved" in harness.fake.last_text(sim.chat_id)
        assert await status(harness, sim) == (AppointmentStatus.ATTENDED, "Went well")
    assert harness.fake.errors == []


@pytest.mark.parametrize("forged", ["bogus:", "1h:extra:more"])
async def test_a_forged_reminder_press_does_not_snooze_it(
    harness: BotHarness, forged: str
) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
    with time_machine.travel(EVENING, tick=True):
        await tick(harness)
        message_id, data = harness.fake.button(sim.chat_id, "1 h")
        outbox_id = data.split(":")[1]
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, f"rm:{outbox_id}:{forged}")
        assert "no longer active" in answers(harness, mark)[-1]
        assert not [c for c in harness.fake.calls[mark:] if c.method.startswith("edit")]
        message = harness.fake.message(sim.chat_id, message_id)
        assert message is not None
        assert message.get("reply_markup")  # the reminder keeps its buttons: nothing was done
    mark = len(harness.fake.calls)
    with time_machine.travel(EVENING + timedelta(minutes=62), tick=True):
        await tick(harness)
        assert reminders_to(harness, sim.chat_id, mark) == []  # not snoozed: not sent again
    assert harness.fake.errors == []


async def test_a_refused_outcome_is_not_logged_as_if_it_happened(harness: BotHarness) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)  # the hearing is tomorrow
        message_id = harness.fake.sent(sim.chat_id)[-1].result["message_id"]
        await sim.press_data(message_id, "ao:1:attended:")  # well formed, but too early
        assert "has not started yet" in harness.fake.last_text(sim.chat_id)  # no note asked
        await sim.send("Went well")
        assert "did not understand" in harness.fake.last_text(sim.chat_id)
        assert await status(harness, sim) == (AppointmentStatus.SCHEDULED, "")
        assert harness.services is not None
        family = await harness.services.families.families.by_code("R-01")
        assert family is not None
        log = await harness.services.families.audit.entries(family.id)
        assert (sim.user_id, "appointment.outcome") not in log
    assert harness.fake.errors == []
