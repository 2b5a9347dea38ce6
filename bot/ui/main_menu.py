"""The main menu: a persistent reply keyboard under the text field, one tap to the daily work.

Chosen over the menu button (which Telegram shows too, from the command list): the menu button
is a tap to open and a scroll to find; these four stay in sight under the text field, big
enough for a thumb, and a tap on them sends their text, which main_menu's handler takes
before any walk sees it as typed input.
"""

from __future__ import annotations

from functools import cache

from telegram import KeyboardButton, ReplyKeyboardMarkup

from bot.i18n import LOCALES, N_, Translator, translator

MENU_KEY = "menu"  # user_data: the language the main menu was last sent in
MENU: tuple[tuple[str, str], ...] = (
    ("visit", N_("📝 Visit")),
    ("families", N_("👪 Families")),
    ("agenda", N_("📅 Appointments")),
    ("more", N_("⋯ More")),
)


def main_menu(tr: Translator) -> ReplyKeyboardMarkup:
    """The four buttons, two to a row, kept under the text field."""
    buttons = [KeyboardButton(tr.gettext(label)) for _, label in MENU]
    return ReplyKeyboardMarkup(
        [buttons[:2], buttons[2:]], resize_keyboard=True, is_persistent=True
    )


@cache
def menu_texts() -> dict[str, str]:
    """Every button's text in every language -> its action (an older keyboard still works)."""
    return {
        translator(locale).gettext(label): action for locale in LOCALES for action, label in MENU
    }
