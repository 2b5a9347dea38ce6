"""Who uses the bot: assistants, coordinators, admins, invites."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import DomainError, NotAllowed
from bot.domain.visit import check_visible, clean_text, shows_nothing

INVITE_LIFETIME = timedelta(hours=72)
REFUSAL_INTERVAL = timedelta(hours=1)  # a stranger is told at most this often
STRANGERS_REMEMBERED = 10_000  # bounds the memory a flood of strangers can take
JOIN_TRIES = 5  # wrong invite codes a newcomer may try per REFUSAL_INTERVAL


class Role(StrEnum):
    """The stored role of a registered person (admins come from the configuration)."""

    ASSISTANT = "assistant"
    COORDINATOR = "coordinator"


class Assistant(BaseModel):
    """A registered person: an assistant or a coordinator (admins have a row too)."""

    model_config = ConfigDict(frozen=True)

    telegram_id: int
    display_name: str
    locale: str | None = None
    joined_at: datetime
    unreachable: bool = False  # blocked the bot: no reminders until they write again
    role: Role = Role.ASSISTANT
    active: bool = True  # False: left the centre; refused like a stranger, no reminders
    document_name: str | None = None  # set in /settings for the documents; else display_name

    @property
    def signed_name(self) -> str:
        """The name the assistant's documents carry."""
        return self.document_name or self.display_name


class Actor(BaseModel):
    """The person behind the current action, as the services see them.

    `is_assistant`: an active registered person, who may hold families (a coordinator of a
    small centre too); `is_coordinator`: the stored role; admins (ADMIN_TELEGRAM_IDS) have
    every coordinator right. A deactivated person is none of these: a stranger.
    """

    model_config = ConfigDict(frozen=True)

    telegram_id: int
    is_admin: bool = False
    is_assistant: bool = False
    is_coordinator: bool = False

    @property
    def is_member(self) -> bool:
        """Whether this person may use the bot at all."""
        return self.is_admin or self.is_assistant or self.is_coordinator

    @property
    def sees_team(self) -> bool:
        """Whether this person has the coordinator's rights: the team, any family read-only."""
        return self.is_coordinator or self.is_admin

    def check_member(self) -> None:
        """Only people let in may do anything: NotAllowed for anyone else."""
        if not self.is_member:
            raise NotAllowed()

    def check_admin(self) -> None:
        """Only the centre's admins: NotAllowed("admin_only") for anyone else."""
        if not self.is_admin:
            raise NotAllowed("admin_only")

    def check_team(self) -> None:
        """Only coordinators and admins: NotAllowed("team_only") for anyone else."""
        self.check_member()
        if not self.sees_team:
            raise NotAllowed("team_only")


class Invite(BaseModel):
    """A one-time code an admin hands to a new assistant or coordinator."""

    model_config = ConfigDict(frozen=True)

    code: str
    role: Role = Role.ASSISTANT
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None = None
    used_at: datetime | None = None
    question_id: int | None = None  # the /invite question whose button made it, if one did

    def is_usable(self, now: datetime) -> bool:
        """Unused and not yet expired."""
        return self.used_by is None and now < self.expires_at


DOCUMENT_NAME_MAX = 60


def check_document_name(text: str) -> str:
    """The name on the assistant's documents: cleaned, visible, at most DOCUMENT_NAME_MAX."""
    cleaned = " ".join(check_visible(clean_text(text)).split())
    if not cleaned:
        raise DomainError("text_empty")
    if len(cleaned) > DOCUMENT_NAME_MAX:
        raise DomainError("document_name_long", limit=DOCUMENT_NAME_MAX)
    return cleaned


def shown_name(display_name: str, telegram_id: int) -> str:
    """A Telegram name as the bot keeps it: no bidi controls; the id if nothing visible is left."""
    # The name is the person's own text too: shown in an admin's list and notices, a U+202E in
    # it would reverse the rest of the line.
    cleaned = clean_text(display_name)
    return str(telegram_id) if shows_nothing(cleaned) else cleaned


class RefusalThrottle:
    """Answers a stranger the first time, then at most once per interval (in memory only).

    A restart forgets, so a stranger may be refused once more: harmless. The oldest
    entries go first when more strangers than `capacity` wrote within one interval.
    """

    def __init__(
        self, interval: timedelta = REFUSAL_INTERVAL, capacity: int = STRANGERS_REMEMBERED
    ) -> None:
        self.interval = interval
        self.capacity = capacity
        self._last: OrderedDict[int, datetime] = OrderedDict()

    def allow(self, telegram_id: int, now: datetime) -> bool:
        """Whether to refuse this stranger now; if so, the refusal is counted."""
        last = self._last.get(telegram_id)
        if last is not None and now - last < self.interval:
            return False
        self._last[telegram_id] = now
        self._last.move_to_end(telegram_id)
        while len(self._last) > self.capacity:
            self._last.popitem(last=False)
        return True

    def __len__(self) -> int:
        """How many strangers are remembered."""
        return len(self._last)


class TryLimit:
    """At most `tries` failed tries per person within `interval` (in memory only).

    Keeps a newcomer typing wrong invite codes from costing a database read and an audit
    row each time, and from guessing; a restart forgets, as with RefusalThrottle.
    """

    def __init__(
        self,
        tries: int = JOIN_TRIES,
        interval: timedelta = REFUSAL_INTERVAL,
        capacity: int = STRANGERS_REMEMBERED,
    ) -> None:
        self.tries = tries
        self.interval = interval
        self.capacity = capacity
        self._failed: OrderedDict[int, list[datetime]] = OrderedDict()

    def exhausted(self, telegram_id: int, now: datetime) -> bool:
        """Whether this person used up their tries for now."""
        recent = [t for t in self._failed.get(telegram_id, []) if now - t < self.interval]
        if recent:
            self._failed[telegram_id] = recent
        else:
            self._failed.pop(telegram_id, None)
        return len(recent) >= self.tries

    def failed(self, telegram_id: int, now: datetime) -> None:
        """Count one failed try."""
        self._failed.setdefault(telegram_id, []).append(now)
        self._failed.move_to_end(telegram_id)
        while len(self._failed) > self.capacity:
            self._failed.popitem(last=False)
