"""SQL for changing a registered family: label, members, visits a week, contract, code."""

from __future__ import annotations

from datetime import date

from bot.domain.errors import DomainError
from bot.domain.family import Member
from bot.domain.plan import Stamp
from bot.storage.db import Database, first_row, insert
from bot.storage.stored_values import iso_day


class FamilyEdits:
    """Changes to a family's own details; a member who left and a replaced contract stay."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def set_label(self, family_id: int, label: str | None) -> None:
        """A new label (None: none)."""
        async with self.db.write() as conn:
            await conn.execute("UPDATE families SET label = ? WHERE id = ?", (label, family_id))

    async def set_visits_per_week(self, family_id: int, visits: int) -> None:
        """A new visit target."""
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE families SET visits_per_week = ? WHERE id = ?", (visits, family_id)
            )

    async def set_code(self, family_id: int, code: str) -> None:
        """A new code; DomainError('code_taken') if another family holds it."""
        async with self.db.write() as conn:
            taken = await first_row(
                conn, "SELECT 1 FROM families WHERE code = ? AND id <> ?", (code, family_id)
            )
            if taken:
                raise DomainError("code_taken", family_code=code)
            await conn.execute("UPDATE families SET code = ? WHERE id = ?", (code, family_id))

    async def add_member(self, family_id: int, member: Member) -> int:
        """A new member, after the others."""
        async with self.db.write() as conn:
            row = await first_row(
                conn,
                "SELECT coalesce(max(position), -1) + 1 AS next FROM members WHERE family_id = ?",
                (family_id,),
            )
            position = int(row["next"]) if row else 0
            return await insert(
                conn,
                "INSERT INTO members (family_id, name, role, birth_year, position) "
                "VALUES (?, ?, ?, ?, ?)",
                (family_id, member.name, member.role.value, member.birth_year, position),
            )

    async def member_left(self, family_id: int, member_id: int, day: date) -> bool:
        """Mark a member as no longer in the household; False if not this family's or left."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE members SET left_on = ? WHERE id = ? AND family_id = ? "
                "AND left_on IS NULL",
                (day.isoformat(), member_id, family_id),
            )
            return cursor.rowcount == 1

    async def correct_member(self, family_id: int, member: Member) -> bool:
        """A member's name, role and birth year as corrected (the id, so the history, stays);
        False if they are not in this family's household."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE members SET name = ?, role = ?, birth_year = ? "
                "WHERE id = ? AND family_id = ? AND left_on IS NULL",
                (member.name, member.role.value, member.birth_year, member.id, family_id),
            )
            return cursor.rowcount == 1

    async def correct_contract(
        self, family_id: int, signed_on: date | None, valid_until: date | None
    ) -> None:
        """The contract in force with its dates corrected: the same contract, no history row."""
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE families SET contract_signed_on = ?, contract_valid_until = ? "
                "WHERE id = ?",
                (iso_day(signed_on), iso_day(valid_until), family_id),
            )

    async def renew_contract(
        self, family_id: int, signed_on: date, valid_until: date, stamp: Stamp
    ) -> None:
        """A new contract in force; the one it replaces (if any) goes into the history."""
        async with self.db.write() as conn:
            old = await first_row(
                conn,
                "SELECT contract_signed_on, contract_valid_until FROM families WHERE id = ?",
                (family_id,),
            )
            if old and (old["contract_signed_on"] or old["contract_valid_until"]):
                await conn.execute(
                    "INSERT INTO contract_history (family_id, signed_on, valid_until, "
                    "replaced_on, replaced_by) VALUES (?, ?, ?, ?, ?)",
                    (
                        family_id,
                        old["contract_signed_on"],
                        old["contract_valid_until"],
                        stamp.day.isoformat(),
                        stamp.actor_id,
                    ),
                )
            await conn.execute(
                "UPDATE families SET contract_signed_on = ?, contract_valid_until = ? "
                "WHERE id = ?",
                (iso_day(signed_on), iso_day(valid_until), family_id),
            )

    async def contract_history(self, family_id: int) -> list[tuple[date | None, date | None]]:
        """The replaced contracts (signed, valid until), oldest first."""
        rows = await self.db.fetch_all(
            "SELECT signed_on, valid_until FROM contract_history WHERE family_id = ? "
            "ORDER BY replaced_on, id",
            (family_id,),
        )
        return [
            (
                date.fromisoformat(r["signed_on"]) if r["signed_on"] else None,
                date.fromisoformat(r["valid_until"]) if r["valid_until"] else None,
            )
            for r in rows
        ]
