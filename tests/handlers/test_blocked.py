"""Someone who blocked the bot: one quiet line, marked unreachable, shown so in /assign."""

from __future__ import annotations

import logging

import pytest

from tests.conversations.test_new_family import register_family
from tests.support.harness import ADMIN_ID, BotHarness


def _to(harness: BotHarness, chat_id: int, since: int) -> list[str]:
    """Every sendMessage attempt to a chat after call number `since`, by outcome."""
    return [
        "ok" if c.ok else str(c.error_code)
        for c in harness.fake.calls[since:]
        if c.method == "sendMessage" and c.chat_id == chat_id
    ]


async def test_a_403_marks_the_user_unreachable_quietly_and_once(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    sim = await harness.assistant(first_name="Anna", language_code="en")
    await register_family(sim)
    blocked = harness.user(sim.user_id, first_name="Anna", language_code="en", raise_errors=False)
    harness.fake.block(sim.user_id)
    mark = len(harness.fake.calls)
    with caplog.at_level(logging.INFO, logger="bot"):
        await blocked.send("/families")
        await blocked.send("/families")
    assert _to(harness, sim.chat_id, mark) == ["403", "403"]  # no apology sent after a 403
    assert len(blocked.handler_errors) == 2  # it was Telegram's 403, handled by on_error
    ours = [r for r in caplog.records if r.name == "bot.handlers.errors"]
    assert [r.levelname for r in ours] == ["WARNING", "WARNING"]
    assert all(r.exc_info is None for r in ours)
    assert "marked unreachable" in ours[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert harness.services is not None
    prefs = await harness.services.reminders.reminders.prefs(sim.user_id)
    assert prefs.unreachable
    notices = _to(harness, ADMIN_ID, mark)
    assert notices == ["ok"]  # the admins are told once, like after a reminder's 403
    assert "Anna" in harness.fake.last_text(ADMIN_ID)
    assert harness.fake.errors == []


async def test_assign_marks_who_blocked_the_bot(harness: BotHarness) -> None:
    anna = await harness.assistant(1001, first_name="Anna", language_code="en")
    await register_family(anna)
    await harness.assistant(1002, first_name="Beata", language_code="en")
    admin = harness.user(ADMIN_ID, first_name="Ewa", language_code="en")
    harness.fake.block(anna.user_id)
    await harness.user(anna.user_id, raise_errors=False).send("/help")
    harness.fake.unblock(anna.user_id)
    await admin.send("/assign R-01")
    buttons = [text for row in harness.fake.last_markup(admin.chat_id) for text, _ in row]
    assert [b for b in buttons if "unreachable" in b] == ["Anna ✓ · ⚠ unreachable"]
    assert "Beata" in buttons
    assert "blocked the bot" in harness.fake.last_text(admin.chat_id)
    await anna.send("/start")  # back again: reminders resume, the mark goes
    await admin.send("/assign R-01")
    buttons = [text for row in harness.fake.last_markup(admin.chat_id) for text, _ in row]
    assert not [b for b in buttons if "unreachable" in b]
    assert "blocked the bot" not in harness.fake.last_text(admin.chat_id)
    assert harness.fake.errors == []
