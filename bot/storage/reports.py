"""SQL for the centre's documents: an assistant's contacts in a period, in few queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.reports import Contact, ContactKind
from bot.storage.db import Database
from bot.storage.stored_values import utc_text

# Areas and activities come in one query with the visit (a list separated by commas; the
# values are the fixed lists' ASCII names).
_VISITS = (
    "SELECT v.*, f.code AS family_code, "
    "(SELECT group_concat(area) FROM visit_areas a WHERE a.visit_id = v.id) AS area_list, "
    "(SELECT group_concat(activity) FROM visit_activities t WHERE t.visit_id = v.id) "
    "AS activity_list "
    "FROM visits v JOIN families f ON f.id = v.family_id "
)


class ReportRepository:
    """The rows behind work cards and team reports."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def contacts(
        self, assistant_ids: list[int], first: date, last: date, zone: ZoneInfo
    ) -> dict[int, list[Contact]]:
        """Every contact of these assistants between two local days, inclusive, per assistant.

        Visits carry local dates; an accompanied appointment carries a UTC instant and counts
        on its local day (23:30 UTC on 31 October is already 1 November in Warsaw).
        """
        found: dict[int, list[Contact]] = {a: [] for a in assistant_ids}
        ids = ",".join(str(int(a)) for a in assistant_ids) or "NULL"
        rows = await self.db.fetch_all(
            f"{_VISITS} WHERE v.assistant_id IN ({ids}) AND v.visit_date BETWEEN ? AND ? "
            "ORDER BY v.visit_date, v.id",
            (first.isoformat(), last.isoformat()),
        )
        for row in rows:
            found[int(row["assistant_id"])].append(_visit_contact(row))
        start = datetime.combine(first, time(), zone).astimezone(UTC)
        end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
        rows = await self.db.fetch_all(
            "SELECT p.assistant_id, p.family_id, p.institution, p.starts_at, "
            "f.code AS family_code "
            "FROM appointments p JOIN families f ON f.id = p.family_id "
            f"WHERE p.assistant_id IN ({ids}) AND p.accompany = 1 AND p.status = 'attended' "
            "AND p.starts_at >= ? AND p.starts_at < ? ORDER BY p.starts_at, p.id",
            (utc_text(start), utc_text(end)),
        )
        for row in rows:
            local = datetime.fromisoformat(row["starts_at"]).astimezone(zone)
            found[int(row["assistant_id"])].append(
                Contact(
                    family_id=row["family_id"],
                    family_code=row["family_code"],
                    kind=ContactKind.ACCOMPANYING,
                    day=local.date(),
                    institution=row["institution"],
                )
            )
        rows = await self.db.fetch_all(
            "SELECT c.author_id, c.family_id, c.day, c.form, f.code AS family_code "
            "FROM monitoring_contacts c JOIN families f ON f.id = c.family_id "
            f"WHERE c.author_id IN ({ids}) AND c.day BETWEEN ? AND ? ORDER BY c.day, c.id",
            (first.isoformat(), last.isoformat()),
        )
        for row in rows:
            found[int(row["author_id"])].append(
                Contact(
                    family_id=row["family_id"],
                    family_code=row["family_code"],
                    kind=ContactKind.MONITORING,
                    day=date.fromisoformat(row["day"]),
                    form=row["form"],
                )
            )
        return found

    async def assistants_with_contacts(self, first: date, last: date, zone: ZoneInfo) -> list[int]:
        """Whoever has a contact between two local days (for a team report), by id.

        The contacts `contacts` counts: a visit or a missed one, an appointment they went to,
        a monitoring contact. Someone who left keeps their month by any of them.
        """
        days = (first.isoformat(), last.isoformat())
        start = datetime.combine(first, time(), zone).astimezone(UTC)
        end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
        rows = await self.db.fetch_all(
            "SELECT assistant_id AS id FROM visits WHERE visit_date BETWEEN ? AND ? "
            "UNION SELECT assistant_id FROM appointments WHERE accompany = 1 "
            "AND status = 'attended' AND starts_at >= ? AND starts_at < ? "
            "UNION SELECT author_id FROM monitoring_contacts WHERE day BETWEEN ? AND ? "
            "ORDER BY id",
            (*days, utc_text(start), utc_text(end), *days),
        )
        return [int(r["id"]) for r in rows]

    async def family_holders(self) -> set[int]:
        """Who holds a family in the caseload now."""
        rows = await self.db.fetch_all(
            "SELECT DISTINCT assistant_id FROM families WHERE active = 1"
        )
        return {int(r["assistant_id"]) for r in rows}

    async def half_year(self, first: date, last: date) -> dict[str, Any]:
        """The counts behind the half-year figures, every one a single query."""
        span = (last.isoformat(), first.isoformat())
        worked = (
            "SELECT DISTINCT family_id FROM case_periods "
            "WHERE started_on <= ? AND (closed_on IS NULL OR closed_on >= ?)"
        )
        figures: dict[str, Any] = {}
        row = await self.db.fetch_one(f"SELECT count(*) AS n FROM ({worked})", span)
        figures["families"] = int(row["n"]) if row else 0
        row = await self.db.fetch_one(
            f"SELECT count(*) AS n FROM members WHERE role = 'child' AND family_id IN ({worked}) "
            "AND (left_on IS NULL OR left_on >= ?)",
            (*span, first.isoformat()),
        )
        figures["children"] = int(row["n"]) if row else 0
        started = await self.db.fetch_all(
            "SELECT p.started_on, (SELECT count(*) FROM case_periods e WHERE e.family_id = "
            "p.family_id AND (e.started_on < p.started_on OR (e.started_on = p.started_on "
            "AND e.id < p.id))) AS earlier FROM case_periods p WHERE p.started_on BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        )
        figures["new_families"] = sum(1 for r in started if r["earlier"] == 0)
        figures["reopened"] = len(started) - figures["new_families"]
        closed = await self.db.fetch_all(
            "SELECT close_reason, started_on, closed_on FROM case_periods "
            "WHERE closed_on BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        )
        figures["closed"] = [
            (r["close_reason"], date.fromisoformat(r["started_on"]), _day(r["closed_on"]))
            for r in closed
        ]
        row = await self.db.fetch_one(
            "SELECT coalesce(sum(kind = 'completed'), 0) AS visits, "
            "coalesce(sum(kind = 'missed'), 0) AS missed, "
            "coalesce(sum(CASE WHEN kind = 'completed' THEN duration_min END), 0) AS minutes, "
            "count(DISTINCT assistant_id) AS assistants "
            "FROM visits WHERE visit_date BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        )
        figures |= dict(row) if row else {}
        row = await self.db.fetch_one(
            "SELECT count(*) AS n FROM monitoring_contacts WHERE day BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        )
        figures["monitoring_contacts"] = int(row["n"]) if row else 0
        return figures


def _visit_contact(row: dict[str, Any]) -> Contact:
    """A visits row with its lists as a contact."""
    missed = row["kind"] == "missed"
    return Contact(
        family_id=row["family_id"],
        family_code=row["family_code"],
        kind=ContactKind.MISSED if missed else ContactKind.VISIT,
        day=date.fromisoformat(row["visit_date"]),
        duration_min=row["duration_min"],
        place=row["place"],
        areas=tuple(sorted((row["area_list"] or "").split(","))) if row["area_list"] else (),
        activities=(
            tuple(sorted(row["activity_list"].split(","))) if row["activity_list"] else ()
        ),
        missed_reason=row["missed_reason"],
    )


def _day(text: str) -> date:
    """A stored day."""
    return date.fromisoformat(text)
