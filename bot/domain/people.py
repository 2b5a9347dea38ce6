"""Who uses the bot: assistants, admins, invites."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from bot.domain.visit import clean_text, shows_nothing

INVITE_LIFETIME = timedelta(hours=72)


class Assistant(BaseModel):
    """A registered user of the bot (an assistant; admins may be assistants too)."""

    model_config = ConfigDict(frozen=True)

    telegram_id: int
    display_name: str
    locale: str | None = None
    joined_at: datetime


class Actor(BaseModel):
    """The person behind the current action, as the services see them."""

    model_config = ConfigDict(frozen=True)

    telegram_id: int
    is_admin: bool = False
    is_assistant: bool = False

    @property
    def is_member(self) -> bool:
        """Whether this person may use the bot at all."""
        return self.is_admin or self.is_assistant


class Invite(BaseModel):
    """A one-time code an admin hands to a new assistant."""

    model_config = ConfigDict(frozen=True)

    code: str
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None = None
    used_at: datetime | None = None

    def is_usable(self, now: datetime) -> bool:
        """Unused and not yet expired."""
        return self.used_by is None and now < self.expires_at


def shown_name(display_name: str, telegram_id: int) -> str:
    """A Telegram name as the bot keeps it: no bidi controls; the id if nothing visible is left."""
    # The name is the person's own text too: shown in an admin's list and notices, a U+202E in
    # it would reverse the rest of the line.
    cleaned = clean_text(display_name)
    return str(telegram_id) if shows_nothing(cleaned) else cleaned
