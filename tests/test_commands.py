"""The command and callback registries: unique names, each one wired, nothing else wired."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.commands import COMMANDS
from bot.ui.callbacks import registered
from tests.support.harness import BotHarness

BOT = Path(__file__).resolve().parent.parent / "bot"


def every_handler(harness: BotHarness) -> Iterator[BaseHandler[Any, Any, Any]]:
    """Every handler of the application, inside conversations too."""
    assert harness.app is not None
    stack: list[BaseHandler[Any, Any, Any]] = [
        h for handlers in harness.app.handlers.values() for h in handlers
    ]
    while stack:
        handler = stack.pop()
        if isinstance(handler, ConversationHandler):
            stack += handler.entry_points + handler.fallbacks
            stack += [h for state in handler.states.values() for h in state]
        else:
            yield handler


def test_command_names_are_unique() -> None:
    every = [name for command in COMMANDS for name in command.names]
    assert len(every) == len(set(every))


async def test_every_command_is_wired_and_only_those(harness: BotHarness) -> None:
    wired = {
        name
        for handler in every_handler(harness)
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }
    assert wired == {name for command in COMMANDS for name in command.names}


async def test_every_callback_prefix_is_claimed_once_and_handled(harness: BotHarness) -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in BOT.rglob("*.py"))
    claimed = re.findall(r'register\("([^"]+)"', source) + re.findall(
        r'^PREFIX = "([^"]+)"', source, flags=re.M
    )
    assert len(claimed) == len(set(claimed)), sorted(claimed)
    patterns = [
        handler.pattern
        for handler in every_handler(harness)
        if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None
    ]
    for prefix in registered():
        data = f"{prefix}:x:y:z"
        assert any(re.match(p, data) for p in patterns), f"no handler for {prefix!r}"
