"""SQL for families and their members."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.cadence import FamilyCadence
from bot.domain.errors import DomainError
from bot.domain.family import Family, Member, NewFamily, code_key
from bot.storage.db import Database, first_row, insert
from bot.storage.read_memo import ReadMemo
from bot.storage.stored_values import iso_day


class FamilyRepository:
    """Families, members and who is assigned to them."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._read: ReadMemo[int, Family] = ReadMemo(db)
        self._codes: ReadMemo[str, Family] = ReadMemo(db)  # by the code as it was asked for
        self._lists: ReadMemo[int, tuple[Family, ...]] = ReadMemo(db)  # by assistant

    async def codes(self) -> set[str]:
        """Every family code in use."""
        rows = await self.db.fetch_all("SELECT code FROM families")
        return {r["code"] for r in rows}

    async def saved_by(self, draft_token: str, assistant_id: int) -> bool:
        """Whether this assistant's /newfamily draft with this token is already a saved family."""
        row = await self.db.fetch_one(
            "SELECT 1 AS found FROM families WHERE draft_token = ? AND assistant_id = ?",
            (draft_token, assistant_id),
        )
        return row is not None

    async def add(self, family: NewFamily, assistant_id: int, now: datetime) -> int:
        """Save a new family with its members; DomainError('code_taken') if the code is used."""
        family_id, _ = await self.add_once(family, assistant_id, now, draft_token=None)
        return family_id

    async def add_once(
        self,
        family: NewFamily,
        assistant_id: int,
        now: datetime,
        *,
        draft_token: str | None,
        started_on: date | None = None,
    ) -> tuple[int, bool]:
        """Save a /newfamily draft once; return (family id, whether it was newly saved).

        The same draft saved again (a double press, a draft left by a crash right after the
        save) returns the first family: its code is taken by that family, not by another.
        Otherwise DomainError('code_taken') if the code is used. The first period of work
        begins `started_on` (the local day; by default the UTC day of `now`).
        """
        async with self.db.write() as conn:
            if draft_token is not None:
                sql = "SELECT id FROM families WHERE draft_token = ?"
                first = await first_row(conn, sql, (draft_token,))
                if first is not None:
                    return int(first["id"]), False
            if await first_row(conn, "SELECT 1 FROM families WHERE code = ?", (family.code,)):
                raise DomainError("code_taken", family_code=family.code)
            family_id = await insert(
                conn,
                "INSERT INTO families (code, label, assistant_id, visits_per_week, "
                "contract_signed_on, contract_valid_until, draft_token, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    family.code,
                    family.label,
                    assistant_id,
                    family.visits_per_week,
                    iso_day(family.contract_signed_on),
                    iso_day(family.contract_valid_until),
                    draft_token,
                    now.isoformat(),
                ),
            )
            await conn.executemany(
                "INSERT INTO members (family_id, name, role, birth_year, position) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (family_id, m.name, m.role.value, m.birth_year, i)
                    for i, m in enumerate(family.members)
                ],
            )
            await conn.execute(
                "INSERT INTO case_periods (family_id, started_on) VALUES (?, ?)",
                (family_id, (started_on or now.date()).isoformat()),
            )
        return family_id, True

    async def get(self, family_id: int) -> Family | None:
        """A family with its members, if it exists (closed ones too: `active` says which)."""
        known, family = self._read.get(family_id)
        return family if known else await self._one("f.id = ?", family_id)

    async def by_code(self, code: str) -> Family | None:
        """A family by its code (case-insensitive), if it exists (closed ones too)."""
        known, family = self._codes.get(code)
        if known:
            return family
        generation = self.db.generation
        family = await self._one("f.code = ?", code)
        if family is not None:
            self._codes.keep(generation, code, family)
        return family

    async def read_alike(self, code: str) -> Family | None:
        """The one family whose code reads as `code` does (R-1, R01 for R-01); None if not one.

        Codes that read alike are refused at registration, but two from before may remain:
        then neither is guessed.
        """
        key = code_key(code)
        alike = [used for used in await self.codes() if code_key(used) == key]
        return await self.by_code(alike[0]) if len(alike) == 1 else None

    async def _one(self, where: str, key: object) -> Family | None:
        """One family with its present and former members, in one trip, kept until a write."""
        generation = self.db.generation
        families, rows = await self.db.fetch_each(
            (f"SELECT f.* FROM families f WHERE {where}", (key,)),
            (
                "SELECT m.id, m.name, m.role, m.birth_year, m.left_on FROM members m "
                f"JOIN families f ON f.id = m.family_id WHERE {where} ORDER BY m.position",
                (key,),
            ),
            small=True,
        )
        if not families:
            return None
        row = families[0]
        members = [Member.model_validate(m) for m in rows]
        family = Family.model_validate(
            {
                **row,
                "active": bool(row["active"]),
                "members": tuple(m for m in members if m.left_on is None),
                "former_members": tuple(m for m in members if m.left_on is not None),
            }
        )
        self._read.keep(generation, family.id, family)
        return family

    async def assign(self, family_id: int, assistant_id: int) -> None:
        """Hand a family to another assistant for good (a holiday cover ends with it)."""
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE families SET assistant_id = ?, cover_for = NULL, cover_until = NULL "
                "WHERE id = ?",
                (assistant_id, family_id),
            )

    async def count_active(self, assistant_id: int) -> int:
        """How many active families an assistant holds."""
        row = await self.db.fetch_one(
            "SELECT count(*) AS n FROM families WHERE assistant_id = ? AND active = 1",
            (assistant_id,),
        )
        return int(row["n"]) if row else 0

    async def list_for(self, assistant_id: int) -> list[Family]:
        """An assistant's active families, by code, without members (kept until a write)."""
        known, kept = self._lists.get(assistant_id)
        if known and kept is not None:
            return list(kept)
        generation = self.db.generation
        rows = await self.db.fetch_all(
            "SELECT * FROM families WHERE assistant_id = ? AND active = 1 ORDER BY code",
            (assistant_id,),
            small=True,
        )
        families = tuple(Family.model_validate({**r, "active": True}) for r in rows)
        self._lists.keep(generation, assistant_id, families)
        return list(families)

    async def cadence_for(
        self, assistant_id: int, monday: date, sunday: date
    ) -> list[FamilyCadence]:
        """Per family: completed visits in [monday, sunday] and the last completed visit date."""
        rows = await self.db.fetch_all(
            "SELECT f.id AS family_id, f.code, f.label, f.visits_per_week, "
            "  (SELECT count(*) FROM visits v WHERE v.family_id = f.id AND v.kind = 'completed' "
            "     AND v.visit_date BETWEEN ? AND ?) AS visits_this_week, "
            "  f.last_visit_on AS last_visit "
            "FROM families f WHERE f.assistant_id = ? AND f.active = 1 ORDER BY f.code",
            (monday.isoformat(), sunday.isoformat(), assistant_id),
        )
        return [FamilyCadence.model_validate(r) for r in rows]
