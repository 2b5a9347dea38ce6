"""Cold start: seconds from `python -m bot` starting to its first getUpdates, local server.

Usage: python -m benchmarks.cold_start [--runs N]. Each run uses a fresh database (so the
figure includes creating and migrating it). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
from pathlib import Path

from benchmarks.live_bot import start_and_wait_for_first_poll
from tests.support.bot_api_server import LocalBotApi


async def measure(runs: int) -> dict[str, object]:
    """Start and stop the bot `runs` times."""
    times = []
    async with LocalBotApi() as api:
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as folder:
                bot, seconds = await start_and_wait_for_first_poll(api, Path(folder))
                times.append(seconds)
                await bot.stop()
    return {
        "benchmark": "cold_start",
        "runs": runs,
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
    }


def main() -> None:
    """Print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    print(json.dumps(asyncio.run(measure(parser.parse_args().runs))))


if __name__ == "__main__":
    main()
