"""Migration 0028: a monitoring reminder's stored key and facts get the period they were of."""

from __future__ import annotations

import json

import pytest

from bot.config import Settings
from bot.storage.db import Database
from tests.storage.test_family_last_visit import _families as families
from tests.support.migrations import migrated_up_to

# F-1 closed on 1 December, reopened and closed again as of that day on 2 June (both until
# 1 June); F-2 closed once, its rows stored since the facts carried the period.
_PERIODS = [
    (1, 1, "2026-12-01T09:30:00.123456+00:00", "2027-06-02"),
    (2, 1, "2027-06-02T07:00:00+00:00", None),
    (3, 2, "2026-12-01T09:31:00.000001+00:00", None),
]


async def _rows(db: Database) -> None:
    """The periods, and outbox rows as the bot before 0028 stored them."""
    async with db.write() as conn:
        await conn.executemany(
            "INSERT INTO case_periods (id, family_id, started_on, closed_on, close_reason, "
            "closed_at, monitor_months, monitoring_until, monitoring_ended_on) "
            "VALUES (?, ?, '2026-12-01', '2026-12-01', 'goals_achieved', ?, 6, '2027-06-01', ?)",
            _PERIODS,
        )
        await conn.executemany(
            "INSERT INTO outbox (key, assistant_id, kind, subject, payload, due_at, created_at, "
            "next_attempt_at, status) VALUES (?, 1, ?, '', ?, ?, ?, ?, ?)",
            [
                _row("monitoring_ends:1:1:2027-06-01", 1, None, "2027-06-01T05:30"),
                _row("monitoring:1:1:2027-01-01", 1, None, "2027-01-01T06:30"),
                # Made after the second closure (a late one): that monitoring's.
                _row("monitoring:1:1:2027-05-01", 1, None, "2027-06-02T07:31", "pending"),
                _row("monitoring_ends:1:2:2027-06-01", 2, 3, "2027-06-01T05:30"),
                _row("monitoring:1:1:2027-02-01~9", 1, None, "2027-02-01T06:30", "withdrawn"),
            ],
        )
        await conn.execute(
            "INSERT INTO outbox (key, assistant_id, kind, payload, due_at, created_at, "
            "next_attempt_at) VALUES ('digest:1:2027-06-01', 1, 'digest', '{}', ?, ?, ?)",
            ("2027-06-01T05:30:00.000000+00:00",) * 3,
        )


def _row(
    key: str, family: int, period: int | None, made: str, status: str = "sent"
) -> tuple[object, ...]:
    """An outbox row of a monitoring reminder (the facts with the period, or older without)."""
    fact: dict[str, object] = {"family_id": family, "family_code": f"F-{family}"}
    fact["until"] = "2027-06-01"
    if period is not None:
        fact["period_id"] = period
    kind = "monitoring_ends" if key.startswith("monitoring_ends") else "monitoring_due"
    stamp = f"{made}:00.000000+00:00"
    return (key, kind, json.dumps({"monitoring": fact}), stamp, stamp, stamp, status)


async def test_each_monitoring_reminder_gets_the_period_it_was_of(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with migrated_up_to(settings, monkeypatch, 27) as (db, migrate_to):
        await families(db, 2)
        await _rows(db)
        assert await migrate_to(28) == 28
        rows = await db.fetch_all("SELECT key, payload FROM outbox ORDER BY id")
    found = [(r["key"], json.loads(r["payload"]).get("monitoring", {})) for r in rows]
    assert [(key, fact.get("period_id")) for key, fact in found] == [
        ("monitoring_ends:1:1:2027-06-01:1", 1),  # made before the second closure
        ("monitoring:1:1:2027-01-01:1", 1),
        ("monitoring:1:1:2027-05-01:2", 2),
        ("monitoring_ends:1:2:2027-06-01:3", 3),  # the period its facts carried
        ("monitoring:1:1:2027-02-01~9", None),  # withdrawn: its key was given up
        ("digest:1:2027-06-01", None),
    ]
    assert found[0][1] == {
        "family_id": 1,
        "family_code": "F-1",
        "until": "2027-06-01",
        "period_id": 1,
    }
