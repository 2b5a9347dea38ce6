"""The data folder is 0700; the database, its -wal/-shm and every backup 0600, any umask."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage.db import Database
from bot.storage.files import mode_of

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under this umask (0o000: every file the system makes is 0666 / 0777)."""
    before = os.umask(request.param)
    yield request.param
    os.umask(before)


def database_files(path: Path) -> dict[str, int]:
    """Every file of the database that exists, with its mode."""
    found = {}
    for end in ("", "-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + end)
        if companion.exists():
            found[companion.name] = mode_of(companion)
    return found


@pytest.mark.parametrize("key", [None, "private key"])
async def test_a_new_database_and_its_backup_are_private(
    tmp_path: Path, umask: int, key: str | None
) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    db = await Database.open(path, key)
    try:
        await db.migrate()
        async with db.write() as conn:  # a write, so the -wal and -shm are there
            await conn.execute(
                "INSERT INTO assistants (telegram_id, display_name, joined_at) "
                "VALUES (1, 'a', 'x')"
            )
        files = database_files(path)
        assert {"bot.sqlite3", "bot.sqlite3-wal", "bot.sqlite3-shm"} <= set(files)
        assert set(files.values()) == {0o600}, files
        assert mode_of(path.parent) == 0o700
        target = tmp_path / "backups" / "copy.sqlite3"
        await db.backup(target, key)
        assert mode_of(target) == 0o600
        assert mode_of(target.parent) == 0o700
        assert set(database_files(target).values()) == {0o600}
    finally:
        await db.close()


async def test_files_made_open_before_are_tightened_at_open(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    await db.migrate()
    await db.close()
    path.chmod(0o644)
    again = await Database.open(path)
    try:
        assert mode_of(path) == 0o600
    finally:
        await again.close()


# Root writes anywhere: as root, the bot runs without the capabilities that let it (setpriv).
UNPRIVILEGED = (
    ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner"]
    if os.geteuid() == 0
    else []
)


def _bot(
    tmp_path: Path, *args: str, umask: int = 0o022, prefix: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ...` with a database in tmp_path/data."""
    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "PYTHONPATH": str(REPO),
            "DATABASE_PATH": str(tmp_path / "data" / "bot.sqlite3"),
            "DATABASE_KEY": "k",
        },
        cwd=tmp_path,
        check=False,
        timeout=60,
        umask=umask,
    )


def test_the_bot_creates_private_files_under_a_permissive_umask(tmp_path: Path) -> None:
    result = _bot(tmp_path, "migrate", umask=0o000)
    assert result.returncode == 0, result.stderr
    data = tmp_path / "data"
    assert mode_of(data) == 0o700
    assert set(database_files(data / "bot.sqlite3").values()) == {0o600}
    backup = _bot(tmp_path, "backup", str(tmp_path / "b" / "one.sqlite3"), umask=0o000)
    assert backup.returncode == 0, backup.stderr
    assert mode_of(tmp_path / "b" / "one.sqlite3") == 0o600


def test_an_open_data_folder_stops_the_bot_with_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o755)
    result = _bot(tmp_path, "migrate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert f"chmod 700 {data}" in line
    assert not (data / "bot.sqlite3").exists()  # refused before anything was written


def test_a_data_folder_that_cannot_be_made_stops_the_bot_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    result = _bot(tmp_path, "migrate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert f"cannot create the data folder {tmp_path / 'data'}" in line


@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None, reason="root needs setpriv here"
)
@pytest.mark.parametrize("command", ["migrate", "backup"])
def test_a_data_folder_the_bot_cannot_write_stops_it_with_one_line(
    tmp_path: Path, command: str
) -> None:
    assert _bot(tmp_path, "migrate").returncode == 0
    data = tmp_path / "data"
    data.chmod(0o500)  # private, but read-only: SQLite cannot make its -wal and -shm
    try:
        args = [command, str(tmp_path / "b.sqlite3")] if command == "backup" else [command]
        result = _bot(tmp_path, *args, prefix=UNPRIVILEGED)
    finally:
        data.chmod(0o700)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert f"cannot write in the data folder {data}" in line
    assert "encrypted" not in line  # it is not about the key
