"""Settings: defaults, validation, one clear line per problem."""

from __future__ import annotations

import asyncio
import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.storage import running
from tests.support.bot_api_server import LocalBotApi

REPO = Path(__file__).resolve().parents[1]


def test_defaults() -> None:
    settings = load_settings(_env_file=None)
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.database_path == Path("./data/familybot.sqlite3")
    assert settings.timezone == "Europe/Warsaw"
    assert settings.default_locale == "pl"
    assert settings.key() is None
    assert settings.chat_cleanup_minutes == 30


def test_admin_ids_from_a_comma_separated_list() -> None:
    settings = load_settings(_env_file=None, admin_telegram_ids=" 12, 34 ,")
    assert settings.admin_telegram_ids == frozenset({12, 34})


@pytest.mark.parametrize(
    ("override", "name"),
    [
        ({"admin_telegram_ids": "12,abc"}, "ADMIN_TELEGRAM_IDS"),
        ({"timezone": "Mars/Olympus"}, "TIMEZONE"),
        ({"default_locale": "de"}, "DEFAULT_LOCALE"),
        ({"chat_cleanup_minutes": "-1"}, "CHAT_CLEANUP_MINUTES"),
        ({"chat_cleanup_minutes": "2821"}, "CHAT_CLEANUP_MINUTES"),  # past Telegram's 48 h
        ({"chat_cleanup_minutes": "half an hour"}, "CHAT_CLEANUP_MINUTES"),
        ({"telegram_bot_token": "bot123456:AAE-x"}, "TELEGRAM_BOT_TOKEN"),
        ({"telegram_bot_token": '"123456:AAE-x"'}, "TELEGRAM_BOT_TOKEN"),
        ({"telegram_bot_token": "123456 AAE-x"}, "TELEGRAM_BOT_TOKEN"),
    ],
)
def test_bad_values_name_the_variable(override: dict[str, str], name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings(_env_file=None, **override)


def test_blank_optional_paths_are_unset() -> None:
    """`BACKUP_DIR=` means what the README's table says: no backups (it wrote them into '.')."""
    settings = load_settings(_env_file=None, backup_dir="", database_key_file=" ")
    assert settings.backup_dir is None
    assert settings.database_key_file is None
    assert settings.key() is None


@pytest.mark.parametrize("given", ["", "folder"])
def test_database_path_names_a_file(tmp_path: Path, given: str) -> None:
    value = str(tmp_path) if given else ""
    with pytest.raises(ConfigError, match=r"^DATABASE_PATH: "):
        load_settings(_env_file=None, database_path=value)


def test_our_own_checks_read_as_one_sentence() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None, timezone="Europe/Warsav")
    assert str(caught.value) == "TIMEZONE: unknown time zone 'Europe/Warsav'"
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None, timezone=" ")
    assert str(caught.value) == (
        "TIMEZONE: is empty: leave it out for Europe/Warsaw, or name a zone"
    )


def test_a_malformed_token_is_never_quoted() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None, telegram_bot_token="SECRET-PASTED WRONG")
    assert "SECRET" not in str(caught.value)
    assert "TELEGRAM_BOT_TOKEN" in str(caught.value)


def test_missing_token_is_named() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        load_settings(_env_file=None, telegram_bot_token="  ").token()


def _migrate(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot migrate` in an empty folder with only the given variables."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(REPO), **env},
        cwd=tmp_path,
        check=False,
        timeout=60,
    )


def test_cli_prints_one_line_without_traceback(tmp_path: Path) -> None:
    result = _migrate(tmp_path, ADMIN_TELEGRAM_IDS="x")
    assert result.returncode == 2
    assert "ADMIN_TELEGRAM_IDS" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_migrate_creates_the_database(tmp_path: Path) -> None:
    result = _migrate(tmp_path, DATABASE_PATH=str(tmp_path / "d" / "x.sqlite3"))
    assert result.returncode == 0, result.stderr
    assert "UNENCRYPTED" in result.stderr
    assert (tmp_path / "d" / "x.sqlite3").exists()


async def _run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Start `python -m bot` (run) with the given variables, until it exits by itself."""
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot"],
        capture_output=True,
        text=True,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "PYTHONPATH": str(REPO),
            "DATABASE_PATH": str(tmp_path / "data" / "bot.sqlite3"),
            "ADMIN_TELEGRAM_IDS": "500",
            **env,
        },
        cwd=tmp_path,
        check=False,
        timeout=60,
    )


async def test_a_token_telegram_refuses_stops_the_bot_in_one_line(tmp_path: Path) -> None:
    async with LocalBotApi() as api:
        result = await _run_bot(
            tmp_path, TELEGRAM_BOT_TOKEN="654321:WRONG-SECRET", TELEGRAM_API_BASE_URL=api.base_url
        )
    assert result.returncode == 2
    assert "error: TELEGRAM_BOT_TOKEN:" in result.stderr
    assert "refused the token" in result.stderr
    assert "Traceback" not in result.stderr
    assert "WRONG-SECRET" not in result.stderr + result.stdout


async def test_no_answer_from_telegram_stops_the_bot_in_one_line(tmp_path: Path) -> None:
    result = await _run_bot(
        tmp_path,
        TELEGRAM_BOT_TOKEN="654321:SECRET",
        TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot",  # the discard port: nobody answers
    )
    assert result.returncode == 2
    assert "error: TELEGRAM_API_BASE_URL: no answer from http://127.0.0.1:9/bot" in result.stderr
    assert "Traceback" not in result.stderr
    assert "SECRET" not in result.stderr


async def test_a_second_bot_on_the_same_database_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    database.parent.mkdir(mode=0o700)
    lock = running.hold(database)  # the first bot, running
    try:
        result = await _run_bot(tmp_path, TELEGRAM_BOT_TOKEN="654321:SECRET")
    finally:
        running.release(lock)
    assert result.returncode == 2
    assert "error: a bot is already running on" in result.stderr
    assert f"(process {os.getpid()})" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bot_starting_while_a_check_looks_waits_for_it(tmp_path: Path) -> None:
    """doctor, encrypt, rekey and restore hold the lock shared for an instant: no refusal."""
    database = tmp_path / "bot.sqlite3"
    running.release(running.hold(database))  # a bot ran here and stopped
    looking = os.open(running.lock_path(database), os.O_RDONLY)
    fcntl.flock(looking, fcntl.LOCK_SH)  # a check, looking as the bot starts
    timer = threading.Timer(0.2, os.close, (looking,))
    timer.start()
    try:
        lock = running.hold(database)
    finally:
        timer.join()
    running.release(lock)
    looking = os.open(running.lock_path(database), os.O_RDONLY)
    fcntl.flock(looking, fcntl.LOCK_SH)  # a lock that stays: a bot really runs
    try:
        with pytest.raises(running.BotRunning):
            running.hold(database)
    finally:
        os.close(looking)
