"""Safe HTML text: escaping, shortening user text, and splitting within Telegram's limits."""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096
_TAG = re.compile(r"<[^>]*>")


def esc(text: object) -> str:
    """Escape anything for Telegram's HTML parse mode (html.escape without quotes, inlined)."""
    plain = text if type(text) is str else str(text)
    return plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an upper bound for HTML source)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def visible_length(markup: str) -> int:
    """Length of HTML as Telegram limits it: UTF-16 units of the text after entity parsing.

    The Bot API's 4,096 characters count what the reader sees: tags are not counted and
    `&amp;` is one character. Our HTML comes from `esc` and fixed tags, so a `<` is a tag and
    the entities are esc's three; any other entity is counted whole, which only errs long.
    """
    text = _TAG.sub("", markup) if "<" in markup else markup
    length = telegram_length(text)
    if "&" in text:
        length -= 4 * text.count("&amp;") + 3 * (text.count("&lt;") + text.count("&gt;"))
    return length


def shorten(text: str, limit: int) -> str:
    """Cut plain text to at most `limit` characters, marking the cut with an ellipsis."""
    cleaned = text if _single_spaced(text) else " ".join(text.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def _single_spaced(text: str) -> bool:
    """Whether `" ".join(text.split())` would give the text back (saved text mostly is).

    Every whitespace character but the plain space is unprintable, so a printable text is
    split only at its spaces: it comes back whole when none is doubled, leading or trailing.
    """
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


class MeasuredLines(list[str]):
    """HTML lines that carry their visible lengths, counted as they were built.

    A builder that knows its parts' lengths (escaped user text is as long as the text) saves
    `split_lines` counting every line again: for a 60-goal plan that was a fifth of a render.
    Lines are only added with `add`, which keeps the lengths in step.
    """

    __slots__ = ("lengths",)

    def __init__(self) -> None:
        super().__init__()
        self.lengths: list[int] = []

    def add(self, line: str, length: int | None = None) -> None:
        """Add a line; without its length, the length is counted."""
        self.append(line)
        self.lengths.append(visible_length(line) if length is None else length)


def split_lines(lines: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack well-formed HTML lines into messages within the limit, never splitting a line.

    The limit is on what the reader sees (`visible_length`), as Telegram's is, so text full
    of `&amp;` and tags is not sent in more messages than it needs. A single line longer than
    the limit is a rendering bug upstream (user text must be shortened before it is put in a
    line), so it is cut hard as plain text as a last resort.
    """
    messages: list[str] = []
    current: list[str] = []
    size = 0  # what the reader sees of `current`, the newlines between its lines included
    lengths = lines.lengths if isinstance(lines, MeasuredLines) else map(visible_length, lines)
    for raw, counted in zip(lines, lengths, strict=True):
        line, length = raw, counted
        if length > limit:
            line = _fit_as_plain(line, limit)
            length = visible_length(line)
        if current and size + 1 + length > limit:
            messages.append("\n".join(current))
            current, size = [], 0
        size += length + 1 if current else length
        current.append(line)
    if current:
        messages.append("\n".join(current))
    return messages


def _fit_as_plain(markup: str, limit: int) -> str:
    """The line's text without tags, escaped and shortened until it fits."""
    plain = html.unescape(_strip_tags(markup))
    size = limit
    while True:
        line = esc(shorten(plain, size))
        if telegram_length(line) <= limit:
            return line
        size = max(1, size * limit // telegram_length(line) - 1)


def _strip_tags(markup: str) -> str:
    """Drop HTML tags (for the last-resort plain-text cut)."""
    out: list[str] = []
    inside = False
    for char in markup:
        if char == "<":
            inside = True
        elif char == ">" and inside:
            inside = False
        elif not inside:
            out.append(char)
    return "".join(out)


def fitting(lines: list[str], budget: int) -> list[str]:
    """The first lines that fit `budget` characters; a cut list ends with "…"."""
    kept: list[str] = []
    used = 0
    for line in lines:
        used += telegram_length(line) + 1
        if used > budget:
            return [*kept, "…"]
        kept.append(line)
    return kept
