"""Chat clean-up across a kill -9 at the worst moment: what was shown or typed still leaves.

Each test lets Telegram carry out a call and kills the bot before it reads the answer (the
harness's `kill_after`), then starts it again on the same database file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import time_machine

from bot.domain.visit import VisitDraft
from tests.conversations.test_chat_cleanup import NEXT, NOTE, WEDNESDAY, anywhere, tick
from tests.conversations.test_new_family import register_family
from tests.conversations.test_record_visit import assistant_with_family, walk_to_note
from tests.support.harness import BotHarness, ProcessKilled
from tests.support.updates import UserSim


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    """A clock that starts on a fixed Wednesday and can be moved on."""
    with time_machine.travel(WEDNESDAY, tick=False) as traveller:
        yield traveller


async def killed_at(harness: BotHarness, sim: UserSim, method: str, action: str) -> UserSim:
    """`action` (a text, or a button's label after "press "), killed after its `method`."""
    harness.kill_after(method, sim.chat_id)
    label = action.removeprefix("press ")
    act = sim.press(label) if label != action else sim.send(action)
    with pytest.raises(ProcessKilled):
        await act
    await harness.crash_and_restart()
    return harness.user(sim.user_id, language_code="en")


@pytest.mark.usefixtures("clock")
async def test_a_note_typed_as_the_bot_was_killed_leaves_the_chat_with_its_walk(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    # Killed once Telegram took the question after the note: the update's commit never came.
    sim = await killed_at(harness, sim, "sendMessage", NOTE)
    assert anywhere(harness, sim, NOTE)
    await sim.send("/cancel")
    assert not anywhere(harness, sim, NOTE)
    # The question before the note lost its buttons before the kill, and loses them again.
    assert all("not modified" in str(call.error) for call in harness.fake.errors)


@pytest.mark.usefixtures("clock")
async def test_a_question_left_by_a_kill_leaves_the_chat_once_a_button_on_it_is_pressed(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    sim = await killed_at(harness, sim, "sendMessage", NOTE)
    # Telegram showed the next question; the bot never read its id, so nothing names it.
    left = harness.fake.messages(sim.chat_id)[-1]
    assert "Next steps" in left["text"]
    await sim.press("Skip")  # on that question: the walk, a step back, asks for the note again
    assert "note" in harness.fake.last_text(sim.chat_id).lower()
    await sim.send("/cancel")
    assert harness.fake.message(sim.chat_id, left["message_id"]) is None
    assert not anywhere(harness, sim, NOTE)


async def test_a_long_answer_cut_by_a_kill_leaves_the_chat_but_for_the_part_in_flight(
    harness: BotHarness, clock: time_machine.Coordinates
) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)  # no members: a visit needs nobody ticked present
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    for number in range(12):
        draft = VisitDraft(
            token=f"t{number}",
            family_id=family.id,
            visit_date=date(2026, 11, 20),
            duration_min=60,
            place="home",
            note=f"Visit {number}: " + "rent arrears and the court curator " * 90,
        )
        await harness.services.visits.record(actor, draft)
    harness.kill_after("sendMessage", sim.chat_id, nth=2)
    with pytest.raises(ProcessKilled):
        await sim.send("/visits R-01")
    first, second = harness.fake.messages(sim.chat_id)[-2:]
    assert "court curator" in first["text"]
    await harness.crash_and_restart()
    clock.shift(timedelta(minutes=31))
    await tick(harness)
    assert harness.fake.message(sim.chat_id, first["message_id"]) is None
    # The part Telegram took as the bot died: its id never reached the bot (see README).
    assert harness.fake.message(sim.chat_id, second["message_id"]) is not None
    assert harness.fake.errors == []


@pytest.mark.usefixtures("clock")
async def test_a_summary_put_into_the_drop_question_as_the_bot_was_killed_leaves_the_chat(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    await sim.send(NOTE)
    await sim.send(NEXT)  # the summary, which repeats the note
    await sim.send("/appointment")
    asked = harness.fake.messages(sim.chat_id)[-1]
    assert "Drop" in asked["text"]
    # "No" puts the summary into that message: killed once Telegram made the edit.
    sim = await killed_at(harness, sim, "editMessageText", "press No, go back")
    assert NOTE in str(harness.fake.message(sim.chat_id, asked["message_id"]))
    await sim.send("/cancel")
    assert harness.fake.message(sim.chat_id, asked["message_id"]) is None
    assert not anywhere(harness, sim, NOTE)


@pytest.mark.usefixtures("clock")
async def test_a_question_sent_anew_is_stored_before_the_old_one_loses_its_buttons(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    _, today = harness.fake.button(sim.chat_id, "Today")
    # A press from a message gone meanwhile: the next question comes as a new message, then
    # the live one loses its buttons; the bot is killed once Telegram took that.
    harness.kill_after("editMessageReplyMarkup", sim.chat_id)
    with pytest.raises(ProcessKilled):
        await sim.press_data(9999, today)
    asked = harness.fake.messages(sim.chat_id)[-1]
    assert "How long" in asked["text"]
    await harness.crash_and_restart()
    sim = harness.user(sim.user_id, language_code="en")
    await sim.send("/cancel")
    assert harness.fake.message(sim.chat_id, asked["message_id"]) is None
