"""A new command in the middle of a walk: "Drop … and start …?" [Yes, drop it] [No, go back].

engine.ask_to_abandon asks and keeps the start that came (the update, as sent) in user_data;
"Yes" abandons the open walk (_walk_chat.abandon_walk, the one place that does) and runs that
start as if it came now; "No" shows the open walk's question again. Nothing is dropped
before "Yes".
"""

from __future__ import annotations

import logging
from typing import Any, cast

from telegram import Update
from telegram.ext import Application

from bot.conversations._walk_chat import SWITCH_KEY, WALK_KEY, abandon_walk
from bot.conversations.engine import Handler, open_walk, walks
from bot.handlers.common import answer_press, show
from bot.handlers.context import BotContext
from bot.handlers.start import stale_button
from bot.ui.callbacks import pressed_data

log = logging.getLogger(__name__)
MAIN_GROUP = 0  # where app.py puts the commands and the walks' entries


async def switch_pressed(update: Update, context: BotContext) -> None:
    """Yes: drop the open walk and start what was asked; No: back to the open walk."""
    press = pressed_data(update)
    pending = context.data.get(SWITCH_KEY)
    record = context.data.get(WALK_KEY)
    draft = record.get("draft") if isinstance(record, dict) else None
    token = draft.get("token") if isinstance(draft, dict) else "-"
    query = update.callback_query
    pressed_on = None if query is None or query.message is None else query.message.message_id
    if (
        press is None
        or not isinstance(pending, dict)
        or pending.get("token") != press.token
        or pending.get("message", pressed_on) != pressed_on  # an older question's answer
        or press.token != (token if open_walk(context) else "-")
    ):
        await stale_button(update, context)  # answered already, or the walk moved on
        return
    await answer_press(update)
    if press.action == "no":
        context.data.pop(SWITCH_KEY, None)
        await _back_to_open_walk(update, context)
        return
    abandon_walk(context)
    await show(update, context, context.tr.gettext("Dropped."))
    await _start_again(update, context, pending.get("update"))


async def _back_to_open_walk(update: Update, context: BotContext) -> None:
    """The open walk's current question, in place of the one asked."""
    name = open_walk(context)
    walk = next((w for w in walks() if w.name == name), None)
    found = walk.load(context) if walk is not None else None
    if walk is None or found is None:
        await show(update, context, context.tr.gettext("Nothing is open; send the command again."))
        return
    await walk.go(update, context, *found)


async def _start_again(update: Update, context: BotContext, stored: object) -> None:
    """Run the start that waited, through the handler that takes it, as if it came now."""
    if not isinstance(stored, dict):
        return
    original = Update.de_json(stored, context.bot)
    # The application is built with BotContext as its context type (app.py).
    application = cast("Application[Any, BotContext, Any, Any, Any, Any]", context.application)
    handlers: list[Handler] = list(application.handlers.get(MAIN_GROUP, []))
    for handler in handlers:
        check = handler.check_update(original)
        if check is not None and check is not False:
            await handler.handle_update(original, application, check, context)
            return
    log.warning("a start waiting for confirmation found no handler")
