"""Callback data: short, ASCII, `prefix:token:action:arg`, always re-checked by services.

Every prefix is registered once with the actions it takes (a duplicate prefix fails at
import); `decode` refuses an unknown prefix, an unknown action or extra parts, so a forged
press reaches no handler.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from telegram import Update

MAX_BYTES = 64

_ACTIONS: dict[str, frozenset[str]] = {}


class Press(NamedTuple):
    """A decoded button press."""

    prefix: str
    token: str
    action: str
    arg: str


def register(prefix: str, actions: Iterable[str]) -> str:
    """Claim a prefix and the actions its buttons carry; returns the prefix."""
    claimed = frozenset(actions)
    if prefix in _ACTIONS and _ACTIONS[prefix] != claimed:
        raise ValueError(f"callback prefix {prefix!r} is claimed twice")
    if not prefix or ":" in prefix:
        raise ValueError(f"bad callback prefix {prefix!r}")
    _ACTIONS[prefix] = claimed
    return prefix


def registered() -> dict[str, frozenset[str]]:
    """Every registered prefix with its actions."""
    return dict(_ACTIONS)


def step_token(token: str, step: StrEnum) -> str:
    """The token a step's buttons carry: the draft's and the step's (a second tap is seen)."""
    return f"{token}.{step.value}"


def encode(prefix: str, token: object, action: str, arg: object = "") -> str:
    """Build callback data; refuses anything Telegram would reject or `decode` would not read."""
    data = f"{prefix}:{token}:{action}:{arg}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    if data.count(":") != 3:
        raise ValueError(f"a part of callback data holds a colon: {data!r}")
    return data


def decode(data: str | None) -> Press | None:
    """Parse callback data, or None for anything malformed or unknown (it is client input)."""
    if not data:
        return None
    parts = data.split(":")
    if len(parts) != 4:
        return None
    press = Press(*parts)
    return press if press.action in _ACTIONS.get(press.prefix, ()) else None


def pressed_data(update: Update) -> Press | None:
    """The decoded press of an update, or None (no press, malformed, unknown)."""
    query = update.callback_query
    return decode(query.data if query else None)


def toggle_arg(value: str, ticked: bool) -> str:
    """A toggle button's arg: its value and what a press makes it, so a second tap is a no-op."""
    return f"{value}.{0 if ticked else 1}"


def read_toggle(arg: str) -> tuple[str, bool | None]:
    """A toggle's value and whether the press ticks it (None: a button that only flips)."""
    value, dot, wish = arg.rpartition(".")
    if dot and wish in {"0", "1"}:
        return value, wish == "1"
    return arg, None


def as_int(text: str) -> int | None:
    """A part of callback data as a non-negative int, or None if it is not one."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 16 else None


def day_arg(day: date) -> str:
    """A day as a part of callback data: 3 June 2027 → '20270603'."""
    return f"{day:%Y%m%d}"


def as_day(text: str) -> date | None:
    """'20270603' → 3 June 2027; None for anything else."""
    try:
        return date.fromisoformat(text) if len(text) == len("YYYYMMDD") else None
    except ValueError:
        return None


def day_of_arg(day: date, row_id: int | None) -> str:
    """A day and the row it is of as a part of callback data: '20270603.17' ('20270603')."""
    return day_arg(day) if row_id is None else f"{day_arg(day)}.{row_id}"


def as_day_of(text: str) -> tuple[date | None, int | None]:
    """'20270603.17' → (3 June 2027, 17); '20270603' → (3 June 2027, None); else Nones."""
    day, dot, row = text.partition(".")
    row_id = as_int(row) if dot else None
    if dot and row_id is None:
        return None, None
    return as_day(day), row_id
