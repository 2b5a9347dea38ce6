"""A catch-up's buttons answer in a message of their own: the catch-up stays, with its buttons.

A family no longer the assistant's to work with (handed over, closed) loses its buttons there.
"""

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
from tests.conversations.test_case_walks import close_r01
from tests.conversations.test_new_family import register_family
from tests.reminders.test_sender import catch_up_item
from tests.reminders.test_sweep_reminder_buttons import _stored_reminder, answers
from tests.support.fake_telegram import keyboard_rows
from tests.support.harness import ADMIN_ID, BotHarness

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


def _folded_about(family_id: int, code: str, appointment_id: int) -> tuple[MissedReminder, ...]:
    """A visit overdue and an outcome to record for one family, as a catch-up folds them."""
    gap = VisitGapFact(
        family_id=family_id, family_code=code, days=9, visited=True, visits_per_week=1
    )
    hearing = AppointmentFact(
        appointment_id=appointment_id,  # none such: an open family's walk would refuse it
        family_id=family_id,
        family_code=code,
        institution=Institution.COURT,
        starts_at=NOW,
        accompany=False,
    )
    return (
        MissedReminder(
            kind=ReminderKind.OVERDUE_VISIT, due_at=NOW, facts=ReminderFacts(visit_gap=gap)
        ),
        MissedReminder(
            kind=ReminderKind.OUTCOME_QUESTION,
            due_at=NOW,
            facts=ReminderFacts(appointment=hearing),
        ),
    )


@pytest.mark.parametrize("button", ["📝 Record a visit · R-01", "✅ Attended · R-01"])
@pytest.mark.parametrize(
    ("change", "told"),
    [
        (
            "handed over",
            "R-01 is no longer assigned to you, so its buttons are gone from this message.",
        ),
        ("closed", "The work with R-01 has ended, so its buttons are gone from this message."),
    ],
)
async def test_a_catch_up_s_family_no_longer_theirs_loses_its_buttons_the_others_stay(
    harness: BotHarness, button: str, change: str, told: str
) -> None:
    sim = await harness.assistant(1001, language_code="en", first_name="Ala")
    await register_family(sim)
    await register_family(sim, "R-02")
    assert harness.services is not None
    families = harness.services.families.families
    first, second = await families.by_code("R-01"), await families.by_code("R-02")
    assert first is not None
    assert second is not None
    missed = (*_folded_about(first.id, "R-01", 98), *_folded_about(second.id, "R-02", 99))
    facts = ReminderFacts(missed=missed)
    message_id = await _stored_reminder(harness, sim, ReminderKind.CATCH_UP, facts)
    catch_up = harness.fake.message(sim.chat_id, message_id)
    assert catch_up is not None
    assert "While I was offline" in catch_up["text"]
    rows = keyboard_rows(catch_up)
    _, data = harness.fake.button(sim.chat_id, button)
    if change == "closed":
        await close_r01(sim, "not monitored")
    else:
        await harness.assistant(2002, language_code="en", first_name="Ola")
        admin = await harness.services.membership.actor(ADMIN_ID)
        await harness.services.team.hand_over(admin, "R-01", 2002)
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    assert answers(harness, mark) == [told]
    after = harness.fake.message(sim.chat_id, message_id)
    assert after is not None
    assert after["text"] == catch_up["text"]
    kept = [row for row in rows if not row[0][0].endswith("· R-01")]
    assert len(kept) == 3  # R-02's visit and outcome, and the catch-up's own ⏰ / ✔ row
    assert keyboard_rows(after) == kept
    sent = [c for c in harness.fake.calls[mark:] if c.method == "sendMessage"]
    assert sent == []  # no "I do not know that family" below it
    said = " ".join(str(c.params) for c in harness.fake.calls[mark:])
    assert "Ola" not in said  # who holds the family now is not told
    await sim.press("📝 Record a visit · R-02")  # the other family's buttons still work
    assert "When was it?" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
