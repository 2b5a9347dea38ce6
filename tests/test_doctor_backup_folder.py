"""`python -m bot doctor` on a BACKUP_DIR other users of the machine may open."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.bot_api_server import LocalBotApi
from tests.test_doctor import doctor, environment, installed


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    """A Bot API server on loopback (getMe answers for its one token)."""
    async with LocalBotApi() as server:
        yield server


@pytest.mark.parametrize(
    ("mode", "can"),
    [(0o750, "list them"), (0o705, "list them"), (0o777, "remove or replace the backups")],
)
async def test_a_backup_folder_open_to_others_is_a_problem(
    api: LocalBotApi, tmp_path: Path, mode: int, can: str
) -> None:
    data = tmp_path / "data"
    await installed(data)  # a fresh backup in tmp_path/backups
    backups = tmp_path / "backups"
    backups.chmod(mode)
    report = await doctor(environment(api, data), tmp_path)
    # Was "OK the newest in … was made 0 s ago": the folder's mode was never looked at.
    assert report.status("backups") == "PROBLEM"
    line = report.lines["backups"]
    assert f"{backups} is open to other users (mode {mode:o})" in line
    assert f"chmod 700 {backups}" in line
    assert f"who can {can}:" in line
    assert report.code == 1
    backups.chmod(0o700)
    report = await doctor(environment(api, data), tmp_path)
    assert report.status("backups") == "OK"
