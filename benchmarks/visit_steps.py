"""Steps (taps and typed messages) from the command to the confirmation of a /visit walk.

Through the real Application and the offline Telegram fake (tests/support): a first visit to
a family (the picker shown, every choice made by hand) and a repeat visit like the last one
(`/wizyta R-01`: the last visit's length, place, people, areas and activities pre-selected,
a new note typed, next steps skipped). Usage: python -m benchmarks.visit_steps. One JSON line.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.config import load_settings
from bot.domain.family import Member, NewFamily
from bot.domain.vocabulary import MemberRole
from tests.support.harness import ADMIN_ID, BotHarness
from tests.support.updates import UserSim

Step = tuple[str, str]
FIRST_VISIT: tuple[Step, ...] = (
    ("send", "/wizyta"),
    ("press", "R-01"),
    ("press", "Today"),
    ("press", "90 min"),
    ("press", "Family's home"),
    ("press", "Anna"),
    ("press", "Done"),
    ("press", "Housing"),
    ("press", "Done"),
    ("press", "Motivational talk"),
    ("press", "Done"),
    ("send", "Rent paid; we wrote the letter to the housing office together."),
    ("press", "Skip"),
    ("press", "Save"),
)
REPEAT_VISIT: tuple[Step, ...] = (
    ("send", "/wizyta R-01"),
    ("press", "Today"),
    ("press", "✅ 90 min"),
    ("press", "✅ Family's home"),
    ("press", "Done"),
    ("press", "Done"),
    ("press", "Done"),
    ("send", "The office answered; next, the school."),
    ("press", "Skip"),
    ("press", "Save"),
)


async def walk(sim: UserSim, steps: tuple[Step, ...]) -> int:
    """Take the steps; return how many there were."""
    for kind, arg in steps:
        await (sim.send(arg) if kind == "send" else sim.press(arg))
    return len(steps)


async def count(folder: Path) -> dict[str, Any]:
    """Both walks on a fresh database; the figures and what the two visits saved."""
    settings = load_settings(
        _env_file=None,
        telegram_bot_token="123456:TEST-TOKEN",
        database_path=folder / "steps.sqlite3",
        admin_telegram_ids=str(ADMIN_ID),
    )
    harness = BotHarness(settings)
    await harness.start()
    try:
        sim = await harness.assistant(language_code="en")
        assert harness.services is not None
        actor = await harness.services.membership.actor(sim.user_id)
        anna = [Member(name="Anna", role=MemberRole.MOTHER)]
        for code in ("R-01", "R-02"):  # two families: the first visit shows the picker
            await harness.services.families.register(actor, NewFamily(code=code, members=anna))
        first = await walk(sim, FIRST_VISIT)
        repeat = await walk(sim, REPEAT_VISIT)
        _, visits = await harness.services.visits.recent(actor, "R-01")
        same = [(v.duration_min, v.place, v.present, v.areas, v.activities) for v in visits]
        return {
            "first_visit_steps": first,
            "repeat_visit_steps": repeat,
            "visits_saved": len(visits),
            "repeat_same_as_first": len(same) == 2 and same[0] == same[1],
            "telegram_errors": len(harness.fake.errors),
        }
    finally:
        await harness.close()


def main() -> None:
    """Print the step counts as one JSON line."""
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(asyncio.run(count(Path(folder)))))


if __name__ == "__main__":
    main()
