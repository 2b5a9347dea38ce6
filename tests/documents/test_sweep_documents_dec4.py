"""A hostile sweep of the documents as a user asks for them: months, roles, taps, erasure.

Through the real Application; what is sent is read back as a clerk reads it (the PDF's text
with pypdf, the workbook's cells with openpyxl).
"""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.documents.golden import ASSISTANT, MEMBER_NAMES, NOW, golden_world, visit
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, the clock moving."""
    with time_machine.travel(NOW, tick=True):
        yield


async def seeded(harness: BotHarness, language: str = "en") -> UserSim:
    """The assistant let in by an invite, then the golden month (R-01, R-02; R-03 not theirs)."""
    sim = await harness.assistant(language_code=language)
    assert harness.services is not None
    assert harness.db is not None
    await golden_world(harness.services, harness.db)
    return sim


def text_of(content: bytes) -> str:
    """A PDF's text, every page."""
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def answers(harness: BotHarness) -> list[object]:
    """The texts of every press's answer so far."""
    return [c.params.get("text") for c in harness.fake.calls if c.method == "answerCallbackQuery"]


@pytest.mark.parametrize("typed", ["01.0000", "0000-01", "1/0000"])
async def test_a_month_of_year_zero_is_not_read_as_a_month(
    harness: BotHarness, typed: str
) -> None:
    sim = await seeded(harness)
    sim.raise_errors = False
    await sim.send(f"/report {typed} pdf")
    assert sim.handler_errors == []  # was: ValueError "year 0 is out of range", an apology
    assert harness.fake.last_text(sim.chat_id) == (
        "I could not read that month. Type it like 10.2026."
    )
    assert harness.fake.documents(sim.chat_id) == []


@pytest.mark.parametrize("typed", ["13/2026", "luty", "2026-13", "00.2026"])
async def test_a_month_that_is_no_month_is_asked_again(harness: BotHarness, typed: str) -> None:
    sim = await seeded(harness)
    await sim.send(f"/report {typed}")
    assert "I could not read that month" in harness.fake.last_text(sim.chat_id)
    await sim.send("/report 2026-02 csv")  # the ISO way, with a month without any contact
    [(name, content)] = harness.fake.documents(sim.chat_id)
    assert name == "work-card-2026-02.csv"
    assert content.decode("utf-8-sig").count("\r\n") == 1  # the headings, nothing else


@pytest.mark.parametrize("typed", ["/report team", "/report halfyear", "/report team 11.2026"])
async def test_a_plain_assistant_is_refused_the_team_documents_before_any_button(
    harness: BotHarness, typed: str
) -> None:
    sim = await seeded(harness)
    await sim.send(typed)
    # Was: the months (or half-years) as buttons, then the formats, then the refusal.
    assert harness.fake.last_text(sim.chat_id) == (
        "Only coordinators and the centre's admins can do that."
    )
    assert harness.fake.last_markup(sim.chat_id) == []
    assert harness.fake.documents(sim.chat_id) == []


async def test_a_dossier_button_tapped_twice_sends_the_dossier_once(harness: BotHarness) -> None:
    sim = await seeded(harness)
    await sim.send("/dossier")
    message_id, data = harness.fake.button(sim.chat_id, "R-01")
    await sim.press_data(message_id, data)
    await sim.press_data(message_id, data)  # a double tap on a slow connection
    assert [name for name, _ in harness.fake.documents(sim.chat_id)] == [
        "dossier-R-01-2026-12-01.pdf"
    ]
    # The second press is answered in place: the dossier it asked for is just above.
    assert answers(harness) == [None, "That document was just sent above."]
    await sim.press("R-02")  # another family's button still sends at once
    assert len(harness.fake.documents(sim.chat_id)) == 2
    assert harness.fake.errors == []


async def test_a_format_button_tapped_twice_sends_the_card_once(harness: BotHarness) -> None:
    sim = await seeded(harness)
    await sim.send("/report 11.2026")
    message_id, data = harness.fake.button(sim.chat_id, "📄 PDF")
    await sim.press_data(message_id, data)
    mark = len(answers(harness))
    await sim.press_data(message_id, data)
    assert len(harness.fake.documents(sim.chat_id)) == 1
    assert answers(harness)[mark:] == ["That document was just sent above."]
    await sim.press("📊 XLSX")
    assert [name for name, _ in harness.fake.documents(sim.chat_id)][
        -1
    ] == "work-card-2026-11.xlsx"
    with time_machine.travel(NOW.replace(minute=5), tick=True):  # asked again, minutes later
        await sim.press_data(message_id, data)
    assert len(harness.fake.documents(sim.chat_id)) == 3
    await sim.send("/report 11.2026 pdf")  # typed again: asked again
    assert len(harness.fake.documents(sim.chat_id)) == 4


