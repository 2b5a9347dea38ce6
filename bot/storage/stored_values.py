"""How days and instants are written in the tables, and read back."""

from __future__ import annotations

from datetime import UTC, date, datetime


def iso_day(day: date | None) -> str | None:
    """A date as ISO text, or NULL."""
    return None if day is None else day.isoformat()


def utc_text(moment: datetime) -> str:
    """A UTC instant as the fixed-width ISO text the tables store (text order is time order)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def day_of(text: str | None) -> date | None:
    """A stored ISO day, or None for NULL (iso_day's inverse)."""
    return None if text is None else date.fromisoformat(text)
