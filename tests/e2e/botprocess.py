"""The real `python -m bot` process, started against the local Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ADMIN_ID = 500
START_TIMEOUT = 30.0


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

    def start(self) -> None:
        """Launch the process (returns at once; use `ready` to wait for polling)."""
        assert self.process is None or self.process.poll() is not None
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=self.data_dir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

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
