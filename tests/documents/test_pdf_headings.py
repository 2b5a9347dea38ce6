"""A heading in a PDF is never left alone at the foot of a page: it goes on with what follows.

Read back per page with pypdf, as the printed sheets are read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
import time_machine
from pypdf import PdfReader

from bot.documents.pdf import LINE, Document
from bot.i18n import translator
from tests.documents.golden import NOW
from tests.documents.test_sweep_documents_dec4_text import hostile
from tests.support.harness import BotHarness

TALL = "\n".join(f"wiersz {n}" for n in range(35))  # a cell of 35 lines: 14 cm at size 8


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, the clock moving."""
    with time_machine.travel(NOW, tick=True):
        yield


def pages(content: bytes) -> list[str]:
    """Each page's text, whitespace made single spaces."""
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages]


def page_of(found: list[str], text: str) -> int:
    """The first page a text is on."""
    return next(n for n, page in enumerate(found) if text in page)


async def test_the_assessments_goals_heading_goes_on_with_its_tall_first_row(
    harness: BotHarness,
) -> None:
    sim, _ = await hostile(harness)
    await sim.send("/assessment R-04 document")
    [(_, content)] = harness.fake.documents(sim.chat_id)
    found = pages(content)
    heading = page_of(found, "Goals of the help plan")
    # Was: the heading at the foot of page 1, the table from the top of page 2.
    assert "Progress in the period" in found[heading]
    assert "Uregulowanie zaległości" in found[heading]
    assert "początek0" in found[heading]


@pytest.mark.parametrize("filler", range(30, 52))
def test_a_heading_and_a_table_start_on_one_page_wherever_the_page_ends(filler: int) -> None:
    pdf = Document(translator("en"), "Title", date(2026, 12, 1))
    for n in range(filler):
        pdf.paragraph(f"line {n}")
    rows = [["first row", TALL], ["second row", "short"]]
    pdf.table_of(["What", "Notes"], rows, (40, 140), title="Section heading")
    found = pages(pdf.finish())
    heading = page_of(found, "Section heading")
    assert "What Notes" in found[heading]
    assert "first row" in found[heading]
    assert "wiersz 0" in found[heading]
    assert page_of(found, "line 0") == 0


@pytest.mark.parametrize("filler", range(44, 54))
def test_a_heading_is_never_the_last_line_of_a_page(filler: int) -> None:
    pdf = Document(translator("en"), "Title", date(2026, 12, 1))
    for n in range(filler):
        pdf.paragraph(f"line {n}")
    pdf.heading("Section heading", 11)
    pdf.paragraph("first line after the heading")
    found = pages(pdf.finish())
    assert page_of(found, "Section heading") == page_of(found, "first line after the heading")


@pytest.mark.parametrize("filler", range(44, 54))
def test_a_dossier_entry_keeps_its_date_line_with_its_first_line(filler: int) -> None:
    pdf = Document(translator("en"), "Title", date(2026, 12, 1))
    for n in range(filler):
        pdf.paragraph(f"line {n}")
    pdf.paragraph("05.11.2026 — Visit, 1:00 h, home", bold=True, keep=LINE)
    pdf.paragraph("the note of the visit")
    found = pages(pdf.finish())
    assert page_of(found, "05.11.2026 — Visit") == page_of(found, "the note of the visit")
