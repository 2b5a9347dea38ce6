"""People rules: how often a stranger is told the bot is not for them; a document's name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import DomainError
from bot.domain.people import RefusalThrottle, TryLimit, check_document_name

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def test_a_stranger_is_refused_first_then_once_an_hour() -> None:
    throttle = RefusalThrottle()
    assert throttle.allow(42, NOW)
    assert not throttle.allow(42, NOW + timedelta(minutes=59))
    assert throttle.allow(7, NOW + timedelta(minutes=59))  # each stranger counts alone
    assert throttle.allow(42, NOW + timedelta(hours=1))
    assert not throttle.allow(42, NOW + timedelta(hours=1, minutes=30))


def test_the_memory_is_bounded_and_forgets_the_oldest() -> None:
    throttle = RefusalThrottle(capacity=3)
    for number in range(5):
        assert throttle.allow(number, NOW + timedelta(seconds=number))
    assert len(throttle) == 3
    assert throttle.allow(0, NOW + timedelta(seconds=10))  # forgotten: refused once more
    assert not throttle.allow(4, NOW + timedelta(seconds=10))


def test_wrong_tries_are_limited_per_person_and_per_hour() -> None:
    limit = TryLimit(tries=3, capacity=10)
    for minute in range(3):
        assert not limit.exhausted(42, NOW + timedelta(minutes=minute))
        limit.failed(42, NOW + timedelta(minutes=minute))
    assert limit.exhausted(42, NOW + timedelta(minutes=30))
    assert not limit.exhausted(7, NOW + timedelta(minutes=30))  # each person counts alone
    assert not limit.exhausted(42, NOW + timedelta(hours=1))  # the first try is an hour old


def test_the_tries_memory_is_bounded() -> None:
    limit = TryLimit(tries=1, capacity=2)
    for number in range(4):
        limit.failed(number, NOW)
    assert not limit.exhausted(0, NOW)  # forgotten
    assert limit.exhausted(3, NOW)


@pytest.mark.parametrize(
    ("typed", "code"), [("   ", "text_empty"), ("\u200b\u200d", "text_invisible")]
)
def test_a_document_name_that_shows_nothing_says_why(typed: str, code: str) -> None:
    """As every walk's text does: blank is "type some text", invisible says it is invisible."""
    with pytest.raises(DomainError) as caught:
        check_document_name(typed)
    assert caught.value.code == code
