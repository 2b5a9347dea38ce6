"""Who uses the bot: assistants, admins, invites."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

INVITE_LIFETIME = timedelta(hours=72)


class Assistant(BaseModel):
    """A registered user of the bot (an assistant; admins may be assistants too)."""

    model_config = ConfigDict(frozen=True)

    telegram_id: int
    display_name: str
    locale: str | None = None
    joined_at: datetime
    unreachable: bool = False  # blocked the bot: no reminders until they write again


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
