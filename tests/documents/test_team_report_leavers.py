"""The team report keeps the month of an assistant who left, whatever contact they recorded.

Through the real Application: the leaver is let in, works, hands the family over and is
deactivated by the admin's buttons; the team workbook and PDF are read back.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.domain.appointment import AppointmentStatus, Institution, NewAppointment
from bot.domain.lifecycle import CloseReason, Closure, ContactForm, MonitoringContact
from bot.domain.plan import Stamp
from bot.storage.appointments import AppointmentRepository
from bot.storage.db import Database
from bot.storage.lifecycle import CaseRepository
from tests.conversations.test_new_family import register_family
from tests.documents.golden import NOW
from tests.support.harness import BotHarness

LEAVER, STAYS = 1001, 1002
IN_NOVEMBER = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, the clock moving."""
    with time_machine.travel(NOW, tick=True):
        yield


async def accompanied(db: Database, family_id: int) -> None:
    """The leaver went along to the labour office with the family on 20 November."""
    repo = AppointmentRepository(db)
    new = NewAppointment(
        family_id=family_id,
        institution=Institution.PUP,
        starts_at=IN_NOVEMBER,
        accompany=True,
        purpose="Rejestracja",
    )
    appointment_id = await repo.add(new, LEAVER, IN_NOVEMBER)
    await repo.close(appointment_id, AppointmentStatus.ATTENDED, "", IN_NOVEMBER)


async def monitored(db: Database, family_id: int) -> None:
    """The leaver closed the family on 10 November and phoned it on 20 November."""
    cases = CaseRepository(db)
    day = date(2026, 11, 10)
    closure = Closure(day=day, reason=CloseReason.GOALS_ACHIEVED, summary="", monitor_months=3)
    stamp = Stamp(actor_id=LEAVER, day=day, at=IN_NOVEMBER)
    outcome = await cases.close(family_id, closure, stamp, monitoring_until=date(2027, 2, 10))
    contact = MonitoringContact(
        family_id=family_id,
        period_id=outcome.period_id,
        day=IN_NOVEMBER.date(),
        form=ContactForm.PHONE,
        author_id=LEAVER,
    )
    await cases.add_contact(contact, IN_NOVEMBER, token=None)


@pytest.mark.parametrize("contact", ["accompanying", "monitoring"])
async def test_a_leaver_with_other_contacts_only_keeps_their_month(
    harness: BotHarness, contact: str
) -> None:
    leaver = await harness.assistant(LEAVER, language_code="en", first_name="Leaver")
    await harness.assistant(STAYS, language_code="en", first_name="Stays")
    await register_family(leaver)
    assert harness.services is not None
    assert harness.db is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    admin = await harness.admin()
    if contact == "accompanying":
        await accompanied(harness.db, family.id)
        await admin.send("/assign R-01 1002")  # handed over before the leaver goes
    else:
        await monitored(harness.db, family.id)  # closed: the leaver holds no family
    await admin.send("/team")
    await admin.press("👥 People and roles")
    await admin.press("Leaver")
    await admin.press("⛔ Deactivate (left the centre)")
    await admin.send("/report team 11.2026 xlsx")
    await admin.send("/report team 11.2026 pdf")
    (_, workbook), (_, pdf) = harness.fake.documents(admin.chat_id)
    book = load_workbook(io.BytesIO(workbook))
    # Was: only a leaver with a visit in the month had a sheet; these contacts were lost.
    assert "Leaver" in book.sheetnames
    kinds = [row[2] for row in book["Leaver"].iter_rows(min_row=5, values_only=True)]
    assert kinds == ["Accompanying" if contact == "accompanying" else "Monitoring contact"]
    summary = {row[0]: row for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Leaver"][1:5] == ("R-01", 0, 0, 1)  # family, visits, missed, other
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Leaver" in text
    assert harness.fake.errors == []
