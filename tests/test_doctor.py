"""`python -m bot doctor` as the IT person runs it: a real process, the local Bot API server."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.safekeeping.backups import backup_name
from bot.services.registry import Services
from bot.storage import running
from bot.storage.db import Database
from tests.support.bot_api_server import LocalBotApi

REPO = Path(__file__).resolve().parents[1]
KEY = "doctor's passphrase 'quoted'"
CHECKS = ["configuration", "encryption", "data folder", "database", "schema", "telegram"]
ALL_CHECKS = [*CHECKS, "reminders", "backups", "documents"]


@dataclass
class Report:
    """What doctor printed and how it exited."""

    code: int
    out: str
    err: str

    @property
    def lines(self) -> dict[str, str]:
        """Each check's line, by check name."""
        found = {}
        for line in self.out.splitlines():
            word, _, rest = line.partition(" ")
            name, _, detail = rest.strip().partition(": ")
            found[name] = f"{word} {detail}"
        return found

    def status(self, name: str) -> str:
        """OK, PROBLEM or SKIP for one check."""
        return self.lines[name].split(" ", 1)[0]


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    """A Bot API server on loopback (getMe answers for its one token)."""
    async with LocalBotApi() as server:
        yield server


def environment(api: LocalBotApi, data: Path, **changes: str | None) -> dict[str, str]:
    """The variables a centre sets, pointed at the local server; None removes one."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(data.parent),
        "PYTHONPATH": str(REPO),
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATABASE_PATH": str(data / "bot.sqlite3"),
        "DATABASE_KEY": KEY,
        "ADMIN_TELEGRAM_IDS": "500",
        "BACKUP_DIR": str(data.parent / "backups"),
    }
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


async def doctor(env: dict[str, str], cwd: Path, prefix: tuple[str, ...] = ()) -> Report:
    """Run `python -m bot doctor` without blocking the server's event loop."""
    process = await asyncio.create_subprocess_exec(
        *prefix,
        sys.executable,
        "-m",
        "bot",
        "doctor",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return Report(process.returncode, out.decode(), err.decode())


async def installed(data: Path, key: str | None = KEY, tick_at: datetime | None = None) -> None:
    """A migrated database whose reminder tick last ran at `tick_at` (now if not given)."""
    settings = load_settings(
        _env_file=None,
        telegram_bot_token="1:unused",
        database_path=data / "bot.sqlite3",
        database_key=key or "",
    )
    db = await Database.open(settings.database_path, settings.key())
    try:
        await db.migrate()
        await Services.build(settings, db).reminders.tick(tick_at or datetime.now(UTC))
        backups = data.parent / "backups"
        backups.mkdir(mode=0o700, exist_ok=True)
        await db.backup(backups / backup_name(tick_at or datetime.now(UTC)), settings.key())
    finally:
        await db.close()


def assert_no_secrets(report: Report, *secrets: str) -> None:
    """Neither the token nor the key appears anywhere in what doctor printed."""
    for secret in secrets:
        assert secret not in report.out
        assert secret not in report.err
    assert "TEST-TOKEN" not in report.out + report.err


async def test_a_healthy_installation_is_all_ok(api: LocalBotApi, tmp_path: Path) -> None:
    data = tmp_path / "data"
    await installed(data)
    report = await doctor(environment(api, data), tmp_path)
    assert list(report.lines) == ALL_CHECKS
    assert [report.status(name) for name in ALL_CHECKS] == ["OK"] * len(ALL_CHECKS)
    assert "@family_test_bot" in report.lines["telegram"]
    assert report.code == 0
    assert_no_secrets(report, api.token, KEY)


async def test_a_wrong_key_is_a_problem_and_the_key_is_not_shown(
    api: LocalBotApi, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    await installed(data)
    wrong = "not the key 'at all'"
    report = await doctor(environment(api, data, DATABASE_KEY=wrong), tmp_path)
    assert report.status("database") == "PROBLEM"
    assert "set the DATABASE_KEY it was created with" in report.lines["database"]
    assert report.status("schema") == "SKIP"
    assert report.status("reminders") == "SKIP"
    assert report.status("telegram") == "OK"
    assert report.code == 1
    assert_no_secrets(report, api.token, KEY, wrong)


async def test_a_short_key_is_a_problem(api: LocalBotApi, tmp_path: Path) -> None:
    data = tmp_path / "data"
    short = "Zofia2026!"
    await installed(data, key=short)
    report = await doctor(environment(api, data, DATABASE_KEY=short), tmp_path)
    assert report.status("encryption") == "PROBLEM"
    assert "only 10 characters long" in report.lines["encryption"]
    assert "python -m bot rekey" in report.lines["encryption"]
    assert report.status("database") == "OK"  # it opens: only its length is the problem
    assert_no_secrets(report, api.token, short)


async def test_a_world_readable_folder_is_a_problem(api: LocalBotApi, tmp_path: Path) -> None:
    data = tmp_path / "data"
    await installed(data)
    assert (data.stat().st_mode & 0o777) == 0o700  # the bot creates it private
    data.chmod(0o755)
    report = await doctor(environment(api, data), tmp_path)
    assert report.status("data folder") == "PROBLEM"
    assert f"chmod 700 {data}" in report.lines["data folder"]
    assert [report.status(n) for n in ALL_CHECKS if n != "data folder"] == ["OK"] * 8
    assert report.code == 1
    assert "refuses to start" in report.lines["data folder"]


async def test_a_database_file_others_can_read_is_a_problem(
    api: LocalBotApi, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    await installed(data)
    (data / "bot.sqlite3").chmod(0o644)
    report = await doctor(environment(api, data), tmp_path)
    assert report.status("data folder") == "PROBLEM"
    assert "bot.sqlite3 644" in report.lines["data folder"]
    assert report.code == 1


@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None, reason="root needs setpriv here"
)
async def test_a_data_folder_the_bot_cannot_write_is_a_problem(
    api: LocalBotApi, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    await installed(data)
    data.chmod(0o500)  # private, but read-only: SQLite cannot make its -wal and -shm
    # Root writes anywhere: as root, doctor runs without the capabilities that let it.
    root = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner")
    try:
        report = await doctor(environment(api, data), tmp_path, root if os.geteuid() == 0 else ())
    finally:
        data.chmod(0o700)
    assert report.status("data folder") == "PROBLEM"
    assert "is not writable by this user" in report.lines["data folder"]
    assert report.status("database") == "PROBLEM"
    assert "cannot write in the data folder" in report.lines["database"]
    assert report.code == 1


async def test_an_env_file_others_can_read_is_a_problem(api: LocalBotApi, tmp_path: Path) -> None:
    data = tmp_path / "data"
    await installed(data)
    env_file = tmp_path / ".env"
    env_file.write_text(f"DATABASE_KEY={KEY}\n")  # as `cp .env.example .env` leaves it: 644
    env_file.chmod(0o644)
    report = await doctor(environment(api, data, DATABASE_KEY=None), tmp_path)
    assert report.status("configuration") == "PROBLEM"
    assert (
        "readable by other users (mode 644): run chmod 600 .env" in report.lines["configuration"]
    )
    assert report.code == 1
    assert_no_secrets(report, api.token, KEY)
    env_file.chmod(0o600)
    report = await doctor(environment(api, data, DATABASE_KEY=None), tmp_path)
    assert report.status("configuration") == "OK"


async def test_a_token_telegram_refuses_is_a_problem_and_not_shown(
    api: LocalBotApi, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    await installed(data)
    wrong = "654321:WRONG-SECRET"
    report = await doctor(environment(api, data, TELEGRAM_BOT_TOKEN=wrong), tmp_path)
    assert report.status("telegram") == "PROBLEM"
    assert "refused the token" in report.lines["telegram"]
    assert report.code == 1
    assert_no_secrets(report, wrong, "WRONG-SECRET", KEY)


async def test_a_server_that_does_not_answer_is_a_problem(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await installed(data)
    async with LocalBotApi() as gone:
        env = environment(gone, data)
    report = await doctor(env, tmp_path)  # the port is closed now
    assert report.status("telegram") == "PROBLEM"
    assert "no answer from" in report.lines["telegram"]
    assert report.code == 1


async def test_a_stopped_bot_and_a_plain_database_are_problems(
    api: LocalBotApi, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    await installed(data, key=None, tick_at=datetime.now(UTC) - timedelta(hours=3))
    report = await doctor(environment(api, data, DATABASE_KEY=None), tmp_path)
    assert report.status("encryption") == "PROBLEM"
    assert report.status("database") == "OK"
    assert report.status("reminders") == "PROBLEM"
    assert "3 h ago" in report.lines["reminders"]
    assert "not running" in report.lines["reminders"]
    assert report.code == 1


async def test_no_database_yet_and_an_old_schema_say_what_to_run(
    api: LocalBotApi, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    report = await doctor(environment(api, data), tmp_path)
    assert report.status("database") == "PROBLEM"
    assert "python -m bot migrate" in report.lines["database"]
    assert not data.exists()  # doctor created nothing
    db = await Database.open(data / "bot.sqlite3", KEY)
    await db.close()  # an empty database: schema version 0
    report = await doctor(environment(api, data), tmp_path)
    assert report.status("schema") == "PROBLEM"
    assert "run `python -m bot migrate`" in report.lines["schema"]
    assert report.status("reminders") == "SKIP"
    assert report.code == 1


async def test_a_bad_configuration_is_one_line_and_the_rest_is_skipped(
    api: LocalBotApi, tmp_path: Path
) -> None:
    report = await doctor(environment(api, tmp_path / "data", TIMEZONE="Mars/Olympus"), tmp_path)
    assert report.status("configuration") == "PROBLEM"
    assert "TIMEZONE" in report.lines["configuration"]
    assert [report.status(n) for n in ALL_CHECKS[1:-1]] == ["SKIP"] * 7
    assert report.status("documents") == "OK"  # needs nothing configured
    assert report.code == 1
    assert_no_secrets(report, api.token, KEY)


async def test_a_missing_text_shaping_library_is_a_problem_at_once(
    api: LocalBotApi, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    await installed(data)
    broken = tmp_path / "site"
    (broken / "uharfbuzz").mkdir(parents=True)  # shadows the installed one, as if it were gone
    (broken / "uharfbuzz" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'uharfbuzz'\")\n"
    )
    env = environment(api, data, PYTHONPATH=f"{broken}{os.pathsep}{REPO}")
    report = await doctor(env, tmp_path)
    # Was OK: the first Hebrew or Arabic name would have stopped that family's documents.
    assert report.status("documents") == "PROBLEM"
    assert "uharfbuzz" in report.lines["documents"]
    assert "requirements.lock" in report.lines["documents"]
    assert report.code == 1


async def test_a_missing_document_library_is_a_problem_at_once(
    api: LocalBotApi, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    await installed(data)
    broken = tmp_path / "site"
    (broken / "openpyxl").mkdir(parents=True)  # shadows the installed one, as if it were gone
    (broken / "openpyxl" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'openpyxl'\")\n"
    )
    env = environment(api, data, PYTHONPATH=f"{broken}{os.pathsep}{REPO}")
    report = await doctor(env, tmp_path)
    assert report.status("documents") == "PROBLEM"
    assert "No module named 'openpyxl'" in report.lines["documents"]
    assert "requirements.lock" in report.lines["documents"]
    assert [report.status(name) for name in ALL_CHECKS[:-1]] == ["OK"] * (len(ALL_CHECKS) - 1)
    assert report.code == 1
    assert_no_secrets(report, api.token, KEY)


async def test_backups_a_day_old_or_missing_are_a_problem(
    api: LocalBotApi, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    await installed(data, tick_at=datetime.now(UTC) - timedelta(days=2))
    report = await doctor(environment(api, data), tmp_path)
    assert report.status("backups") == "PROBLEM"
    assert "was made 2 days ago" in report.lines["backups"]
    assert "scheduled backup … failed" in report.lines["backups"]
    empty = tmp_path / "empty"
    report = await doctor(environment(api, data, BACKUP_DIR=str(empty)), tmp_path)
    assert report.status("backups") == "PROBLEM"
    assert f"no backup in {empty} yet" in report.lines["backups"]
    report = await doctor(environment(api, data, BACKUP_DIR=None), tmp_path)
    assert report.status("backups") == "SKIP"
    assert "BACKUP_DIR is not set" in report.lines["backups"]


async def test_a_bot_stopped_a_minute_ago_is_not_running(api: LocalBotApi, tmp_path: Path) -> None:
    """Its last tick is fresh, but its lock is free: doctor says so at once, not 5 minutes on."""
    data = tmp_path / "data"
    await installed(data, key=None)
    env = environment(api, data, DATABASE_KEY=None)
    lock = running.hold(data / "bot.sqlite3")  # the bot, running
    try:
        report = await doctor(env, tmp_path)
    finally:
        running.release(lock)  # and stopped
    assert report.status("reminders") == "OK"
    report = await doctor(env, tmp_path)
    assert report.status("reminders") == "PROBLEM"
    assert "the bot is not running (it has stopped" in report.lines["reminders"]
