"""Hostile presses through the real Application: the router, the answer beside the edit."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.conversations import record_visit
from bot.domain.visit_steps import Step
from tests.conversations.test_record_visit import assistant_with_family, walk_to_note
from tests.support.fake_telegram import Call
from tests.support.harness import BotHarness
from tests.support.telegram_rules import TelegramRuleError


def answers(harness: BotHarness, since: int) -> list[Call]:
    """The press answers after call number `since`."""
    return [c for c in harness.fake.calls[since:] if c.method == "answerCallbackQuery"]


@pytest.mark.parametrize(
    "data",
    ["", ":", "::::", "zz:1:2", "v", "v:", "vx:1", "x" * 64, "sw:", "sw:-:yes:extra", "\u200f:"],
)
async def test_a_forged_press_mid_walk_is_answered_once_and_the_walk_goes_on(
    harness: BotHarness, data: str
) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    message_id, _ = harness.fake.button(sim.chat_id, "Today")
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    assert len(answers(harness, mark)) == 1
    await sim.press("Today")
    assert "How long" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_press_twice_is_answered_once_each(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    message_id, data = harness.fake.button(sim.chat_id, "Today")
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    await sim.press_data(message_id, data)
    assert len(answers(harness, mark)) == 2
    assert harness.fake.errors == []


async def test_a_press_after_a_crash_goes_on_where_it_was(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    await sim.press("Today")
    await harness.crash_and_restart()
    sim = harness.user(sim.user_id, language_code="en")
    await sim.press("90 min")
    assert "Where" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_an_old_press_that_cannot_be_answered_still_moves_the_walk(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")

    def too_old(call: Call) -> Any:
        raise TelegramRuleError(
            "Bad Request: query is too old and response timeout expired or query ID is invalid"
        )

    harness.fake.route("answerCallbackQuery", too_old)
    await sim.press("Today")
    assert "How long" in harness.fake.last_text(sim.chat_id)


async def test_an_error_after_the_press_was_answered_still_apologises(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = await assistant_with_family(harness)
    sim.raise_errors = False
    await sim.send("/visit")

    async def broken(*args: Any, **kwargs: Any) -> Any:
        assert harness.db is not None
        await harness.db.fetch_all("SELECT 1")  # a real trip first: the answer goes meanwhile
        raise RuntimeError("the database went away")

    presses = record_visit.WALK.table[Step.DATE].presses
    monkeypatch.setitem(presses, "date", replace(presses["date"], do=broken))
    mark = len(harness.fake.calls)
    await sim.press("Today")
    assert [c.ok for c in answers(harness, mark)][:1] == [True]  # beside the edit, once
    assert "something went wrong" in harness.fake.last_text(sim.chat_id)


async def test_a_stranger_s_press_on_a_walk_leaves_it_alone(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    message_id, data = harness.fake.button(sim.chat_id, "Today")
    stranger = harness.user(7777, language_code="en")
    mark = len(harness.fake.calls)
    await stranger.press_data(message_id, data)
    assert len(answers(harness, mark)) == 1
    assert "When was it" in harness.fake.last_text(sim.chat_id)  # not moved on
    await sim.press("Today")
    assert "How long" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_press_by_someone_else_on_the_assistant_s_message_is_refused(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    other = await harness.assistant(2002, language_code="en")
    await sim.send("/visit")
    message_id, data = harness.fake.button(sim.chat_id, "Today")
    payload = sim.callback_payload(message_id, data)
    payload["callback_query"]["from"] = other.user
    mark = len(harness.fake.calls)
    await other.process(other._update(payload))
    said = answers(harness, mark)
    assert [str(c.params.get("text")) for c in said] == ["That button does not belong to you."]
    assert "When was it" in harness.fake.last_text(sim.chat_id)  # not moved on
    assert harness.fake.errors == []


async def test_a_press_in_a_group_is_answered_once_with_where_to_talk(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    message_id, data = harness.fake.button(sim.chat_id, "Today")
    payload = sim.callback_payload(message_id, data)
    payload["callback_query"]["message"] = {
        "message_id": 1,
        "chat": sim.group_chat,
        "date": 0,
    }
    mark = len(harness.fake.calls)
    await sim.process(sim._update(payload))
    said = answers(harness, mark)
    assert len(said) == 1
    assert "private chats" in str(said[0].params.get("text"))
    assert "When was it" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_an_old_walk_s_press_while_another_walk_is_open(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    message_id, data = harness.fake.button(sim.chat_id, "Today")
    await sim.send("/cancel")
    await sim.send("/newfamily")
    asked = harness.fake.last_text(sim.chat_id)
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    assert len(answers(harness, mark)) == 1
    assert harness.fake.last_text(sim.chat_id) == asked
    assert harness.fake.errors == []


async def test_a_forged_edit_to_a_step_outside_the_visit_is_refused_once(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    await sim.send("note")
    await sim.press("Skip")
    await sim.press("Change a step")
    message_id, data = harness.fake.button(sim.chat_id, "Duration")
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data.replace(":duration", ":family"))  # not in a visit
    assert [c.ok for c in answers(harness, mark)] == [True]
    assert "Some steps are missing" in harness.fake.last_text(sim.chat_id)
    await sim.press("Duration")  # the question is asked again, and works
    await sim.send("45")
    assert "Duration: 45 min" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_refused_edit_leaves_the_walk_usable(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    sim.raise_errors = False
    await sim.send("/visit")
    harness.fake.flood(1)  # the edit beside the answer meets Telegram's flood control
    mark = len(harness.fake.calls)
    await sim.press("Today")
    assert [c.ok for c in answers(harness, mark)][:1] == [True]
    await sim.press("Today")  # pressed again: the walk goes on from where it is
    await sim.press("90 min")
    assert "Where" in harness.fake.last_text(sim.chat_id)


async def test_a_press_without_data_is_answered_once(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    message_id, _ = harness.fake.button(sim.chat_id, "Today")
    payload = sim.callback_payload(message_id, "")
    del payload["callback_query"]["data"]
    payload["callback_query"]["game_short_name"] = "forged"
    mark = len(harness.fake.calls)
    await sim.process(sim._update(payload))
    assert [c.ok for c in answers(harness, mark)] == [True]
    await sim.press("Today")
    assert "How long" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
