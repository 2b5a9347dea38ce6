"""Arabic in a PDF prints joined, as it is written; Hebrew and Polish print as before.

Asked for in the chat and read back per glyph (tests/documents/glyphs.py): pypdf's text gives
an Arabic letter's base code point whichever form was drawn, so it cannot show the joining.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date

import pytest
import time_machine

from bot.documents.pdf import Document
from bot.i18n import translator
from tests.documents.glyphs import drawn
from tests.documents.golden import NOW
from tests.documents.test_sweep_documents_dec4_text import MUHAMMAD, SARAH, hostile, text_of
from tests.support.harness import BotHarness

# محمد as printed, left to right: final dal, medial meem, medial hah, initial meem.
MUHAMMAD_JOINED = "\ufeaa\ufee4\ufea4\ufee3"


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, the clock moving."""
    with time_machine.travel(NOW, tick=True):
        yield


async def test_an_arabic_name_prints_with_its_letters_joined(harness: BotHarness) -> None:
    sim, _ = await hostile(harness)
    await sim.send("/dossier R-04")
    [(_, content)] = harness.fake.documents(sim.chat_id)
    glyphs = drawn(content)
    # Was "دمحم": each letter in its isolated form, side by side, unjoined.
    assert MUHAMMAD_JOINED in glyphs
    assert MUHAMMAD[::-1] not in glyphs
    assert unicodedata.normalize("NFKC", MUHAMMAD_JOINED[::-1]) == MUHAMMAD
    # What a clerk copies out of the file is still the name as typed, and the Hebrew one too.
    text = text_of(content)
    assert MUHAMMAD in text
    assert SARAH in text


def test_arabic_in_a_table_cell_and_a_heading_prints_joined() -> None:
    pdf = Document(translator("pl"), "Teczka", date(2026, 12, 1))
    pdf.heading(f"Rodzina {MUHAMMAD}")
    pdf.table_of(["Kto", "Uwagi"], [[MUHAMMAD, "zażółć gęślą jaźń"]], (40, 140))
    glyphs = drawn(pdf.finish())
    assert glyphs.count(MUHAMMAD_JOINED) == 2
    assert "zażółć gęślą jaźń" in glyphs


def test_polish_and_hebrew_lines_are_drawn_as_before() -> None:
    pdf = Document(translator("pl"), "Teczka", date(2026, 12, 1))
    pdf.paragraph(f"Zażółć gęślą jaźń: {SARAH} (matka), first flight")
    glyphs = drawn(pdf.finish())
    # Hebrew laid out right to left, a left-to-right line around it; no "fi"/"fl" ligature
    # glyphs, which would read back out of order.
    assert f"Zażółć gęślą jaźń: {SARAH[::-1]} (matka), first flight" in glyphs


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Adres: רחוב 12, דירה 5", "Adres: 5 הריד ,12 בוחר"),
        ("שרה 12 lat (córka)", "12 הרש lat (córka)"),
        ("محمد ٥ سنوات (ابن)", "(نبا) تاونس ٥ دمحم"),  # Arabic-Indic digits, mirrored brackets
        # brackets split from their partners by numbers pair within their own run
        ("Anna אמרה (12.11.2026) 50% שרה, 3,5 (12)", "Anna (12) 3,5 ,הרש 50% (12.11.2026) הרמא"),
    ],
)
def test_a_number_after_hebrew_or_arabic_prints_where_it_is_read(typed: str, shown: str) -> None:
    pdf = Document(translator("pl"), "Teczka", date(2026, 12, 1))
    pdf.paragraph(typed)
    pdf.table_of(["Uwagi"], [[typed]], (180,))
    # Left to right as printed, joined forms read as their letters (NFKC).
    lines = unicodedata.normalize("NFKC", drawn(pdf.finish())).split("\n")
    # Was "Adres: בוחר12 הריד ,5" with shaping on: fpdf2 lays a line's runs out in the
    # order typed. (Before shaping, our own reordering printed it right, as now.)
    assert lines.count(shown) == 2
