"""Keys as the IT person handles them: a key file, a wrong key, encrypt, rekey, restore."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.storage import copies, running

REPO = Path(__file__).resolve().parents[2]
SECRET = "Secret-court-case-note-7781"


def run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot ...` with the database in tmp_path/data and only the given variables."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "PYTHONPATH": str(REPO),
            "DATABASE_PATH": str(tmp_path / "data" / "bot.sqlite3"),
            **env,
        },
        cwd=tmp_path,
        check=False,
        timeout=60,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The single line a refused command prints (exit code 2, no traceback)."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def write_secret(database: Path, key: str | None) -> None:
    """A family whose label is the secret, written straight into the migrated file."""
    conn = copies.connect(database, key)
    try:
        conn.execute(
            "INSERT INTO families (code, label, assistant_id, created_at) "
            "VALUES ('R-01', ?, 1001, '2026-11-01T00:00:00+00:00')",
            (SECRET,),
        )
    finally:
        conn.close()


def read_secret(database: Path, key: str | None) -> str:
    """The label written by write_secret, read back with the key."""
    conn = copies.connect(database, key)
    try:
        return str(conn.execute("SELECT label FROM families").fetchone()[0])
    finally:
        conn.close()


def key_file(tmp_path: Path, name: str, key: str) -> Path:
    """A key file as Docker secrets write it (with a trailing newline)."""
    path = tmp_path / name
    path.write_text(key + "\n", encoding="utf-8")
    return path


Prepare = Callable[[Path, str | None], Path]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepare:
    """Copy a database the CLI migrated once per key, and its backup, into a test's folder.

    The copy is `data/bot.sqlite3` (returned), from `python -m bot migrate`, and beside it
    `b.sqlite3`, from `python -m bot backup`. Each CLI run takes 0.5-1 s (imports, SQLCipher's
    key derivation): the tests that only need a migrated database to work on share one made
    once per key instead of two runs each.
    """
    made: dict[str | None, Path] = {}

    def prepare(tmp_path: Path, key: str | None) -> Path:
        if key not in made:
            folder = tmp_path_factory.mktemp("migrated")
            env = {} if key is None else {"DATABASE_KEY": key}
            assert run_bot(folder, "migrate", **env).returncode == 0
            assert run_bot(folder, "backup", str(folder / "b.sqlite3"), **env).returncode == 0
            made[key] = folder
        # copytree and copy2 keep the modes the bot gave them (folder 700, files 600)
        shutil.copytree(made[key] / "data", tmp_path / "data")
        shutil.copy2(made[key] / "b.sqlite3", tmp_path / "b.sqlite3")
        return tmp_path / "data" / "bot.sqlite3"

    return prepare


def test_the_key_file_is_read_and_its_newline_dropped(tmp_path: Path) -> None:
    path = key_file(tmp_path, "key", "from a file 'quoted'")
    settings = load_settings(_env_file=None, database_key_file=str(path))
    assert settings.key() == "from a file 'quoted'"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"database_key": "k", "database_key_file": "key"}, "either DATABASE_KEY or"),
        ({"database_key_file": "missing"}, "DATABASE_KEY_FILE: cannot read"),
        ({"database_key_file": "empty"}, "is empty"),
    ],
)
def test_a_bad_key_file_is_one_clear_line(
    tmp_path: Path, variables: dict[str, str], message: str
) -> None:
    key_file(tmp_path, "key", "k")
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    given = {
        name: str(tmp_path / value) if name.endswith("file") else value
        for name, value in variables.items()
    }
    with pytest.raises(ConfigError, match=message):
        load_settings(_env_file=None, **given)


def test_the_bot_opens_its_database_with_the_key_file(tmp_path: Path) -> None:
    path = key_file(tmp_path, "key", "file key")
    assert run_bot(tmp_path, "migrate", DATABASE_KEY_FILE=str(path)).returncode == 0
    database = tmp_path / "data" / "bot.sqlite3"
    write_secret(database, "file key")
    assert SECRET.encode() not in database.read_bytes()
    assert run_bot(tmp_path, "migrate", DATABASE_KEY="file key").returncode == 0


def test_a_wrong_key_or_a_key_against_a_plain_database_is_one_line(
    tmp_path: Path, prepared: Prepare
) -> None:
    prepared(tmp_path, "k")
    line = one_line_error(run_bot(tmp_path, "migrate", DATABASE_KEY="Mistyped-K3y"))
    assert "the key is wrong" in line
    assert "Mistyped-K3y" not in line
    line = one_line_error(run_bot(tmp_path, "migrate"))
    assert "no key is set" in line
    plain = prepared(tmp_path / "plain", None)
    env = {"DATABASE_PATH": str(plain)}
    line = one_line_error(run_bot(tmp_path, "migrate", DATABASE_KEY="k", **env))
    assert "python -m bot encrypt" in line


def test_encrypt_turns_a_plain_database_into_an_encrypted_one(
    tmp_path: Path, prepared: Prepare
) -> None:
    database = prepared(tmp_path, None)
    write_secret(database, None)
    assert SECRET.encode() in database.read_bytes()
    assert "set the new key" in one_line_error(run_bot(tmp_path, "encrypt"))  # no key given yet
    done = run_bot(tmp_path, "encrypt", DATABASE_KEY="new key")
    assert done.returncode == 0, done.stderr
    assert "now encrypted" in done.stdout
    assert SECRET.encode() not in database.read_bytes()
    assert not database.with_name("bot.sqlite3-wal").exists()
    assert read_secret(database, "new key") == SECRET
    assert database.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in database.parent.iterdir()] == ["bot.sqlite3"]  # no plain copy left
    again = run_bot(tmp_path, "encrypt", DATABASE_KEY="new key")
    assert "already encrypted" in again.stdout
    assert run_bot(tmp_path, "migrate", DATABASE_KEY="new key").returncode == 0


def test_rekey_changes_the_key(tmp_path: Path, prepared: Prepare) -> None:
    database = prepared(tmp_path, "k")
    write_secret(database, "k")
    new = key_file(tmp_path, "new", "new 'key'")
    done = run_bot(tmp_path, "rekey", "--new-key-file", str(new), DATABASE_KEY="k")
    assert done.returncode == 0, done.stderr
    assert read_secret(database, "new 'key'") == SECRET
    assert "the key is wrong" in one_line_error(run_bot(tmp_path, "migrate", DATABASE_KEY="k"))
    assert run_bot(tmp_path, "migrate", DATABASE_KEY_FILE=str(new)).returncode == 0
    wrong = run_bot(tmp_path, "rekey", "--new-key-file", str(new), DATABASE_KEY="k")
    assert "does not open" in one_line_error(wrong)
    assert read_secret(database, "new 'key'") == SECRET


def test_restore_refuses_a_backup_with_another_key_and_replaces_nothing(
    tmp_path: Path, prepared: Prepare
) -> None:
    database = prepared(tmp_path, "k")
    write_secret(database, "k")
    backup = tmp_path / "backups" / "other.sqlite3"
    other = tmp_path / "other" / "bot.sqlite3"  # backup migrates the new database first
    assert (
        run_bot(
            tmp_path, "backup", str(backup), DATABASE_KEY="other", DATABASE_PATH=str(other)
        ).returncode
        == 0
    )
    before = database.read_bytes()
    line = one_line_error(run_bot(tmp_path, "restore", str(backup), DATABASE_KEY="k"))
    assert "nothing was replaced" in line
    assert database.read_bytes() == before
    assert sorted(p.name for p in database.parent.iterdir()) == ["bot.sqlite3"]


def test_restore_puts_a_checked_backup_back_and_keeps_the_old_database(
    tmp_path: Path, prepared: Prepare
) -> None:
    database = prepared(tmp_path, "k")
    write_secret(database, "k")
    backup = tmp_path / "backups" / "good.sqlite3"
    assert run_bot(tmp_path, "backup", str(backup), DATABASE_KEY="k").returncode == 0
    conn = copies.connect(database, "k")
    conn.execute("DELETE FROM families")
    conn.close()
    done = run_bot(tmp_path, "restore", str(backup), DATABASE_KEY="k")
    assert done.returncode == 0, done.stderr
    assert read_secret(database, "k") == SECRET
    assert database.stat().st_mode & 0o777 == 0o600
    [aside] = [p for p in database.parent.iterdir() if ".before-" in p.name]
    assert aside.stat().st_mode & 0o777 == 0o600
    assert run_bot(tmp_path, "migrate", DATABASE_KEY="k").returncode == 0
    elsewhere = tmp_path / "new machine" / "data" / "bot.sqlite3"
    fresh = run_bot(
        tmp_path, "restore", str(backup), DATABASE_KEY="k", DATABASE_PATH=str(elsewhere)
    )
    assert fresh.returncode == 0, fresh.stderr
    assert read_secret(elsewhere, "k") == SECRET
    assert elsewhere.parent.stat().st_mode & 0o777 == 0o700


def test_restore_refuses_a_damaged_backup(tmp_path: Path, prepared: Prepare) -> None:
    database = prepared(tmp_path, None)
    before = database.read_bytes()
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    line = one_line_error(run_bot(tmp_path, "restore", str(broken)))
    assert "nothing was replaced" in line
    assert database.read_bytes() == before


@pytest.mark.parametrize("command", ["encrypt", "rekey", "restore"])
def test_nothing_is_done_under_a_running_bot(
    tmp_path: Path, command: str, prepared: Prepare
) -> None:
    key = None if command == "encrypt" else "k"
    database, args = _prepared(tmp_path, command, prepared)
    conn = copies.connect(database, key)
    conn.execute(  # the minute tick of a bot running right now
        "INSERT INTO scheduler_state (id, last_tick_at) VALUES (1, ?)",
        (datetime.now(UTC).isoformat(),),
    )
    conn.close()
    before = database.read_bytes()
    line = one_line_error(run_bot(tmp_path, *args, DATABASE_KEY="k"))
    assert "stop it first" in line
    assert database.read_bytes() == before


def _prepared(tmp_path: Path, command: str, prepared: Prepare) -> tuple[Path, list[str]]:
    """A migrated database (with a backup for restore) and the command's arguments."""
    database = prepared(tmp_path, None if command == "encrypt" else "k")
    new = key_file(tmp_path, "new", "n")
    args = {
        "encrypt": ["encrypt"],
        "rekey": ["rekey", "--new-key-file", str(new)],
        "restore": ["restore", str(tmp_path / "b.sqlite3")],
    }[command]
    return database, args


