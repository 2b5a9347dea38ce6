"""The bot's log carries ids and codes: a traceback never quotes what someone typed.

Pydantic's ValidationError repeats the rejected input in its message (`input_value='…'`); if
one ever escapes to the error handler, the filter here logs its locations and error types
instead, with the same traceback.
"""

from __future__ import annotations

import logging

from pydantic import ValidationError


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


def _summary(error: ValidationError) -> str:
    """Where and how validation failed, e.g. `Member: name string_too_long`, no input."""
    parts = [
        f"{'.'.join(str(p) for p in e['loc'])} {e['type']}"
        for e in error.errors(include_input=False, include_url=False)
    ]
    return f"{error.title}: {', '.join(parts)}"


def install(logger: logging.Logger) -> None:
    """Put the filter on every handler of the logger (the root's, from basicConfig)."""
    for handler in logger.handlers:
        handler.addFilter(NoTypedTextInTracebacks())
