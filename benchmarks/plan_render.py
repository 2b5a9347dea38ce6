"""`/plan` render time for a 60-goal plan: the service read, plan_lines and split_lines.

Builds the plan through the real services in a temporary SQLite file (60 goals over every
area, 3 tasks each, full-length texts with characters that need escaping, progress notes),
then times whole renders, in a heap settled as the bot's is once started (app.settle_heap).
Usage: python -m benchmarks.plan_render [--runs N]. One JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import settle_heap
from bot.config import load_settings
from bot.domain.family import Member, NewFamily
from bot.domain.people import Actor
from bot.domain.plan import GOAL_TEXT_MAX, TASK_TEXT_MAX, Independence, TaskOwner
from bot.domain.vocabulary import Area, MemberRole
from bot.i18n import translator
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository
from bot.ui.plan_view import plan_lines
from bot.ui.text import split_lines

GOALS = 60
TASKS_PER_GOAL = 3
ASSISTANT = Actor(telegram_id=1001, is_assistant=True)


def _text(seed: str, limit: int) -> str:
    """A full-length text with markup-looking characters, as a hostile user might type."""
    base = f"{seed}: rent & bills <b>not bold</b> 🙂 "
    return (base * (limit // len(base) + 1))[:limit]


async def build_plan(services: Services, db: Database) -> None:
    """One family with a 60-goal plan, 3 tasks per goal and a progress note on every goal."""
    now = datetime.now(UTC)
    await PeopleRepository(db).add_assistant(ASSISTANT.telegram_id, "Assistant", now)
    family = NewFamily(
        code="R-01",
        members=[
            Member(name="Anna", role=MemberRole.MOTHER),
            Member(name="Kuba", role=MemberRole.CHILD),
        ],
    )
    family_id, _ = await services.families.register(ASSISTANT, family)
    members = (await services.families.peek(ASSISTANT, family_id)).members
    plans = services.plans
    areas = list(Area)
    due = services.clock.today() + timedelta(days=90)
    for n in range(GOALS):
        goal = await plans.add_goal(
            ASSISTANT,
            family_id,
            areas[n % len(areas)],
            _text(f"goal {n}", GOAL_TEXT_MAX),
            expected_effect=_text("effect", GOAL_TEXT_MAX),
            due=due,
        )
        owners = [
            TaskOwner.member(members[n % len(members)].id),
            TaskOwner.assistant(),
            TaskOwner.of_institution("PUP & MOPS"),
        ]
        for k in range(TASKS_PER_GOAL):
            await plans.add_task(
                ASSISTANT,
                goal.id,
                _text(f"task {n}.{k}", TASK_TEXT_MAX),
                owners[k % len(owners)],
                due=due,
                independence=list(Independence)[n % len(Independence)],
            )
        await plans.add_progress_note(ASSISTANT, goal.id, "progress")
    await plans.add_resource(ASSISTANT, family_id, "Grandmother helps with the children")


async def measure(runs: int) -> dict[str, Any]:
    """Median and p99 of a whole `/plan` render, in milliseconds."""
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            _env_file=None,
            telegram_bot_token="123456:TEST-TOKEN",
            database_path=Path(folder) / "bench.sqlite3",
        )
        db = await Database.open(settings.database_path)
        try:
            await db.migrate()
            services = Services.build(settings, db)
            await build_plan(services, db)
            tr = translator("pl")
            settle_heap()  # as the bot does once started (app.prepare)
            timings: list[float] = []
            messages = 0
            for _ in range(runs):
                started = time.perf_counter()
                view = await services.plans.plan_for(ASSISTANT, "R-01", include_closed=True)
                messages = len(split_lines(plan_lines(tr, view, services.clock.today())))
                timings.append((time.perf_counter() - started) * 1000)
        finally:
            await db.close()
    percentiles = statistics.quantiles(timings, n=100, method="inclusive")
    return {
        "benchmark": "plan_render",
        "goals": GOALS,
        "tasks": GOALS * TASKS_PER_GOAL,
        "runs": runs,
        "messages": messages,
        "median_ms": round(statistics.median(timings), 2),
        "p99_ms": round(percentiles[98], 2),
    }


def main() -> None:
    """Print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.runs))))


if __name__ == "__main__":
    main()
