"""Typed text and /cancel: to the open walk, or to what answers them when none is open."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from bot.conversations.engine import Walk, open_walk, saved_already, walks
from bot.handlers.context import BotContext

Fallback = Callable[[Update, BotContext], Awaitable[None]]


async def _route(
    update: Update,
    context: BotContext,
    act: Callable[[Walk[Any, Any]], Awaitable[None]],
    fallback: Fallback,
) -> None:
    """To the open walk; a leftover whose draft was saved (a crash right after) says so."""
    name = open_walk(context)
    walk = next((w for w in walks() if w.name == name), None)
    if walk is None:
        await fallback(update, context)
    elif walk.load(context) is None or await walk.unfinished(context):
        await act(walk)  # an unreadable draft: the walk itself says it lost track
    elif update.effective_message is not None:
        await update.effective_message.reply_text(saved_already(context.tr))


async def route_typed(update: Update, context: BotContext, fallback: Fallback) -> None:
    """Typed text goes to the open walk; without one, to `fallback`."""
    await _route(update, context, lambda walk: walk.typed(update, context), fallback)


async def route_cancel(update: Update, context: BotContext, fallback: Fallback) -> None:
    """/cancel ends the open walk its own way; without one, `fallback` says so."""
    await _route(update, context, lambda walk: walk.cancelled(update, context), fallback)
