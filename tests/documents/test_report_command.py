"""/raport through the real Application: the buttons, the document sent, its name."""

from __future__ import annotations

import asyncio
import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.__main__ import main
from tests.documents.golden import ASSISTANT_NAME, MEMBER_NAMES, NOW, golden_world
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, the clock moving (PTB needs it to)."""
    with time_machine.travel(NOW, tick=True):
        yield


async def seeded(harness: BotHarness, **kwargs: Any) -> UserSim:
    """The assistant let in through an invite, then the golden month."""
    sim = await harness.assistant(first_name=ASSISTANT_NAME, **kwargs)
    assert harness.services is not None
    assert harness.db is not None
    await golden_world(harness.services, harness.db)
    return sim


async def test_last_months_card_as_pdf(harness: BotHarness) -> None:
    sim = await seeded(harness)
    await sim.send("/raport")
    assert "karta pracy" in harness.fake.last_text(sim.chat_id)
    await sim.press("listopad 2026")
    await sim.press("📄 PDF")
    [(name, content)] = harness.fake.documents(sim.chat_id)
    assert name == "karta-pracy-2026-11.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "R-01" in text
    assert "3:50" in text
    assert ASSISTANT_NAME in text
    assert not any(member in text for member in MEMBER_NAMES)
    assert harness.fake.errors == []


async def test_a_typed_month_and_format_at_once(harness: BotHarness) -> None:
    sim = await seeded(harness, language_code="en")
    await sim.send("/report 10.2026 csv")
    [(name, content)] = harness.fake.documents(sim.chat_id)
    assert name == "work-card-2026-10.csv"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert [r[2] for r in rows[1:]] == ["2026-10-31", "2026-10-31", "2026-10-25"]


async def test_the_words_in_any_order(harness: BotHarness) -> None:
    sim = await seeded(harness, language_code="en")
    await sim.send("/report csv 10.2026")
    await sim.send("/report xlsx 11.2026")
    assert [name for name, _ in harness.fake.documents(sim.chat_id)] == [
        "work-card-2026-10.csv",
        "work-card-2026-11.xlsx",
    ]
    await sim.send("/raport pdf")  # no month: the months, and a month pressed sends the PDF
    assert "Which month?" in harness.fake.last_text(sim.chat_id)
    await sim.press("November 2026")
    assert harness.fake.documents(sim.chat_id)[-1][0] == "work-card-2026-11.pdf"
    assert harness.fake.errors == []


@pytest.mark.parametrize(
    ("typed", "answer"),
    [("13.2026", "could not read that month"), ("01.2027", "has not begun"), ("x", "10.2026")],
)
async def test_a_bad_month_gets_a_friendly_answer(
    harness: BotHarness, typed: str, answer: str
) -> None:
    sim = await seeded(harness, language_code="en")
    await sim.send(f"/report {typed}")
    assert answer in harness.fake.last_text(sim.chat_id)
    assert harness.fake.documents(sim.chat_id) == []


async def test_the_team_report_is_the_coordinators(harness: BotHarness) -> None:
    sim = await seeded(harness, language_code="en")
    await sim.send("/report team 11.2026 xlsx")
    assert "coordinators" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.documents(sim.chat_id) == []
    admin = await harness.admin()
    await admin.send("/report")
    await admin.press("Team: November 2026")
    await admin.press("📊 XLSX")
    [(name, content)] = harness.fake.documents(admin.chat_id)
    assert name == "team-report-2026-11.xlsx"
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[0] == "Summary"
    assert ASSISTANT_NAME in book.sheetnames
    assert "Marek Nowak" in book.sheetnames
    assert "Ewa" not in book.sheetnames  # the admin holds no family: no empty sheet
    await admin.press("📄 PDF")
    assert len(harness.fake.documents(admin.chat_id)) == 2
    await admin.send("/report xlsx 11.2026 team")  # the words in any order
    assert harness.fake.documents(admin.chat_id)[-1][0] == "team-report-2026-11.xlsx"
    assert harness.db is not None
    rows = await harness.db.fetch_all("SELECT action, outcome FROM access_log")
    assert {"action": "read.team_report", "outcome": "allowed"} in rows
    assert {"action": "read.team_report", "outcome": "denied"} in rows


async def test_the_name_on_documents_is_set_in_settings(harness: BotHarness) -> None:
    sim = await seeded(harness, language_code="en")
    await sim.send("/settings")
    assert ASSISTANT_NAME in harness.fake.last_text(sim.chat_id)
    await sim.send("/ustawienia nazwa mgr <b>Zofia</b> Łęcka")
    assert "name mgr <b>Zofia</b> Łęcka." in harness.fake.last_text(sim.chat_id)  # shown as typed
    await sim.send("/report 11.2026 pdf")
    [(_, content)] = harness.fake.documents(sim.chat_id)
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "mgr <b>Zofia</b> Łęcka" in text


async def test_the_command_line_writes_the_same_documents(
    harness: BotHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seeded(harness)
    settings = harness.settings
    await harness.close()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-TOKEN")
    monkeypatch.setenv("DATABASE_PATH", str(settings.database_path))
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", "500")
    out = tmp_path / "karta.xlsx"
    argv = ["report", "--month", "2026-11", "--assistant", "1001", "--format", "xlsx"]
    assert await asyncio.to_thread(main, [*argv, "--out", str(out)]) == 0
    book = load_workbook(out)
    assert book["Podsumowanie"]["F4"].value == 230
    team = tmp_path / "zespol.pdf"
    argv = ["report", "--month", "2026-11", "--format", "pdf", "--out", str(team)]
    assert await asyncio.to_thread(main, argv) == 0
    text = PdfReader(team).pages[0].extract_text()
    assert "Marek Nowak" in text
    assert ASSISTANT_NAME in text
    assert await asyncio.to_thread(main, argv) == 2  # never over an existing file


async def test_the_command_line_writes_a_dossier(
    harness: BotHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seeded(harness)
    settings = harness.settings
    await harness.close()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-TOKEN")
    monkeypatch.setenv("DATABASE_PATH", str(settings.database_path))
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", "500")
    out = tmp_path / "teczka.pdf"
    assert await asyncio.to_thread(main, ["dossier", "R-01", "--out", str(out)]) == 0
    assert "Dokumentacja pracy z rodziną R-01" in PdfReader(out).pages[0].extract_text()
    missing = tmp_path / "none.pdf"
    assert await asyncio.to_thread(main, ["dossier", "R-99", "--out", str(missing)]) == 2
    assert not missing.exists()


async def test_the_command_line_says_what_to_change_in_one_sentence(
    harness: BotHarness,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await seeded(harness)
    settings = harness.settings
    await harness.close()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-TOKEN")
    monkeypatch.setenv("DATABASE_PATH", str(settings.database_path))
    out = str(tmp_path / "x.pdf")
    cases = {
        (
            "report",
            "--month",
            "2026-13",
            "--out",
            out,
        ): "--month: '2026-13' is not a month like 2026-11",
        ("report", "--month", "2027-05", "--out", out): "--month: 2027-05 has not begun yet",
        ("dossier", "R-99", "--out", out): "no family with the code 'R-99'",
    }
    for argv, said in cases.items():
        assert await asyncio.to_thread(main, list(argv)) == 2
        assert capsys.readouterr().err == f"error: {said}\n"
    assert not (tmp_path / "x.pdf").exists()


async def test_the_command_line_file_is_private_from_the_start(
    harness: BotHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seeded(harness)
    settings = harness.settings
    await harness.close()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-TOKEN")
    monkeypatch.setenv("DATABASE_PATH", str(settings.database_path))
    out = tmp_path / "new folder" / "teczka.pdf"
    before = os.umask(0o000)  # every file the system makes would be 0666
    try:
        assert await asyncio.to_thread(main, ["dossier", "R-01", "--out", str(out)]) == 0
    finally:
        os.umask(before)
    assert out.stat().st_mode & 0o777 == 0o600
