"""SQL for the access log: who looked at or changed which family, who was refused, and when."""

from __future__ import annotations

from datetime import datetime

from bot.domain.audit import AccessEntry, Denial, Outcome
from bot.storage.db import Database
from bot.storage.sqlite_work import Statement

_APPEND = (
    "INSERT INTO access_log (at, actor_id, action, family_id, detail, outcome) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


class AuditRepository:
    """Append-only record of access to family data, allowed or denied."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        now: datetime,
        actor_id: int,
        action: str,
        family_id: int | None,
        *,
        detail: str = "",
        outcome: Outcome = "allowed",
        durable: bool = True,
    ) -> None:
        """Append one entry; a `durable` one is on the disk when this returns."""
        entry = (now.isoformat(), actor_id, action, family_id, detail, outcome)
        await self.db.write_bookkeeping([(_APPEND, entry)], durable=durable)
        if durable:
            await self.db.synced()

    @staticmethod
    def allowed_row(now: datetime, actor_id: int, action: str, family_id: int) -> Statement:
        """The append of one allowed entry, for a change to commit in its own transaction."""
        return (_APPEND, (now.isoformat(), actor_id, action, family_id, "", "allowed"))

    async def record_each(
        self,
        now: datetime,
        actor_id: int,
        action: str,
        family_ids: list[int],
        *,
        summary: str | None = None,
    ) -> None:
        """Append one allowed entry per family, all in one transaction, on the disk at return.

        A `summary` is an entry of its own first, with no family and the summary as detail.
        """
        stamp = now.isoformat()
        first = [] if summary is None else [(stamp, actor_id, action, None, summary, "allowed")]
        rows = [*first, *((stamp, actor_id, action, f, "", "allowed") for f in family_ids)]
        await self.db.write_bookkeeping([(_APPEND, row) for row in rows])
        await self.db.synced()

    async def entries(self, family_id: int, outcome: Outcome = "allowed") -> list[tuple[int, str]]:
        """(actor, action) pairs for a family with that outcome, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT actor_id, action FROM access_log WHERE family_id = ? AND outcome = ? "
            "ORDER BY id",
            (family_id, outcome),
        )
        return [(int(r["actor_id"]), str(r["action"])) for r in rows]

    async def denials_by(self, actor_id: int) -> list[Denial]:
        """Everything this person was refused, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT actor_id, action, family_id, detail FROM access_log "
            "WHERE actor_id = ? AND outcome = 'denied' ORDER BY id",
            (actor_id,),
        )
        return [
            Denial(
                actor_id=int(r["actor_id"]),
                action=str(r["action"]),
                family_id=None if r["family_id"] is None else int(r["family_id"]),
                detail=str(r["detail"]),
            )
            for r in rows
        ]


_ENTRY_SELECT = (
    "SELECT a.id, a.at, a.actor_id, a.action, f.code AS family_code, a.outcome, a.detail "
    "FROM access_log a LEFT JOIN families f ON f.id = a.family_id"
)


class AccessLogReader:
    """The access log read back, for admins in the chat and for the data protection officer."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def newest(self, family_id: int | None, *, offset: int, limit: int) -> list[AccessEntry]:
        """One page of entries, newest first; of one family, or of everything."""
        where, params = (
            ("WHERE a.family_id = ?", [family_id]) if family_id is not None else ("", [])
        )
        rows = await self.db.fetch_all(
            f"{_ENTRY_SELECT} {where} ORDER BY a.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_entry(r) for r in rows]

    async def since(self, family_id: int | None, since: datetime | None) -> list[AccessEntry]:
        """Every entry from `since` on (of one family, or all), oldest first."""
        clauses: list[str] = []
        params: list[object] = []
        if family_id is not None:
            clauses.append("a.family_id = ?")
            params.append(family_id)
        if since is not None:
            clauses.append("a.at >= ?")
            params.append(since.isoformat())
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = await self.db.fetch_all(f"{_ENTRY_SELECT} {where} ORDER BY a.id", params)
        return [_entry(r) for r in rows]


def _entry(row: dict[str, object]) -> AccessEntry:
    """A row as a domain entry."""
    return AccessEntry.model_validate({**row, "at": datetime.fromisoformat(str(row["at"]))})