async def test_a_work_card_tapped_twice_in_polish_says_it_is_just_above(
    harness: BotHarness,
) -> None:
    sim = await seeded(harness, "pl")
    await sim.send("/raport 11.2026")
    message_id, data = harness.fake.button(sim.chat_id, "📊 XLSX")
    await sim.press_data(message_id, data)
    mark = len(answers(harness))
    await sim.press_data(message_id, data)  # a double tap on a slow connection
    assert [name for name, _ in harness.fake.documents(sim.chat_id)] == [
        "karta-pracy-2026-11.xlsx"
    ]
    said = "Ten dokument został wysłany przed chwilą, jest wyżej w czacie."
    assert answers(harness)[mark:] == [said]
    assert harness.fake.errors == []


async def test_an_erased_familys_dossier_says_its_data_was_erased(harness: BotHarness) -> None:
    await seeded(harness)
    assert harness.services is not None
    families = await golden_world_ids(harness)
    admin = await harness.admin()
    actor = await harness.services.membership.actor(admin.user_id)
    await harness.services.retention.erase_now(actor, families["R-01"], "R-01")
    await admin.send("/dossier R-01")
    [(_, content)] = harness.fake.documents(admin.chat_id)
    text = text_of(content)
    # Was: "Purpose: ", "• — (mother)", empty goals and notes, and no word of why.
    assert "The family's personal data was erased." in text
    assert not any(name in text for name in MEMBER_NAMES)
    assert "30.11.2026 — Visit, 1:35 h" in text  # the dates and lengths stay
    assert harness.fake.errors == []


async def golden_world_ids(harness: BotHarness) -> dict[str, int]:
    """The golden families' ids by code."""
    assert harness.services is not None
    found = {}
    for code in ("R-01", "R-02", "R-03"):
        family = await harness.services.families.families.by_code(code)
        assert family is not None
        found[code] = family.id
    return found


async def test_an_empty_team_reports_the_day_it_was_made(harness: BotHarness) -> None:
    admin = await harness.admin()  # the centre's first day: nobody let in yet
    await admin.send("/report team 12.2026 pdf")
    [(_, content)] = harness.fake.documents(admin.chat_id)
    assert "Made on 01.12.2026" in text_of(content)  # was 31.12.2026: the month's last day


async def test_documents_leave_no_file_and_no_name_in_the_log(
    harness: BotHarness,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # the level the bot runs at
    sim = await seeded(harness)
    assert harness.services is not None
    families = await golden_world_ids(harness)
    present = [(await harness.services.families.peek(ASSISTANT, families["R-01"])).members[0].id]
    note = "Notatka-tajna o zdrowiu"
    await visit(harness.services, ASSISTANT, families["R-01"], date(2026, 11, 20), note=note,
                present=present)  # fmt: skip
    written: list[str] = []
    with _files_written(written):
        await sim.send("/dossier R-01")
        await sim.send("/report 11.2026 xlsx")
    assert len(harness.fake.documents(sim.chat_id)) == 2
    # matplotlib keeps its font list in its own folder; nothing else is written anywhere.
    assert [p for p in written if "matplotlib" not in p and "fontlist" not in p] == [], written
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (*MEMBER_NAMES, note, "Łąkowa"):
        assert secret not in logged
    book = load_workbook(io.BytesIO(harness.fake.documents(sim.chat_id)[1][1]))
    assert book.sheetnames == ["Contacts", "Summary"]


_LISTENING: list[list[str]] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    """Note every file opened for writing while a test listens (an audit hook stays for good)."""
    if not _LISTENING or event != "open":
        return
    path, mode, flags = args
    if isinstance(mode, str):
        writes = any(c in mode for c in "wax+")
    else:
        writes = isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR) != 0
    if writes:
        _LISTENING[-1].append(str(path))


@contextmanager
def _files_written(into: list[str]) -> Iterator[None]:
    """Collect the paths of the files opened for writing inside the block."""
    if _audit not in _HOOKED:
        sys.addaudithook(_audit)
        _HOOKED.append(_audit)
    _LISTENING.append(into)
    try:
        yield
    finally:
        _LISTENING.pop()


_HOOKED: list[object] = []
