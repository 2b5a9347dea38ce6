"""An --out file in folders that are not there yet: every folder made for it is 0700.

`python -m bot audit`, `report`, `dossier`, `export-family` and `backup`, as real processes
under a permissive umask; a place that cannot be made is one line on stderr.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.storage.files import mode_of, private_folder
from tests.safekeeping.test_private_files import _bot


def bot(tmp_path: Path, *args: str, umask: int = 0o000) -> subprocess.CompletedProcess[str]:
    """`python -m bot ...` with a database in tmp_path/data, run in tmp_path (umask 0: the
    widest a folder made with the process's defaults could be)."""
    return _bot(tmp_path, *args, umask=umask)


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """A migrated database; the folder the commands run in."""
    assert bot(tmp_path, "migrate", umask=0o022).returncode == 0
    return tmp_path


COMMANDS = {
    "audit": ["audit", "--out", "missing/folder/file.csv"],
    "report": ["report", "--month", "2026-11", "--format", "csv", "--out", "missing/folder/f.csv"],
    "backup": ["backup", "missing/folder/copy.sqlite3"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_folder_made_for_an_out_file_is_private(installed: Path, command: str) -> None:
    result = bot(installed, *COMMANDS[command])
    # Was, for audit: "error: missing/folder/file.csv: No such file or directory", the one
    # command that did not make the folder; and `report` made "missing" 0777 here.
    assert result.returncode == 0, result.stderr
    [written] = (installed / "missing" / "folder").iterdir()
    assert mode_of(written) == 0o600
    assert mode_of(installed / "missing" / "folder") == 0o700
    assert mode_of(installed / "missing") == 0o700


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_folder_that_cannot_be_made_is_one_line(installed: Path, command: str) -> None:
    (installed / "missing").write_text("a file where the folder should be")
    result = bot(installed, *COMMANDS[command])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    # backup logs the database it opened first (INFO): the error is its one line of its own
    [line] = [x for x in result.stderr.splitlines() if x.startswith("error: ")]
    assert "missing" in line


def test_private_folder_leaves_existing_parents_as_they_are(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    private_folder(shared / "a" / "b" / "c")
    assert mode_of(shared) == 0o755  # not ours to change
    for folder in (shared / "a", shared / "a" / "b", shared / "a" / "b" / "c"):
        assert mode_of(folder) == 0o700, folder
