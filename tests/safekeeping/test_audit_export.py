"""`python -m bot audit --out FILE.csv`: the access log for the data protection officer."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from bot.config import Settings
from bot.domain.errors import NotFound
from bot.domain.family import Member, NewFamily
from bot.domain.people import Actor
from bot.domain.vocabulary import MemberRole
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.files import mode_of
from bot.storage.people import PeopleRepository
from tests.support.harness import ADMIN_ID

REPO = Path(__file__).resolve().parents[2]
OWNER = Actor(telegram_id=1001, is_assistant=True)
OTHER = Actor(telegram_id=1002, is_assistant=True)
ADMIN = Actor(telegram_id=ADMIN_ID, is_admin=True)


def audit(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot audit ...` against the test database."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "audit", *args],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(REPO),
            "DATABASE_PATH": str(settings.database_path),
        },
        check=False,
        timeout=60,
    )


def rows(path: Path) -> list[dict[str, str]]:
    """The CSV's rows as dicts."""
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


async def test_the_export_filters_by_family_and_day_and_holds_no_content(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    services = Services.build(settings, db)
    people = PeopleRepository(db)
    with time_machine.travel(datetime(2026, 10, 20, 9, 0, tzinfo=UTC), tick=False):
        for actor in (OWNER, OTHER):
            await people.add_assistant(actor.telegram_id, "x", datetime.now(UTC))
        member = Member(name="Zenobia", role=MemberRole.MOTHER)
        await services.families.register(OWNER, NewFamily(code="R-01", members=[member]))
        await services.families.register(OTHER, NewFamily(code="R-02"))
    with time_machine.travel(datetime(2026, 11, 3, 9, 0, tzinfo=UTC), tick=False):
        await services.plans.plan_for(ADMIN, "R-01")
        with pytest.raises(NotFound):
            await services.plans.plan_for(OTHER, "R-01")
    out = tmp_path / "r01.csv"
    result = audit(settings, "--family", "r-01", "--since", "2026-11-01", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "2 access log entries" in result.stdout
    found = rows(out)
    assert [(r["telegram_id"], r["kind"], r["action"], r["family"]) for r in found] == [
        (str(ADMIN_ID), "read", "read.plan", "R-01"),
        ("1002", "refused", "read.plan", "R-01"),
    ]
    assert found[0]["at_local"] == "2026-11-03 10:00:00"
    assert mode_of(out) == 0o600
    assert "Zenobia" not in out.read_text(encoding="utf-8")
    everything = tmp_path / "all.csv"
    assert audit(settings, "--out", str(everything)).returncode == 0
    assert {r["action"] for r in rows(everything)} == {"family.create", "read.plan"}
    again = audit(settings, "--out", str(everything))
    assert again.returncode == 2
    assert "already exists" in again.stderr
    unknown = audit(settings, "--family", "R-77", "--out", str(tmp_path / "x.csv"))
    assert unknown.returncode == 2
    assert "R-77" in unknown.stderr
    assert audit(settings, "--since", "yesterday", "--out", "y.csv").returncode == 2
    missing = settings.model_copy(update={"database_path": tmp_path / "none" / "x.sqlite3"})
    nowhere = audit(missing, "--out", str(tmp_path / "z.csv"))
    assert nowhere.returncode == 2
    assert "no database" in nowhere.stderr
    assert not (tmp_path / "none").exists()
