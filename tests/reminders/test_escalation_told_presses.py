"""The escalation told to the assistant ("… Your coordinator was informed.") pressed once its
family is no longer theirs to work with: the message keeps its text and loses its 📝.

Its 📝 Record a visit carries the reminder (it has no ⏰ / ✔ of its own to find it by), so the
press is settled from the reminder stored, like any reminder's family button: handed over or
its work closed, it says why by the code it showed, whether a walk holds work or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.domain.reminders.facts import EscalationCase, EscalationFact, ReminderFacts
from bot.domain.reminders.kinds import ReminderKind
from bot.reminders.sender import reminder_buttons
from tests.conversations.test_case_walks import close_r01
from tests.conversations.test_new_family import register_family
from tests.handlers.test_sweep_dec4 import _hand_r01_to_ola, sent_since
from tests.reminders.test_sender import _folded, catch_up_item, overdue_item
from tests.reminders.test_sweep_reminder_buttons import _stored_reminder, answers
from tests.support.fake_telegram import keyboard_rows
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # a Tuesday, 10:30 in Warsaw
TOLD = {
    "handed over": "R-01 is no longer assigned to you, so this reminder is closed.",
    "closed": "The work with R-01 has ended, so this reminder is closed.",
}


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Tuesday morning in Warsaw (1 December 2026)."""
    with time_machine.travel(NOW, tick=True):
        yield


async def _told_about_r01(harness: BotHarness) -> tuple[UserSim, int]:
    """Ala holds R-01 (with Anna) and R-02; she was told R-01 was not seen for 14 days."""
    sim = await harness.assistant(1001, language_code="en", first_name="Ala")
    await register_family(sim, members=(("Anna", "mother"),))
    await register_family(sim, "R-02", members=(("Basia", "mother"),))
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    case = EscalationFact(
        case=EscalationCase.NO_VISIT,
        assistant_id=sim.user_id,
        family_id=family.id,
        family_code="R-01",
        days=14,
    )
    facts = ReminderFacts(escalation=case)
    return sim, await _stored_reminder(harness, sim, ReminderKind.ESCALATION_TOLD, facts)


async def _change(harness: BotHarness, sim: UserSim, change: str) -> None:
    """R-01 handed over to Ola, or its work closed (not monitored)."""
    if change == "handed over":
        await _hand_r01_to_ola(harness)
    else:
        await close_r01(sim, "not monitored")


@pytest.mark.parametrize("change", list(TOLD))
async def test_an_escalation_told_of_a_family_no_longer_theirs_closes(
    harness: BotHarness, change: str
) -> None:
    sim, message_id = await _told_about_r01(harness)
    told = harness.fake.message(sim.chat_id, message_id)
    assert told is not None
    assert "Your coordinator was informed." in told["text"]
    _, data = harness.fake.button(sim.chat_id, "📝 Record a visit")
    await _change(harness, sim, change)
    for press in ("first", "again"):  # then a double tap's second press, its button gone
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, data)
        assert answers(harness, mark) == [TOLD[change]], press
        assert sent_since(harness, mark) == []  # no "I do not know that family" below it
        pressed = harness.fake.message(sim.chat_id, message_id)
        assert pressed is not None
        assert pressed["text"] == told["text"]  # the text stays
        assert "reply_markup" not in pressed  # nothing is left to press on it
        calls = harness.fake.calls[mark:]
        edits = [c.method for c in calls if c.params.get("message_id") == message_id]
        assert edits == (["editMessageReplyMarkup"] if press == "first" else [])
        said = " ".join(str(c.params) for c in calls)
        assert "Anna" not in said
        assert "Ola" not in said  # who holds the family now is not told
    assert harness.fake.errors == []


@pytest.mark.parametrize("change", list(TOLD))
async def test_an_escalation_told_pressed_mid_walk_keeps_the_walk(
    harness: BotHarness, change: str
) -> None:
    sim, message_id = await _told_about_r01(harness)
    _, data = harness.fake.button(sim.chat_id, "📝 Record a visit")
    await _change(harness, sim, change)
    await sim.send("/visit R-02")
    await sim.press("Today")
    await sim.press("60 min")  # a visit to R-02 holds work, at "Where?"
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    assert answers(harness, mark) == [TOLD[change]]  # not "Drop the visit you started …?"
    assert sent_since(harness, mark) == []
    assert keyboard_rows(harness.fake.message(sim.chat_id, message_id) or {}) == []
    await sim.press("Family's home")  # the visit to R-02 goes on where it was
    assert "Who was present" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_an_escalation_told_of_a_family_still_theirs_starts_the_visit(
    harness: BotHarness,
) -> None:
    sim, message_id = await _told_about_r01(harness)
    await sim.press("📝 Record a visit")
    assert "When was it?" in harness.fake.last_text(sim.chat_id)
    assert "R-01" in harness.fake.last_text(sim.chat_id)
    told = harness.fake.message(sim.chat_id, message_id)
    assert told is not None
    assert keyboard_rows(told) == [[("📝 Record a visit", told_data(told))]]  # it stays
    assert harness.fake.errors == []


def told_data(message: dict[str, object]) -> str:
    """The callback data of a message's only button."""
    [[(_, data)]] = keyboard_rows(message)
    return data


async def test_a_forged_press_naming_the_escalation_for_another_family_is_the_walks_to_decide(
    harness: BotHarness,
) -> None:
    sim, message_id = await _told_about_r01(harness)
    assert harness.services is not None
    other = await harness.services.families.families.by_code("R-02")
    assert other is not None
    outbox_id = int(told_data(harness.fake.message(sim.chat_id, message_id) or {}).split(":")[1])
    await _hand_r01_to_ola(harness)
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, f"fv:{outbox_id}:f:{other.id}")  # R-02, still Ala's
    assert answers(harness, mark) == [""]
    assert "When was it?" in harness.fake.last_text(sim.chat_id)  # R-02's visit, nothing else
    assert "R-02" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


def test_the_escalation_told_carries_its_reminder_only_when_sent_alone() -> None:
    case = EscalationFact(
        case=EscalationCase.NO_VISIT, assistant_id=1001, family_id=7, family_code="R-07", days=14
    )
    facts = ReminderFacts(escalation=case)
    alone = overdue_item().model_copy(
        update={"kind": ReminderKind.ESCALATION_TOLD, "facts": facts}
    )
    markup = reminder_buttons(alone)
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [
        [f"fv:{alone.id}:f:7"]
    ]
    # Folded into a catch-up it is the family's one 📝, like an overdue visit's.
    catch_up = reminder_buttons(catch_up_item(_folded(ReminderKind.ESCALATION_TOLD, facts)))
    assert catch_up is not None
    assert catch_up.inline_keyboard[0][0].callback_data == "fv:-:f:7"
