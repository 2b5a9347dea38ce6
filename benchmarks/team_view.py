"""`/team` render time for a centre of 40 assistants × 15 families with a year of visits.

Fills a temporary SQLite file (two visits a week per family for a year, a plan with goals
and tasks, an assessment, appointments, a year of access-log rows), then times whole renders
as the handler does them: the service read (with its audit rows), overview_lines, the
buttons and split_lines, in a heap settled as the bot's is once started (app.settle_heap).
Usage: python -m benchmarks.team_view [--runs N]. One JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import settle_heap
from bot.config import load_settings
from bot.domain.people import Actor
from bot.i18n import translator
from bot.services.registry import Services
from bot.storage.db import Database
from bot.ui.team_views import overview_buttons, overview_lines
from bot.ui.text import split_lines

ASSISTANTS = 40
FAMILIES_EACH = 15
DAYS = 365
TODAY = date(2026, 11, 25)
ADMIN_ID = 500


async def fill(db: Database, rng: random.Random) -> dict[str, int]:
    """The centre: people, families, a year of visits, plans, assessments, appointments."""
    now = datetime(2025, 11, 25, 9, tzinfo=UTC).isoformat()
    people = [(10_000 + a, f"Asystent {a:02d} <&>", now) for a in range(ASSISTANTS)]
    families = [
        (f, f"R-{f:03d}", 10_000 + (f - 1) // FAMILIES_EACH, rng.choice((1, 2)), now)
        for f in range(1, ASSISTANTS * FAMILIES_EACH + 1)
    ]
    visits, log = [], []
    for family, _, assistant, _, _ in families:
        for week in range(DAYS // 7):
            for _ in range(2):
                day = TODAY - timedelta(days=week * 7 + rng.randint(0, 6))
                kind = "missed" if rng.random() < 0.1 else "completed"
                token = f"v{len(visits)}"
                visits.append((family, assistant, kind, day.isoformat(), 60, token, now))
                stamp = datetime.combine(day, datetime.min.time(), tzinfo=UTC).isoformat()
                log.append((stamp, assistant, "visit.record", family))
    async with db.write() as conn:
        await conn.executemany(
            "INSERT INTO assistants (telegram_id, display_name, joined_at) VALUES (?, ?, ?)",
            [*people, (ADMIN_ID, "Admin", now)],
        )
        await conn.executemany(
            "INSERT INTO families (id, code, assistant_id, visits_per_week, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            families,
        )
        await conn.executemany(
            "INSERT INTO visits (family_id, assistant_id, kind, visit_date, duration_min, "
            "draft_token, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            visits,
        )
        await conn.executemany(
            "INSERT INTO access_log (at, actor_id, action, family_id) VALUES (?, ?, ?, ?)", log
        )
        for family, _, assistant, _, _ in families:
            started = TODAY - timedelta(days=rng.randint(30, 400))
            plan = await conn.execute(
                "INSERT INTO plans (family_id, started_on, created_by, created_at) "
                "VALUES (?, ?, ?, ?)",
                (family, started.isoformat(), assistant, now),
            )
            for goal_number in range(4):
                goal = await conn.execute(
                    "INSERT INTO goals (plan_id, family_id, area, text, due, created_by, "
                    "created_at) VALUES (?, ?, 'housing', 'g', ?, ?, ?)",
                    (
                        plan.lastrowid,
                        family,
                        (TODAY + timedelta(days=rng.randint(-60, 60))).isoformat(),
                        assistant,
                        now,
                    ),
                )
                await conn.execute(
                    "INSERT INTO tasks (goal_id, text, owner_kind, due, created_by, created_at) "
                    "VALUES (?, 't', 'assistant', ?, ?, ?)",
                    (goal.lastrowid, (TODAY - timedelta(days=goal_number)).isoformat(), 1, now),
                )
            await conn.execute(
                "INSERT INTO assessments (family_id, day, summary, author_id, created_at) "
                "VALUES (?, ?, 's', ?, ?)",
                (family, (started + timedelta(days=170)).isoformat(), assistant, now),
            )
            await conn.execute(
                "INSERT INTO appointments (family_id, assistant_id, institution, starts_at, "
                "accompany, purpose, status, scheduled_at, created_at) "
                "VALUES (?, ?, 'ops', ?, 0, 'p', 'scheduled', ?, ?)",
                (family, assistant, f"{TODAY + timedelta(days=3)}T09:00:00+00:00", now, now),
            )
    return {"assistants": ASSISTANTS, "families": len(families), "visits": len(visits)}


async def measure(runs: int) -> dict[str, Any]:
    """Median and p99 of a whole `/team` render, in milliseconds, and its message count."""
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            _env_file=None,
            telegram_bot_token="123456:BENCH",
            database_path=Path(folder) / "bot.sqlite3",
            admin_telegram_ids=str(ADMIN_ID),
        )
        db = await Database.open(settings.database_path)
        try:
            await db.migrate()
            counts = await fill(db, random.Random(7))
            services = Services.build(settings, db)
            admin = Actor(telegram_id=ADMIN_ID, is_admin=True, is_assistant=True)
            tr = translator("pl")
            settle_heap()  # as the bot does once started (app.prepare)
            timings: list[float] = []
            messages: list[str] = []
            for _ in range(runs):
                started = time.perf_counter()
                figures = await services.team.overview(admin)
                lines = overview_lines(tr, figures, services.clock.today(), settings.tz)
                overview_buttons(tr, figures)
                messages = split_lines(lines)
                timings.append((time.perf_counter() - started) * 1000)
        finally:
            await db.close()
    percentiles = statistics.quantiles(timings, n=100, method="inclusive")
    return {
        "benchmark": "team_view",
        **counts,
        "runs": runs,
        "messages": len(messages),
        "characters": sum(len(m) for m in messages),
        "median_ms": round(statistics.median(timings), 2),
        "p99_ms": round(percentiles[98], 2),
        "limit_p99_ms": 50,
    }


def main() -> None:
    """Print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.runs))))


if __name__ == "__main__":
    main()
