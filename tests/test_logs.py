"""A traceback in the bot's log never quotes what someone typed."""

from __future__ import annotations

import io
import logging

import pytest
from pydantic import BaseModel, Field, ValidationError
from telegram import Update

from bot.logs import install

TYPED = "Zenobia-court-case-typed"


class Note(BaseModel):
    """A model that refuses long text, as the drafts do."""

    text: str = Field(max_length=5)


def logged(exc: BaseException) -> str:
    """What a root handler with the filter writes for `log.error(..., exc_info=exc)`."""
    stream = io.StringIO()
    logger = logging.getLogger("test-logs")
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    logger.handlers = [handler]
    install(logger)
    logger.error("error while handling update %s", 7, exc_info=exc)
    return stream.getvalue()


def refused() -> ValidationError:
    """A ValidationError whose message quotes the input."""
    with pytest.raises(ValidationError) as caught:
        Note(text=TYPED)
    assert TYPED in str(caught.value)  # what the filter is for
    return caught.value


def test_a_validation_error_is_logged_without_its_input() -> None:
    text = logged(refused())
    assert TYPED not in text
    assert "text string_too_long" in text
    assert "Traceback" in text
    assert "update 7" in text


def test_a_validation_error_inside_another_is_redacted_too() -> None:
    try:
        try:
            raise refused()
        except ValidationError:
            raise RuntimeError("while saving") from None
    except RuntimeError as outer:
        outer.__cause__ = refused()
        text = logged(outer)
    assert TYPED not in text
    assert "RuntimeError" in text


def test_other_errors_are_logged_as_they_are() -> None:
    text = logged(KeyError("goal=7"))
    assert "KeyError: 'goal=7'" in text


def _library_log(name: str, level: int, value: object) -> str:
    """What a handler with the filters writes for a library's record quoting `value`."""
    stream = io.StringIO()
    logger = logging.getLogger(name)
    saved = logger.handlers, logger.propagate, logger.level
    logger.handlers, logger.propagate = [logging.StreamHandler(stream)], False
    logger.setLevel(logging.DEBUG)
    install(logger)
    try:
        logger.log(level, "calling %s with %s, %d", "sendMessage", value, 7)
    finally:
        logger.handlers, logger.propagate, logger.level = saved
    written = stream.getvalue()
    assert "sendMessage" in written
    assert ", 7" in written
    return written


UPDATE = Update(1, message=None)
WARNED = "Conflict: terminated by other getUpdates request " + TYPED


@pytest.mark.parametrize(
    ("name", "level", "value", "kept"),
    [
        ("telegram.ext.ExtBot", logging.DEBUG, {"text": TYPED}, False),
        ("aiosqlite", logging.DEBUG, TYPED, False),
        ("telegram.ext.Updater", logging.DEBUG, WARNED, False),
        # A warning or an error keeps what IT acts on, not the data PTB could not parse.
        ("telegram.ext.Updater", logging.WARNING, WARNED, True),
        ("telegram.ext.Application", logging.ERROR, {"text": TYPED}, False),
        ("telegram.Bot", logging.ERROR, f'{{"message": {{"text": "{TYPED}"}}}}', False),
        ("telegram.Bot", logging.ERROR, [TYPED], False),
        ("bot.handlers", logging.DEBUG, TYPED, True),  # the bot's own records name no family
    ],
)
def test_a_librarys_quoted_values_are_withheld(
    name: str, level: int, value: object, kept: bool
) -> None:
    """PTB and aiosqlite quote parameters at DEBUG, and updates or bodies in their errors."""
    assert (TYPED in _library_log(name, level, value)) is kept


def test_an_update_quoted_in_a_librarys_error_is_withheld() -> None:
    """PTB's "…CallbackContext for update %s" names the update whole."""
    written = _library_log("telegram.ext.Application", logging.ERROR, UPDATE)
    assert "<withheld>" in written
    assert "update_id" not in written