@pytest.mark.parametrize("command", ["encrypt", "rekey", "restore"])
def test_nothing_is_done_under_a_bot_just_started(
    tmp_path: Path, command: str, prepared: Prepare
) -> None:
    database, args = _prepared(tmp_path, command, prepared)
    before = database.read_bytes()
    lock = running.hold(database)  # a bot started a moment ago: no minute tick yet
    try:
        line = one_line_error(run_bot(tmp_path, *args, DATABASE_KEY="k"))
    finally:
        running.release(lock)
    assert "the bot is running on" in line
    assert "stop it first" in line
    assert database.read_bytes() == before


@pytest.mark.parametrize("command", ["encrypt", "rekey", "restore"])
def test_a_bot_just_stopped_does_not_block_the_work(
    tmp_path: Path, command: str, prepared: Prepare
) -> None:
    database, args = _prepared(tmp_path, command, prepared)
    running.release(running.hold(database))  # it ran and stopped, its tick a second ago
    conn = copies.connect(database, None if command == "encrypt" else "k")
    conn.execute(
        "INSERT INTO scheduler_state (id, last_tick_at) VALUES (1, ?)",
        (datetime.now(UTC).isoformat(),),
    )
    conn.close()
    result = run_bot(tmp_path, *args, DATABASE_KEY="k")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", ["backup", "audit", "export-family"])
def test_a_file_that_cannot_be_written_is_one_line(
    tmp_path: Path, command: str, prepared: Prepare
) -> None:
    prepared(tmp_path, "k")
    (tmp_path / "a-file").write_text("not a folder")
    target = str(tmp_path / "a-file" / "out")
    args = {
        "backup": ["backup", target],
        "audit": ["audit", "--out", target],
        "export-family": ["export-family", "R-01", "--out", target],
    }[command]
    if command == "export-family":
        write_secret(tmp_path / "data" / "bot.sqlite3", "k")
    result = run_bot(tmp_path, *args, DATABASE_KEY="k")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]  # backup logs the opened database first
    assert line.startswith(f"error: {tmp_path / 'a-file'}")  # the file, or its folder, and why
