"""The one way a document leaves the bot: an in-memory file sent to the chat."""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
from datetime import datetime, timedelta
from io import BytesIO

from telegram import Message, Update

from bot.handlers.common import answer_press, remove_later
from bot.handlers.context import BotContext

log = logging.getLogger(__name__)

TELEGRAM_FILE_LIMIT = 50 * 1024 * 1024  # bytes a bot may upload
# What makes the documents, with fpdf (numpy, fontTools) and openpyxl under it; charts add
# matplotlib. Imported by `documents_ready`, never at start-up.
DOCUMENT_MODULES = (
    "bot.documents.assessment",
    "bot.documents.dossier",
    "bot.documents.half_year",
    "bot.documents.team",
    "bot.documents.work_card",
)
CHART_MODULES = ("matplotlib.figure", "matplotlib.ticker", "matplotlib.dates")
# The same button pressed again this soon after its document was sent is a double tap.
AGAIN_WITHIN = timedelta(seconds=30)
SENT_BY_PRESS = "documents.sent_by_press"  # bot_data (kept in memory only): press -> sent at
PressKey = tuple[int, int, str]  # chat, message, callback data


async def documents_ready(*, charts: bool = False) -> None:
    """Import the document makers the first time a document is asked for, off the event loop.

    Their libraries take about 0.3 s to import (charts another 0.5 s) and 40 MiB of memory,
    which an idle bot, most of the day, does not need; imported in a worker thread, they
    hold up nobody else's answer. The handler then imports what it uses, from memory.
    """
    wanted = DOCUMENT_MODULES + (CHART_MODULES if charts else ())
    missing = [name for name in wanted if name not in sys.modules]
    if missing:
        await asyncio.to_thread(_import_all, missing)


def _import_all(names: list[str]) -> None:
    """Import modules (in a worker thread: Python's import lock keeps that safe)."""
    for name in names:
        importlib.import_module(name)


async def send_document(
    update: Update, context: BotContext, content: bytes, file_name: str, caption: str = ""
) -> Message | None:
    """Send a document built in memory; its name carries codes and dates only, never names.

    Every document goes through here, so what is done with a sent document (a caption's
    clean-up, the size check) is done once.
    """
    chat = update.effective_chat
    if chat is None:
        return None
    if len(content) > TELEGRAM_FILE_LIMIT:
        log.warning("document %s is %d bytes, over Telegram's limit", file_name, len(content))
        await context.bot.send_message(
            chat.id, context.tr.gettext("That document is too large to send. Ask the IT person.")
        )
        return None
    upload = BytesIO(content)
    upload.name = file_name
    sent = await context.bot.send_document(
        chat.id, upload, filename=file_name, caption=caption or None
    )
    # A document holds family details (a dossier: names and notes): it leaves the chat later.
    await remove_later(context, [sent])
    key = _press_key(update)
    if key is not None:
        _sent_by_press(context)[key] = context.services.clock.now()
    return sent


def _tapped_again(update: Update, context: BotContext) -> bool:
    """Whether this press's button sent its document moments ago: a double tap sends once."""
    key = _press_key(update)
    sent_at = None if key is None else _sent_by_press(context).get(key)
    return sent_at is not None and context.services.clock.now() - sent_at < AGAIN_WITHIN


async def answered_again(update: Update, context: BotContext) -> bool:
    """The second press of a double tap on a document's button: answered in place that the
    document is just above (True); False for any other press, which is left unanswered."""
    if not _tapped_again(update, context):
        return False
    await answer_press(update, context.tr.gettext("That document was just sent above."))
    return True


def _press_key(update: Update) -> PressKey | None:
    """The pressed button (its message and data), or None for a typed command."""
    query = update.callback_query
    if query is None or query.message is None or query.data is None:
        return None
    return query.message.chat.id, query.message.message_id, query.data


def _sent_by_press(context: BotContext) -> dict[PressKey, datetime]:
    """The documents sent by a press lately (older ones forgotten as they are looked up)."""
    sent: dict[PressKey, datetime] = context.bot_data.setdefault(SENT_BY_PRESS, {})
    now = context.services.clock.now()
    for key in [k for k, at in sent.items() if now - at >= AGAIN_WITHIN]:
        del sent[key]
    return sent
