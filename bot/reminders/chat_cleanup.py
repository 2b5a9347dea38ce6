"""The Telegram side of chat clean-up: delete what is due, stub what is too old to delete.

Runs every minute as a job of its own (and at once for a chat whose walk just ended). A row
is forgotten only once Telegram deleted or stubbed its message, or said it never will (gone
already, not ours to change); a network error or flood control leaves it for the next run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.domain.chat_cleanup import BATCH, DueMessage, MessageKind, deletable
from bot.handlers.context import SERVICES_KEY
from bot.i18n import translator
from bot.jobs import run_every
from bot.services.chat_cleanup import ChatCleanupService
from bot.services.registry import Services
from bot.storage.sqlite_work import Statement

log = logging.getLogger(__name__)

JOB_NAME = "chat-cleanup"
TICK_SECONDS = 60


class _TryLater(Exception):
    """Telegram could not be asked now (network, flood control): keep the rows."""


async def sweep(
    bot: Bot,
    cleanup: ChatCleanupService,
    chat_id: int | None = None,
    settle_with: list[Statement] | None = None,
) -> int:
    """Remove every due message (of one chat, or all); return how many rows were settled.

    With `settle_with` (an update's pending writes) the settled rows are forgotten in the
    caller's transaction, not one of their own: a crash before it only has the next sweep
    find those messages gone already.
    """
    due = await cleanup.due(chat_id)
    now = cleanup.clock.now()
    by_chat: dict[int, list[DueMessage]] = defaultdict(list)
    for message in due:
        by_chat[message.chat_id].append(message)
    settled: list[int] = []
    try:
        for chat, messages in by_chat.items():
            young = [m for m in messages if deletable(m.sent_at, now)]
            for start in range(0, len(young), BATCH):
                settled += await _delete(bot, chat, young[start : start + BATCH])
            for message in messages:
                if not deletable(message.sent_at, now):
                    settled += await _stub_or_leave(bot, message)
    except _TryLater as reason:
        log.info("chat clean-up paused until the next run: %s", reason)
    finally:
        if settle_with is None:
            await cleanup.settle(settled)
        else:
            settle_with += cleanup.settle_writes(settled)
    return len(settled)


async def _delete(bot: Bot, chat_id: int, messages: Sequence[DueMessage]) -> list[int]:
    """deleteMessages for the batch; if Telegram refuses it, one by one."""
    try:
        await bot.delete_messages(chat_id, [m.message_id for m in messages])
    except (RetryAfter, Forbidden) as error:
        return _beyond_reach(error, messages)
    except BadRequest as error:
        log.info("deleteMessages refused in chat %s (%s); one by one", chat_id, error)
    except TelegramError as error:  # network trouble: the next run tries again
        raise _TryLater(str(error)) from error
    else:
        return [m.id for m in messages]
    settled: list[int] = []
    for message in messages:
        settled += await _delete_one(bot, message)
    return settled


async def _delete_one(bot: Bot, message: DueMessage) -> list[int]:
    """deleteMessage; one Telegram will not delete is stubbed (the bot's) or left (the user's)."""
    try:
        await bot.delete_message(message.chat_id, message.message_id)
    except (RetryAfter, Forbidden) as error:
        return _beyond_reach(error, [message])
    except BadRequest as error:
        if "not found" in str(error).lower():
            return [message.id]
        return await _stub_or_leave(bot, message)
    except TelegramError as error:
        raise _TryLater(str(error)) from error
    return [message.id]


async def _stub_or_leave(bot: Bot, message: DueMessage) -> list[int]:
    """Too old to delete: the bot's own message is edited into a stub; a typed one stays."""
    if message.kind is MessageKind.USER:
        log.warning(
            "a typed message in chat %s is too old to delete (%s)", message.chat_id, message.id
        )
        return [message.id]
    stub = translator(message.locale).gettext(
        "🔒 Removed from the chat for privacy. The bot keeps it: ask again to see it."
    )
    try:
        if message.kind is MessageKind.DOCUMENT:
            await bot.edit_message_caption(message.chat_id, message.message_id, caption=stub)
        else:
            await bot.edit_message_text(stub, message.chat_id, message.message_id)
    except (RetryAfter, Forbidden) as error:
        return _beyond_reach(error, [message])
    except BadRequest as error:  # gone already, stubbed already, or not the bot's to edit
        log.info("could not stub message %s in chat %s: %s", message.id, message.chat_id, error)
    except TelegramError as error:
        raise _TryLater(str(error)) from error
    return [message.id]


def _beyond_reach(error: TelegramError, messages: Sequence[DueMessage]) -> list[int]:
    """Flood control waits for the next run; a blocked chat cannot be cleaned, so let go."""
    if isinstance(error, RetryAfter):
        raise _TryLater(str(error)) from error
    log.info("chat %s blocked the bot; %s message(s) stay", messages[0].chat_id, len(messages))
    return [m.id for m in messages]


async def cleanup_tick(context: Any) -> None:
    """Every minute: remove what is due (one bad run must not stop the next ones)."""
    services: Services = context.application.bot_data[SERVICES_KEY]
    try:
        removed = await sweep(context.application.bot, services.chat_cleanup)
    except Exception:
        log.exception("chat clean-up failed")
        return
    if removed:
        log.info("chat clean-up: %s message(s) removed or stubbed", removed)


def schedule_cleanup(application: Any) -> None:
    """Run the sweep every minute, the first one right after start (a restart catches up)."""
    run_every(application, cleanup_tick, JOB_NAME, seconds=TICK_SECONDS, first=1, grace=30)
