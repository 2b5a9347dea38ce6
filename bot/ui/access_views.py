"""The access log as an admin reads it in the chat: when, who (Telegram id), what, which code."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.audit import AccessEntry, AccessKind
from bot.i18n import N_, Translator
from bot.services.access_log import AccessPage
from bot.ui.callbacks import encode, register
from bot.ui.text import esc

ACCESS_PREFIX = register("acl", {"pg"})  # token: family id (0: the whole log); arg: page

KIND_WORDS: dict[AccessKind, str] = {
    "read": N_("opened"),
    "change": N_("changed"),
    "refused": N_("⛔ refused"),
}


def access_lines(tr: Translator, page: AccessPage, tz: ZoneInfo) -> list[str]:
    """A heading and one line per entry, newest first; codes and ids only."""
    _ = tr.gettext
    if page.family is None:
        heading = _("<b>Access log, every family</b> · page {n}").format(n=page.number + 1)
    else:
        heading = _("<b>Access log of {code}</b> · page {n}").format(
            code=esc(page.family.code), n=page.number + 1
        )
    lines = [heading]
    if not page.entries:
        lines.append(_("No entries."))
    lines.extend(_entry_line(tr, entry, tz, page.family is None) for entry in page.entries)
    lines.append(
        _(
            "Times in the centre's zone; people by Telegram id. All of it as a file: {command}"
        ).format(command="<code>python -m bot audit --out access.csv</code>")
    )
    return lines


def _entry_line(tr: Translator, entry: AccessEntry, tz: ZoneInfo, with_code: bool) -> str:
    """`01.12 13:05 · 1001 · opened · read.plan · R-01 · code=R-01`."""
    parts = [
        f"<code>{entry.at.astimezone(tz):%d.%m %H:%M}</code>",
        f"<code>{entry.actor_id}</code>",
        tr.gettext(KIND_WORDS[entry.kind]),
        f"<code>{esc(entry.action)}</code>",
    ]
    if with_code and entry.family_code:
        parts.append(esc(entry.family_code))
    if entry.detail:
        parts.append(esc(entry.detail))
    return " · ".join(parts)


def access_buttons(tr: Translator, page: AccessPage) -> InlineKeyboardMarkup | None:
    """Newer and older pages, where there are any."""
    token = 0 if page.family is None else page.family.id
    row = []
    if page.number > 0:
        row.append(
            InlineKeyboardButton(
                tr.gettext("◀ Newer"),
                callback_data=encode(ACCESS_PREFIX, token, "pg", page.number - 1),
            )
        )
    if page.has_older:
        row.append(
            InlineKeyboardButton(
                tr.gettext("Older ▶"),
                callback_data=encode(ACCESS_PREFIX, token, "pg", page.number + 1),
            )
        )
    return InlineKeyboardMarkup([row]) if row else None
