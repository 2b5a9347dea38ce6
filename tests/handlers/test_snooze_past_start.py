"""A reminder before an appointment is not snoozed past its start: that copy would never come.

The dispatcher drops a reminder before an appointment once the appointment has begun, so a
snooze to after the start promised "I will remind you again at …" and then sent nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.reminders.test_reminder_job import EVENING, WEDNESDAY, booked, reminders_to, tick
from tests.reminders.test_sweep_reminder_buttons import answers
from tests.support.harness import BotHarness

SOON = datetime(2026, 11, 26, 7, 31, tzinfo=UTC)  # 08:31 in Warsaw: the hearing is at 10:30


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Wednesday morning in Warsaw, the day before the hearing."""
    with time_machine.travel(WEDNESDAY, tick=True):
        yield


@pytest.mark.parametrize(
    ("sent_at", "pressed_at", "label"),
    [
        (SOON, SOON, "Tomorrow"),  # "Appointment soon", until tomorrow's digest
        (SOON, SOON + timedelta(hours=1, minutes=15), "1 h"),  # 09:46 + 1 h is past 10:30
    ],
)
async def test_a_reminder_before_an_appointment_is_not_snoozed_past_its_start(
    harness: BotHarness, sent_at: datetime, pressed_at: datetime, label: str
) -> None:
    sim = await booked(harness)  # a hearing on Thursday at 10:30
    with time_machine.travel(EVENING, tick=True):
        await tick(harness)  # the evening before, out of the way
    with time_machine.travel(sent_at, tick=True):
        await tick(harness)  # "Appointment soon"
        message_id, snooze = harness.fake.button(sim.chat_id, label)
    with time_machine.travel(pressed_at, tick=True):
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, snooze)
        [said] = answers(harness, mark)
    assert "I will remind you again" not in said
    assert "10:30" in said  # the start it would come after
    pressed = harness.fake.message(sim.chat_id, message_id)
    assert pressed is not None
    assert "reply_markup" in pressed  # still true until 10:30: its buttons stay
    mark = len(harness.fake.calls)
    with time_machine.travel(pressed_at + timedelta(days=1, hours=1), tick=True):
        await tick(harness)
    assert not any("Appointment soon" in text for text in reminders_to(harness, sim.chat_id, mark))
    assert harness.fake.errors == []


async def test_a_snooze_before_the_start_still_comes(harness: BotHarness) -> None:
    sim = await booked(harness)
    with time_machine.travel(EVENING, tick=True):
        await tick(harness)
    with time_machine.travel(SOON, tick=True):
        await tick(harness)
        message_id, snooze = harness.fake.button(sim.chat_id, "1 h")
        await sim.press_data(message_id, snooze)
        [said] = answers(harness, len(harness.fake.calls) - 2)
        assert said.startswith("I will remind you again at")
    mark = len(harness.fake.calls)
    with time_machine.travel(SOON + timedelta(hours=1, minutes=1), tick=True):
        await tick(harness)
    assert any("Appointment soon" in text for text in reminders_to(harness, sim.chat_id, mark))
    assert harness.fake.errors == []
