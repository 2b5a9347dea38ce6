"""People rules: how often a stranger is told the bot is not for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.people import RefusalThrottle

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
