"""The real `python -m bot` process, started against the local Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ADMIN_ID = 500
START_TIMEOUT = 30.0
# The bot with its clock moved on (time-machine, a test dependency): "later" without waiting.
_SHIFTED = (
    "import datetime, runpy, sys, time_machine\n"
    "later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds={seconds})\n"
    "time_machine.travel(later, tick=True).start()\n"
    "sys.argv = ['bot']\n"
    "runpy.run_module('bot', run_name='__main__', alter_sys=True)\n"
)


class BotProcess:
    """Start, kill -9, stop and restart the bot; its log goes to a file for post-mortems."""

    def __init__(self, base_url: str, token: str, data_dir: Path, key: str | None = None) -> None:
        self.data_dir = data_dir
        self.database = data_dir / "bot.sqlite3"
        self.log_path = data_dir / "bot.log"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(data_dir),
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_API_BASE_URL": base_url,
            "DATABASE_PATH": str(self.database),
            "ADMIN_TELEGRAM_IDS": str(ADMIN_ID),
            "PYTHONPATH": str(REPO),
        }
        if key is not None:
            self.env["DATABASE_KEY"] = key
        self.process: subprocess.Popen[bytes] | None = None
        self.clock_ahead = timedelta(0)  # how far the next start's clock is ahead of the real one

    def start(self) -> None:
        """Launch the process (returns at once; use `ready` to wait for polling)."""
        assert self.process is None or self.process.poll() is not None
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self._command(),
            cwd=self.data_dir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def _command(self) -> list[str]:
        """`python -m bot`, or the same with the clock moved `clock_ahead` on."""
        if not self.clock_ahead:
            return [sys.executable, "-m", "bot"]
        seconds = self.clock_ahead.total_seconds()
        return [sys.executable, "-c", _SHIFTED.format(seconds=seconds)]

    def kill9(self) -> None:
        """SIGKILL: no shutdown code runs at all."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    async def stop(self) -> int:
        """SIGTERM and wait for a clean exit; returns the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.to_thread(self.process.wait, 20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
            raise AssertionError(
                "the bot did not stop within 20 s of SIGTERM:\n" + self.log()
            ) from None

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        """Everything the bot printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
