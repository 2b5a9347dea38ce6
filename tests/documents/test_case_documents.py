"""Closures, monitoring contacts and the half-year figures in the documents."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.config import Settings
from bot.documents.dossier import dossier_pdf
from bot.documents.half_year import half_year_csv, half_year_xlsx
from bot.domain.errors import NotAllowed
from bot.domain.lifecycle import CloseReason, Closure, ContactForm, MonitoringContact
from bot.domain.plan import Stamp
from bot.domain.reports import ContactKind, HalfYear, Month
from bot.i18n import translator
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.lifecycle import CaseRepository
from tests.documents.golden import ADMIN, ASSISTANT, NOW, golden_world

H2 = HalfYear(year=2026, half=2)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
async def services(settings: Settings, db: Database) -> Services:
    """The golden month; the work began on 1 September; R-02 closed on 20 November, monitored."""
    built = Services.build(settings, db)
    families = await golden_world(built, db)
    async with db.write() as conn:  # the history: the families were registered in September
        await conn.execute("UPDATE case_periods SET started_on = '2026-09-01'")
    cases = CaseRepository(db)
    stamp = Stamp(actor_id=ASSISTANT.telegram_id, day=date(2026, 11, 20), at=NOW)
    closure = Closure(
        day=date(2026, 11, 20),
        reason=CloseReason.GOALS_ACHIEVED,
        summary="Rodzina samodzielnie prowadzi budżet.",
        monitor_months=3,
    )
    r02 = families["R-02"]
    outcome = await cases.close(r02, closure, stamp, monitoring_until=date(2027, 2, 20))
    contact = MonitoringContact(
        family_id=r02,
        period_id=outcome.period_id,
        day=date(2026, 11, 25),
        form=ContactForm.PHONE,
        note="Wszystko w porządku.",
        author_id=ASSISTANT.telegram_id,
    )
    await cases.add_contact(contact, datetime(2026, 11, 25, 12, tzinfo=UTC), token=None)
    return built


async def test_a_monitoring_contact_is_on_the_work_card(services: Services) -> None:
    card = await services.reports.work_card(ASSISTANT, Month(year=2026, month=11))
    r02 = next(f for f in card.families if f.family_code == "R-02")
    assert [c.kind for c in r02.contacts] == [
        ContactKind.VISIT,
        ContactKind.MONITORING,
        ContactKind.VISIT,
    ]
    assert card.other == 2  # the accompanying and the monitoring contact


async def test_the_dossier_ends_with_the_closure_and_monitoring(services: Services) -> None:
    record = await services.dossiers.dossier(ASSISTANT, "R-02")
    pdf = dossier_pdf(translator("pl"), record)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    closed = flat.find("20.11.2026 — Zakończenie pracy: Osiągnięto cele")
    contact = flat.find("25.11.2026 — Kontakt monitorujący: Rozmowa telefoniczna")
    assert -1 < closed < contact
    assert "Rodzina samodzielnie prowadzi budżet." in flat
    assert "Czas współpracy (dni): 80" in flat
    assert "Monitorowanie do 20.02.2027" in flat
    assert "Wszystko w porządku." in flat


async def test_the_half_year_figures(services: Services) -> None:
    figures = await services.reports.half_year(ADMIN, H2)
    assert (figures.families, figures.children, figures.new_families, figures.reopened) == (
        3,
        1,
        3,
        0,
    )
    assert figures.closed_by_reason == {"goals_achieved": 1}
    assert figures.average_days == 80
    assert (figures.visits, figures.missed, figures.minutes) == (8, 1, 515)
    assert (figures.monitoring_contacts, figures.assistants) == (1, 2)
    book = load_workbook(io.BytesIO(half_year_xlsx(translator("pl"), figures)))
    cells = {r[0]: r[1] for r in book.active.iter_rows(min_row=4, values_only=True)}
    assert cells["Rodziny, z którymi pracowali asystenci"] == 3
    assert cells["Dzieci w tych rodzinach"] == 1
    assert cells["— w tym: Osiągnięto cele"] == 1
    assert cells["Godziny wizyt"] == 8.58  # a number, as the work card's hours
    assert cells["Minuty wizyt"] == 515
    rows = list(
        csv.reader(
            io.StringIO(half_year_csv(translator("en"), figures).decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert ["Visits", "8"] in rows
    assert ["Families whose cooperation ended", "1"] in rows


async def test_the_half_year_is_for_the_team_only(services: Services) -> None:
    with pytest.raises(NotAllowed):
        await services.reports.half_year(ASSISTANT, H2)
