"""The workbooks and CSVs as a clerk's spreadsheet opens them: text stays text, figures figures.

Through the real Application; the files are read back with openpyxl (cells, their type and
style) and csv, and each CSV field is judged the way Polish Excel reads a field it opens.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from io import BytesIO
from zipfile import ZipFile

import pytest
import time_machine
from openpyxl import Workbook, load_workbook

from bot.documents.half_year import half_year_csv
from bot.documents.work_card import save
from bot.domain.reports import HalfYear, HalfYearFigures
from bot.i18n import translator
from tests.documents.golden import NOW, golden_world
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

# What Polish Excel makes of a field it opens from a CSV: "12:30" a time of day, "12.5" and
# "8.03" a date (12 May, 8 March), "1/2" a date too. A figure must be none of these.
EXCEL_TIME = re.compile(r"^\d{1,3}:\d{2}(:\d{2})?$")
EXCEL_DATE = re.compile(r"^\d{1,2}[./]\d{1,2}$")


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, the clock moving."""
    with time_machine.travel(NOW, tick=True):
        yield


async def seeded(harness: BotHarness) -> UserSim:
    """The assistant let in by an invite, then the golden month."""
    sim = await harness.assistant(language_code="en")
    assert harness.services is not None
    assert harness.db is not None
    await golden_world(harness.services, harness.db)
    return sim


def csv_rows(content: bytes) -> list[list[str]]:
    """A CSV of ours as rows (BOM, semicolons)."""
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def formulas(content: bytes) -> list[str]:
    """The sheets of a workbook's zip that hold a formula element."""
    with ZipFile(io.BytesIO(content)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]


def misread_by_excel(rows: list[list[str]]) -> list[str]:
    """The fields Excel would take for a time of day or a date instead of a figure."""
    return [f for row in rows for f in row if EXCEL_TIME.match(f) or EXCEL_DATE.match(f)]


@pytest.mark.parametrize("name", ["=Anna Nowak", "+48 Anna", "-Anna", "@Anna"])
async def test_a_name_that_looks_like_a_formula_is_text_without_an_apostrophe(
    harness: BotHarness, name: str
) -> None:
    sim = await seeded(harness)
    await sim.send(f"/settings name {name}")
    assert name in harness.fake.last_text(sim.chat_id)
    await sim.send("/report 11.2026 xlsx")
    await sim.send("/report 11.2026 csv")
    admin = await harness.admin()
    await admin.send("/report team 11.2026 xlsx")
    (_, card), (_, card_csv) = harness.fake.documents(sim.chat_id)
    [(_, team)] = harness.fake.documents(admin.chat_id)
    for content in (card, team):
        summary = load_workbook(io.BytesIO(content))["Summary"]
        cells = [row[0] for row in summary.iter_rows(min_row=2) if row[0].value == name]
        assert cells, [row[0].value for row in summary.iter_rows()]  # was "'" + name
        for cell in cells:
            assert cell.data_type == "s"  # a text cell, not a formula
            assert cell.quotePrefix  # and Excel keeps it text when the clerk edits it
        assert formulas(content) == []
    # In the CSV the leading apostrophe stays: a CSV cell has no type to say "text".
    assert {row[0] for row in csv_rows(card_csv)[1:]} == {f"'{name}"}


