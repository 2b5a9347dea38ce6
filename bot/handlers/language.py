"""/lang: switch the bot's language for this user (the main menu comes again in it)."""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.handlers.common import answer_press, strip_buttons
from bot.handlers.context import BotContext
from bot.handlers.main_menu import show_menu
from bot.handlers.menu import refresh_own_menu
from bot.i18n import LOCALES, translator
from bot.ui.callbacks import encode, pressed_data, register

LANG_PREFIX = register("lang", {"set"})
LANGUAGE_NAMES = {"pl": "Polski", "en": "English"}


def language_buttons(active: str) -> list[InlineKeyboardButton]:
    """A button per language, the one the bot speaks now ticked."""
    return [
        InlineKeyboardButton(
            ("✅ " if code == active else "") + LANGUAGE_NAMES[code],
            callback_data=encode(LANG_PREFIX, "-", "set", code),
        )
        for code in LOCALES
    ]


async def choose_language(update: Update, context: BotContext) -> None:
    """Offer the languages as buttons."""
    if update.message is None:
        return
    rows = [[button] for button in language_buttons(context.tr.locale)]
    await update.message.reply_text(
        context.tr.gettext("Choose a language:"), reply_markup=InlineKeyboardMarkup(rows)
    )


async def language_pressed(update: Update, context: BotContext) -> None:
    """Save the chosen language and confirm in it."""
    press = pressed_data(update)
    if press is None or press.arg not in LOCALES:
        await answer_press(update, context.tr.gettext("This button is no longer active."))
        return
    await context.services.membership.set_locale(context.actor, press.arg)
    context.tr = translator(press.arg)
    if context.actor.sees_team:  # their own menu, /team in it, was set in the old language
        await refresh_own_menu(context.application, context.actor.telegram_id, press.arg)
    await answer_press(update)
    # The confirmation is a new message, as only a new one can carry the main menu in the new
    # language (an edit takes buttons in the message only); the question keeps no buttons.
    chat, pressed = update.effective_chat, update.callback_query
    if chat is not None and pressed is not None and pressed.message is not None:
        with contextlib.suppress(BadRequest):  # gone, too old, or without buttons already
            await strip_buttons(context, chat.id, pressed.message.message_id)
    await show_menu(update, context, context.tr.gettext("Done: I will speak English with you."))
