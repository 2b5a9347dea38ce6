"""SQL for the access log: who looked at or changed which family, and when."""

from __future__ import annotations

from datetime import datetime

from bot.storage.db import Database


class AuditRepository:
    """Append-only record of access to family data."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self, now: datetime, actor_id: int, action: str, family_id: int | None, detail: str = ""
    ) -> None:
        """Append one entry."""
        async with self.db.write() as conn:
            await conn.execute(
                "INSERT INTO access_log (at, actor_id, action, family_id, detail) "
                "VALUES (?, ?, ?, ?, ?)",
                (now.isoformat(), actor_id, action, family_id, detail),
            )

    async def entries(self, family_id: int) -> list[tuple[int, str]]:
        """(actor, action) pairs for a family, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT actor_id, action FROM access_log WHERE family_id = ? ORDER BY id", (family_id,)
        )
        return [(int(r["actor_id"]), str(r["action"])) for r in rows]
