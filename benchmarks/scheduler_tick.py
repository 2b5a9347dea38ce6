"""One reminder-scheduler tick over a national-scale database and over a tenth of it.

Builds each database with benchmarks.synthetic (60,000 families, 3 million visits, 200,000
appointments; then a tenth), gives a third of the goals and tasks a due date around today,
and times `ReminderService.tick` on a Monday at 08:00 in Warsaw: the first tick computes every
assistant's morning batch at once (the day's worst minute), the next one a minute later finds
it done (every other minute of the day). The first tick stores each assistant's morning as one
batch of inputs, which the dispatcher expands into outbox rows when it reaches it (at 25
messages a second a national morning takes an hour to send): that work is timed too, after the
ticks, batch by batch as the dispatcher does it (`expand_*`; `first_tick_rows_expanded` is what
the tick and the expansions stored together). Usage: python -m benchmarks.scheduler_tick
[--scale 1.0] [--keep DIR]. With --keep the generated databases are kept in DIR and reused by
the next run (each run ticks a fresh copy, so every run starts from the same untouched data;
`generate_s` is then the figure of the run that built it). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
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
from bot.services.morning_batches import expand
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


async def _build(path: Path, families: int, visits: int, appointments: int) -> dict[str, Any]:
    """Generate one database with its due dates; its counts and the time it took."""
    started = time.perf_counter()
    counts = await generate(
        path,
        families=families,
        visits_per_family=max(1, visits // families),
        appointments=appointments,
        today=TODAY,
    )
    db = await Database.open(path)
    try:
        await _due_dates(db)
    finally:
        await db.close()
    return {**counts, "generate_s": round(time.perf_counter() - started, 1)}


async def measure(folder: Path, families: int, visits: int, appointments: int) -> dict[str, Any]:
    """Generate one database (or reuse a kept one) and time a first and a second tick on it."""
    pristine = folder / f"tick-{families}.sqlite3"
    about = pristine.with_suffix(".json")
    if pristine.exists() and about.exists():
        counts = json.loads(about.read_text())
        kept = await Database.open(pristine)
        try:
            await kept.migrate()  # once for every later run, outside the timing
        finally:
            await kept.close()
    else:
        pristine.unlink(missing_ok=True)
        counts = await _build(pristine, families, visits, appointments)
        about.write_text(json.dumps(counts))
    path = folder / f"tick-{families}-run.sqlite3"
    _fresh_copy(pristine, path)
    settings = load_settings(
        _env_file=None, telegram_bot_token="123456:TEST-TOKEN", database_path=path
    )
    db = await Database.open(path)
    try:
        await db.migrate()  # a kept database may come from older code, like a bot's start
        services = Services.build(settings, db, FixedClock(settings.tz))
        lock = db._write_lock = WatchedLock()
        stalls = asyncio.ensure_future(_longest_stall())
        began = time.perf_counter()
        queued = await services.reminders.tick(TICK_AT)
        first = time.perf_counter() - began
        stalls.cancel()
        first_write, first_stall = lock.longest, await stalls
        lock.longest = 0.0
        began = time.perf_counter()
        again = await services.reminders.tick(TICK_AT + timedelta(minutes=1))
        second = time.perf_counter() - began
        next_write = lock.longest
        rows = await _count(db, "SELECT count(*) AS n FROM outbox")
        expansion = await _expand_all(services, lock)
    finally:
        await db.close()
    _remove(path)
    return {
        **counts,
        "first_tick_s": round(first, 3),
        "first_tick_queued": queued,
        "next_tick_s": round(second, 3),
        "next_tick_queued": again,
        # How long a chat update could wait during the first tick: for the write lock (the
        # longest write transaction), and for a turn of the event loop (the longest stretch
        # of computing between two awaits, give or take a millisecond of the probe's own).
        "first_tick_longest_write_ms": round(first_write * 1000, 1),
        "first_tick_longest_stall_ms": round(first_stall * 1000, 1),
        "next_tick_longest_write_ms": round(next_write * 1000, 1),
        "first_tick_rows": rows,
        **expansion,
        "first_tick_rows_expanded": rows + expansion["expand_rows"],
    }


async def _count(db: Database, sql: str) -> int:
    """A count(*) AS n."""
    row = await db.fetch_one(sql)
    return 0 if row is None else int(row["n"])


async def _expand_all(services: Services, lock: WatchedLock) -> dict[str, Any]:
    """Expand every stored morning batch one by one, as the dispatcher does; its figures."""
    outbox = services.reminders.reminders
    later = TICK_AT + timedelta(hours=1)
    lock.longest = 0.0
    stalls = asyncio.ensure_future(_longest_stall())
    times: list[float] = []
    stored = 0
    while (batch := await outbox.waiting_batch(later)) is not None:
        began = time.perf_counter()
        stored += await expand(outbox, batch, later)
        times.append(time.perf_counter() - began)
    stalls.cancel()
    stall = await stalls
    times.sort()
    return {
        "expand_batches": len(times),
        "expand_rows": stored,
        "expand_total_s": round(sum(times), 3),
        "expand_one_ms_p50": round(times[len(times) // 2] * 1000, 2) if times else 0.0,
        "expand_one_ms_max": round(times[-1] * 1000, 2) if times else 0.0,
        "expand_longest_write_ms": round(lock.longest * 1000, 1),
        "expand_longest_stall_ms": round(stall * 1000, 1),
    }


def _fresh_copy(pristine: Path, path: Path) -> None:
    """A copy of the kept database to tick, written to disk before the clock starts.

    Unsynced, the copy's gigabyte would be written out by the tick's first checkpoint.
    """
    _remove(path)
    shutil.copyfile(pristine, path)  # closed cleanly: no -wal to copy with it
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove(path: Path) -> None:
    """A database file and its -wal and -shm."""
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()


class WatchedLock(asyncio.Lock):
    """The database's write lock, remembering the longest time it was held."""

    longest = 0.0
    _since = 0.0

    async def acquire(self) -> bool:
        """Take the lock and note when."""
        taken = await super().acquire()
        self._since = time.perf_counter()
        return taken

    def release(self) -> None:
        """Give the lock back and keep the longest hold."""
        self.longest = max(self.longest, time.perf_counter() - self._since)
        super().release()


async def _longest_stall(every: float = 0.005) -> float:
    """Until cancelled: the longest a timer waiting `every` seconds came late (seconds)."""
    worst = 0.0
    try:
        while True:
            began = time.perf_counter()
            await asyncio.sleep(every)
            worst = max(worst, time.perf_counter() - began - every)
    except asyncio.CancelledError:
        return worst


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
