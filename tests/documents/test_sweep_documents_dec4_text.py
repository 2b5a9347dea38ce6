"""A hostile sweep of what the documents print: scripts, tabs, long notes, cuts, charts, words.

Typed text goes in through the services, as the walks save it; the documents are asked for
in the chat and read back as a clerk reads them (pypdf's text, the workbook's cells).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

import bot.documents.charts
from bot.domain.family import Member, NewFamily
from bot.domain.plan import Independence, TaskOwner
from bot.domain.vocabulary import Area, MemberRole
from tests.documents.golden import ASSISTANT, NOW, golden_world, visit
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

SARAH, MUHAMMAD = "שרה", "محمد"  # a Hebrew and an Arabic first name
LONG_GOAL = "Uregulowanie zaległości czynszowych wobec spółdzielni " + "i innych wierzycieli " * 11


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, the clock moving."""
    with time_machine.travel(NOW, tick=True):
        yield


def text_of(content: bytes) -> str:
    """A PDF's text, every page."""
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


async def hostile(harness: BotHarness, language: str = "en") -> tuple[UserSim, int]:
    """R-04: RTL members, a note with tabs and "{nb}", a long goal with long progress notes.

    The work began on 1 October (the contract); the plan, the notes and an assessment are of
    November.
    """
    sim = await harness.assistant(language_code=language)
    services = harness.services
    assert services is not None
    assert harness.db is not None
    await golden_world(services, harness.db)
    members = [
        Member(name=SARAH, role=MemberRole.MOTHER),
        Member(name=MUHAMMAD, role=MemberRole.CHILD),
    ]
    r04, _ = await services.families.register(ASSISTANT, NewFamily(code="R-04", members=members))
    await services.family_edits.correct_contract(ASSISTANT, r04, date(2026, 10, 1), None)
    ids = [m.id for m in (await services.families.peek(ASSISTANT, r04)).members]
    with time_machine.travel(datetime(2026, 11, 5, 9, tzinfo=UTC), tick=False):
        goal = await services.plans.add_goal(ASSISTANT, r04, Area.HOUSING, LONG_GOAL.strip())
        await services.plans.change_due_date(ASSISTANT, goal.id, date(2026, 12, 31))
        await services.plans.add_task(
            ASSISTANT,
            goal.id,
            "Plan spłaty",
            TaskOwner.member(ids[0]),
            independence=Independence.SHOWN,
        )
        for n in range(5):  # a thousand characters each, as long as a progress note may be
            words = f"początek{n} " + "rozmowa z rodziną o budżecie " * 40
            await services.plans.add_progress_note(ASSISTANT, goal.id, words[:990] + f" koniec{n}")
        note = f"Lek:\tparacetamol\nRazem {{nb}} stron. {SARAH} i {MUHAMMAD} byli w domu."
        await visit(services, ASSISTANT, r04, date(2026, 11, 5), 60, note=note, present=ids)
        await services.plans.record_assessment(ASSISTANT, r04, date(2026, 11, 5), "Postępy.")
    return sim, r04


async def test_hebrew_and_arabic_names_print_in_reading_order(harness: BotHarness) -> None:
    sim, _ = await hostile(harness)
    await sim.send("/dossier R-04")
    [(_, content)] = harness.fake.documents(sim.chat_id)
    text = text_of(content)
    # Was "הרש" and "دمحم": the letters were laid out left to right, the names read backwards.
    # (pypdf's text puts a right-to-left run back in reading order, spaces around it aside.)
    for name in (SARAH, MUHAMMAD):
        assert name in text
        assert name[::-1] not in text


async def test_a_tab_and_a_page_count_alias_in_a_note_print_as_typed(harness: BotHarness) -> None:
    sim, _ = await hostile(harness)
    await sim.send("/dossier R-04")
    content = harness.fake.documents(sim.chat_id)[0][1]
    text = text_of(content)
    assert re.search(r"Note: Lek: +paracetamol", text)  # was "Lek:?paracetamol"
    assert "Razem {nb} stron." in text  # was "Razem 4 stron.": fpdf's alias for the page count
    pages = len(PdfReader(io.BytesIO(content)).pages)
    assert f"Page {pages} of {pages}" in text  # the footer still counts the pages


async def test_the_assessment_prints_every_long_progress_note_whole(harness: BotHarness) -> None:
    sim, _ = await hostile(harness)
    sim.raise_errors = False
    await sim.send("/assessment R-04 document")
    # Was: ValueError "The row with index 1 is too high and cannot be rendered on a single page".
    assert sim.handler_errors == []
    [(name, content)] = harness.fake.documents(sim.chat_id)
    assert name == "assessment-R-04-2026-11-05.pdf"
    flat = " ".join(text_of(content).split())
    for n in range(5):
        assert f"początek{n}" in flat
        assert f"koniec{n}" in flat
    assert "wierzycieli i innych wierzycieli" in flat  # the long goal, whole, in its cell
    assert "Postępy." in flat


