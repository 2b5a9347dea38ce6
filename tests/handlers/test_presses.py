"""The press router: every prefixed button reaches its own callback, in one handler."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import CallbackQuery, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.handlers.presses import PressRouter, routed


async def _one(update: Update, context: Any) -> str:
    return "one"


async def _two(update: Update, context: Any) -> str:
    return "two"


async def _rest(update: Update, context: Any) -> str:
    return "rest"


def _press(data: str | None) -> Update:
    user = User(1, "Anna", is_bot=False)
    return Update(1, callback_query=CallbackQuery("q", user, "chat", data=data))


def test_prefixed_handlers_become_one_router_in_the_first_ones_place() -> None:
    command = CommandHandler("start", _rest)
    catch_all = CallbackQueryHandler(_rest)
    handlers = routed(
        [
            command,
            CallbackQueryHandler(_one, pattern=r"^a:"),
            CallbackQueryHandler(_two, pattern=r"^ab:"),
            catch_all,
        ]
    )
    assert handlers[0] is command
    assert handlers[2] is catch_all
    router = handlers[1]
    assert isinstance(router, PressRouter)
    assert router.routes == {"a": _one, "ab": _two}
    assert router.check_update(_press("ab:tok:act:1")) == "ab"
    assert router.check_update(_press("a:tok")) == "a"
    for other in ("abc:tok", "ab", "", None):  # not ours: the catch-all's
        assert router.check_update(_press(other)) is None
    assert catch_all.check_update(_press("abc:tok"))


async def test_the_router_calls_the_prefix_s_callback() -> None:
    seen: list[str] = []

    async def one(update: Update, context: Any) -> None:
        seen.append("one")

    async def two(update: Update, context: Any) -> None:
        seen.append("two")

    router = PressRouter({"a": one, "ab": two})
    await router.callback(_press("ab:x"), None)
    await router.callback(_press("a:x"), None)
    assert seen == ["two", "one"]


def test_a_prefix_after_another_press_handler_or_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="'a'"):
        routed([CallbackQueryHandler(_rest), CallbackQueryHandler(_one, pattern=r"^a:")])
    with pytest.raises(ValueError, match="'a'"):
        routed(
            [
                CallbackQueryHandler(_one, pattern=r"^a:"),
                CallbackQueryHandler(_two, pattern=r"^a:"),
            ]
        )
