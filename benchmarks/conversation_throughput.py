"""Updates per second through the real Application: complete /visit walks vs a bare echo bot.

Both run in-process against the offline Telegram fake (tests/support), on the same machine in
the same run, so their ratio says how much our handlers, persistence and SQLite cost on top of
PTB itself. Usage: python -m benchmarks.conversation_throughput [--walks N]. One JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

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
    ("press", "Anna"),
    ("press", "Done"),
    ("press", "Housing"),
    ("press", "Done"),
    ("press", "Motivational talk"),
    ("press", "Done"),
    ("send", "A note about the visit, with <b>tags</b> & ampersands."),
    ("press", "Skip"),
    ("press", "Save"),
)


async def visit_walks(walks: int, folder: Path) -> tuple[int, float]:
    """Run complete /visit walks; return (updates processed, seconds)."""
    settings = load_settings(
        _env_file=None,
        telegram_bot_token="123456:TEST-TOKEN",
        database_path=folder / "bench.sqlite3",
        admin_telegram_ids=str(ADMIN_ID),
    )
    harness = BotHarness(settings)
    await harness.start()
    try:
        sim = await harness.assistant(language_code="en")
        assert harness.services is not None
        actor = await harness.services.membership.actor(sim.user_id)
        family = NewFamily(code="R-01", members=[Member(name="Anna", role=MemberRole.MOTHER)])
        await harness.services.families.register(actor, family)
        updates = 0
        started = time.perf_counter()
        for _ in range(walks):
            for kind, arg in WALK:
                await (sim.send(arg) if kind == "send" else sim.press(arg))
                updates += 1
            harness.fake.calls.clear()  # keep the fake's memory flat over long runs
        return updates, time.perf_counter() - started
    finally:
        await harness.close()


async def echo_updates(count: int) -> tuple[int, float]:
    """The same number of text updates through a bare PTB echo bot on the same fake."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "")

    fake = FakeTelegram()
    app: Any = (
        (ApplicationBuilder().token("123456:TEST-TOKEN").request(fake).get_updates_request(fake))
        .updater(None)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()
    try:
        sim = UserSim(app, fake, 1001)
        started = time.perf_counter()
        for n in range(count):
            await sim.send(f"echo {n}")
            if n % 500 == 0:
                fake.calls.clear()
        return count, time.perf_counter() - started
    finally:
        await app.shutdown()


async def measure(walks: int) -> dict[str, Any]:
    """Both figures and their ratio."""
    with tempfile.TemporaryDirectory() as folder:
        visit_count, visit_seconds = await visit_walks(walks, Path(folder))
    echo_count, echo_seconds = await echo_updates(visit_count)
    visit_rate = visit_count / visit_seconds
    echo_rate = echo_count / echo_seconds
    return {
        "benchmark": "conversation_throughput",
        "walks": walks,
        "updates": visit_count,
        "visit_updates_per_s": round(visit_rate, 1),
        "echo_updates_per_s": round(echo_rate, 1),
        "echo_to_visit_ratio": round(echo_rate / visit_rate, 2),
    }


def main() -> None:
    """Print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--walks", type=int, default=100)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.walks))))


if __name__ == "__main__":
    main()
