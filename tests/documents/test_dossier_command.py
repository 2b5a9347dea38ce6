"""/teczka, /ocena … dokument, 📄, the card's chart, /raport polrocze, through real updates."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.documents.golden import ASSISTANT_NAME, NOW, golden_world
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, the clock moving."""
    with time_machine.travel(NOW, tick=True):
        yield


async def seeded(harness: BotHarness, language: str = "pl") -> UserSim:
    """The assistant let in through an invite, then the golden month."""
    sim = await harness.assistant(first_name=ASSISTANT_NAME, language_code=language)
    assert harness.services is not None
    assert harness.db is not None
    await golden_world(harness.services, harness.db)
    return sim


def text_of(content: bytes) -> str:
    """A PDF's text."""
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


async def test_the_dossier_by_code_and_by_button(harness: BotHarness) -> None:
    sim = await seeded(harness)
    await sim.send("/teczka R-01")
    [(name, content)] = harness.fake.documents(sim.chat_id)
    assert name == "teczka-R-01-2026-12-01.pdf"
    assert "Dokumentacja pracy z rodziną R-01" in text_of(content)
    await sim.send("/teczka")
    await sim.press("R-02")
    assert harness.fake.documents(sim.chat_id)[-1][0] == "teczka-R-02-2026-12-01.pdf"
    await sim.send("/teczka R-03")  # another assistant's family
    assert "Nie ma takiej rodziny" in harness.fake.last_text(sim.chat_id)
    assert len(harness.fake.documents(sim.chat_id)) == 2
    assert harness.fake.errors == []


async def test_the_assessment_document_after_saving_and_later(harness: BotHarness) -> None:
    sim = await seeded(harness, "en")
    await sim.send("/assessment R-01 document")
    assert "no periodic assessment yet" in harness.fake.last_text(sim.chat_id)
    await sim.send("/assessment R-01")
    await sim.press("Today")
    await sim.send("Mother keeps the budget; <b>rent</b> paid & on time.")
    assert "Assessment saved" in harness.fake.last_text(sim.chat_id)
    await sim.press("📄 Document")
    [(name, content)] = harness.fake.documents(sim.chat_id)
    assert name == "assessment-R-01-2026-12-01.pdf"
    text = text_of(content)
    assert "Periodic assessment of the situation of family R-01" in text
    assert "<b>rent</b> paid & on time." in text
    await sim.send("/assessment R-01 document")
    assert len(harness.fake.documents(sim.chat_id)) == 2
    await sim.send("/ocena dokument R-01")  # the words the other way round
    assert [name for name, _ in harness.fake.documents(sim.chat_id)][2:] == [name]
    assert harness.fake.errors == []


async def test_the_family_card_sends_the_chart(harness: BotHarness) -> None:
    sim = await seeded(harness, "en")
    await sim.send("/families")
    await sim.press("R-01")
    await sim.press("📈 Chart")
    [(name, content)] = harness.fake.documents(sim.chat_id)
    assert name == "visits-R-01-2026-12-01.png"
    assert content.startswith(b"\x89PNG")


async def test_the_half_year_figures_for_the_admin(harness: BotHarness) -> None:
    sim = await seeded(harness, "en")
    await sim.send("/report halfyear")  # refused at once: no buttons that cannot work
    assert "coordinators" in harness.fake.last_text(sim.chat_id)
    await sim.press_data(1, "rp:h20262:xlsx:")  # a coordinator's button, forwarded: refused
    assert "coordinators" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.documents(sim.chat_id) == []
    admin = await harness.admin()
    await admin.send("/raport polrocze")
    await admin.press("📊 half-year II 2026 XLSX")
    [(name, content)] = harness.fake.documents(admin.chat_id)
    assert name == "half-year-2026-H2.xlsx"
    cells = {
        r[0]: r[1] for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    }
    assert cells["Visits"] == 8


async def test_a_sent_document_is_recorded_to_leave_the_chat(harness: BotHarness) -> None:
    sim = await seeded(harness)
    await sim.send("/teczka R-01")
    assert harness.db is not None
    rows = await harness.db.fetch_all("SELECT kind FROM chat_cleanup WHERE kind = 'document'")
    assert [r["kind"] for r in rows] == ["document"]
