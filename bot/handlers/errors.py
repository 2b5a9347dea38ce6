"""The error handler: log the whole story, tell the user briefly, never show a traceback."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.handlers.context import BotContext
from bot.handlers.gate import translator_for

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the exception with the update id; apologise to the user if there is one."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    tr = context.tr
    if update.effective_user is not None:  # error contexts are new: the gate's choice is gone
        try:
            tr = await translator_for(context.services, update.effective_user)
        except Exception:  # the database itself may be what failed
            log.debug("falling back to the default language for the apology")
    text = tr.gettext(
        "Sorry, something went wrong on my side. What you saved before is safe; "
        "please try the last step again."
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.warning("could not tell chat %s about the error", update.effective_chat.id)