async def test_a_goal_shortened_beside_its_task_is_marked_as_cut(harness: BotHarness) -> None:
    sim, _ = await hostile(harness)
    await sim.send("/assessment R-04 document")
    flat = " ".join(text_of(harness.fake.documents(sim.chat_id)[0][1]).split())
    # Was "(Uregulowanie zaległości czynszowych wobe)": cut without a sign.
    assert "(Uregulowanie zaległości czynszowych wob…)" in flat


async def test_a_goals_new_due_date_is_written_as_every_other_date(harness: BotHarness) -> None:
    sim, _ = await hostile(harness)
    await sim.send("/dossier R-04")
    text = text_of(harness.fake.documents(sim.chat_id)[0][1])
    assert "Goal's due date changed to 31.12.2026" in text  # was "… to 2026-12-31"


async def test_chart_labels_keep_dollars_underscores_and_dates(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, r04 = await hostile(harness)
    assert harness.services is not None
    goal = (await harness.services.plans.goals(ASSISTANT, r04))[0]
    for text in ("Wpłata 200$ i 300$", "a$x^$b", "_pismo"):
        await harness.services.plans.add_task(
            ASSISTANT, goal.id, text, TaskOwner.assistant(), independence=Independence.TOGETHER
        )
    drawn: list[Any] = []
    png = bot.documents.charts._png

    def keep(figure: Any) -> bytes:
        drawn.append(figure)
        return png(figure)

    monkeypatch.setattr(bot.documents.charts, "_png", keep)
    sim.raise_errors = False
    await sim.send("/dossier R-04")
    # Was: ValueError from matplotlib's mathtext, reading "$x^$" in a task as a formula.
    assert sim.handler_errors == []
    assert len(harness.fake.documents(sim.chat_id)) == 1
    levels = drawn[-1].axes[0]
    # As drawn: plain text, never a formula ("_pismo" was left out: a label starting with _
    # is hidden from a legend).
    shown = [t._preprocess_math(t.get_text()) for t in levels.get_legend().get_texts()]
    assert shown[1:] == [("Wpłata 200$ i 300$", False), ("a$x^$b", False), ("_pismo", False)]
    days = [t.get_text() for t in levels.get_xticklabels()]
    assert days
    assert all(re.fullmatch(r"\d\d\.\d\d\.\d{4}", d) for d in days), days  # was 2026-11-09


async def test_english_totals_read_as_english(harness: BotHarness) -> None:
    sim, _ = await hostile(harness)
    await sim.send("/report 11.2026 pdf")
    await sim.send("/assessment R-04 document")
    card, assessment = (text_of(c) for _, c in harness.fake.documents(sim.chat_id))
    assert "Length" in card.split()  # the column's heading was broken as "Lengt h"
    # Was "in 3 families" here, and "in 1 families" for one.
    assert "Month total: 4:50 h in families: 3; 5 visits, 1 missed, 1 other contact." in card
    # Was "1 visits, 1:00 h; 0 missed visits".
    assert "Visits: 1, 1:00 h; missed visits: 0" in assessment


@pytest.mark.parametrize(
    ("language", "line"),
    [("en", "Length of the cooperation (days): 1"), ("pl", "Czas współpracy (dni): 1")],
)
async def test_the_length_of_the_cooperation_reads_for_any_number(
    harness: BotHarness, language: str, line: str
) -> None:
    sim, r04 = await hostile(harness, language)
    assert harness.services is not None
    assert harness.db is not None
    async with harness.db.write() as conn:  # registered the day before
        await conn.execute(
            "UPDATE case_periods SET started_on = '2026-11-30' WHERE family_id = ?", (r04,)
        )
    admin = await harness.services.membership.actor(500)
    await harness.services.retention.erase_now(admin, r04, "R-04")  # closed and erased today
    await sim.send("/dossier R-04")
    text = text_of(harness.fake.documents(sim.chat_id)[0][1])
    assert line in text  # was "1 days" / "1 dni"


async def test_the_team_workbook_names_sheets_as_excel_allows(harness: BotHarness) -> None:
    sim, _ = await hostile(harness)
    await sim.send("/settings name =Ola Kot'")
    admin = await harness.admin()
    await admin.send("/report team 11.2026 xlsx")
    [(_, content)] = harness.fake.documents(admin.chat_id)
    book = load_workbook(io.BytesIO(content))
    # Excel refuses a sheet name that begins or ends with an apostrophe (it "repairs" the file).
    assert "=Ola Kot" in book.sheetnames
    summary = book["Summary"]
    names = [row[0] for row in summary.iter_rows(min_row=2, values_only=True)]
    assert "=Ola Kot'" in names  # text as typed (a text cell, no apostrophe), never a formula
    assert all(c.data_type != "f" for row in summary.iter_rows() for c in row)
