"""The gate: replays are dropped, a renumbering by Telegram is not mistaken for one."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from tests.conversations.test_record_visit import assistant_with_family
from tests.support.harness import BotHarness

NOON = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


async def test_updates_after_telegram_renumbers_are_answered(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    sim = await harness.assistant(language_code="en")
    for _ in range(5):
        await sim.send("/help")
    await harness.crash_and_restart()
    harness.fake.restart_update_numbering()  # ids 1, 2, … again: all were processed before
    sim = harness.user(sim.user_id, language_code="en")
    with caplog.at_level(logging.WARNING, logger="bot.handlers.gate"):
        await sim.send("/families")
    assert "no families yet" in harness.fake.last_text(sim.chat_id)
    assert "restarted its update numbering" in caplog.text
    await sim.send("/help")
    assert "What I can do" in harness.fake.last_text(sim.chat_id)


async def test_a_redelivered_update_is_applied_once_after_a_renumbering(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    harness.fake.restart_update_numbering()
    update = await sim.send("/families")
    sent = len(harness.fake.sent(sim.chat_id))
    await harness.crash_and_restart()
    sim = harness.user(sim.user_id, language_code="en")
    await sim.process(update)  # the offset was not confirmed before the crash
    assert len(harness.fake.sent(sim.chat_id)) == sent


async def test_a_stranger_is_refused_once_an_hour_and_logged_as_often(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    stranger = harness.user(4242, language_code="en")
    with (
        time_machine.travel(NOON, tick=False) as clock,
        caplog.at_level(logging.WARNING, logger="bot.handlers.gate"),
    ):
        for text in ("/families", "hello", "/visit"):
            await stranger.send(text)
        assert len(harness.fake.sent(stranger.chat_id)) == 1
        clock.move_to(NOON + timedelta(minutes=59))
        await stranger.send("anyone?")
        await stranger.press_data(1, "nf:x:code:")  # a press is acknowledged, not answered
        assert len(harness.fake.sent(stranger.chat_id)) == 1
        clock.move_to(NOON + timedelta(hours=1, minutes=1))
        await stranger.send("still here")
        assert len(harness.fake.sent(stranger.chat_id)) == 2
    assert "4242" in harness.fake.last_text(stranger.chat_id)
    refusals = [r for r in caplog.records if "refused Telegram user 4242" in r.getMessage()]
    assert len(refusals) == 2
    assert harness.fake.errors == []


async def test_a_stranger_who_blocked_the_bot_costs_one_quiet_line(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    stranger = harness.user(4343, language_code="en")
    harness.fake.block(stranger.user_id)
    with caplog.at_level(logging.INFO, logger="bot"):
        await stranger.send("/families")  # raise_errors: nothing reaches the error handler
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [c.error_code for c in harness.fake.calls if c.chat_id == 4343] == [403]


async def test_a_press_is_answered_even_when_its_bookkeeping_fails(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    sim.raise_errors = False
    assert harness.db is not None
    write, receive = harness.db.write_bookkeeping, harness.fake.do_request

    async def failing(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    async def slow_answer(url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if url.endswith("/answerCallbackQuery"):
            await asyncio.sleep(0.05)  # a slow network: the answer is still on its way
        return await receive(url, *args, **kwargs)

    harness.db.write_bookkeeping = failing  # type: ignore[method-assign]
    harness.fake.do_request = slow_answer  # type: ignore[method-assign]
    harness.fake.clear()
    try:
        await sim.press("Today")
    finally:
        harness.db.write_bookkeeping = write  # type: ignore[method-assign]
        harness.fake.do_request = receive  # type: ignore[method-assign]
    assert isinstance(sim.handler_errors[-1], sqlite3.OperationalError)
    # The answer sent beside the update was awaited before the error handler ran: nothing is
    # left on its way after the update. The apology's own answer is then refused, and said.
    methods = [call.method for call in harness.fake.calls]
    assert methods == [
        "editMessageText",
        "answerCallbackQuery",
        "answerCallbackQuery",
        "sendMessage",
    ]
    assert [call.ok for call in harness.fake.calls] == [True, True, False, True]
