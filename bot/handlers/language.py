"""/lang: switch the bot's language for this user (the main menu comes again in it)."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.handlers.common import (
    answer_press,
    message_buttons,
    pressed_message,
    show,
    strip_buttons,
)
from bot.handlers.context import BotContext
from bot.handlers.main_menu import show_menu
from bot.handlers.menu import refresh_own_menu
from bot.i18n import LOCALES, translator
from bot.ui.callbacks import Press, decode, encode, pressed_data, register

LANG_PREFIX = register("lang", {"set"})
LANGUAGE_NAMES = {"pl": "Polski", "en": "English"}
# A language as people type it after a command (`/settings pl`, `/ustawienia po polsku`).
LANGUAGE_WORDS = {
    *LOCALES,
    *(name.lower() for name in LANGUAGE_NAMES.values()),
    *("polish", "polsku", "angielski", "angielsku", "lang", "language", "język", "jezyk"),
}
# The token of the language buttons on a message a language press drew: that message answered
# it. Any other drawing (the command, a digest time or quiet hours chosen) carries "-". An edit
# alone says nothing: /settings is edited by its other buttons too.
ANSWERED = "a"

# What the pressed message shows again in the language chosen: its text and its buttons, the
# language buttons marked as drawn by a language press (True).
View = Callable[[BotContext, bool], Awaitable[tuple[str, InlineKeyboardMarkup]]]


def language_buttons(
    active: str, prefix: str = LANG_PREFIX, action: str = "set", *, answered: bool = False
) -> list[InlineKeyboardButton]:
    """A button per language, the one the bot speaks now ticked (/settings has its own data)."""
    token = ANSWERED if answered else "-"
    return [
        InlineKeyboardButton(
            ("✅ " if code == active else "") + LANGUAGE_NAMES[code],
            callback_data=encode(prefix, token, action, code),
        )
        for code in LOCALES
    ]


async def _chooser(
    context: BotContext, answered: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """/lang's question: the languages, one a row."""
    rows = [[button] for button in language_buttons(context.tr.locale, answered=answered)]
    return context.tr.gettext("Choose a language:"), InlineKeyboardMarkup(rows)


async def choose_language(update: Update, context: BotContext) -> None:
    """Offer the languages as buttons."""
    if update.message is None:
        return
    text, markup = await _chooser(context)
    await update.message.reply_text(text, reply_markup=markup)


async def language_pressed(update: Update, context: BotContext) -> None:
    """A language of /lang: save it, show the question again in it, and confirm."""
    press = pressed_data(update)
    if press is None or press.arg not in LOCALES:
        await answer_press(update, context.tr.gettext("This button is no longer active."))
        return
    # A /settings shown before its language buttons had their own data: not drawn as /lang.
    view = _chooser if _only_languages(pressed_message(update)) else None
    await language_chosen(update, context, press.arg, view)


async def language_chosen(
    update: Update, context: BotContext, code: str, view: View | None
) -> None:
    """Speak `code` from now on; the pressed message is drawn again in it (`view`).

    A new language is confirmed in a new message, as only a new one can carry the main menu in
    it (an edit takes buttons in the message only); so is the one spoken already, pressed where
    it shows ticked. Pressed again on the message it answered (the second tap of a double tap;
    that message's language buttons carry ANSWERED) it only stops the spinner; on a message that
    shows another language (an older one, or that second tap as Telegram saw it before the edit)
    it draws the message again and says nothing. The message is drawn again whenever it was not
    answered yet, the language in use too: only then does its second tap know it.
    """
    pressed = pressed_message(update)
    unchanged = code == context.tr.locale
    shown = _shown_on(update, pressed)
    if unchanged and shown is not None and shown.token == ANSWERED:
        await answer_press(update)  # answered already: drawn again with the language ticked
        return
    if not unchanged:
        await context.services.membership.set_locale(context.actor, code)
        context.tr = translator(code)
        # Their own menu (a coordinator's /team, or a plain one in a language not their
        # app's) follows: Telegram would show the default menu of their app's language.
        # An app that sends no language is shown the menus set without one, the default's.
        user = update.effective_user
        app_language = None if user is None else user.language_code or ""
        await refresh_own_menu(context.application, context.actor.telegram_id, code, app_language)
    await answer_press(update)
    if view is None:  # a message this cannot draw again: it keeps its text, not its buttons
        if pressed is not None and update.effective_chat is not None:
            with contextlib.suppress(BadRequest):  # gone, too old, or without buttons already
                await strip_buttons(context, update.effective_chat.id, pressed.message_id)
    elif shown is None or shown.token != ANSWERED:  # its language buttons mark it answered
        text, markup = await view(context, True)
        await show(update, context, text, markup)
    if not unchanged or shown is not None:
        done = context.tr.gettext("Done: I will speak English with you.")
        await show_menu(update, context, done)


def _only_languages(message: Message | None) -> bool:
    """The pressed message is /lang's question: nothing but language buttons."""
    buttons = message_buttons(message)
    return bool(buttons) and all(
        str(b.callback_data).startswith(f"{LANG_PREFIX}:") for b in buttons
    )


def _shown_on(update: Update, message: Message | None) -> Press | None:
    """The pressed language's button where its message shows it ticked (the message shows that
    language already), read as the message is now: a double tap's second press may carry the
    data its button had before the first one drew the message again. None if not ticked."""
    press = pressed_data(update)
    for button in message_buttons(message):
        shown = decode(button.callback_data if isinstance(button.callback_data, str) else None)
        if (
            press is not None
            and shown is not None
            and (shown.prefix, shown.action, shown.arg) == (press.prefix, press.action, press.arg)
            and button.text.startswith("✅ ")
        ):
            return shown
    return None
