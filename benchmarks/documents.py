"""The centre's documents: a year's dossier (100 visits, 20 goals) and a 40-assistant team report.

Builds the data in a temporary SQLite file (visits through the repository, the plan through the
services), then times whole documents: the service's read and the rendering (PDF; XLSX for the
team too). Usage: python -m benchmarks.documents [--runs N]. One JSON line; the budget is 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import load_settings
from bot.documents.dossier import dossier_pdf
from bot.documents.team import team_pdf, team_xlsx
from bot.domain.family import Member, NewFamily
from bot.domain.people import Actor
from bot.domain.plan import Independence, TaskOwner
from bot.domain.reports import Month
from bot.domain.visit import VisitDraft
from bot.domain.vocabulary import Activity, Area, MemberRole, Place
from bot.i18n import translator
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository
from bot.storage.visits import VisitRepository

BUDGET_MS = 2000
VISITS = 100
GOALS = 20
ASSISTANTS = 40
FAMILIES_EACH = 12
VISITS_PER_FAMILY_MONTH = 6
ADMIN = Actor(telegram_id=1, is_admin=True)
NOTE = "Rozmowa o budżecie, rachunki & czynsz <b>bez tagów</b>, zażółć gęślą jaźń. " * 10


async def _visit(
    repo: VisitRepository, family_id: int, who: int, day: Any, n: int, *, present: list[int]
) -> None:
    """One hour at home with a note, saved straight through the repository.

    Someone from the family is ticked as present, as VisitService.record asks of a visit.
    """
    draft = VisitDraft(
        token=f"bench-{family_id}-{day}",  # by day: `n` restarts for R-0000's older visits
        family_id=family_id,
        visit_date=day,
        present=present,
        duration_min=60 + n % 4 * 15,
        place=Place.HOME,
        areas=[Area.HOUSING, Area.MONEY],
        activities=[Activity.DOCUMENTS, Activity.SKILL],
        note=NOTE[: 200 + n * 7 % 600],
    )
    await repo.add(draft, who, datetime.now(UTC))


async def _mother(services: Services, actor: Actor, family_id: int) -> list[int]:
    """Who was present at the family's visits: its one member, the mother."""
    return [(await services.families.peek(actor, family_id)).members[0].id]


async def build(services: Services, db: Database) -> None:
    """R-01 with a year of visits and 20 goals; 40 assistants with a month of visits each."""
    now = datetime.now(UTC)
    people = PeopleRepository(db)
    visits = VisitRepository(db)
    today = services.clock.today()
    for a in range(ASSISTANTS):
        actor = Actor(telegram_id=1000 + a, is_assistant=True)
        await people.add_assistant(actor.telegram_id, f"Asystentka Łucja {a:02d}", now)
        for f in range(FAMILIES_EACH):
            members = [Member(name="Anna", role=MemberRole.MOTHER)]
            family = NewFamily(code=f"R-{a:02d}{f:02d}", members=members)
            family_id, _ = await services.families.register(actor, family)
            present = await _mother(services, actor, family_id)
            for v in range(VISITS_PER_FAMILY_MONTH):
                day = today - timedelta(days=v * 4)
                await _visit(visits, family_id, actor.telegram_id, day, v, present=present)
    owner = Actor(telegram_id=1000, is_assistant=True)
    family_id = (await services.families.open_by_code(owner, "R-0000", "bench")).id
    present = await _mother(services, owner, family_id)
    for n in range(VISITS - VISITS_PER_FAMILY_MONTH):
        day = today - timedelta(days=30 + n * 3)
        await _visit(visits, family_id, owner.telegram_id, day, n, present=present)
    for g in range(GOALS):
        goal = await services.plans.add_goal(
            owner, family_id, list(Area)[g % len(Area)], f"Cel {g}: spłata zadłużenia"
        )
        task = await services.plans.add_task(
            owner, goal.id, f"Zadanie {g}", TaskOwner.assistant(), independence=Independence.SHOWN
        )
        await services.plans.change_independence(owner, task.id, Independence.TOGETHER)
        await services.plans.add_progress_note(owner, goal.id, "Postęp: pierwsza rata wpłacona.")


async def _time(runs: int, work: Callable[[], Awaitable[bytes]]) -> tuple[float, int]:
    """Median milliseconds of `runs` documents, and the size of the last one."""
    timings, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = len(await work())
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), size


async def measure(runs: int) -> dict[str, Any]:
    """Median times of the dossier and the team report (PDF and XLSX)."""
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            _env_file=None,
            telegram_bot_token="123456:TEST-TOKEN",
            database_path=Path(folder) / "bench.sqlite3",
            admin_telegram_ids="1",
        )
        db = await Database.open(settings.database_path)
        try:
            await db.migrate()
            services = Services.build(settings, db)
            await build(services, db)
            tr = translator("pl")
            month = Month.of(services.clock.today())

            async def dossier() -> bytes:
                return dossier_pdf(tr, await services.dossiers.dossier(ADMIN, "R-0000"))

            async def team_as_pdf() -> bytes:
                return team_pdf(tr, await services.reports.team_report(ADMIN, month))

            async def team_as_xlsx() -> bytes:
                return team_xlsx(tr, await services.reports.team_report(ADMIN, month))

            dossier_ms, dossier_bytes = await _time(runs, dossier)
            team_pdf_ms, team_pdf_bytes = await _time(runs, team_as_pdf)
            team_xlsx_ms, team_xlsx_bytes = await _time(runs, team_as_xlsx)
        finally:
            await db.close()
    return {
        "benchmark": "documents",
        "runs": runs,
        "dossier_visits": VISITS,
        "dossier_goals": GOALS,
        "dossier_median_ms": round(dossier_ms, 1),
        "dossier_bytes": dossier_bytes,
        "team_assistants": ASSISTANTS,
        "team_pdf_median_ms": round(team_pdf_ms, 1),
        "team_pdf_bytes": team_pdf_bytes,
        "team_xlsx_median_ms": round(team_xlsx_ms, 1),
        "team_xlsx_bytes": team_xlsx_bytes,
        "within_budget": max(dossier_ms, team_pdf_ms, team_xlsx_ms) <= BUDGET_MS,
    }


def main() -> None:
    """Print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.runs))))


if __name__ == "__main__":
    main()
