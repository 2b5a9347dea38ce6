"""The one way a document leaves the bot: an in-memory file sent to the chat."""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
from io import BytesIO

from telegram import Message, Update

from bot.handlers.common import remove_later
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
CHART_MODULES = ("matplotlib.figure", "matplotlib.ticker")


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
    return sent
