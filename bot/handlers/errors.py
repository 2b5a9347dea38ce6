"""The error handler: log the whole story, tell the user briefly, never show a traceback."""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.error import Forbidden, TelegramError

from bot.handlers.common import answer_press
from bot.handlers.context import BotContext
from bot.handlers.gate import translator_for
from bot.reminders.sender import tell_admins

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the exception with the update id; apologise to the user if there is one."""
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, Forbidden) and isinstance(update, Update):
        await _blocked(update, context)
        return
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
    # The press may have been answered before the error (a walk answers beside its edit):
    # a second answer is refused, and that refusal must not swallow the apology.
    await answer_press(update)
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.warning("could not tell chat %s about the error", update.effective_chat.id)


async def _blocked(update: Update, context: BotContext) -> None:
    """403 while answering: the person blocked the bot; one line, no apology they cannot see.

    In a private chat this is what the reminder sender learns from a 403 too: their reminders
    stop and the admins are told, once; `/start` brings them back.
    """
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != Chat.PRIVATE:
        log.warning(
            "Telegram refused an answer in chat %s (update %s): %s",
            None if chat is None else chat.id,
            update.update_id,
            context.error,
        )
        return
    services = context.services
    notice = await services.reminders.mark_unreachable(user.id)
    log.warning(
        "Telegram user %s blocked the bot (update %s): %s",
        user.id,
        update.update_id,
        "marked unreachable, reminders stopped" if notice else "nothing more to send them",
    )
    if notice is not None:
        settings = services.settings
        await tell_admins(
            context.bot, settings.admin_telegram_ids, settings.default_locale, notice
        )
