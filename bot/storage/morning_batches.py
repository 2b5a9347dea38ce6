"""Morning batches as stored: one row per assistant and working day, expanded when sent.

The tick stores what a morning batch is computed from (the assistant's settings and the facts
of their families, plan items and the day's appointments, as it read them), not the
reminders themselves; the dispatcher expands a batch into outbox rows when it reaches it
(bot/services/morning_batches.py). The row marks the day's morning as done. Claiming a batch
and storing its rows is one transaction, so a batch is expanded once whatever happens.
Changing FAMILY_COLUMNS, ITEM_COLUMNS or the snapshots leaves waiting batches unreadable
(passed over and logged, never lost): deploy such a change when none waits (after the sending).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter

from bot.domain.reminders.snapshots import (
    AppointmentSnapshot,
    AssistantPrefs,
    FamilySnapshot,
    PlanItemSnapshot,
)
from bot.storage.db import Database
from bot.storage.stored_values import utc_text

# The order of the values in a stored family or plan item (SQL builds the JSON arrays).
FAMILY_COLUMNS = (
    "family_id",
    "code",
    "assistant_id",
    "visits_per_week",
    "created_at",
    "contract_valid_until",
    "last_visit",
    "plan_started_on",
    "last_assessment",
)
ITEM_COLUMNS = ("kind", "id", "goal_id", "family_id", "family_code", "assistant_id", "due")
_FAMILIES = TypeAdapter(list[FamilySnapshot])
_ITEMS = TypeAdapter(list[PlanItemSnapshot])
_APPOINTMENTS = TypeAdapter(list[AppointmentSnapshot])
_BATCH_COLUMNS = "SELECT id, assistant_id, day, send_at, computed_at, inputs FROM morning_batches"


@dataclass(frozen=True, slots=True)
class NewMorningBatch:
    """What a tick stores for one assistant's morning: its inputs as JSON text."""

    assistant_id: int
    day: date
    send_at: datetime
    inputs: str


@dataclass(frozen=True, slots=True)
class MorningBatch:
    """A stored morning batch not yet expanded."""

    id: int
    assistant_id: int
    day: date
    send_at: datetime
    computed_at: datetime
    inputs: str


@dataclass(frozen=True, slots=True)
class MorningInputs:
    """A batch's inputs read back: what morning_batch is called with."""

    prefs: AssistantPrefs
    families: list[FamilySnapshot]
    items: list[PlanItemSnapshot]
    appointments: list[AppointmentSnapshot]


def batch_inputs(
    prefs: AssistantPrefs, families: str, items: str, appointments: list[AppointmentSnapshot]
) -> str:
    """One assistant's inputs as stored (families and items: JSON arrays as SQL made them)."""
    return (
        f'{{"prefs":{prefs.model_dump_json()},"families":{families},"items":{items},'
        f'"appointments":{_APPOINTMENTS.dump_json(appointments).decode()}}}'
    )


def read_inputs(inputs: str, centre_zone: str) -> MorningInputs:
    """A batch's stored inputs as the snapshots the tick would have made of the same rows."""
    data = json.loads(inputs)
    zone = ZoneInfo(centre_zone)
    families = [dict(zip(FAMILY_COLUMNS, values, strict=True)) for values in data["families"]]
    for family in families:  # registered on the centre's local day, as the tick's read says
        family["registered_on"] = (
            datetime.fromisoformat(family["created_at"]).astimezone(zone).date()
        )
    items = [dict(zip(ITEM_COLUMNS, values, strict=True)) for values in data["items"]]
    return MorningInputs(
        prefs=AssistantPrefs.model_validate(data["prefs"]),
        families=_FAMILIES.validate_python(families),
        items=_ITEMS.validate_python(items),
        appointments=_APPOINTMENTS.validate_python(data["appointments"]),
    )


class MorningBatchStore:
    """The reads of stored morning batches (mixed into the outbox repository)."""

    db: Database
    unreadable: set[int]  # batches this process could not read: passed over (expand)

    async def mornings_stored(self, days: dict[int, date]) -> set[int]:
        """Which of these assistants have their day's batch stored (expanded or not)."""
        by_day: dict[date, list[int]] = {}
        for assistant_id, day in days.items():
            by_day.setdefault(day, []).append(assistant_id)
        stored: set[int] = set()
        for day, assistant_ids in by_day.items():
            rows = await self.db.fetch_all(
                "SELECT assistant_id FROM morning_batches WHERE day = ? "
                "AND assistant_id IN (SELECT value FROM json_each(?))",
                (day.isoformat(), json.dumps(assistant_ids)),
            )
            stored.update(r["assistant_id"] for r in rows)
        return stored

    async def waiting_batch(self, until: datetime) -> MorningBatch | None:
        """The oldest batch not yet expanded whose time has come by `until` (readable ones)."""
        row = await self.db.fetch_one(
            f"{_BATCH_COLUMNS} WHERE expanded_at IS NULL AND send_at <= ? "
            "AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY send_at, id LIMIT 1",
            (utc_text(until), json.dumps(sorted(self.unreadable))),
        )
        return None if row is None else _batch(row)

    async def waiting_batches_of(self, assistant_id: int) -> list[MorningBatch]:
        """An assistant's batches not yet expanded, oldest first."""
        rows = await self.db.fetch_all(
            f"{_BATCH_COLUMNS} WHERE expanded_at IS NULL AND assistant_id = ? "
            "ORDER BY send_at, id",
            (assistant_id,),
        )
        return [_batch(r) for r in rows if r["id"] not in self.unreadable]

    async def pending_count(self, until: datetime, enough: int) -> int:
        """How many pending rows may go out by `until`, counted up to `enough`."""
        row = await self.db.fetch_one(
            "SELECT count(*) AS pending FROM (SELECT 1 FROM outbox WHERE status = 'pending' "
            "AND next_attempt_at <= ? LIMIT ?)",
            (utc_text(until), enough),
        )
        return 0 if row is None else int(row["pending"])


def store_batches(
    conn: sqlite3.Connection, batches: tuple[NewMorningBatch, ...], now: str
) -> None:
    """Inside a tick's write: store its morning batches (a day's batch is stored once)."""
    conn.executemany(
        "INSERT OR IGNORE INTO morning_batches (assistant_id, day, send_at, computed_at, inputs) "
        "VALUES (?, ?, ?, ?, ?)",
        [(b.assistant_id, b.day.isoformat(), utc_text(b.send_at), now, b.inputs) for b in batches],
    )


def claim_batch(conn: sqlite3.Connection, batch_id: int, now: str) -> bool:
    """Inside the write that stores a batch's rows: mark it expanded; False if it already was."""
    cursor = conn.execute(
        "UPDATE morning_batches SET expanded_at = ?, inputs = NULL "
        "WHERE id = ? AND expanded_at IS NULL",
        (now, batch_id),
    )
    return cursor.rowcount == 1


def _batch(row: dict[str, Any]) -> MorningBatch:
    """A stored batch row."""
    return MorningBatch(
        id=row["id"],
        assistant_id=row["assistant_id"],
        day=date.fromisoformat(row["day"]),
        send_at=datetime.fromisoformat(row["send_at"]),
        computed_at=datetime.fromisoformat(row["computed_at"]),
        inputs=row["inputs"],
    )
