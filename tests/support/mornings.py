"""The morning batches a tick stored, expanded into outbox rows as the dispatcher would."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.morning_batches import expand_due
from bot.services.registry import Services

LATER = datetime(2100, 1, 1, tzinfo=UTC)  # whatever the frozen clock says, every batch is due


async def expand_mornings(services: Services) -> int:
    """Every stored morning batch made into its outbox rows; how many rows were new."""
    return await expand_due(services.reminders.reminders, LATER, None)
