"""Updates per second through the real Application: complete /visit walks vs a bare echo bot.

Both run in-process against the offline Telegram fake (tests/support), on the same machine in
the same run, so their ratio says how much our handlers, persistence and SQLite cost on top of
PTB itself. Only `Application.process_update` is timed, for both: building the update (and,
for a press, finding the button in the fake's chat history) is the simulated user's work, not
the bot's. Walks and echo updates take turns, a walk's worth each, so a neighbour's load
on the machine falls on both alike; the first turn warms up and is not counted.

Every walk records a whole visit (people, area, activity, note). The first, a first visit,
ticks them; from then on they come ticked like the last visit, as an assistant's next visit
does, so a toggle is pressed only when it is not ticked (pressing it would untick it and save
an empty visit): the walks counted are repeat visits of ten updates. The visits saved are
checked at the end.
Usage: python -m benchmarks.conversation_throughput [--walks N]. One JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import settle_heap
from bot.config import load_settings
from bot.domain.family import Member, NewFamily
from bot.domain.vocabulary import MemberRole
from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import ADMIN_ID, BotHarness
from tests.support.updates import UserSim

WALK = (
    ("send", "/visit R-01"),
    ("press", "Today"),
    ("press", "90 min"),
    ("press", "Family's home"),
    ("tick", "Anna"),
    ("press", "Done"),
    ("tick", "Housing"),
    ("press", "Done"),
    ("tick", "Motivational talk"),
    ("press", "Done"),
    ("send", "A note about the visit, with <b>tags</b> & ampersands."),
    ("press", "Skip"),
    ("press", "Save"),
)


async def _timed(sim: UserSim, update: Update) -> float:
    """Seconds the application takes over one update."""
    started = time.perf_counter()
    await sim.process(update)
    return time.perf_counter() - started


async def _visit_bot(folder: Path) -> tuple[BotHarness, UserSim]:
    """Our bot with an assistant who has one family, R-01 (Anna)."""
    settings = load_settings(
        _env_file=None,
        telegram_bot_token="123456:TEST-TOKEN",
        database_path=folder / "bench.sqlite3",
        admin_telegram_ids=str(ADMIN_ID),
    )
    harness = BotHarness(settings)
    await harness.start()
    sim = await harness.assistant(language_code="en")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = NewFamily(code="R-01", members=[Member(name="Anna", role=MemberRole.MOTHER)])
    await harness.services.families.register(actor, family)
    return harness, sim


async def _walk(harness: BotHarness, sim: UserSim) -> list[float]:
    """One complete /visit walk; each update's seconds."""
    timings = []
    for kind, arg in WALK:
        if kind == "tick" and _ticked(harness, sim, arg):
            continue
        if kind == "send":
            update = sim.message_update(arg)
        else:
            update = sim.callback_update(*harness.fake.button(sim.chat_id, arg))
        timings.append(await _timed(sim, update))
    harness.fake.calls.clear()  # keep the fake's memory flat over long runs
    return timings


def _ticked(harness: BotHarness, sim: UserSim, toggle: str) -> bool:
    """Whether the question shows the toggle ticked already."""
    try:
        harness.fake.button(sim.chat_id, f"✅ {toggle}")
    except AssertionError:
        return False
    return True


async def _check_visits(harness: BotHarness, sim: UserSim, walks: int) -> None:
    """Every walk saved a whole visit, not one its presses emptied."""
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    _, visits = await harness.services.visits.recent(actor, "R-01", limit=walks)
    whole = [v for v in visits if v.present and v.areas and v.activities and v.note]
    if len(visits) != walks or len(whole) != walks:
        raise SystemExit(f"{walks} walks saved {len(visits)} visits, {len(whole)} of them whole")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The whole of the bare bot: say the text back."""
    assert update.message is not None
    await update.message.reply_text(update.message.text or "")


def _echo_bot() -> tuple[Any, UserSim]:
    """A bare PTB echo bot on a fake of its own."""
    fake = FakeTelegram()
    app: Any = (
        (ApplicationBuilder().token("123456:TEST-TOKEN").request(fake).get_updates_request(fake))
        .updater(None)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    return app, UserSim(app, fake, 1001)


async def _echoes(sim: UserSim, count: int) -> list[float]:
    """As many echo updates as a walk has; each update's seconds."""
    timings = [await _timed(sim, sim.message_update(f"echo {n}")) for n in range(count)]
    sim.fake.calls.clear()
    return timings


async def run(walks: int, folder: Path) -> tuple[list[float], list[float]]:
    """Walks and echoes in turn (one of each to warm up), so both meet the same load."""
    harness, visit_sim = await _visit_bot(folder)
    echo_app, echo_sim = _echo_bot()
    await echo_app.initialize()
    settle_heap()  # as the bot does once started (app.prepare); the echo's heap with it
    visit: list[float] = []
    echo: list[float] = []
    try:
        for walk in range(walks + 1):
            walk_timings = await _walk(harness, visit_sim)
            echo_timings = await _echoes(echo_sim, len(walk_timings))
            if walk:
                visit += walk_timings
                echo += echo_timings
        await _check_visits(harness, visit_sim, walks + 1)
    finally:
        await echo_app.shutdown()
        await harness.close()
    return visit, echo


def _figures(timings: list[float]) -> dict[str, float]:
    """Updates per second, and the median and 99th-percentile update in milliseconds."""
    percentiles = statistics.quantiles(timings, n=100, method="inclusive")
    return {
        "updates_per_s": round(len(timings) / sum(timings), 1),
        "p50_ms": round(statistics.median(timings) * 1000, 3),
        "p99_ms": round(percentiles[98] * 1000, 3),
    }


async def measure(walks: int) -> dict[str, Any]:
    """Both figures and their ratio."""
    with tempfile.TemporaryDirectory() as folder:
        visit, echo = await run(walks, Path(folder))
    visit_figures, echo_figures = _figures(visit), _figures(echo)
    ratio = visit_figures["updates_per_s"] / echo_figures["updates_per_s"]
    return {
        "benchmark": "conversation_throughput",
        "walks": walks,
        "updates": len(visit),
        "updates_per_walk": len(visit) // walks,
        "visit": visit_figures,
        "echo": echo_figures,
        "visit_to_echo_ratio": round(ratio, 3),
    }


def main() -> None:
    """Print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--walks", type=int, default=100)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.walks))))


if __name__ == "__main__":
    main()
