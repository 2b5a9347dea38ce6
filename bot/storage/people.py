"""SQL for the registered people (assistants, coordinators) and invites."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.people import Assistant, Invite, Role
from bot.storage.db import Database, first_row
from bot.storage.read_memo import ReadMemo

# Whether someone blocked the bot is kept with their reminder settings (absent row: no).
_ASSISTANT = (
    "SELECT a.*, coalesce(s.unreachable, 0) AS unreachable, d.name AS document_name "
    "FROM assistants a "
    "LEFT JOIN reminder_settings s ON s.telegram_id = a.telegram_id "
    "LEFT JOIN document_names d ON d.telegram_id = a.telegram_id"
)


class PeopleRepository:
    """Assistants and the invites that let them in."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._read: ReadMemo[int, Assistant | None] = ReadMemo(db)

    async def get_assistant(self, telegram_id: int) -> Assistant | None:
        """The registered assistant with this Telegram id, if any (read once per change)."""
        known, assistant = self._read.get(telegram_id)
        if known:
            return assistant
        generation = self.db.generation
        row = await self.db.fetch_one(
            f"{_ASSISTANT} WHERE a.telegram_id = ?", (telegram_id,), small=True
        )
        assistant = None if row is None else _assistant(row)
        self._read.keep(generation, telegram_id, assistant)
        return assistant

    async def list_assistants(self, *, with_inactive: bool = False) -> list[Assistant]:
        """Every registered person, by name, with whether they blocked the bot.

        The deactivated only `with_inactive` (the team list); nobody hands them a family.
        """
        where = "" if with_inactive else "WHERE a.active = 1 "
        rows = await self.db.fetch_all(f"{_ASSISTANT} {where}ORDER BY a.display_name")
        return [_assistant(r) for r in rows]

    async def set_role(self, telegram_id: int, role: Role) -> bool:
        """Change a person's stored role; False if there is no such person."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE assistants SET role = ? WHERE telegram_id = ?", (role.value, telegram_id)
            )
            return cursor.rowcount == 1

    async def set_active(self, telegram_id: int, active: bool) -> bool:
        """Deactivate (or reactivate) a person; False if there is no such person.

        A deactivated person's waiting reminders are withdrawn with them (their keys freed,
        as for any withdrawn row), and so is their morning batch still waiting to be expanded.
        """
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE assistants SET active = ? WHERE telegram_id = ?",
                (int(active), telegram_id),
            )
            if cursor.rowcount != 1:
                return False
            if not active:
                await conn.execute(
                    "UPDATE outbox SET status = 'withdrawn', key = key || '~' || id "
                    "WHERE assistant_id = ? AND status = 'pending'",
                    (telegram_id,),
                )
                # A morning the tick stored but the dispatcher has not reached yet holds
                # their reminders too: it is closed without making them (as done as its rows).
                await conn.execute(
                    "UPDATE morning_batches SET expanded_at = computed_at, inputs = NULL "
                    "WHERE assistant_id = ? AND expanded_at IS NULL",
                    (telegram_id,),
                )
            return True

    async def add_assistant(self, telegram_id: int, display_name: str, now: datetime) -> None:
        """Register a person (idempotent: a second call keeps the first registration)."""
        async with self.db.write() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO assistants (telegram_id, display_name, joined_at) "
                "VALUES (?, ?, ?)",
                (telegram_id, display_name, now.isoformat()),
            )

    async def set_locale(self, telegram_id: int, locale: str) -> None:
        """Remember a person's chosen language."""
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE assistants SET locale = ? WHERE telegram_id = ?", (locale, telegram_id)
            )

    async def set_document_name(self, telegram_id: int, name: str | None) -> None:
        """The name on a person's documents (None: their Telegram name)."""
        async with self.db.write() as conn:
            if name is None:
                sql = "DELETE FROM document_names WHERE telegram_id = ?"
                await conn.execute(sql, (telegram_id,))
                return
            await conn.execute(
                "INSERT INTO document_names (telegram_id, name) VALUES (?, ?) "
                "ON CONFLICT (telegram_id) DO UPDATE SET name = excluded.name",
                (telegram_id, name),
            )

    async def add_invite(self, invite: Invite) -> Invite:
        """Store a new invite code; the invite stored, which is the earlier one when its
        question (`question_id`) made one already (a second press stores nothing)."""
        async with self.db.write() as conn:
            await conn.execute(
                "INSERT INTO invites "
                "(code, role, created_by, created_at, expires_at, question_id) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (created_by, question_id) WHERE question_id IS NOT NULL DO NOTHING",
                (
                    invite.code,
                    invite.role.value,
                    invite.created_by,
                    invite.created_at.isoformat(),
                    invite.expires_at.isoformat(),
                    invite.question_id,
                ),
            )
            if invite.question_id is None:
                return invite
            row = await first_row(
                conn,
                "SELECT * FROM invites WHERE created_by = ? AND question_id = ?",
                (invite.created_by, invite.question_id),
            )
        assert row is not None
        return Invite.model_validate(row)

    async def get_invite(self, code: str) -> Invite | None:
        """The invite with this code in any case (ASCII), if it is one; the exact one first.

        Codes are made in one case now; two made before in mixed case may differ only in
        case: then only the one typed exactly is found.
        """
        rows = await self.db.fetch_all(
            "SELECT * FROM invites WHERE code = ? COLLATE NOCASE ORDER BY code = ? DESC LIMIT 2",
            (code, code),
        )
        if not rows or (rows[0]["code"] != code and len(rows) > 1):
            return None
        return Invite.model_validate(rows[0])

    async def redeem_invite(
        self, code: str, telegram_id: int, display_name: str, now: datetime
    ) -> bool:
        """Mark the invite used and register the person in its role, atomically.

        False if it was not usable. Someone deactivated who brings a new invite comes back,
        in the invite's role.
        """
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE invites SET used_by = ?, used_at = ? "
                "WHERE code = ? AND used_by IS NULL AND expires_at > ?",
                (telegram_id, now.isoformat(), code, now.isoformat()),
            )
            if cursor.rowcount != 1:
                return False
            await conn.execute(
                "INSERT INTO assistants (telegram_id, display_name, joined_at, role) "
                "VALUES (?, ?, ?, (SELECT role FROM invites WHERE code = ?)) "
                "ON CONFLICT (telegram_id) DO UPDATE SET role = excluded.role, active = 1",
                (telegram_id, display_name, now.isoformat(), code),
            )
        return True


def _assistant(row: dict[str, Any]) -> Assistant:
    """An assistants row (with the unreachable flag) as an Assistant."""
    return Assistant.model_validate(
        {**row, "unreachable": bool(row["unreachable"]), "active": bool(row["active"])}
    )
