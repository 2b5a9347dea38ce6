"""The bot's log carries ids and codes: a traceback never quotes what someone typed.

Pydantic's ValidationError repeats the rejected input in its message (`input_value='…'`); if
one ever escapes to the error handler, the filter here logs its locations and error types
instead, with the same traceback.

At DEBUG the libraries quote what passes through them: PTB each Bot API call's parameters and
answer (a family's card, a visit's note), each update it takes (what was typed) and its URL
with the token; aiosqlite each statement with its values (members' names). Their records keep
their message and lose those values; their warnings and errors lose only such data (PTB
quotes the update or the response it could not parse).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from pydantic import ValidationError
from telegram import TelegramObject

QUOTING_LIBRARIES = ("telegram", "aiosqlite")  # their loggers and every logger below them
WITHHELD = "<withheld>"
# A value a library's record keeps: a number, or a Bot API method's name (sendMessage).
_METHOD = re.compile(r"[a-z]+(?:[A-Z][a-z]+)+")


class RedactedError(Exception):
    """Stands in, in the log, for an exception whose message would quote typed text."""


class NoTypedTextInTracebacks(logging.Filter):
    """Replace an exception chain holding a ValidationError by a summary without input."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always let the record through, redacted where needed."""
        if not record.exc_info or record.exc_info[1] is None:
            return True
        top = record.exc_info[1]
        chain: list[BaseException] = []
        current: BaseException | None = top
        while current is not None and current not in chain:
            chain.append(current)
            current = current.__cause__ or current.__context__
        invalid = [e for e in chain if isinstance(e, ValidationError)]
        if not invalid:
            return True
        summary = "; ".join(_summary(e) for e in invalid)
        redacted = RedactedError(f"{type(top).__name__}: {summary}")
        redacted.__suppress_context__ = True
        record.exc_info = (RedactedError, redacted, top.__traceback__)
        record.exc_text = None
        return True


class NoContentFromLibraries(logging.Filter):
    """Withhold the values a library's record quotes; its message, level and traceback stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always let the record through, its values withheld when a quoting library made it.

        Below WARNING every value but a number or a method's name goes. A warning or an error
        keeps its short values (a network error, Telegram's refusal: what IT acts on) and
        loses the data PTB quotes when parsing fails (an update, a response, a webhook body).
        """
        if not _library(record.name):
            return True
        kept = _kept if record.levelno < logging.WARNING else _kept_in_a_warning
        if not isinstance(record.msg, str):
            record.msg, record.args = WITHHELD, ()
        elif isinstance(record.args, Mapping):
            record.args = {key: kept(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(kept(value) for value in record.args)
        return True


def _library(name: str) -> bool:
    """Whether a logger's name is one of QUOTING_LIBRARIES or below one."""
    return any(name == top or name.startswith(f"{top}.") for top in QUOTING_LIBRARIES)


def _kept(value: object) -> object:
    """A value as a library's record may show it: numbers and method names, nothing else."""
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, str) and _METHOD.fullmatch(value):
        return value
    return WITHHELD


def _kept_in_a_warning(value: object) -> object:
    """A value as a library's warning may show it: anything but data it received or sent."""
    if isinstance(value, TelegramObject | Mapping | list | tuple | bytes | bytearray):
        return WITHHELD
    if isinstance(value, str) and value.lstrip()[:1] in {"{", "["}:
        return WITHHELD  # a JSON body
    return value


def _summary(error: ValidationError) -> str:
    """Where and how validation failed, e.g. `Member: name string_too_long`, no input."""
    parts = [
        f"{'.'.join(str(p) for p in e['loc'])} {e['type']}"
        for e in error.errors(include_input=False, include_url=False)
    ]
    return f"{error.title}: {', '.join(parts)}"


def install(logger: logging.Logger) -> None:
    """Put the filters on every handler of the logger (the root's, from basicConfig)."""
    for handler in logger.handlers:
        handler.addFilter(NoTypedTextInTracebacks())
        handler.addFilter(NoContentFromLibraries())
