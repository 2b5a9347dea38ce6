"""What the engine does for every walk: a saved draft is done, one live question, odd presses."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from bot.conversations import record_visit
from bot.conversations._table import Go
from bot.domain.visit_steps import Step
from tests.conversations.test_record_visit import assistant_with_family, saved_visits, walk_to_note
from tests.support.fake_telegram import keyboard_rows
from tests.support.harness import BotHarness


async def test_a_draft_whose_visit_was_saved_is_not_offered_again(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    await sim.send("note")
    await sim.press("Skip")
    assert harness.app is not None
    before_save = copy.deepcopy(harness.app.user_data[sim.user_id])
    await sim.press("Save")
    # kill -9 after "Saved" but before the dropped draft was written: the draft is back.
    await harness.crash_and_restart()
    assert harness.app is not None
    harness.app.user_data[sim.user_id].update(before_save)
    sim = harness.user(sim.user_id, language_code="en")
    await sim.send("/visit")
    text = harness.fake.last_text(sim.chat_id)
    assert "unfinished" not in text
    assert "When was it" in text  # a new draft (the one family: no picker)
    assert len(await saved_visits(harness)) == 1


async def test_a_saved_leftover_blocks_no_other_walk(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    await sim.send("note")
    await sim.press("Skip")
    assert harness.app is not None
    before_save = copy.deepcopy(harness.app.user_data[sim.user_id])
    await sim.press("Save")
    harness.app.user_data[sim.user_id].update(before_save)  # what a crash right after leaves
    await sim.send("/goal R-01")
    assert "not finished" not in harness.fake.last_text(sim.chat_id)
    assert "No goals yet" in harness.fake.last_text(sim.chat_id)


async def test_a_forged_skip_of_a_visit_note_is_refused_not_a_crash(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    message_id, cancel = harness.fake.button(sim.chat_id, "Cancel")
    await sim.press_data(message_id, cancel.replace(":cancel:", ":skip:"))
    assert "Type a note" in harness.fake.last_text(sim.chat_id)
    await sim.send("a real note")
    assert "Next steps" in harness.fake.last_text(sim.chat_id)


async def test_older_copies_of_a_question_lose_their_buttons(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit R-01")
    first, _ = harness.fake.button(sim.chat_id, "Today")
    await sim.send("not a date at all")  # the question comes again, below
    second, _ = harness.fake.button(sim.chat_id, "Today")
    assert second != first
    old = harness.fake.message(sim.chat_id, first)
    assert old is not None
    assert not keyboard_rows(old)
    await sim.send("/families")
    await sim.send("still not a date")
    assert not keyboard_rows(harness.fake.message(sim.chat_id, second) or {})
    assert harness.fake.errors == []


async def test_a_press_from_another_chat_is_refused(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit R-01")
    message_id, data = harness.fake.button(sim.chat_id, "Today")
    payload = sim.callback_payload(message_id, data)
    payload["callback_query"]["message"]["chat"] = {"id": 4242, "type": "private"}
    await sim.process(sim._update(payload))
    assert "How long" not in harness.fake.last_text(sim.chat_id)
    answers = [c for c in harness.fake.calls if c.method == "answerCallbackQuery"]
    assert answers[-1].params.get("text")


async def test_many_long_resources_still_fit_one_message(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/resources R-01")
    for number in range(30):
        await sim.press("Add a resource")
        await sim.send(f"{number:02d} " + "strength " * 21)
    assert "the family's resources" in harness.fake.last_text(sim.chat_id)
    assert "…" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_press_driven_off_the_table_is_asked_again_with_a_word_why(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit R-01")
    presses = record_visit.WALK.table[Step.DATE].presses
    real = presses["date"]

    async def off_the_table(turn: Any) -> Go:
        return Go(Step.PLACE)  # what a forged argument could make an action return

    monkeypatch.setitem(presses, "date", dataclasses.replace(real, do=off_the_table))  # type: ignore[arg-type]
    harness.fake.clear()
    await sim.press("Today")
    # The press was answered beside the update; the question, asked again, says why.
    assert [c.method for c in harness.fake.calls].count("answerCallbackQuery") == 1
    assert harness.fake.errors == []
    text = harness.fake.last_text(sim.chat_id)
    assert text.startswith("That button is from an older message")
    assert "When was it" in text
    monkeypatch.setitem(presses, "date", real)  # type: ignore[arg-type]
    await sim.press("Today")
    assert "How long" in harness.fake.last_text(sim.chat_id)
