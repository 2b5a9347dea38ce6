"""A hostile sweep of the documents' buttons and commands, through the real Application."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conversations.test_new_family import register_family
from tests.documents.golden import NOW, golden_world, visit
from tests.handlers.test_team import coordinator
from tests.support.harness import BotHarness


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, the clock moving."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.mark.parametrize(
    "data",
    [
        "rp:m000001:pdf:",  # year 0: no such date
        "rp:t999912:xlsx:",  # December 9999: no month after it
        "rp:h00001:csv:",
        "rp:m209912:pdf:",  # a month still to come: the bot never offers one
        "rp:h20991:xlsx:",
        "rp:m199912:pick:",  # before the bot's oldest year
        "rp:m²⁰²⁴01:pdf:",  # digits to str.isdigit, not to int
        "rp:m２０２４01:pdf:",  # fullwidth digits: not a button of ours
    ],
)
async def test_a_forged_report_button_is_no_longer_active(harness: BotHarness, data: str) -> None:
    sim = await harness.assistant(language_code="en")
    assert harness.services is not None
    assert harness.db is not None
    await golden_world(harness.services, harness.db)
    boss = await coordinator(harness)
    for who in (sim, boss):
        await who.press_data(1, data)
        answers = [
            c.params.get("text") for c in harness.fake.calls if c.method == "answerCallbackQuery"
        ]
        assert answers[-1] == "This button is no longer active."
        assert harness.fake.documents(who.chat_id) == []
    assert harness.fake.errors == []


async def test_last_years_half_year_button_still_sends(harness: BotHarness) -> None:
    await harness.assistant(language_code="en")
    boss = await coordinator(harness)
    await boss.press_data(1, "rp:h20252:csv:")  # an old message's button: a real half-year
    [(name, _content)] = harness.fake.documents(boss.chat_id)
    assert name == "half-year-2025-H2.csv"


async def test_the_team_report_names_an_assistant_who_left_in_the_month(
    harness: BotHarness,
) -> None:
    leaver = await harness.assistant(1001, language_code="en", first_name="Leaver")
    await harness.assistant(1002, language_code="en", first_name="Stays")
    await register_family(leaver)
    assert harness.services is not None
    actor = await harness.services.membership.actor(leaver.user_id)
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    await visit(harness.services, actor, family.id, date(2026, 11, 20), minutes=90)
    admin = await harness.admin()
    await admin.send("/assign R-01 1002")  # handed over, then the leaver is deactivated
    await admin.send("/team")
    await admin.press("👥 People and roles")
    await admin.press("Leaver")
    await admin.press("⛔ Deactivate (left the centre)")
    await admin.send("/report team 11.2026 xlsx")
    await admin.send("/report team 11.2026 pdf")
    (_, workbook), (_, pdf) = harness.fake.documents(admin.chat_id)
    book = load_workbook(io.BytesIO(workbook))
    assert "Leaver" in book.sheetnames  # their November stays, under their name
    assert book["Leaver"]["A2"].value == "Family assistant: Leaver"
    summary = [row[0] for row in book["Summary"].iter_rows(min_row=2, values_only=True)]
    assert "Leaver" in summary
    assert "1001" not in summary
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Leaver" in text
    assert harness.fake.errors == []
