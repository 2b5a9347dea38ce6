"""Morning batches expanded into outbox rows when the dispatcher reaches them.

The tick stores each assistant's morning as one row of inputs (bot/storage/morning_batches.py).
Expanding it runs the same rules with the same `now` and settings the tick read, so it stores
exactly the rows the tick would have stored, digest first, under the same keys (INSERT OR
IGNORE: what an earlier day announced stays announced once). Claiming the batch and storing
its rows is one transaction: a crash before it leaves the batch waiting, a crash after it
leaves pending rows; a batch expanded twice stores nothing the second time.

Batches are expanded oldest first, only while fewer than a dispatch run's worth of rows are
pending before them: the outbox goes out in the order it would have had, 5,000 assistants'
mornings are not made all at once, and each expansion is one assistant's short write.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from bot.domain.reminders.quiet import CatchUp, defer_all
from bot.domain.reminders.rules import morning_batch
from bot.storage.morning_batches import MorningBatch, read_inputs
from bot.storage.outbox import OutboxRepository

log = logging.getLogger(__name__)


async def expand(outbox: OutboxRepository, batch: MorningBatch, now: datetime) -> int:
    """Store one batch's reminders as outbox rows; how many were new (0: expanded before).

    A batch that cannot be read (stored by code whose inputs differ, or damaged) is left
    waiting, so nothing of it is lost, and passed over by this process, so the rest of the
    outbox still goes out; the log says which (ids only), for IT to look at before a restart.
    """
    try:
        inputs = read_inputs(batch.inputs, outbox.timezone)
        found = morning_batch(
            batch.computed_at, inputs.prefs, inputs.families, inputs.appointments, inputs.items
        )
    except (ValueError, TypeError, KeyError) as exc:  # pydantic's ValidationError included
        outbox.unreadable.add(batch.id)
        log.error(
            "morning batch %s of assistant %s cannot be read (%s): left waiting",
            batch.id,
            batch.assistant_id,
            type(exc).__name__,
        )
        return 0
    plan = CatchUp(send=defer_all(found, {inputs.prefs.telegram_id: inputs.prefs}))
    return await outbox.enqueue(plan, batch.computed_at, expanding=(batch.id, now))


async def expand_due(outbox: OutboxRepository, now: datetime, enough: int | None) -> int:
    """Expand waiting batches whose time has come, oldest first; how many rows were stored.

    Stops once `enough` pending rows would go out before the next batch (None: expand all).
    """
    stored = 0
    while (batch := await outbox.waiting_batch(now)) is not None:
        if enough is not None and await outbox.pending_count(batch.send_at, enough) >= enough:
            break
        stored += await expand(outbox, batch, now)
        await asyncio.sleep(0)  # one assistant at a time: chat updates go in between
    return stored


async def expand_all_of(outbox: OutboxRepository, assistant_id: int, now: datetime) -> int:
    """Expand an assistant's waiting batches (before their pending rows are dropped)."""
    stored = 0
    for batch in await outbox.waiting_batches_of(assistant_id):
        stored += await expand(outbox, batch, now)
    return stored
