"""Replay protection by a window of recent update ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.replay import RecentUpdates

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_redelivery_is_a_replay_and_a_new_update_with_the_same_id_is_not() -> None:
    recent = RecentUpdates()
    recent.remember(41, "aaaa", NOW)
    assert recent.is_replay(41, "aaaa")
    assert not recent.is_replay(41, "bbbb")  # Telegram reused the id for something new
    assert not recent.is_replay(42, "aaaa")


def test_a_renumbering_moves_the_high_water_mark_down() -> None:
    recent = RecentUpdates()
    for update_id in (900_000_001, 900_000_002):
        recent.remember(update_id, f"f{update_id}", NOW)
    assert recent.went_back(1)
    recent.remember(1, "new", NOW)
    assert recent.highest == 1
    assert not recent.went_back(2)  # only the first update after the reset is "back"


def test_forget_before_drops_only_old_ids() -> None:
    recent = RecentUpdates()
    recent.remember(1, "old", NOW - timedelta(days=3))
    recent.remember(2, "new", NOW)
    recent.forget_before(NOW - timedelta(days=2))
    assert not recent.is_replay(1, "old")
    assert recent.is_replay(2, "new")
