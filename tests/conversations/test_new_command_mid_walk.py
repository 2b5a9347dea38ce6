"""A new command in the middle of a walk asks first; the open draft goes only after "Yes"."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.conversations._walk_chat import WALK_KEY
from tests.conversations.test_goal import with_family
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def _visit_half_done(sim: UserSim) -> None:
    await sim.send("/visit R-01")
    await sim.press("Today")
    await sim.press("90 min")


async def _press_on_the_question(harness: BotHarness, sim: UserSim, text: str) -> None:
    """Press a button of the walk's question (above the newer "Drop …?" message)."""
    for message in reversed(harness.fake.messages(sim.chat_id)):
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        for button in (b for row in rows for b in row):
            if text in button["text"]:
                await sim.press_data(int(message["message_id"]), button["callback_data"])
                return
    raise AssertionError(f"no button {text!r}")


def _open_walk(harness: BotHarness, sim: UserSim) -> str | None:
    assert harness.app is not None
    record = harness.app.user_data[sim.user_id].get(WALK_KEY)
    return record.get("name") if isinstance(record, dict) else None


async def test_yes_drops_the_visit_and_starts_what_was_asked(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await _visit_half_done(sim)
    await sim.send("/goal R-01")
    assert (
        harness.fake.last_text(sim.chat_id)
        == "Drop the visit you started and start work on a goal?"
    )
    assert _open_walk(harness, sim) == "record_visit"  # nothing dropped before "Yes"
    await sim.press("Yes, drop it")
    assert "help plan" in harness.fake.last_text(sim.chat_id)
    assert _open_walk(harness, sim) == "goal"
    await sim.send("/visit")
    assert "unfinished" not in harness.fake.last_text(sim.chat_id)  # the visit draft is gone
    assert harness.fake.errors == []


async def test_no_goes_back_to_the_open_question_with_nothing_lost(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await _visit_half_done(sim)
    await sim.send("/newfamily")
    await sim.press("No, go back")
    assert "Where?" in harness.fake.last_text(sim.chat_id)
    await sim.press("Family's home")
    assert "Who was present" in harness.fake.last_text(sim.chat_id)
    assert _open_walk(harness, sim) == "record_visit"
    assert harness.fake.errors == []


async def test_the_question_asked_twice_and_old_answers_are_stale(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await _visit_half_done(sim)
    await sim.send("/goal R-01")
    old_id, old_yes = harness.fake.button(sim.chat_id, "Yes, drop it")
    await sim.press("No, go back")
    await sim.press_data(old_id, old_yes)  # "Yes" of the question already answered
    assert _open_walk(harness, sim) == "record_visit"
    await sim.press("Family's home")  # the walk goes on where it was
    assert "Who was present" in harness.fake.last_text(sim.chat_id)
    await sim.send("/appointment")
    message_id, yes = harness.fake.button(sim.chat_id, "Yes, drop it")
    await _press_on_the_question(harness, sim, "Done")  # the walk moved on before the answer…
    await sim.press_data(message_id, yes)  # …so the old question's "Yes" drops nothing
    assert _open_walk(harness, sim) == "record_visit"
    for forged in ("sw:zz:yes:", "sw:-:yes:", "sw:x:bogus:", "sw:x:yes:extra:more"):
        await sim.press_data(message_id, forged)
    assert _open_walk(harness, sim) == "record_visit"
    assert harness.fake.errors == []


async def test_a_family_cards_button_waits_for_yes_too(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await sim.send("/goal R-01")
    await sim.press("New goal")
    await sim.press("Housing")  # the area chosen is not saved yet
    await sim.send("/families")
    await sim.press("R-01")
    await sim.press("Record a visit")
    assert "Drop the goal you started and start a new visit?" in harness.fake.last_text(
        sim.chat_id
    )
    assert harness.app is not None
    kept = json.dumps(harness.app.user_data[sim.user_id]["switch"], ensure_ascii=False)
    assert "(mother)" not in kept  # the card's text (members) is not kept with the start
    await sim.press("Yes, drop it")
    assert "When was it" in harness.fake.last_text(sim.chat_id)
    assert _open_walk(harness, sim) == "record_visit"
    assert harness.fake.errors == [] or all(
        "query is too old" in (c.error or "") for c in harness.fake.errors
    )


async def test_a_restart_between_the_question_and_yes_keeps_both(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await _visit_half_done(sim)
    await sim.send("/assessment R-01")
    await harness.restart()
    sim = harness.user(sim.user_id, language_code="en")
    await sim.press("Yes, drop it")
    assert "When was this assessment made" in harness.fake.last_text(sim.chat_id)
    assert _open_walk(harness, sim) == "assessment"
    assert harness.fake.errors == []


async def test_the_same_command_again_asks_before_dropping_what_was_typed(
    harness: BotHarness,
) -> None:
    sim = await with_family(harness)
    await sim.send("/goal R-01")
    await sim.press("New goal")
    await sim.press("Housing")
    await sim.send("Pay the rent on time")  # typed, not saved yet
    await sim.send("/cel R-01")
    assert (
        harness.fake.last_text(sim.chat_id)
        == "Drop the goal you started and start work on a goal?"
    )
    await sim.press("No, go back")
    await sim.send("No arrears")  # the effect: the goal's text was kept
    await sim.press("Skip")
    assert "Pay the rent on time" in harness.fake.last_text(sim.chat_id)
    await sim.send("/goal R-01")  # at the goal's menu nothing waits: no question
    assert "Drop" not in harness.fake.last_text(sim.chat_id)
    await sim.send("/termin R-01")
    await sim.press("Done")
    await sim.press("Court")
    await sim.send("SR Wola")
    await sim.send("/termin R-01")
    assert (
        harness.fake.last_text(sim.chat_id)
        == "Drop the appointment you started and start a new appointment?"
    )
    await sim.press("Yes, drop it")
    assert "Who from the family goes" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_editing_again_asks_only_while_a_member_is_half_added(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await sim.send("/edytuj R-01")
    await sim.press("Members")
    await sim.send("/edytuj R-01")  # every change so far is saved: start again, no question
    assert "What do you change?" in harness.fake.last_text(sim.chat_id)
    await sim.press("Members")
    await sim.send("Kuba")
    await sim.press("child")
    await sim.send("/edytuj R-01")
    assert (
        harness.fake.last_text(sim.chat_id)
        == "Drop the change you started and start editing a family?"
    )
    await sim.press("No, go back")  # the question comes back in the "Drop …?" message
    live = [
        m["message_id"]
        for m in harness.fake.messages(sim.chat_id)
        if any(
            b.get("callback_data", "").startswith("ed:")
            for row in m.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row
        )
    ]
    assert len(live) == 1  # the copy it replaced lost its buttons: one live question
    await sim.send("2015")
    assert "✅ Saved." in harness.fake.last_text(sim.chat_id)
