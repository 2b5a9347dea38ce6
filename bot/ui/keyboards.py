"""Inline keyboards: a walk step's buttons, rows, toggles, and a paginated family picker."""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.day_words import CONTRACT_SPANS
from bot.domain.family import Family
from bot.i18n import N_, Translator
from bot.ui.callbacks import encode, step_token, toggle_arg
from bot.ui.text import shorten

PAGE_SIZE = 8
BUTTON_TEXT_MAX = 40
SPAN_LABELS = {  # the keys of day_words.SPANS
    "1w": N_("in a week"),
    "1m": N_("in a month"),
    "3m": N_("in 3 months"),
    "6m": N_("in half a year"),
    "1y": N_("in a year"),
}
CONTRACT_SPAN_LABELS = {"6m": N_("for half a year"), "1y": N_("for a year")}
B = TypeVar("B")


class Key(NamedTuple):
    """A callback button of a walk's question: a label and its data, and nothing else.

    PTB's InlineKeyboardButton checks and freezes a dozen attributes as it is made (15 us
    each here, and a question has up to 14); a walk's buttons never need them.
    """

    text: str
    callback_data: str


Button = Key | InlineKeyboardButton


class Keyboard(NamedTuple):
    """A walk question's rows of buttons, sent as the Bot API's JSON (`markup_json`)."""

    inline_keyboard: Sequence[Sequence[Button]]


Markup = Keyboard | InlineKeyboardMarkup  # what a question may show


def button(text: str, prefix: str, token: str, action: str, arg: object = "") -> Key:
    """One callback button with a shortened label."""
    return Key(shorten(text, BUTTON_TEXT_MAX), encode(prefix, token, action, arg))


def markup_json(markup: Markup) -> str:
    """A keyboard as the Bot API's JSON text, built directly and encoded once.

    Every button here has a text and callback data only; PTB's generic `to_dict` inspects
    every attribute of every button and cost a fifth of a press. Given as text, the keyboard
    is not encoded again by PTB's request (which encodes each value twice).
    """
    rows = [
        [
            {"text": b.text, "callback_data": b.callback_data}
            if b.callback_data is not None
            else b.to_dict()
            for b in row
        ]
        for row in markup.inline_keyboard
    ]
    return json.dumps({"inline_keyboard": rows}, ensure_ascii=False, separators=(",", ":"))


def in_rows(buttons: Sequence[B], per_row: int) -> list[list[B]]:
    """Lay buttons out `per_row` to a row."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


class StepButtons:
    """The buttons of one step of a walk: the walk's prefix and the step's token, given once.

    Calling it makes one button; the step token makes a second tap or an older message's
    button recognisable (see callbacks.step_token).
    """

    def __init__(self, prefix: str, draft_token: str, step: StrEnum) -> None:
        self.prefix = prefix
        self.token = step_token(draft_token, step)

    def __call__(self, text: str, action: str, arg: object = "") -> Key:
        """One button of the step."""
        return button(text, self.prefix, self.token, action, arg)

    def row(self, *buttons: tuple[str, str, object]) -> list[Key]:
        """Buttons side by side, each given as (text, action, arg)."""
        return [self(text, action, arg) for text, action, arg in buttons]

    def toggles(
        self,
        options: Sequence[tuple[str, str]],
        chosen: set[str],
        *,
        done_text: str,
        per_row: int = 2,
    ) -> list[list[Key]]:
        """Toggle buttons (✅ marks chosen ones), then a Done button on its own row.

        Each says what a press makes it (`toggle_arg`): two taps before the edit arrives tick
        once, not tick and untick.
        """
        buttons = [
            self(("✅ " if ticked else "▫️ ") + label, "tog", toggle_arg(value, ticked))
            for value, label in options
            for ticked in (value in chosen,)
        ]
        return [*in_rows(buttons, per_row), [self(done_text, "done")]]

    def spans(self, tr: Translator, keys: Sequence[str]) -> list[Key]:
        """One row of the usual spans (`in a week`, `in a month`…) for a date step."""
        return [self(tr.gettext(SPAN_LABELS[key]), "span", key) for key in keys]

    def contract_spans(self, tr: Translator) -> list[Key]:
        """One row of a contract's usual lengths (`for half a year`, `for a year`)."""
        return [self(tr.gettext(CONTRACT_SPAN_LABELS[key]), "span", key) for key in CONTRACT_SPANS]

    def family_picker(
        self,
        families: Sequence[Family],
        page: int,
        extra: Sequence[Sequence[Button]] = (),
    ) -> Keyboard:
        """Families two to a row, PAGE_SIZE a page, with ◀ ▶ when there is more than one page."""
        pages = max(1, -(-len(families) // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        shown = families[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        buttons = [self(f.code + (f" {f.label}" if f.label else ""), "fam", f.id) for f in shown]
        rows = in_rows(buttons, 2)
        if pages > 1:
            nav = []
            if page > 0:
                nav.append(self("◀", "page", page - 1))
            nav.append(self(f"{page + 1}/{pages}", "page", page))
            if page < pages - 1:
                nav.append(self("▶", "page", page + 1))
            rows.append(nav)
        return Keyboard([*rows, *extra])
