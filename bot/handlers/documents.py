"""The one way a document leaves the bot: an in-memory file sent to the chat."""

from __future__ import annotations

import logging
from io import BytesIO

from telegram import Message, Update

from bot.handlers.common import remove_later
from bot.handlers.context import BotContext

log = logging.getLogger(__name__)

TELEGRAM_FILE_LIMIT = 50 * 1024 * 1024  # bytes a bot may upload


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