async def test_the_half_year_hours_are_a_figure_in_the_csv_and_the_workbook(
    harness: BotHarness,
) -> None:
    await seeded(harness)
    admin = await harness.admin()
    await admin.send("/raport polrocze")
    await admin.press("half-year II 2026 CSV")
    await admin.press("📊 half-year II 2026 XLSX")
    (name, content), (_, workbook) = harness.fake.documents(admin.chat_id)
    assert name == "half-year-2026-H2.csv"
    rows = csv_rows(content)
    # 515 minutes: was "8:35", which Excel opens as 08:35, a time of day.
    assert ["Hours of visits", "8,58"] in rows
    assert ["Minutes of visits", "515"] in rows
    assert misread_by_excel(rows) == []
    sheet = load_workbook(io.BytesIO(workbook)).active
    cells = {r[0]: r[1] for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert cells["Hours of visits"] == 8.58  # a number the clerk can add up, as the card's
    assert cells["Minutes of visits"] == 515


def test_a_fractional_figure_in_the_csv_has_a_decimal_comma() -> None:
    figures = HalfYearFigures(
        half=HalfYear(year=2026, half=2),
        families=3,
        children=1,
        new_families=3,
        reopened=0,
        closed_by_reason={"goals_achieved": 2},
        average_days=80.5,
        visits=8,
        missed=1,
        minutes=500,
        monitoring_contacts=0,
        assistants=2,
        made_on=NOW.date(),
    )
    for language in ("pl", "en"):
        rows = csv_rows(half_year_csv(translator(language), figures))
        figures_only = [row[1] for row in rows[1:]]
        assert "80,5" in figures_only  # was "80.5": to Polish Excel a day in a month
        assert "8,33" in figures_only
        assert misread_by_excel(rows) == []


async def test_every_csv_of_the_month_keeps_its_figures(harness: BotHarness) -> None:
    sim = await seeded(harness)
    await sim.send("/report 11.2026 csv")
    admin = await harness.admin()
    await admin.send("/report team 11.2026 csv")
    for _, content in (
        *harness.fake.documents(sim.chat_id),
        *harness.fake.documents(admin.chat_id),
    ):
        rows = csv_rows(content)
        assert len(rows) > 1
        assert misread_by_excel(rows) == []


NAMES = {
    1001: "History",  # Excel keeps this name for itself, in any case
    1002: "history",
    1003: "Zofia [x]: a*b?c/d\\e",
    1004: "Aleksandra Wiśniewska-Kowalczyk z Domu",  # 38 characters
    1005: "Aleksandra Wiśniewska-Kowalczyk z Domu Nowak",  # the same 31 once shortened
    1006: "Ola " + "ż" * 25 + " 👩‍👧",  # 31 letters, 33 in the UTF-16 Excel counts in
}


def excel_length(name: str) -> int:
    """A sheet name's length as Excel counts it (UTF-16 code units)."""
    return len(name.encode("utf-16-le")) // 2


async def test_the_team_workbook_sheet_names_are_all_ones_excel_opens(harness: BotHarness) -> None:
    for telegram_id, name in NAMES.items():
        sim = await harness.assistant(telegram_id, language_code="en")
        await sim.send(f"/settings name {name}")
        assert "Saved" in harness.fake.last_text(sim.chat_id), name
    admin = await harness.admin()
    await admin.send("/report team 11.2026 xlsx")
    [(_, content)] = harness.fake.documents(admin.chat_id)
    book = load_workbook(io.BytesIO(content))
    titles = book.sheetnames
    assert titles[0] == "Summary"
    lowered = [t.lower() for t in titles]
    assert "history" not in lowered  # was "History": Excel refuses to open the file
    assert len(set(lowered)) == len(titles)
    for title in titles:
        assert 0 < excel_length(title) <= 31, title
        assert not set("[]:*?/\\") & set(title), title
        assert "'" not in {title[0], title[-1]}, title
    signed = {book[t]["A2"].value.removeprefix("Family assistant: ") for t in titles[1:]}
    assert set(NAMES.values()) <= signed  # every assistant has their sheet


def test_a_workbook_is_written_without_a_temporary_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl's own save puts each sheet in /tmp first; ours keeps it in memory (work_card)."""

    def no_disk() -> str:
        raise AssertionError("a sheet went to a temporary file")

    monkeypatch.setattr("openpyxl.worksheet._writer.create_temporary_file", no_disk)
    book = Workbook()
    book.active.append(["R-01", "Anna"])
    with pytest.raises(AssertionError):
        book.save(BytesIO())  # what the guard catches: openpyxl's path is the one patched
    opened = load_workbook(BytesIO(save(book)))
    assert [c.value for c in opened.active[1]] == ["R-01", "Anna"]
