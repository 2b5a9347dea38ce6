"""Inline keyboards: rows of buttons, toggles, and a paginated family picker."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.family import Family
from bot.ui.callbacks import encode
from bot.ui.text import shorten

PAGE_SIZE = 8
BUTTON_TEXT_MAX = 40


def button(
    text: str, prefix: str, token: str, action: str, arg: object = ""
) -> InlineKeyboardButton:
    """One callback button with a shortened label."""
    return InlineKeyboardButton(
        shorten(text, BUTTON_TEXT_MAX), callback_data=encode(prefix, token, action, arg)
    )


def in_rows(
    buttons: Sequence[InlineKeyboardButton], per_row: int
) -> list[list[InlineKeyboardButton]]:
    """Lay buttons out `per_row` to a row."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def toggles(
    options: Sequence[tuple[str, str]],
    chosen: set[str],
    prefix: str,
    token: str,
    *,
    done_text: str,
    per_row: int = 2,
) -> list[list[InlineKeyboardButton]]:
    """Toggle buttons (✅ marks chosen ones), then a Done button on its own row."""
    buttons = [
        button(("✅ " if value in chosen else "▫️ ") + label, prefix, token, "tog", value)
        for value, label in options
    ]
    return [*in_rows(buttons, per_row), [button(done_text, prefix, token, "done")]]


def family_picker(
    families: Sequence[Family],
    page: int,
    prefix: str,
    token: str,
    extra: Sequence[list[InlineKeyboardButton]] = (),
) -> InlineKeyboardMarkup:
    """Families two to a row, PAGE_SIZE a page, with ◀ ▶ when there is more than one page."""
    pages = max(1, -(-len(families) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = families[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    buttons = [
        button(f.code + (f" {f.label}" if f.label else ""), prefix, token, "fam", f.id)
        for f in shown
    ]
    rows = in_rows(buttons, 2)
    if pages > 1:
        nav = []
        if page > 0:
            nav.append(button("◀", prefix, token, "page", page - 1))
        nav.append(button(f"{page + 1}/{pages}", prefix, token, "page", page))
        if page < pages - 1:
            nav.append(button("▶", prefix, token, "page", page + 1))
        rows.append(nav)
    return InlineKeyboardMarkup([*rows, *extra])
