"""Memory: peak RSS of the idle bot process on a national-scale database.

Usage: python -m benchmarks.memory_idle [--families N] [--visits-per-family N] [--idle S]
Generates the database with benchmarks.synthetic (60,000 families and 3 million visits by
default; that takes a minute or two), starts the bot against the local Bot API server, lets
one assistant ask for /families, waits idle, and prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path

from benchmarks.live_bot import peak_rss_mib, start_and_wait_for_first_poll
from benchmarks.synthetic import NATIONAL_FAMILIES, NATIONAL_VISITS, generate
from tests.support.bot_api_server import LocalBotApi

BUSY_ASSISTANT = 10_000  # the first synthetic assistant (benchmarks.synthetic numbering)


async def measure(families: int, visits_per_family: int, idle: float) -> dict[str, object]:
    """Generate, start, touch, idle, read VmHWM."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        counts = await generate(
            data / "bot.sqlite3", families=families, visits_per_family=visits_per_family
        )
        size_mib = (data / "bot.sqlite3").stat().st_size / 2**20
        async with LocalBotApi() as api:
            bot, _ = await start_and_wait_for_first_poll(api, data)
            try:
                assistant = api.user(BUSY_ASSISTANT, language_code="en")
                await assistant.send("/families")
                await assistant.reply(60)
                await asyncio.sleep(idle)
                assert bot.process is not None
                rss = peak_rss_mib(bot.process.pid)
            finally:
                await bot.stop()
    return {
        "benchmark": "memory_idle",
        **counts,
        "database_mib": round(size_mib, 1),
        "peak_rss_mib": round(rss, 1),
    }


def main() -> None:
    """Print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--families", type=int, default=NATIONAL_FAMILIES)
    parser.add_argument(
        "--visits-per-family", type=int, default=NATIONAL_VISITS // NATIONAL_FAMILIES
    )
    parser.add_argument("--idle", type=float, default=5.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.families, args.visits_per_family, args.idle))))


if __name__ == "__main__":
    main()
