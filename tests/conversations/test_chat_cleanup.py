"""Chat clean-up through the real Application: typed notes, sensitive answers, 48 hours."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine

from bot.config import Settings, load_settings
from bot.reminders.chat_cleanup import cleanup_tick
from tests.conversations.test_goal import add_goal
from tests.conversations.test_new_family import register_family
from tests.conversations.test_record_visit import assistant_with_family, walk_to_note
from tests.support.harness import ADMIN_ID, BotHarness
from tests.support.telegram_rules import TelegramRuleError
from tests.support.updates import UserSim

WEDNESDAY = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
NOTE = "Rent arrears since June; Tomek's asthma is worse"
NEXT = "Call the court curator on Monday"
STUB = "Removed from the chat for privacy"


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    """A clock that starts on a fixed Wednesday and can be moved on."""
    with time_machine.travel(WEDNESDAY, tick=False) as traveller:
        yield traveller


async def tick(harness: BotHarness) -> None:
    """One run of the clean-up job, as the JobQueue would call it."""
    await cleanup_tick(SimpleNamespace(application=harness.app))


def anywhere(harness: BotHarness, sim: UserSim, text: str) -> bool:
    """Whether any message still in the chat (the user's or the bot's) contains text."""
    return any(text in shown for shown in harness.fake.chat_texts(sim.chat_id))


async def typed_visit(sim: UserSim) -> None:
    """A visit walked up to its summary, with a typed note and next steps."""
    await walk_to_note(sim)
    await sim.send(NOTE)
    await sim.send(NEXT)


async def test_saving_a_visit_removes_its_typed_texts_and_keeps_a_codes_only_word(
    harness: BotHarness, clock: time_machine.Coordinates
) -> None:
    sim = await assistant_with_family(harness)
    await typed_visit(sim)
    await sim.send("a stray text at the summary")  # re-asked below: one more copy
    assert anywhere(harness, sim, NOTE)
    await sim.press("Save")
    assert not anywhere(harness, sim, NOTE)
    assert not anywhere(harness, sim, NEXT)
    assert not anywhere(harness, sim, "a stray text")
    texts = harness.fake.chat_texts(sim.chat_id)
    assert "✅ Saved: visit to R-01" in texts[-1]
    assert any(call.method == "deleteMessages" and call.ok for call in harness.fake.calls)
    clock.shift(timedelta(days=3))
    await tick(harness)
    assert "✅ Saved: visit to R-01" in harness.fake.chat_texts(sim.chat_id)[-1]  # it stays
    assert harness.fake.errors == []


@pytest.mark.parametrize("how", ["cancelled", "replaced", "timed out"])
async def test_an_abandoned_walk_loses_its_typed_texts(
    harness: BotHarness, clock: time_machine.Coordinates, how: str
) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    await sim.send(NOTE)
    if how == "cancelled":
        await sim.send("/cancel")
    elif how == "replaced":
        await sim.send("/visit")
        await sim.press("↺ Start over")
    else:
        clock.shift(timedelta(minutes=29))
        await tick(harness)
        assert anywhere(harness, sim, NOTE)  # not yet idle long enough
        clock.shift(timedelta(minutes=2))
        await tick(harness)
    assert not anywhere(harness, sim, NOTE)
    if how == "timed out":  # the draft is kept: the visit can still be finished
        await sim.send("/visit")
        await sim.press("▶ Continue")
        await sim.press("Skip")  # the next steps: the summary shows the kept note
        assert NOTE in harness.fake.last_text(sim.chat_id)
    # Only the timed-out walk's old question, deleted meanwhile, could not lose its buttons.
    assert all("to edit not found" in str(call.error) for call in harness.fake.errors)


@pytest.mark.parametrize("restart", [False, True])
async def test_sensitive_answers_leave_the_chat_after_the_set_minutes(
    harness: BotHarness, clock: time_machine.Coordinates, restart: bool
) -> None:
    sim = await assistant_with_family(harness)
    await typed_visit(sim)
    await sim.press("Save")
    answers = []
    for action in ("/visits R-01", "/families", "R-01", "/plan R-01", "/agenda"):
        if action == "R-01":
            await sim.press(action)  # the family's card, with the members' names
        else:
            await sim.send(action)
        answers.append(harness.fake.messages(sim.chat_id)[-1]["message_id"])
    assert anywhere(harness, sim, NOTE)  # the visit list repeats the note
    assert anywhere(harness, sim, "Tomek")
    if restart:
        await harness.crash_and_restart()
    clock.shift(timedelta(minutes=29))
    await tick(harness)
    assert anywhere(harness, sim, NOTE)
    clock.shift(timedelta(minutes=2))
    await tick(harness)
    assert not anywhere(harness, sim, NOTE)
    assert not anywhere(harness, sim, "Tomek")
    visits, caseload, card, plan, agenda = answers
    for gone in (visits, card, plan):
        assert harness.fake.message(sim.chat_id, gone) is None
    for kept in (caseload, agenda):  # codes only: they stay
        assert harness.fake.message(sim.chat_id, kept) is not None
    assert "✅ Saved: visit to R-01" in "\n".join(harness.fake.chat_texts(sim.chat_id))
    assert harness.fake.errors == []


async def test_a_message_past_48_hours_is_stubbed_not_left(
    harness: BotHarness, clock: time_machine.Coordinates
) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/families")
    await sim.press("R-01")
    card = harness.fake.messages(sim.chat_id)[-1]
    assert "Tomek" in card["text"]
    await harness.crash_and_restart()  # the bot is down for two days
    clock.shift(timedelta(hours=49))
    await tick(harness)
    stubbed = harness.fake.message(sim.chat_id, card["message_id"])
    assert stubbed is not None
    assert STUB in stubbed["text"]
    assert "reply_markup" not in stubbed
    assert not anywhere(harness, sim, "Tomek")
    await tick(harness)  # settled: not edited again
    assert harness.fake.errors == []


async def test_when_deletemessages_is_refused_each_message_is_deleted_alone(
    harness: BotHarness, clock: time_machine.Coordinates
) -> None:
    sim = await assistant_with_family(harness)
    await typed_visit(sim)

    def refuse(call: object) -> bool:
        raise TelegramRuleError("Bad Request: message can't be deleted for everyone")

    harness.fake.route("deleteMessages", refuse)
    await sim.press("Save")
    assert not anywhere(harness, sim, NOTE)
    assert any(call.method == "deleteMessage" and call.ok for call in harness.fake.calls)


@pytest.fixture
def settings_off(tmp_path: Path) -> Settings:
    """A bot whose centre turned the timed removal off (CHAT_CLEANUP_MINUTES=0)."""
    return load_settings(
        _env_file=None,
        telegram_bot_token="123456:TEST-TOKEN",
        database_path=tmp_path / "off" / "bot.sqlite3",
        admin_telegram_ids=str(ADMIN_ID),
        chat_cleanup_minutes=0,
    )


async def test_zero_minutes_keeps_answers_but_still_clears_a_saved_walk(
    settings_off: Settings, clock: time_machine.Coordinates
) -> None:
    harness = BotHarness(settings_off)
    await harness.start()
    try:
        sim = await assistant_with_family(harness)
        await typed_visit(sim)
        await sim.press("Save")
        assert not anywhere(harness, sim, NOTE)
        await sim.send("/visits R-01")
        clock.shift(timedelta(hours=3))
        await tick(harness)
        assert anywhere(harness, sim, NOTE)  # the answer stays: nothing times it out
    finally:
        await harness.close()


async def test_a_typed_text_goes_before_48_hours_even_in_an_open_walk(
    settings_off: Settings, clock: time_machine.Coordinates
) -> None:
    harness = BotHarness(settings_off)  # no idle time-out: only the 48 hours count
    await harness.start()
    try:
        sim = await assistant_with_family(harness)
        await walk_to_note(sim)
        await sim.send(NOTE)
        typed = harness.fake.user_messages(sim.chat_id)[-1]
        assert typed["text"] == NOTE
        clock.shift(timedelta(hours=46))
        await tick(harness)
        assert anywhere(harness, sim, NOTE)  # the walk is still open: the note may stay
        clock.shift(timedelta(hours=1, minutes=1))
        await tick(harness)
        assert not anywhere(harness, sim, NOTE)  # deleted while Telegram still allowed it
        assert harness.fake.rejected == []
    finally:
        await harness.close()


async def test_the_goal_card_and_its_typed_texts_leave_the_chat(
    harness: BotHarness, clock: time_machine.Coordinates
) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"),))
    await add_goal(sim, "Repay the debt to the landlord")
    assert "Repay the debt" in harness.fake.last_text(sim.chat_id)  # the goal's card
    await sim.press("Progress note")
    await sim.send("Court hearing on Friday")
    clock.shift(timedelta(minutes=20))
    await tick(harness)
    assert anywhere(harness, sim, "Repay the debt")  # still in use
    await sim.press("Finish")
    assert not anywhere(harness, sim, "Repay the debt")
    assert not anywhere(harness, sim, "Court hearing")
    assert "Every change is saved" in harness.fake.chat_texts(sim.chat_id)[-1]
    await sim.send("/goal R-01")
    await sim.press("Repay the debt")
    assert "No arrears for 3 months" in harness.fake.last_text(sim.chat_id)  # the card again
    clock.shift(timedelta(minutes=31))  # left open: the card goes by itself
    await tick(harness)
    assert not anywhere(harness, sim, "Repay the debt")
    assert harness.fake.errors == []


@pytest.mark.parametrize("down", [timedelta(minutes=31), timedelta(hours=49)])
async def test_a_document_leaves_the_chat_or_its_caption_is_stubbed(
    harness: BotHarness, clock: time_machine.Coordinates, down: timedelta
) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/dossier R-01")
    [document] = [m for m in harness.fake.messages(sim.chat_id) if "document" in m]
    await harness.crash_and_restart()
    clock.shift(down)
    await tick(harness)
    left = harness.fake.message(sim.chat_id, document["message_id"])
    if down < timedelta(hours=48):
        assert left is None
    else:  # too old to delete: the file stays, its caption says why it should not be there
        assert left is not None
        assert STUB in left["caption"]
    assert harness.fake.errors == []
