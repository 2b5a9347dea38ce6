"""The gate: replays are dropped, a renumbering by Telegram is not mistaken for one."""

from __future__ import annotations

import logging

import pytest

from tests.support.harness import BotHarness


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
