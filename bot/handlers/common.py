"""Small helpers every handler uses: answer in place or anew, split long replies."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.handlers.context import BotContext
from bot.ui.text import split_lines

log = logging.getLogger(__name__)


async def show(
    update: Update,
    context: BotContext,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    fresh: bool = False,
) -> int | None:
    """Edit the pressed message when answering a button, otherwise (or if fresh) send anew.

    Returns the id of the message that now shows the text (None when there is no chat).
    """
    query = update.callback_query
    if query is not None and query.message is not None and not fresh:
        try:
            await query.edit_message_text(text, reply_markup=markup)
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return query.message.message_id
            if "not found" not in str(exc).lower() and "can't be edited" not in str(exc).lower():
                raise
        else:
            return query.message.message_id
    chat = update.effective_chat
    if chat is None:
        return None
    sent = await context.bot.send_message(chat.id, text, reply_markup=markup)
    return sent.message_id


async def send_lines(
    update: Update,
    context: BotContext,
    lines: list[str],
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Send HTML lines as one or more messages within Telegram's limit; buttons on the last."""
    chat = update.effective_chat
    if chat is None:
        return
    messages = split_lines(lines)
    for index, message in enumerate(messages):
        last = index == len(messages) - 1
        await context.bot.send_message(chat.id, message, reply_markup=markup if last else None)


async def answer_press(update: Update, text: str | None = None) -> None:
    """Acknowledge a button press (Telegram shows a spinner until we do)."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer(text)
    except BadRequest as exc:  # a query older than ~15 minutes cannot be answered any more
        log.debug("could not answer callback query: %s", exc)
