"""After an erasure: open walks' drafts about the erased families go too (memory and file).

A draft lives in PTB's user_data (held in memory, written back after each update), so only
the running Application can drop it for good; the services cannot reach it.
"""

from __future__ import annotations

from typing import Any

from bot.conversations._walk_chat import WALK_KEY
from bot.services.registry import Services


async def forget_drafts_of(application: Any, family_ids: set[int]) -> int:
    """Drop every open walk whose draft is about one of these families; how many."""
    if not family_ids:
        return 0
    persistence = application.persistence
    dropped = 0
    for user_id, data in list(application.user_data.items()):
        record = data.get(WALK_KEY)
        draft = record.get("draft") if isinstance(record, dict) else None
        if isinstance(draft, dict) and draft.get("family_id") in family_ids:
            data.pop(WALK_KEY, None)
            if persistence is not None:
                await persistence.update_user_data(user_id, data)
            dropped += 1
    return dropped


async def erase_due(application: Any, services: Services) -> list[int]:
    """The daily retention job, then the drafts of what it erased (the file rebuilt again)."""
    erased = await services.retention.erase_due()
    if await forget_drafts_of(application, set(erased)):
        await services.retention.compact()
    return erased
