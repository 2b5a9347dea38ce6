"""Callback data: short, ASCII, `prefix:token:action[:arg]`, always re-checked by services."""

from __future__ import annotations

from typing import NamedTuple

MAX_BYTES = 64


class Press(NamedTuple):
    """A decoded button press."""

    prefix: str
    token: str
    action: str
    arg: str


def encode(prefix: str, token: object, action: str, arg: object = "") -> str:
    """Build callback data; refuses anything Telegram would reject."""
    data = f"{prefix}:{token}:{action}:{arg}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def decode(data: str | None) -> Press | None:
    """Parse callback data, or None for anything malformed (it is client input)."""
    if not data:
        return None
    parts = data.split(":", 3)
    if len(parts) != 4:
        return None
    return Press(*parts)


def as_int(text: str) -> int | None:
    """A part of callback data as a non-negative int, or None if it is not one."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 16 else None
