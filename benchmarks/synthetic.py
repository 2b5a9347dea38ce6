"""Reproducible synthetic data for benchmarks: assistants, families, members, visits.

Usage: python -m benchmarks.synthetic PATH [--families N] [--visits-per-family N]
[--appointments N] [--seed S]
Prints one JSON line with the counts and the time taken. Bulk SQL lives here, not in bot/,
because only benchmarks need to write millions of rows at once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.domain.appointment import Institution
from bot.domain.vocabulary import Activity, Area, MemberRole, Place
from bot.storage.db import Database

FAMILIES_PER_ASSISTANT = 12
NATIONAL_FAMILIES = 60_000
NATIONAL_VISITS = 3_000_000
NATIONAL_APPOINTMENTS = 200_000
APPOINTMENT_SPREAD_DAYS = 180  # appointments fall within half a year either side of today
UNANSWERED_SHARE = 0.1  # past appointments whose outcome was never recorded
BATCH = 20_000
LEVELS = ("shown", "together", "supported", "alone")
NAMES = ["Anna", "Jan", "Ola", "Tomek", "Zosia", "Kuba", "Ewa", "Piotr", "Ala", "Marek"]


async def generate(
    path: Path,
    *,
    families: int,
    visits_per_family: int,
    seed: int = 7,
    key: str | None = None,
    today: date = date(2026, 11, 23),
    appointments: int = 0,
) -> dict[str, int]:
    """Fill a fresh database at `path`; return what was written (appointments only if asked)."""
    rng = random.Random(seed)
    db = await Database.open(path, key)
    try:
        await db.migrate()
        now = datetime.now(UTC).isoformat()
        assistants = max(1, families // FAMILIES_PER_ASSISTANT)
        async with db.write() as conn:
            await conn.executemany(
                "INSERT INTO assistants (telegram_id, display_name, joined_at) VALUES (?, ?, ?)",
                [(10_000 + a, f"Assistant {a}", now) for a in range(assistants)],
            )
            await conn.executemany(
                "INSERT INTO families (id, code, label, assistant_id, visits_per_week, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (f, f"R-{f:06d}", None, 10_000 + f % assistants, rng.choice((1, 2)), now)
                    for f in range(1, families + 1)
                ],
            )
            members = [
                (f, rng.choice(NAMES), rng.choice(list(MemberRole)).value, None, i)
                for f in range(1, families + 1)
                for i in range(rng.randint(1, 6))
            ]
            await conn.executemany(
                "INSERT INTO members (family_id, name, role, birth_year, position) "
                "VALUES (?, ?, ?, ?, ?)",
                members,
            )
        goals = await _plans_and_goals(db, rng, families, assistants, today=today, now=now)
        written = 0
        total = families * visits_per_family
        while written < total:
            rows = []
            for n in range(written, min(total, written + BATCH)):
                family = n % families + 1
                day = today - timedelta(days=rng.randint(0, 730))
                rows.append(
                    (
                        family,
                        10_000 + family % assistants,
                        day.isoformat(),
                        rng.choice((45, 60, 90, 120)),
                        rng.choice(list(Place)).value,
                        "Synthetic note " * rng.randint(1, 20),
                        f"synthetic-{seed}-{n}",
                        now,
                    )
                )
            async with db.write() as conn:
                await conn.executemany(
                    "INSERT INTO visits (family_id, assistant_id, kind, visit_date, duration_min, "
                    "place, note, draft_token, created_at) "
                    "VALUES (?, ?, 'completed', ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                first = await (await conn.execute("SELECT max(id) FROM visits")).fetchone()
                last_id = int(next(iter(first.values())))  # type: ignore[union-attr]
                ids = range(last_id - len(rows) + 1, last_id + 1)
                await conn.executemany(
                    "INSERT INTO visit_areas (visit_id, area) VALUES (?, ?)",
                    [(v, rng.choice(list(Area)).value) for v in ids],
                )
                await conn.executemany(
                    "INSERT INTO visit_activities (visit_id, activity) VALUES (?, ?)",
                    [(v, rng.choice(list(Activity)).value) for v in ids],
                )
            written += len(rows)
        counts = {
            "assistants": assistants,
            "families": families,
            "members": len(members),
            "visits": written,
            "goals": goals,
        }
        if appointments:
            counts["appointments"] = await _appointments(
                db, rng, appointments, families, assistants, today=today
            )
        return counts
    finally:
        await db.close()


async def _plans_and_goals(
    db: Database, rng: random.Random, families: int, assistants: int, *, today: date, now: str
) -> int:
    """Every family gets a plan with 1–4 goals of 0–3 tasks each; returns the goal count."""
    plans = [
        (f, f, (today - timedelta(days=rng.randint(0, 700))).isoformat(), 10_000 + f % assistants)
        for f in range(1, families + 1)
    ]
    goals = []
    tasks = []
    for family, plan, _started, author in plans:
        for _ in range(rng.randint(1, 4)):
            goal_id = len(goals) + 1
            status = rng.choice(("planned", "in_progress", "in_progress", "achieved"))
            goals.append(
                (
                    goal_id,
                    family,
                    plan,
                    rng.choice(list(Area)).value,
                    "Synthetic goal",
                    status,
                    author,
                    now,
                )
            )
            tasks += [
                (
                    goal_id,
                    "Synthetic task",
                    rng.choice(("shown", "together", "supported", "alone")),
                    author,
                    now,
                )
                for _ in range(rng.randint(0, 3))
            ]
    async with db.write() as conn:
        await conn.executemany(
            "INSERT INTO plans (id, family_id, started_on, created_by, created_at) "
            "VALUES (?, ?, ?, ?, '" + now + "')",
            plans,
        )
        await conn.executemany(
            "INSERT INTO goals (id, family_id, plan_id, area, text, status, created_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            goals,
        )
        await conn.executemany(
            "INSERT INTO tasks (goal_id, text, owner_kind, independence, created_by, created_at) "
            "VALUES (?, ?, 'assistant', ?, ?, ?)",
            tasks,
        )
    return len(goals)


async def _appointments(
    db: Database, rng: random.Random, count: int, families: int, assistants: int, *, today: date
) -> int:
    """Appointments within half a year of today: past ones mostly closed, the rest scheduled."""
    noon = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=11)
    written = 0
    while written < count:
        rows = []
        for _ in range(min(BATCH, count - written)):
            family = rng.randint(1, families)
            starts = noon + timedelta(
                days=rng.randint(-APPOINTMENT_SPREAD_DAYS, APPOINTMENT_SPREAD_DAYS),
                minutes=rng.randrange(-180, 360, 15),
            )
            made = starts - timedelta(days=rng.randint(1, 30))
            past = starts < noon
            status = "scheduled"
            if past and rng.random() >= UNANSWERED_SHARE:
                status = rng.choice(("attended", "attended", "not_attended", "cancelled"))
            rows.append(
                (
                    family,
                    10_000 + family % assistants,
                    rng.choice(list(Institution)).value,
                    starts.isoformat(timespec="microseconds"),
                    rng.randint(0, 1),
                    "Synthetic purpose",
                    status,
                    made.isoformat(timespec="microseconds"),
                )
            )
        async with db.write() as conn:
            await conn.executemany(
                "INSERT INTO appointments (family_id, assistant_id, institution, starts_at, "
                "accompany, purpose, status, scheduled_at, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?8, ?8)",
                rows,
            )
        written += len(rows)
    return written


def main() -> None:
    """Generate a database and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--families", type=int, default=NATIONAL_FAMILIES)
    parser.add_argument(
        "--visits-per-family", type=int, default=NATIONAL_VISITS // NATIONAL_FAMILIES
    )
    parser.add_argument("--appointments", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--key", default=None)
    args = parser.parse_args()
    if args.path.exists():
        parser.error(f"{args.path} exists; give a new file")
    started = time.perf_counter()
    counts = asyncio.run(
        generate(
            args.path,
            families=args.families,
            visits_per_family=args.visits_per_family,
            seed=args.seed,
            key=args.key,
            appointments=args.appointments,
        )
    )
    counts_line = {
        "benchmark": "synthetic",
        **counts,
        "seconds": round(time.perf_counter() - started, 2),
    }
    print(json.dumps(counts_line))


if __name__ == "__main__":
    main()
