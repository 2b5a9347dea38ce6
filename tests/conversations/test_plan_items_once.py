"""/goal and /resources save item after item: a crash right after a save never saves it twice.

What a kill -9 right after "Saved" leaves behind: the reply was sent, but the walk's state
(and the update's id) were not stored, so the stored draft still waits for the item just
saved. Each item carries its draft's item token; the saved= hook knows the draft is done.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.app import PERSIST_GROUP
from tests.conversations.test_goal import with_family
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def _killed(update: object, context: object) -> None:
    """The process dies here: after the reply, before the draft and the update are stored."""
    raise ApplicationHandlerStop


async def _new_goal(sim: UserSim) -> None:
    await sim.send("/goal R-01")
    await sim.press("New goal")
    await sim.press("Housing")
    await sim.send("Pay the rent on time")
    await sim.press("Skip")


async def _count(harness: BotHarness, sql: str) -> int:
    assert harness.services is not None
    row = await harness.services.plans.plans.db.fetch_one(sql)
    assert row is not None
    return int(row["n"])


async def _a_goal_then(sim: UserSim, button: str, *typed_then_pressed: str) -> None:
    """A goal's card, then a button and (for a task) its text and owner."""
    await _new_goal(sim)
    await sim.send("31.03.2027")
    await sim.press(button)
    if typed_then_pressed:
        text, owner = typed_then_pressed
        await sim.send(text)
        await sim.press(owner)


async def _resources_then(sim: UserSim) -> None:
    await sim.send("/resources R-01")
    await sim.press("Add a resource")


# Each item: how to reach its saving step, the saving update, a button of what comes after
# the save, and how to count its rows.
Prepare = Callable[[UserSim], Awaitable[None]]
ITEMS: dict[str, tuple[Prepare, str, str, str, str]] = {
    "goal": (_new_goal, "send", "31.03.2027", "Progress note", "SELECT count(*) AS n FROM goals"),
    "progress note": (
        lambda sim: _a_goal_then(sim, "Progress note"),
        "send",
        "First rent paid on time",
        "Status",
        "SELECT count(*) AS n FROM goal_events WHERE kind = 'progress'",
    ),
    "task": (
        lambda sim: _a_goal_then(sim, "➕ Task", "Call the housing office", "Anna"),
        "press",
        "Skip",
        "Progress note",
        "SELECT count(*) AS n FROM tasks",
    ),
    "resource": (
        _resources_then,
        "send",
        "Grandmother helps with the children",
        "Add a resource",
        "SELECT count(*) AS n FROM resources",
    ),
}


async def _save_and_crash(harness: BotHarness, sim: UserSim, item: str) -> tuple[UserSim, Update]:
    """Reach the item's saving step, save it, and kill the bot before its state is stored."""
    prepare, kind, arg, _, _ = ITEMS[item]
    await prepare(sim)
    assert harness.app is not None
    harness.app.add_handler(TypeHandler(Update, _killed), group=PERSIST_GROUP - 1)
    update = await (sim.send(arg) if kind == "send" else sim.press(arg))
    assert "Saved" in harness.fake.last_text(sim.chat_id)
    await harness.crash_and_restart()
    return harness.user(sim.user_id, language_code="en"), update


@pytest.mark.parametrize("item", list(ITEMS))
@pytest.mark.parametrize("again", ["delivered again", "done again", "the card's button"])
async def test_an_item_saved_right_before_a_crash_is_saved_once(
    harness: BotHarness, item: str, again: str
) -> None:
    sim = await with_family(harness)
    sim, update = await _save_and_crash(harness, sim, item)
    _, kind, arg, after, count = ITEMS[item]
    if again == "delivered again":
        await sim.process(update)  # the offset was not confirmed before the crash
    elif again == "done again" and kind == "send":  # the reply was not seen: typed once more
        await sim.send(arg)
    elif again == "done again":  # the same button of the same message, pressed once more
        query = update.callback_query
        assert query is not None
        assert query.message is not None
        assert query.data is not None
        await sim.press_data(query.message.message_id, query.data)
    else:  # a button of what came after the save (the goal's card, the list)
        await sim.press(after)
    assert await _count(harness, count) == 1
    last = harness.fake.last_text(sim.chat_id)
    if kind == "send" or again == "the card's button":  # the walk asks nothing saved again
        assert "saved already" in last
    else:  # a press of the very save button: saved once, the walk goes on from the card
        assert "Saved" in last
    # Nothing is offered again: the next command starts clean.
    await sim.send("/goal R-01")
    assert "not finished" not in harness.fake.last_text(sim.chat_id)
    assert await _count(harness, count) == 1
    # The same save press again: Telegram refuses to answer its query twice (when it is the
    # very same update) and to edit the card into what it shows already; both taken as done.
    expected = ("query is too old", "not modified")
    assert all(any(e in (c.error or "") for e in expected) for c in harness.fake.errors)
    assert bool(harness.fake.errors) == (kind == "press" and again != "the card's button")


async def test_items_after_the_first_get_tokens_of_their_own(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await sim.send("/resources R-01")
    for text in ("Grandmother helps", "Mother is a trained cook", "Grandmother helps"):
        await sim.press("Add a resource")
        await sim.send(text)
        assert "Saved" in harness.fake.last_text(sim.chat_id)
    await sim.press("Finish")
    await _a_goal_then(sim, "Progress note")
    await sim.send("First note")
    await sim.press("Progress note")
    await sim.send("Second note")
    await sim.press("➕ Task")
    await sim.send("First task")
    await sim.press("Anna")
    await sim.press("Skip")
    await sim.press("➕ Task")
    await sim.send("Second task")
    await sim.press("Anna")
    await sim.press("Skip")
    assert await _count(harness, "SELECT count(*) AS n FROM resources") == 3
    assert await _count(harness, "SELECT count(*) AS n FROM tasks") == 2
    progress = "SELECT count(*) AS n FROM goal_events WHERE kind = 'progress'"
    assert await _count(harness, progress) == 2
    tokens = "SELECT count(DISTINCT draft_token) AS n FROM {} WHERE draft_token IS NOT NULL"
    assert await _count(harness, tokens.format("resources")) == 3
    assert harness.fake.errors == []


async def test_a_tick_delivered_again_after_a_crash_does_not_undo_itself(
    harness: BotHarness,
) -> None:
    sim = await with_family(harness)
    await _a_goal_then(sim, "➕ Task", "Call the housing office", "Anna")
    await sim.press("Skip")
    await sim.press("Tick a task")
    assert harness.app is not None
    harness.app.add_handler(TypeHandler(Update, _killed), group=PERSIST_GROUP - 1)
    update = await sim.press("☐ Call the housing office")
    await harness.crash_and_restart()
    sim = harness.user(sim.user_id, language_code="en")
    await sim.process(update)  # the same press again: the task stays done
    assert await _count(harness, "SELECT count(*) AS n FROM tasks WHERE done = 1") == 1
    events = "SELECT count(*) AS n FROM goal_events WHERE kind IN ('task_done', 'task_reopened')"
    assert await _count(harness, events) == 1
    await sim.press("☑ Call the housing office")  # and it can be opened again on purpose
    assert await _count(harness, "SELECT count(*) AS n FROM tasks WHERE done = 1") == 0
    message_id, data = harness.fake.button(sim.chat_id, "Call the housing office")
    await sim.press_data(message_id, data.rsplit("-", 1)[0] + "-7")  # a forged state
    assert await _count(harness, "SELECT count(*) AS n FROM tasks WHERE done = 1") == 0
