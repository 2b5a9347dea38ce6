"""What leaves the chat and when: the bot's sensitive answers, a walk's typed texts and copies.

Telegram lets a bot delete a private chat's messages, its own and the user's, only while they
are younger than 48 hours; later it can still edit its own (into a stub), never the user's.
So a typed message is due at the latest a safe margin before that limit, whatever else happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

DELETE_WINDOW = timedelta(hours=48)  # Telegram's limit for deleting a message
# Due this long before the limit, so a minute tick, a slow sweep or a short outage still
# deletes it in time; later than this the bot's own message is stubbed instead.
SAFETY_MARGIN = timedelta(hours=1)
DELETE_BY = DELETE_WINDOW - SAFETY_MARGIN
MAX_MINUTES = int(DELETE_BY.total_seconds() // 60)  # the largest sensible CHAT_CLEANUP_MINUTES
BATCH = 100  # deleteMessages takes up to 100 ids at once


class MessageKind(StrEnum):
    """Whose message it is and what can be done with it once it is too old to delete."""

    USER = "user"  # typed by the assistant: deleted, or left when too old (nothing else works)
    TEXT = "text"  # the bot's text: deleted, or edited into a stub
    DOCUMENT = "document"  # the bot's file: deleted, or its caption edited into a stub


@dataclass(frozen=True)
class ShownMessage:
    """A message to remember: its chat, id, kind and when Telegram dated it."""

    chat_id: int
    message_id: int
    kind: MessageKind
    sent_at: datetime


@dataclass(frozen=True)
class DueMessage:
    """A stored message whose time in the chat is over."""

    id: int
    chat_id: int
    message_id: int
    kind: MessageKind
    sent_at: datetime
    locale: str


def deletable(sent_at: datetime, now: datetime) -> bool:
    """Whether Telegram still deletes a message sent then (with a minute to spare)."""
    return now < sent_at + DELETE_WINDOW - timedelta(minutes=1)


def deadline(kind: MessageKind, sent_at: datetime) -> datetime | None:
    """The latest a message must go: the user's before the 48 hours; the bot's can be stubbed."""
    return sent_at + DELETE_BY if kind is MessageKind.USER else None


def due_at(kind: MessageKind, sent_at: datetime, now: datetime, minutes: int) -> datetime | None:
    """When a message shown now leaves the chat: `minutes` from now (0: never), by its deadline."""
    latest = deadline(kind, sent_at)
    timed = now + timedelta(minutes=minutes) if minutes > 0 else None
    if latest is None or timed is None:
        return latest or timed
    return min(latest, timed)
