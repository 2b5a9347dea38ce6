"""A traceback in the bot's log never quotes what someone typed."""

from __future__ import annotations

import io
import logging

import pytest
from pydantic import BaseModel, Field, ValidationError

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


@pytest.mark.parametrize(
    ("name", "level", "kept"),
    [
        ("telegram.ext.ExtBot", logging.DEBUG, False),
        ("aiosqlite", logging.DEBUG, False),
        ("telegram.ext.Updater", logging.WARNING, True),  # what IT acts on stays whole
        ("bot.handlers", logging.DEBUG, True),  # the bot's own records name no family
    ],
)
def test_a_librarys_quoted_values_are_withheld_below_warning(
    name: str, level: int, kept: bool
) -> None:
    """PTB and aiosqlite quote parameters at DEBUG; their warnings keep what went wrong."""
    stream = io.StringIO()
    logger = logging.getLogger(name)
    saved = logger.handlers, logger.propagate, logger.level
    handler = logging.StreamHandler(stream)
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.DEBUG)
    install(logger)
    try:
        logger.log(level, "calling %s with %s, %d", "sendMessage", {"text": TYPED}, 7)
    finally:
        logger.handlers, logger.propagate, logger.level = saved
    written = stream.getvalue()
    assert "sendMessage" in written
    assert ", 7" in written
    assert (TYPED in written) is kept
