"""A catch-up's buttons answer in a message of their own: the catch-up stays, with its buttons."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.appointment import Institution
from bot.domain.reminders.facts import (
    AppointmentFact,
    MissedReminder,
    MonitoringFact,
    ReminderFacts,
    VisitGapFact,
)
from bot.domain.reminders.kinds import ReminderKind
from bot.reminders.sender import TelegramSender
from tests.conversations.test_new_family import register_family
from tests.reminders.test_sender import catch_up_item
from tests.support.fake_telegram import keyboard_rows
from tests.support.harness import BotHarness

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("button", ["📝 Record a visit · R-01", "✅ Attended · R-01"])
async def test_a_press_on_a_catch_up_leaves_the_catch_up(harness: BotHarness, button: str) -> None:
    sim = await harness.assistant(1001, language_code="en", first_name="Ala")
    await register_family(sim)
    assert harness.services is not None
    assert harness.app is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    gap = VisitGapFact(
        family_id=family.id, family_code="R-01", days=9, visited=True, visits_per_week=1
    )
    contact = MonitoringFact(family_id=family.id, family_code="R-01", until=date(2027, 1, 1))
    hearing = AppointmentFact(
        appointment_id=99,  # none such: the walk refuses, in a message of its own
        family_id=family.id,
        family_code="R-01",
        institution=Institution.COURT,
        starts_at=NOW,
        accompany=False,
    )
    missed = (
        MissedReminder(
            kind=ReminderKind.OUTCOME_QUESTION,
            due_at=NOW,
            facts=ReminderFacts(appointment=hearing),
        ),
        MissedReminder(
            kind=ReminderKind.OVERDUE_VISIT, due_at=NOW, facts=ReminderFacts(visit_gap=gap)
        ),
        MissedReminder(
            kind=ReminderKind.MONITORING_DUE, due_at=NOW, facts=ReminderFacts(monitoring=contact)
        ),
    )
    item = catch_up_item(*missed)
    await TelegramSender(harness.app.bot).send(sim.chat_id, item)
    catch_up = harness.fake.messages(sim.chat_id)[-1]
    rows = keyboard_rows(catch_up)
    texts = [text for row in rows for text, _ in row]
    assert not any("Record a contact" in text for text in texts)  # it would edit the catch-up
    sim.raise_errors = False
    await sim.press(button)
    after = harness.fake.message(sim.chat_id, catch_up["message_id"])
    assert after is not None
    assert "While I was offline" in after["text"]
    assert keyboard_rows(after) == rows
    assert harness.fake.messages(sim.chat_id)[-1]["message_id"] != catch_up["message_id"]
