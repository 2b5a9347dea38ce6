"""One reminder-scheduler tick over a national-scale database and over a tenth of it.

Builds each database with benchmarks.synthetic (60,000 families, 3 million visits, 200,000
appointments; then a tenth), gives a third of the goals and tasks a due date around today,
and times `ReminderService.tick` on a Monday at 08:00 in Warsaw: the first tick computes every
assistant's morning batch at once (the day's worst minute), the next one a minute later finds
it done (every other minute of the day). Usage: python -m benchmarks.scheduler_tick
[--scale 1.0] [--keep DIR]. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.synthetic import (
    NATIONAL_APPOINTMENTS,
    NATIONAL_FAMILIES,
    NATIONAL_VISITS,
    generate,
)
from bot.config import load_settings
from bot.services.clock import Clock
from bot.services.registry import Services
from bot.storage.db import Database

TODAY = date(2026, 11, 23)  # a Monday, the synthetic data's "today"
TICK_AT = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 08:00 in Warsaw, after the 07:30 digest


class FixedClock(Clock):
    """The benchmark's Monday morning, whatever the machine's date."""

    def now(self) -> datetime:
        """Always the tick's instant."""
        return TICK_AT


async def _due_dates(db: Database) -> None:
    """A third of goals and tasks get a due date within a fortnight either side of today."""
    async with db.write() as conn:
        await conn.execute(
            "UPDATE goals SET due = date(?, ((id * 7) % 29 - 14) || ' days') WHERE id % 3 = 0",
            (TODAY.isoformat(),),
        )
        await conn.execute(
            "UPDATE tasks SET due = date(?, ((id * 5) % 29 - 14) || ' days') WHERE id % 3 = 0",
            (TODAY.isoformat(),),
        )


async def measure(folder: Path, families: int, visits: int, appointments: int) -> dict[str, Any]:
    """Generate one database and time a first and a second tick on it."""
    path = folder / f"tick-{families}.sqlite3"
    started = time.perf_counter()
    counts = await generate(
        path,
        families=families,
        visits_per_family=max(1, visits // families),
        appointments=appointments,
        today=TODAY,
    )
    settings = load_settings(
        _env_file=None, telegram_bot_token="123456:TEST-TOKEN", database_path=path
    )
    db = await Database.open(path)
    try:
        await _due_dates(db)
        generated = time.perf_counter() - started
        services = Services.build(settings, db, FixedClock(settings.tz))
        began = time.perf_counter()
        queued = await services.reminders.tick(TICK_AT)
        first = time.perf_counter() - began
        began = time.perf_counter()
        again = await services.reminders.tick(TICK_AT + timedelta(minutes=1))
        second = time.perf_counter() - began
    finally:
        await db.close()
    return {
        **counts,
        "generate_s": round(generated, 1),
        "first_tick_s": round(first, 3),
        "first_tick_queued": queued,
        "next_tick_s": round(second, 3),
        "next_tick_queued": again,
    }


async def run(scale: float, keep: Path | None) -> dict[str, Any]:
    """Both sizes, national first."""
    national = (
        round(NATIONAL_FAMILIES * scale),
        round(NATIONAL_VISITS * scale),
        round(NATIONAL_APPOINTMENTS * scale),
    )
    sizes = {
        "national": national,
        "tenth": (max(1, national[0] // 10), max(1, national[1] // 10), max(1, national[2] // 10)),
    }
    results: dict[str, Any] = {"benchmark": "scheduler_tick"}
    with tempfile.TemporaryDirectory() as scratch:
        folder = keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for name, (families, visits, appointments) in sizes.items():
            results[name] = await measure(folder, families, visits, appointments)
    return results


def main() -> None:
    """Print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is national scale")
    parser.add_argument("--keep", type=Path, default=None, help="keep the databases here")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.scale, args.keep))))


if __name__ == "__main__":
    main()
