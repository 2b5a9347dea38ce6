"""The one place the services read the time from (tests freeze it with time-machine)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


class Clock:
    """UTC now, and today's date in the centre's time zone."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    def now(self) -> datetime:
        """The current instant, in UTC."""
        return datetime.now(UTC)

    def today(self) -> date:
        """Today's calendar date where the assistants work."""
        return self.now().astimezone(self.tz).date()
