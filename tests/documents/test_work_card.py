"""The monthly work card read back as a clerk would: the PDF's text, the workbook, the CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.config import Settings
from bot.documents.work_card import card_csv, card_pdf, card_xlsx
from bot.domain.errors import NotAllowed
from bot.domain.family import Member, NewFamily
from bot.domain.people import Actor
from bot.domain.reports import ContactKind, Month
from bot.domain.vocabulary import MemberRole
from bot.i18n import translator
from bot.services.registry import Services
from bot.storage.db import Database
from tests.documents.golden import (
    ADMIN,
    ASSISTANT,
    ASSISTANT_NAME,
    MEMBER_NAMES,
    NOW,
    OTHER,
    golden_world,
)

NOVEMBER = Month(year=2026, month=11)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, morning."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
async def services(settings: Settings, db: Database) -> Services:
    """The services over the golden month."""
    built = Services.build(settings, db)
    await golden_world(built, db)
    return built


def pdf_text(content: bytes) -> str:
    """Every page's text, as a reader would copy it."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def test_the_month_holds_exactly_its_own_days(services: Services) -> None:
    card = await services.reports.work_card(ASSISTANT, NOVEMBER)
    days = {c.family_code: [(c.day.isoformat(), c.kind) for c in f.contacts]
            for f in card.families for c in f.contacts[:1]}  # fmt: skip
    assert list(days) == ["R-01", "R-02"]
    r01 = card.families[0]
    assert [(c.day.isoformat(), c.kind) for c in r01.contacts] == [
        ("2026-11-01", ContactKind.ACCOMPANYING),  # 31 Oct 23:30 UTC is 1 Nov in Warsaw
        ("2026-11-01", ContactKind.VISIT),
        ("2026-11-15", ContactKind.MISSED),
        ("2026-11-30", ContactKind.VISIT),
    ]
    assert [c.day.isoformat() for c in card.families[1].contacts] == ["2026-11-02", "2026-11-29"]
    assert (card.visits, card.missed, card.other, card.minutes) == (4, 1, 1, 230)
    october = await services.reports.work_card(ASSISTANT, NOVEMBER.previous())
    assert [c.day.isoformat() for f in october.families for c in f.contacts] == [
        "2026-10-31",
        "2026-10-31",
        "2026-10-25",
    ]
    assert october.minutes == 170


async def test_the_pdf_shows_codes_lengths_totals_and_no_member_names(
    services: Services,
) -> None:
    tr = translator("pl")
    card = await services.reports.work_card(ASSISTANT, NOVEMBER)
    text = pdf_text(card_pdf(tr, card))
    await services.reports.set_document_name(ASSISTANT, "Zażółć gęślą jaźń")
    renamed = await services.reports.work_card(ASSISTANT, NOVEMBER)
    assert "Asystent rodziny: Zażółć gęślą jaźń" in pdf_text(card_pdf(tr, renamed))
    assert "Karta pracy asystenta rodziny — listopad 2026" in text
    assert ASSISTANT_NAME in text  # Ł, ę, Ź print as themselves
    for expected in ("R-01", "R-02", "01.11.2026", "30.11.2026", "1:35", "0:45", "3:50"):
        assert expected in text
    assert "31.10.2026" not in text
    assert text.count("01.12.2026") == 1  # the day it was made, not the visit of 1 December
    assert "Sporządzono 01.12.2026" in text
    for name in (*MEMBER_NAMES, "Łąkowa"):
        assert name not in text
    assert "Strona 1 z 1" in text
    assert "Podpis asystenta rodziny" in text
    assert "Mieszkanie" in text
    assert "Dokumenty i pisma" in text


async def test_the_workbook_totals_are_the_sum_of_its_rows(services: Services) -> None:
    tr = translator("en")
    card = await services.reports.work_card(ASSISTANT, NOVEMBER)
    book = load_workbook(io.BytesIO(card_xlsx(tr, card)))
    contacts, summary = book["Contacts"], book["Summary"]
    lines = [r for r in contacts.iter_rows(min_row=5, values_only=True) if r[0]]
    assert [r[0] for r in lines] == ["R-01"] * 4 + ["R-02"] * 2
    assert sum(r[3] or 0 for r in lines) == 230
    rows = list(summary.iter_rows(min_row=2, values_only=True))
    body, total = rows[:-1], rows[-1]
    assert total[0] == "Total"
    for column in (2, 3, 4, 5):
        assert total[column] == sum(r[column] for r in body)
    assert total[2:6] == (4, 1, 1, 230)
    assert all(name not in str(cell) for row in lines for cell in row for name in MEMBER_NAMES)


async def test_the_csv_parses_with_one_line_per_contact(services: Services) -> None:
    tr = translator("pl")
    card = await services.reports.work_card(ASSISTANT, NOVEMBER)
    raw = card_csv(tr, [card]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert rows[0][:3] == ["Asystent rodziny", "Rodzina", "Data"]
    assert len(rows) == 7
    assert sum(int(r[4]) for r in rows[1:] if r[4]) == 230
    assert {r[1] for r in rows[1:]} == {"R-01", "R-02"}
    assert rows[1][0] == ASSISTANT_NAME


async def test_another_assistants_card_is_for_the_team_only(services: Services) -> None:
    with pytest.raises(NotAllowed):
        await services.reports.work_card(OTHER, NOVEMBER, ASSISTANT.telegram_id)
    card = await services.reports.work_card(ADMIN, NOVEMBER, ASSISTANT.telegram_id)
    assert card.visits == 4
    denied = await services.families.audit.denials_by(OTHER.telegram_id)
    assert [d.action for d in denied] == ["read.report"]


async def test_the_document_name_replaces_the_telegram_name(services: Services) -> None:
    assert await services.reports.document_name(ASSISTANT) == ASSISTANT_NAME
    await services.reports.set_document_name(ASSISTANT, "  mgr Zofia  Łęcka ")
    card = await services.reports.work_card(ASSISTANT, NOVEMBER)
    assert card.assistant_name == "mgr Zofia Łęcka"
    await services.reports.set_document_name(ASSISTANT, None)
    assert await services.reports.document_name(ASSISTANT) == ASSISTANT_NAME


async def test_a_coordinator_reads_the_team_and_changes_nothing(services: Services) -> None:
    coordinator = Actor(telegram_id=700, is_coordinator=True)
    team = await services.reports.team_report(coordinator, NOVEMBER)
    assert [c.assistant_name for c in team.cards] == ["Marek Nowak", ASSISTANT_NAME]
    assert (team.visits, team.minutes) == (5, 305)
    assert (await services.reports.work_card(coordinator, NOVEMBER, 1001)).visits == 4
    record = await services.dossiers.dossier(coordinator, "R-01")
    assert record.family.code == "R-01"


async def test_an_admins_sheet_is_in_the_team_report_only_while_they_hold_a_family(
    services: Services,
) -> None:
    await services.membership.ensure_admin_profile(ADMIN, "Ewa Admin")
    team = await services.reports.team_report(ADMIN, NOVEMBER)
    assert [c.assistant_name for c in team.cards] == ["Marek Nowak", ASSISTANT_NAME]
    admin = await services.membership.actor(ADMIN.telegram_id)
    family = NewFamily(code="R-50", members=[Member(name="Anna", role=MemberRole.MOTHER)])
    await services.families.register(admin, family)
    team = await services.reports.team_report(ADMIN, NOVEMBER)
    assert [c.assistant_name for c in team.cards] == ["Ewa Admin", "Marek Nowak", ASSISTANT_NAME]
