"""SQL for a family's case: its periods of work, closure, reopening and monitoring contacts.

The reads other parts build on (documents, the work card, the half-year figures):
`periods_of`, `closures_of`, `reopenings_of`, `closures_between` and `monitoring_contacts`.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.domain.appointment import Institution
from bot.domain.errors import DomainError
from bot.domain.lifecycle import CasePeriod, Closure, MonitoredFamily, MonitoringContact
from bot.domain.plan import GoalEventKind, GoalStatus, Stamp
from bot.storage.db import Database, first_row, insert
from bot.storage.goals import OPEN_GOAL, add_event
from bot.storage.stored_values import iso_day


class CancelledAppointment(BaseModel):
    """An appointment a closure cancelled: what the assistant is told about (no purpose)."""

    model_config = ConfigDict(frozen=True)

    id: int
    institution: Institution
    starts_at: datetime


class ClosureOutcome(BaseModel):
    """What closing the work changed besides the period itself."""

    model_config = ConfigDict(frozen=True)

    period_id: int
    cancelled: tuple[CancelledAppointment, ...] = ()
    dropped_goals: int = 0


class ClosedFamily(BaseModel):
    """A closed family as `/families closed` lists it."""

    model_config = ConfigDict(frozen=True)

    family_id: int
    code: str
    label: str | None = None
    closed_on: date
    close_reason: str
    monitoring_until: date | None = None
    monitoring_ended_on: date | None = None
    erased: bool = False


class CaseRepository:
    """The periods of work with each family and what happens around their end."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # Reads

    async def periods_of(self, family_id: int) -> list[CasePeriod]:
        """Every period of work with a family, oldest first (the case's history in order)."""
        rows = await self.db.fetch_all(
            "SELECT * FROM case_periods WHERE family_id = ? ORDER BY started_on, id",
            (family_id,),
        )
        return [CasePeriod.model_validate(r) for r in rows]

    async def current_period(self, family_id: int) -> CasePeriod | None:
        """The newest period: the open one, or the last closed one."""
        periods = await self.periods_of(family_id)
        return periods[-1] if periods else None

    async def closures_of(self, family_id: int) -> list[CasePeriod]:
        """The closed periods of a family (date, reason, summary, monitoring), oldest first."""
        return [p for p in await self.periods_of(family_id) if p.closed_on is not None]

    async def reopenings_of(self, family_id: int) -> list[CasePeriod]:
        """The periods that reopened the case after a closure (every period but the first)."""
        return (await self.periods_of(family_id))[1:]

    async def closures_between(
        self, first: date, last: date, assistant_id: int | None = None
    ) -> list[CasePeriod]:
        """Periods closed in [first, last] (of one assistant's families, if given), by day.

        For the half-year figures: families closed by reason, the length of cooperation
        (`CasePeriod.days`).
        """
        sql = (
            "SELECT p.* FROM case_periods p JOIN families f ON f.id = p.family_id "
            "WHERE p.closed_on BETWEEN ? AND ?"
        )
        params: list[Any] = [first.isoformat(), last.isoformat()]
        if assistant_id is not None:
            sql += " AND f.assistant_id = ?"
            params.append(assistant_id)
        rows = await self.db.fetch_all(f"{sql} ORDER BY p.closed_on, p.id", params)
        return [CasePeriod.model_validate(r) for r in rows]

    async def monitoring_contacts(
        self, family_id: int, period_id: int | None = None
    ) -> list[MonitoringContact]:
        """A family's monitoring contacts (after one closure, if `period_id`), oldest first."""
        sql = "SELECT * FROM monitoring_contacts WHERE family_id = ?"
        params: list[Any] = [family_id]
        if period_id is not None:
            sql += " AND period_id = ?"
            params.append(period_id)
        rows = await self.db.fetch_all(f"{sql} ORDER BY day, id", params)
        return [MonitoringContact.model_validate(r) for r in rows]

    async def closed_families(self, assistant_id: int) -> list[ClosedFamily]:
        """An assistant's closed families with their last closure, newest closure first."""
        rows = await self.db.fetch_all(
            "SELECT f.id AS family_id, f.code, f.label, f.erased_at IS NOT NULL AS erased, "
            "  p.closed_on, p.close_reason, p.monitoring_until, p.monitoring_ended_on "
            "FROM families f JOIN case_periods p ON p.id = ("
            "  SELECT q.id FROM case_periods q WHERE q.family_id = f.id "
            "  ORDER BY q.started_on DESC, q.id DESC LIMIT 1) "
            "WHERE f.assistant_id = ? AND f.active = 0 AND p.closed_on IS NOT NULL "
            "ORDER BY p.closed_on DESC, f.code",
            (assistant_id,),
        )
        return [ClosedFamily.model_validate({**r, "erased": bool(r["erased"])}) for r in rows]

    async def monitored(self, assistant_ids: list[int]) -> list[MonitoredFamily]:
        """Closed families of these assistants whose monitoring is still running."""
        rows = await self.db.fetch_all(
            "SELECT p.*, f.code, f.assistant_id, "
            "  (SELECT max(c.day) FROM monitoring_contacts c WHERE c.period_id = p.id) "
            "  AS last_contact "
            "FROM case_periods p JOIN families f ON f.id = p.family_id "
            "WHERE p.monitoring_until IS NOT NULL AND p.monitoring_ended_on IS NULL "
            "  AND p.closed_on IS NOT NULL AND f.active = 0 AND f.erased_at IS NULL "
            "  AND f.assistant_id IN (SELECT value FROM json_each(?))",
            (json.dumps(assistant_ids),),
        )
        return [
            MonitoredFamily(
                period=CasePeriod.model_validate(r),
                code=r["code"],
                assistant_id=r["assistant_id"],
                last_contact=r["last_contact"],
            )
            for r in rows
        ]

    async def contact_saved(self, token: str, author_id: int) -> bool:
        """Whether this author's monitoring-contact draft was saved already."""
        row = await self.db.fetch_one(
            "SELECT 1 AS found FROM monitoring_contacts WHERE draft_token = ? AND author_id = ?",
            (token, author_id),
        )
        return row is not None

    # Changes

    async def close(
        self, family_id: int, closure: Closure, stamp: Stamp, *, monitoring_until: date | None
    ) -> ClosureOutcome:
        """Close the open period; the family leaves the caseload, its plan and dates end.

        In one transaction: the period gets its date, reason, summary and monitoring; the
        family becomes inactive; its plan stays the one /plan shows (it ends when the case is
        reopened, so a closed family's plan stays readable as it was); its open goals
        are dropped with the case (achieved ones stay as they are), each with a history
        entry; its scheduled appointments from now on are cancelled and their pending
        reminders withdrawn.
        """
        at = stamp.at.isoformat()
        async with self.db.write() as conn:
            period = await first_row(
                conn,
                "SELECT id FROM case_periods WHERE family_id = ? AND closed_on IS NULL",
                (family_id,),
            )
            if period is None:
                raise DomainError("family_closed")
            period_id = int(period["id"])
            await conn.execute(
                "UPDATE case_periods SET closed_on = ?, close_reason = ?, summary = ?, "
                "closed_by = ?, closed_at = ?, monitor_months = ?, monitoring_until = ? "
                "WHERE id = ?",
                (
                    closure.day.isoformat(),
                    closure.reason.value,
                    closure.summary,
                    stamp.actor_id,
                    at,
                    closure.monitor_months,
                    iso_day(monitoring_until),
                    period_id,
                ),
            )
            await conn.execute("UPDATE families SET active = 0 WHERE id = ?", (family_id,))
            dropped = await _drop_open_goals(conn, family_id, stamp)
            cancelled = await _cancel_appointments(conn, family_id, stamp.at)
        return ClosureOutcome(period_id=period_id, cancelled=cancelled, dropped_goals=dropped)

    async def reopen(self, family_id: int, day: date, stamp: Stamp) -> int:
        """Open a new period and a new plan from `day`; the family is back in the caseload.

        The plan of the closed period ends on its closing day and stays as history.
        """
        async with self.db.write() as conn:
            last = await first_row(
                conn,
                "SELECT closed_on FROM case_periods WHERE family_id = ? "
                "ORDER BY started_on DESC, id DESC LIMIT 1",
                (family_id,),
            )
            if last is None or last["closed_on"] is None:
                raise DomainError("family_open")
            await conn.execute(
                "UPDATE plans SET ended_on = ? WHERE family_id = ? AND ended_on IS NULL",
                (last["closed_on"], family_id),
            )
            # Monitoring of the earlier closure ends with the new start.
            await conn.execute(
                "UPDATE case_periods SET monitoring_ended_on = ? WHERE family_id = ? "
                "AND monitoring_until IS NOT NULL AND monitoring_ended_on IS NULL",
                (day.isoformat(), family_id),
            )
            period_id = await insert(
                conn,
                "INSERT INTO case_periods (family_id, started_on, started_by) VALUES (?, ?, ?)",
                (family_id, day.isoformat(), stamp.actor_id),
            )
            await conn.execute("UPDATE families SET active = 1 WHERE id = ?", (family_id,))
            await conn.execute(
                "INSERT INTO plans (family_id, started_on, created_by, created_at) "
                "VALUES (?, ?, ?, ?)",
                (family_id, day.isoformat(), stamp.actor_id, stamp.at.isoformat()),
            )
        return period_id

    async def add_contact(
        self, contact: MonitoringContact, now: datetime, *, token: str | None
    ) -> tuple[int, bool]:
        """Save a monitoring contact once per draft; (id, whether newly saved)."""
        async with self.db.write() as conn:
            if token is not None:
                found = await first_row(
                    conn,
                    "SELECT id FROM monitoring_contacts WHERE draft_token = ? AND author_id = ?",
                    (token, contact.author_id),
                )
                if found is not None:
                    return int(found["id"]), False
            contact_id = await insert(
                conn,
                "INSERT INTO monitoring_contacts (family_id, period_id, day, form, note, "
                "author_id, draft_token, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    contact.family_id,
                    contact.period_id,
                    contact.day.isoformat(),
                    contact.form.value,
                    contact.note,
                    contact.author_id,
                    token,
                    now.isoformat(),
                ),
            )
        return contact_id, True

    async def extend_monitoring(self, period_id: int, until: date) -> bool:
        """Move the end of a running monitoring; False if it is not running."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE case_periods SET monitoring_until = ? WHERE id = ? "
                "AND monitoring_until IS NOT NULL AND monitoring_ended_on IS NULL",
                (until.isoformat(), period_id),
            )
            return cursor.rowcount == 1

    async def finish_monitoring(self, period_id: int, day: date) -> bool:
        """End a running monitoring on `day`; False if it is not running."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE case_periods SET monitoring_ended_on = ? WHERE id = ? "
                "AND monitoring_until IS NOT NULL AND monitoring_ended_on IS NULL",
                (day.isoformat(), period_id),
            )
            return cursor.rowcount == 1


