"""Which updates were already processed: a window of recent ids that survives a renumbering."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

# Telegram keeps an unconfirmed update for 24 hours; twice that covers any redelivery.
REPLAY_WINDOW = timedelta(hours=48)


@dataclass
class RecentUpdates:
    """Update ids processed recently, each with its fingerprint and time."""

    seen: dict[int, tuple[str, datetime]] = field(default_factory=dict)
    highest: int = 0

    def is_replay(self, update_id: int, fingerprint: str) -> bool:
        """True when this very update (same id, same content) was processed already."""
        known = self.seen.get(update_id)
        return known is not None and known[0] == fingerprint

    def went_back(self, update_id: int) -> bool:
        """True when a new update's id is below the highest one seen: Telegram renumbered."""
        return update_id < self.highest

    def remember(self, update_id: int, fingerprint: str, at: datetime) -> None:
        """Note a processed update; a renumbering moves the high-water mark down with it."""
        self.seen[update_id] = (fingerprint, at)
        self.highest = update_id if self.went_back(update_id) else max(self.highest, update_id)

    def forget_before(self, cutoff: datetime) -> None:
        """Drop what is too old to be delivered again."""
        self.seen = {key: value for key, value in self.seen.items() if value[1] >= cutoff}
