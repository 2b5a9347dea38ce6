"""Shared by the process benchmarks: the real bot process against the local Bot API server."""

from __future__ import annotations

import time
from pathlib import Path

from tests.e2e.botprocess import BotProcess
from tests.support.bot_api_server import LocalBotApi

FIRST_POLL_TIMEOUT = 60.0


async def start_and_wait_for_first_poll(
    api: LocalBotApi, data_dir: Path, key: str | None = None
) -> tuple[BotProcess, float]:
    """Launch `python -m bot`; return it and the seconds until its first getUpdates."""
    seen = api.polls_started
    bot = BotProcess(api.base_url, api.token, data_dir, key=key)
    started = time.perf_counter()
    bot.start()
    polled = await api.wait_until(lambda: api.polls_started > seen, FIRST_POLL_TIMEOUT)
    elapsed = time.perf_counter() - started
    if not polled:
        await bot.stop()
        raise RuntimeError("the bot never polled:\n" + bot.log())
    return bot, elapsed


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")
