"""The buttons that ask for a family's documents: its chart, its dossier, its assessment."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.family import Family
from bot.i18n import Translator
from bot.ui.callbacks import encode, register

# doc:-:<what>:<family id>; the service re-checks the family is the presser's to read.
DOC_PREFIX = register("doc", {"chart", "dossier", "assess"})
PICKER_MAX = 90  # as many family buttons as /families shows


def document_button(tr: Translator, what: str, family_id: int) -> InlineKeyboardButton:
    """One button: 📈 chart (PNG), 📁 dossier (PDF) or 📄 the latest assessment (PDF)."""
    _ = tr.gettext
    text = {"chart": _("📈 Chart"), "dossier": _("📁 Dossier"), "assess": _("📄 Document")}
    return InlineKeyboardButton(text[what], callback_data=encode(DOC_PREFIX, "-", what, family_id))


def card_row(tr: Translator, family_id: int) -> list[InlineKeyboardButton]:
    """The family card's row of documents."""
    return [document_button(tr, "chart", family_id), document_button(tr, "dossier", family_id)]


def dossier_picker(families: Sequence[Family]) -> InlineKeyboardMarkup:
    """One button per family code, three to a row, each asking for that family's dossier."""
    buttons = [
        InlineKeyboardButton(f.code, callback_data=encode(DOC_PREFIX, "-", "dossier", f.id))
        for f in families[:PICKER_MAX]
    ]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])
