"""SQL for visits and missed visits."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from bot.domain.cadence import week_bounds
from bot.domain.visit import Visit, VisitDraft
from bot.storage.db import Database
from bot.storage.sqlite_work import Statement


class VisitRepository:
    """Visits with who was present, areas and activities."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def saved_by(self, token: str, assistant_id: int) -> bool:
        """Whether this assistant's draft with this token is already a saved visit."""
        row = await self.db.fetch_one(
            "SELECT 1 AS found FROM visits WHERE draft_token = ? AND assistant_id = ?",
            (token, assistant_id),
            small=True,
        )
        return row is not None

    async def add(
        self,
        draft: VisitDraft,
        assistant_id: int,
        now: datetime,
        also: Sequence[Statement] = (),
    ) -> StoredVisit:
        """Save a complete draft once, with `also` (its access-log row), in one transaction.

        The draft token is unique, so saving the same draft again (a double press, a
        replayed update after a crash) returns the first visit instead of a copy and runs
        `also` no more. The visit is read back, with its week's tally, in the same trip.
        """
        assert draft.family_id is not None
        assert draft.visit_date is not None
        row, children, newly, tally = await self.db.write_with(
            _add, (draft, assistant_id, now, also), small=True
        )
        return StoredVisit(_visit(row, *children), newly, tally)

    async def recent(self, family_id: int, limit: int = 10) -> list[Visit]:
        """The family's latest visits and attempts, newest first."""
        sql = "SELECT * FROM visits WHERE family_id = ? ORDER BY visit_date DESC, id DESC LIMIT ?"
        found = await self.db.read(_read_visits, (sql, (family_id, limit)), small=True)
        return [_visit(row, *children) for row, children in found]

    async def last_completed(self, family_id: int) -> Visit | None:
        """The family's latest visit that took place, if any."""
        sql = (
            "SELECT * FROM visits WHERE family_id = ? AND kind = 'completed' "
            "ORDER BY visit_date DESC, id DESC LIMIT 1"
        )
        found = await self.db.read(_read_visits, (sql, (family_id,)), small=True)
        return next((_visit(row, *children) for row, children in found), None)


class StoredVisit(NamedTuple):
    """A visit just saved (or found saved): whether it is new, and its week's completed visits."""

    visit: Visit
    newly_saved: bool
    week_tally: int


_CHILDREN = (
    "SELECT member_id FROM visit_members WHERE visit_id = ?",
    "SELECT area FROM visit_areas WHERE visit_id = ?",
    "SELECT activity FROM visit_activities WHERE visit_id = ?",
)
_WEEK_TALLY = (
    "SELECT count(*) AS n FROM visits WHERE family_id = ? AND kind = 'completed' "
    "AND visit_date BETWEEN ? AND ?"
)
Rows = list[dict[str, Any]]


def _visit(row: dict[str, Any], present: Rows, areas: Rows, activities: Rows) -> Visit:
    """A visit from its row and the rows of its three lists."""
    return Visit.model_validate(
        {
            **row,
            "present": tuple(r["member_id"] for r in present),
            "areas": tuple(r["area"] for r in areas),
            "activities": tuple(r["activity"] for r in activities),
        }
    )


def _read_visits(
    conn: sqlite3.Connection, query: tuple[str, Sequence[Any]]
) -> list[tuple[dict[str, Any], list[Rows]]]:
    """On the raw connection: the visit rows of a query, each with the rows of its lists."""
    rows = conn.execute(*query).fetchall()
    lists = [[conn.execute(sql, (row["id"],)).fetchall() for sql in _CHILDREN] for row in rows]
    return list(zip(rows, lists, strict=True))


def _add(
    conn: sqlite3.Connection,
    job: tuple[VisitDraft, int, datetime, Sequence[Statement]],
) -> tuple[dict[str, Any], list[Rows], bool, int]:
    """On the raw connection, inside the transaction: insert unless saved, then read it back."""
    draft, assistant_id, now, also = job
    assert draft.family_id is not None
    assert draft.visit_date is not None
    first = conn.execute("SELECT id FROM visits WHERE draft_token = ?", (draft.token,)).fetchone()
    if first is None:
        visit_id = _insert(conn, draft, assistant_id, now)
        for sql, params in also:
            conn.execute(sql, params)
    else:
        visit_id = int(first["id"])
    row = conn.execute("SELECT * FROM visits WHERE id = ?", (visit_id,)).fetchone()
    children = [conn.execute(sql, (visit_id,)).fetchall() for sql in _CHILDREN]
    monday, sunday = week_bounds(date.fromisoformat(row["visit_date"]))
    week = (row["family_id"], monday.isoformat(), sunday.isoformat())
    tally = int(conn.execute(_WEEK_TALLY, week).fetchone()["n"])
    return row, children, first is None, tally


def _insert(conn: sqlite3.Connection, draft: VisitDraft, assistant_id: int, now: datetime) -> int:
    """The visit's row and its three lists; the new row's id."""
    assert draft.family_id is not None
    assert draft.visit_date is not None
    cursor = conn.execute(
        "INSERT INTO visits (family_id, assistant_id, kind, visit_date, duration_min, "
        "place, missed_reason, note, next_steps, draft_token, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            draft.family_id,
            assistant_id,
            draft.kind.value,
            draft.visit_date.isoformat(),
            draft.duration_min,
            None if draft.place is None else draft.place.value,
            None if draft.missed_reason is None else draft.missed_reason.value,
            draft.note,
            draft.next_steps,
            draft.token,
            now.isoformat(),
        ),
    )
    assert cursor.lastrowid is not None
    visit_id = cursor.lastrowid
    conn.executemany(
        "INSERT INTO visit_members (visit_id, member_id) "
        "SELECT ?, id FROM members WHERE id = ? AND family_id = ?",
        [(visit_id, m, draft.family_id) for m in dict.fromkeys(draft.present)],
    )
    conn.executemany(
        "INSERT INTO visit_areas (visit_id, area) VALUES (?, ?)",
        [(visit_id, a.value) for a in dict.fromkeys(draft.areas)],
    )
    conn.executemany(
        "INSERT INTO visit_activities (visit_id, activity) VALUES (?, ?)",
        [(visit_id, a.value) for a in dict.fromkeys(draft.activities)],
    )
    return visit_id