async def _drop_open_goals(conn: Any, family_id: int, stamp: Stamp) -> int:
    """Inside a write: the family's open goals become "dropped", each with a history entry."""
    rows = await conn.execute_fetchall(
        f"SELECT id, status FROM goals g WHERE family_id = ? AND {OPEN_GOAL}",
        (family_id,),
    )
    dropped = GoalStatus.DROPPED.value
    for row in rows:
        goal_id, old = int(row["id"]), str(row["status"])
        await conn.execute("UPDATE goals SET status = ? WHERE id = ?", (dropped, goal_id))
        await add_event(conn, goal_id, GoalEventKind.STATUS, stamp, old=old, new=dropped)
    return len(rows)


async def _cancel_appointments(
    conn: Any, family_id: int, now: datetime
) -> tuple[CancelledAppointment, ...]:
    """Inside a write: cancel the family's scheduled appointments and withdraw their reminders.

    Past ones still waiting for an outcome are cancelled too: nobody will ask about them now.
    """
    rows = await conn.execute_fetchall(
        "SELECT id, institution, starts_at FROM appointments "
        "WHERE family_id = ? AND status = 'scheduled' ORDER BY starts_at",
        (family_id,),
    )
    stamp = now.astimezone(UTC).isoformat(timespec="microseconds")
    for row in rows:
        await conn.execute(
            "UPDATE appointments SET status = 'cancelled', outcome_at = ? WHERE id = ?",
            (stamp, row["id"]),
        )
        await conn.execute(
            "UPDATE outbox SET status = 'withdrawn', key = key || '~' || id "
            "WHERE subject = ? AND status = 'pending'",
            (f"appointment:{row['id']}",),
        )
    await conn.execute(
        "UPDATE outbox SET status = 'withdrawn', key = key || '~' || id "
        "WHERE subject = ? AND status = 'pending'",
        (f"family:{family_id}",),
    )
    return tuple(CancelledAppointment.model_validate(dict(r)) for r in rows)
