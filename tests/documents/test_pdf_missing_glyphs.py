"""What DejaVu Sans cannot print: STIX (matplotlib's too) prints what it has, the rest shows "�".

A visit note typed in the chat's way (emoji, letters pasted from a "fancy font" generator) is
saved through the services; the dossier is asked for in the chat and read back with pypdf.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import time_machine

from bot.documents.charts import label
from bot.documents.pdf import Document
from bot.domain.vocabulary import Area
from bot.i18n import translator
from tests.documents.golden import ASSISTANT, NOW, visit
from tests.documents.test_sweep_documents_dec4_text import MUHAMMAD, hostile, text_of
from tests.support.harness import BotHarness

FAMILY_EMOJI = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # 👨‍👩‍👧: three emoji, two joiners
FANCY = "𝐀𝐧𝐧𝐚 i 𝓜𝓪𝓻𝓽𝓪"  # mathematical bold and bold script letters
NOTE = f"Rodzina {FAMILY_EMOJI} w domu ✅, {FANCY} ⓐ. Czy przyjdą? 🇵🇱 日本"


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, the clock moving."""
    with time_machine.travel(NOW, tick=True):
        yield


async def dossier_text(harness: BotHarness) -> str:
    """R-04's dossier, with the note above in a visit of 6 November, as one line of text."""
    sim, r04 = await hostile(harness)
    assert harness.services is not None
    present = [m.id for m in (await harness.services.families.peek(ASSISTANT, r04)).members]
    await visit(harness.services, ASSISTANT, r04, date(2026, 11, 6), note=NOTE, present=present)
    await sim.send("/dossier R-04")
    [(_, content)] = harness.fake.documents(sim.chat_id)
    return " ".join(text_of(content).split())


async def test_letters_the_font_lacks_print_from_the_fallback_font(harness: BotHarness) -> None:
    text = await dossier_text(harness)
    assert FANCY in text  # was "???? i ?????": DejaVu Sans has no mathematical letters
    assert "ⓐ." in text


async def test_what_no_font_has_prints_as_one_replacement_mark(harness: BotHarness) -> None:
    text = await dossier_text(harness)
    # Was "Rodzina ???", "✅" as "?" and a flag as "??": a typed "?" could not be told apart.
    assert "Rodzina \ufffd w domu \ufffd, " in text
    assert "Czy przyjdą? \ufffd \ufffd" in text
    assert "?" not in text.split("Note: Rodzina")[1].split("Czy przyjdą?")[0]


def test_a_chart_label_marks_what_its_font_lacks_the_same_way() -> None:
    # A chart draws with DejaVu Sans alone: there the fancy letters are marks too.
    assert label(f"Zadanie {FAMILY_EMOJI} 𝐀 ?") == "Zadanie \ufffd \ufffd ?"


@pytest.mark.parametrize(
    ("extra", "embedded"), [("", False), (f" {FANCY}", True), (f" {MUHAMMAD}", False)]
)
def test_the_fallback_font_is_embedded_only_when_a_line_uses_it(
    extra: str, embedded: bool
) -> None:
    pdf = Document(translator("pl"), "Teczka", date(2026, 12, 1))
    pdf.paragraph("Zażółć gęślą jaźń")
    pdf.table_of(["Kto", "Uwagi"], [["Anna", "wiersz 1\nwiersz 2" + extra]], (40, 140))
    content = pdf.finish()
    # Each line the fallback font prints costs time (fpdf2 takes it a character at a time)
    # and the font is embedded, 2 KB; a line break in a table cell once counted as such a line.
    assert (b"/BaseFont /MPDFAA+STIXGeneral" in content) is embedded
    assert b"/BaseFont /MPDFAA+DejaVuSansBook" in content


SANS = "𝖠𝗇𝗇𝖺"  # mathematical sans-serif letters: DejaVu Sans has them, its bold face does not
ALEF = "\U0001ee00"  # Arabic mathematical alef: the same, and STIX General lacks it too


async def test_a_bold_line_takes_what_the_bold_face_lacks_from_the_fallback_font(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    sim, r04 = await hostile(harness)
    assert harness.services is not None
    effect = f"Efekt {SANS} {ALEF}."
    await harness.services.plans.add_goal(
        ASSISTANT, r04, Area.MONEY, f"Cel {SANS} {ALEF}.", expected_effect=effect
    )
    await sim.send("/dossier R-04")
    [(_, content)] = harness.fake.documents(sim.chat_id)
    text = " ".join(text_of(content).split())
    # The goal's line is bold: its letters printed as empty boxes, checked against the regular
    # face (pypdf reads a box back as the letter it stands for: fpdf2's warning tells them).
    assert not [r for r in caplog.records if "is missing the following glyphs" in r.message]
    assert f"Cel {SANS} \ufffd. [" in text  # the sans letters from STIX General
    assert f"Expected effect: Efekt {SANS} {ALEF}." in text  # the regular face has both


def test_a_tables_bold_headings_and_totals_follow_the_bold_face(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pdf = Document(translator("pl"), "Zespół", date(2026, 12, 1))
    pdf.table_of(
        [f"Kto {SANS}", "Godziny"], [["Anna", "3"]], (90, 90), total=[f"Razem {ALEF}", "3"]
    )
    text = " ".join(text_of(pdf.finish()).split())
    assert not [r for r in caplog.records if "is missing the following glyphs" in r.message]
    assert f"Kto {SANS} Godziny" in text
    assert "Razem \ufffd 3" in text
