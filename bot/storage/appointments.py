"""SQL for appointments at institutions and the members who go."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.appointment import Appointment, AppointmentStatus, NewAppointment
from bot.storage.db import Database, first_row, insert
from bot.storage.stored_values import utc_text

_OPEN = AppointmentStatus.SCHEDULED.value


class AppointmentRepository:
    """Appointments; a closed one is never changed again, a rescheduled one points forward."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, new: NewAppointment, assistant_id: int, now: datetime) -> int:
        """Save a checked appointment with its members (members of other families are skipped).

        A draft is saved once: with a token this assistant already saved, the first
        appointment's id comes back and nothing is written (the token is unique, so a race
        cannot add a copy either).
        """
        async with self.db.write() as conn:
            if new.draft_token is not None:
                first = await first_row(
                    conn,
                    "SELECT id FROM appointments WHERE draft_token = ? AND assistant_id = ?",
                    (new.draft_token, assistant_id),
                )
                if first is not None:
                    return int(first["id"])
            return await _insert(conn, new, assistant_id, now)

    async def saved_by(self, token: str, assistant_id: int) -> int | None:
        """The appointment this assistant saved from the draft with this token, if any."""
        row = await self.db.fetch_one(
            "SELECT id FROM appointments WHERE draft_token = ? AND assistant_id = ?",
            (token, assistant_id),
        )
        return None if row is None else int(row["id"])

    async def get(self, appointment_id: int) -> Appointment | None:
        """One appointment with its members."""
        row = await self.db.fetch_one("SELECT * FROM appointments WHERE id = ?", (appointment_id,))
        if row is None:
            return None
        return (await self._with_members([row]))[0]

    async def family_of(self, appointment_id: int) -> int | None:
        """The family an appointment belongs to, for the services' access check."""
        row = await self.db.fetch_one(
            "SELECT family_id FROM appointments WHERE id = ?", (appointment_id,)
        )
        return None if row is None else int(row["family_id"])

    async def scheduled_between(
        self, family_ids: list[int], start: datetime, end: datetime
    ) -> list[Appointment]:
        """Scheduled appointments of these families starting in [start, end), by time."""
        rows = await self.db.fetch_all(
            "SELECT * FROM appointments WHERE status = ? AND starts_at >= ? AND starts_at < ? "
            "AND family_id IN (SELECT value FROM json_each(?)) ORDER BY starts_at, id",
            (_OPEN, utc_text(start), utc_text(end), json.dumps(family_ids)),
        )
        return await self._with_members(rows)

    async def unanswered(
        self, family_ids: list[int], started_before: datetime, limit: int = 50
    ) -> list[Appointment]:
        """Scheduled appointments of these families that began before a moment, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT * FROM appointments WHERE status = ? AND starts_at <= ? "
            "AND family_id IN (SELECT value FROM json_each(?)) ORDER BY starts_at, id LIMIT ?",
            (_OPEN, utc_text(started_before), json.dumps(family_ids), limit),
        )
        return await self._with_members(rows)

    async def move(self, appointment_id: int, starts_at: datetime, now: datetime) -> bool:
        """Give a scheduled appointment a new start; False if it is no longer scheduled."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE appointments SET starts_at = ?, scheduled_at = ? "
                "WHERE id = ? AND status = ?",
                (utc_text(starts_at), utc_text(now), appointment_id, _OPEN),
            )
            return cursor.rowcount == 1

    async def close(
        self, appointment_id: int, status: AppointmentStatus, outcome: str, now: datetime
    ) -> bool:
        """Cancel a scheduled appointment or record how it went; False if already closed."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE appointments SET status = ?, outcome = ?, outcome_at = ? "
                "WHERE id = ? AND status = ?",
                (status.value, outcome, utc_text(now), appointment_id, _OPEN),
            )
            return cursor.rowcount == 1

    async def reschedule(
        self,
        appointment_id: int,
        outcome: str,
        starts_at: datetime,
        assistant_id: int,
        now: datetime,
    ) -> int | None:
        """Close an appointment as rescheduled and save its new date as a new one, atomically.

        Returns the new appointment's id, or None if the old one was no longer scheduled (a
        replayed answer), so a double press cannot create two follow-ups.
        """
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE appointments SET status = ?, outcome = ?, outcome_at = ? "
                "WHERE id = ? AND status = ?",
                (
                    AppointmentStatus.RESCHEDULED.value,
                    outcome,
                    utc_text(now),
                    appointment_id,
                    _OPEN,
                ),
            )
            if cursor.rowcount != 1:
                return None
            old = await first_row(
                conn, "SELECT * FROM appointments WHERE id = ?", (appointment_id,)
            )
            assert old is not None  # it was updated just now
            members = await conn.execute_fetchall(
                "SELECT member_id FROM appointment_members WHERE appointment_id = ?",
                (appointment_id,),
            )
            follow_up = NewAppointment(
                family_id=old["family_id"],
                member_ids=tuple(int(m["member_id"]) for m in members),
                institution=old["institution"],
                institution_name=old["institution_name"],
                starts_at=starts_at,
                accompany=bool(old["accompany"]),
                purpose=old["purpose"],
                goal_id=old["goal_id"],
            )
            return await _insert(
                conn, follow_up, assistant_id, now, rescheduled_from=appointment_id
            )

    async def _with_members(self, rows: list[dict[str, Any]]) -> list[Appointment]:
        """Attach the members who go to appointment rows (one query for all of them)."""
        if not rows:
            return []
        links = await self.db.fetch_all(
            "SELECT appointment_id, member_id FROM appointment_members "
            "WHERE appointment_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY appointment_id, member_id",
            (json.dumps([r["id"] for r in rows]),),
        )
        members: dict[int, list[int]] = {}
        for link in links:
            members.setdefault(int(link["appointment_id"]), []).append(int(link["member_id"]))
        return [
            Appointment.model_validate(
                {
                    **r,
                    "accompany": bool(r["accompany"]),
                    "member_ids": tuple(members.get(r["id"], ())),
                }
            )
            for r in rows
        ]


async def _insert(
    conn: aiosqlite.Connection,
    new: NewAppointment,
    assistant_id: int,
    now: datetime,
    *,
    rescheduled_from: int | None = None,
) -> int:
    """Inside a write: one appointment row and its member links; return its id."""
    appointment_id = await insert(
        conn,
        "INSERT INTO appointments (family_id, assistant_id, institution, institution_name, "
        "starts_at, accompany, purpose, goal_id, rescheduled_from, scheduled_at, created_at, "
        "draft_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new.family_id,
            assistant_id,
            new.institution.value,
            new.institution_name,
            utc_text(new.starts_at),
            int(new.accompany),
            new.purpose,
            new.goal_id,
            rescheduled_from,
            utc_text(now),
            utc_text(now),
            new.draft_token,
        ),
    )
    await conn.executemany(
        "INSERT OR IGNORE INTO appointment_members (appointment_id, member_id) "
        "SELECT ?, id FROM members WHERE id = ? AND family_id = ?",
        [(appointment_id, m, new.family_id) for m in new.member_ids],
    )
    return appointment_id
