"""The family's documentation and the periodic assessment, read back from the PDF."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from pypdf import PdfReader

from bot.config import Settings
from bot.documents.assessment import assessment_pdf
from bot.documents.dossier import dossier_pdf, event_text, family_chart
from bot.domain.errors import NotFound
from bot.domain.plan import GoalEvent, GoalEventKind, Independence, TaskOwner
from bot.domain.vocabulary import Area
from bot.i18n import translator
from bot.services.registry import Services
from bot.storage.db import Database
from tests.documents.golden import (
    ADMIN,
    ASSISTANT,
    MEMBER_NAMES,
    NOW,
    OTHER,
    golden_world,
    mother,
    visit,
)

HOSTILE = (
    "<b>pogrubione</b> &amp; <script>alert(1)</script> "
    "\u202eשלום עולם\u202c مرحبا 👪 zażółć gęślą jaźń "
)
HOSTILE_NOTE = (HOSTILE + "x" * 3500)[:3500]


def pdf_text(content: bytes) -> str:
    """Every page's text."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
async def services(settings: Settings, db: Database) -> Services:
    """The golden month, a plan with history over October and November, two assessments.

    R-01 came into the bot on 1 December; its contract was signed on 1 October, when the
    work (and its assessments, typed in later) began.
    """
    with time_machine.travel(NOW, tick=False):
        built = Services.build(settings, db)
        r01 = (await golden_world(built, db))["R-01"]
        await built.family_edits.correct_contract(ASSISTANT, r01, date(2026, 10, 1), None)
    with time_machine.travel(datetime(2026, 10, 5, 9, tzinfo=UTC), tick=False):
        goal = await built.plans.add_goal(ASSISTANT, r01, Area.MONEY, "Spłata zadłużenia czynszu")
        task = await built.plans.add_task(
            ASSISTANT,
            goal.id,
            "Budżet domowy co tydzień",
            TaskOwner.member(1),
            independence=Independence.SHOWN,
        )
        await built.plans.record_assessment(ASSISTANT, r01, date(2026, 10, 5), "Pierwsza ocena.")
    with time_machine.travel(datetime(2026, 11, 10, 9, tzinfo=UTC), tick=False):
        await built.plans.change_independence(ASSISTANT, task.id, Independence.SUPPORTED)
        await built.plans.add_progress_note(ASSISTANT, goal.id, "Pierwsza rata wpłacona.")
        present = await mother(built, r01)
        await visit(
            built, ASSISTANT, r01, date(2026, 11, 9), 80, note=HOSTILE_NOTE, present=present
        )
    with time_machine.travel(NOW, tick=False):
        await built.plans.record_assessment(
            ASSISTANT, r01, date(2026, 11, 30), "Rodzina robi postępy w planowaniu wydatków."
        )
    return built


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026 while the documents are made."""
    with time_machine.travel(NOW, tick=False):
        yield


async def test_the_dossier_holds_the_whole_record_in_date_order(services: Services) -> None:
    record = await services.dossiers.dossier(ASSISTANT, "r-01")
    content = dossier_pdf(translator("pl"), record)
    text = pdf_text(content)
    pages = len(PdfReader(io.BytesIO(content)).pages)
    assert "Dokumentacja pracy z rodziną R-01" in text
    assert f"Strona {pages} z {pages}" in text
    assert "Sporządzono 01.12.2026" in text
    for name in MEMBER_NAMES:
        assert name in text  # the family's own file names its members
    order = [
        "05.10.2026 — Rozpoczęcie planu pracy z rodziną",
        "31.10.2026 — Wizyta",
        "01.11.2026 — Termin o 00:30",
        "09.11.2026 — Wizyta",
        "10.11.2026 — Samodzielność",
        "15.11.2026 — Wizyta nieodbyta",
        "30.11.2026 — Ocena okresowa",
    ]
    flat = text.replace("\n", " ")
    places = [flat.find(entry) for entry in order]
    assert -1 not in places, dict(zip(order, places, strict=True))
    assert places == sorted(places)
    assert "Pierwsza rata wpłacona." in text
    assert "Rodzina robi postępy w planowaniu wydatków." in text
    assert "01.12.2026 — Wizyta" not in flat  # R-02's visit is not in R-01's file


async def test_a_hostile_note_prints_as_typed_text(services: Services) -> None:
    record = await services.dossiers.dossier(ASSISTANT, "R-01")
    text = pdf_text(dossier_pdf(translator("en"), record))
    flat = text.replace("\n", "")
    assert "<b>pogrubione</b> &amp; <script>alert(1)</script>" in flat
    assert "zażółć gęślą jaźń" in flat
    assert "x" * 200 in flat  # the long run wraps, nothing is cut
    assert flat.count("x") >= HOSTILE_NOTE.count("x")


async def test_the_dossier_is_read_through_the_family_access_check(services: Services) -> None:
    with pytest.raises(NotFound):
        await services.dossiers.dossier(OTHER, "R-01")
    assert (await services.dossiers.dossier(ADMIN, "R-01")).family.code == "R-01"
    assert (ADMIN.telegram_id, "read.dossier") in await services.families.audit.entries(1)
    denied = await services.families.audit.denials_by(OTHER.telegram_id)
    assert [d.action for d in denied] == ["read.dossier"]


async def test_the_assessment_document_covers_its_own_period(services: Services) -> None:
    doc = await services.dossiers.assessment_document(ASSISTANT, "R-01")
    assert (doc.period.first, doc.period.last) == (date(2026, 10, 6), date(2026, 11, 30))
    content = assessment_pdf(translator("pl"), doc)
    text = pdf_text(content)
    assert "Okresowa ocena sytuacji rodziny R-01" in text
    assert "Okres: 06.10.2026 – 30.11.2026" in text
    assert "Rodzina robi postępy w planowaniu wydatków." in text
    assert "Pierwsza rata wpłacona." in text
    # Visits of the period: 31 Oct (50), 1 Nov (60), 9 Nov (80), 30 Nov (95); 15 Nov missed.
    assert "Wizyty: 4, 4:45 godz.; wizyty nieodbyte: 1" in text
    assert "pokazuje asystent" in text.replace("\n", " ")  # the level then
    assert "rodzina ze wsparciem" in text.replace("\n", " ")  # and now
    assert "Podpis kierownika ośrodka" in text
    assert "Grażyna (matka)" in text
    # The period's visits per week and the tasks' levels over time, as pictures.
    pictures = [image for page in PdfReader(io.BytesIO(content)).pages for image in page.images]
    assert len(pictures) == 2


async def test_no_assessment_yet_is_said_plainly(services: Services) -> None:
    with pytest.raises(NotFound) as refused:
        await services.dossiers.assessment_document(ASSISTANT, "R-02")
    assert refused.value.code == "assessment_none"


async def test_the_chart_is_a_png(services: Services) -> None:
    record = await services.dossiers.dossier(ASSISTANT, "R-01")
    assert family_chart(translator("pl"), record).startswith(b"\x89PNG")


async def test_a_member_who_moved_out_is_named_at_the_visits_they_were_at(
    services: Services,
) -> None:
    record = await services.dossiers.dossier(ASSISTANT, "R-01")
    left = record.family.members[-1]
    with time_machine.travel(NOW, tick=False):
        await visit(services, ASSISTANT, record.family.id, date(2026, 11, 20), present=[left.id])
        await services.family_edits.member_left(ASSISTANT, record.family.id, left.id)
    record = await services.dossiers.dossier(ASSISTANT, "R-01")
    assert left.id not in {m.id for m in record.family.members}
    text = pdf_text(dossier_pdf(translator("en"), record))
    assert f"Present: {left.name}" in text  # not "Present: ?"
    assert f"{left.name} (" in text
    assert "moved out on 01.12.2026" in text


@pytest.mark.parametrize(
    ("language", "moved"),
    [
        ("en", "Now due 18.03.2027, its goal's date (it was due 20.03.2027)."),
        ("pl", "Nowy termin: 18.03.2027, termin celu (wcześniej 20.03.2027)."),
    ],
)
def test_a_task_reopened_by_its_goals_earlier_date_says_so_in_the_history(
    language: str, moved: str
) -> None:
    tr = translator(language)
    reopened = GoalEvent(
        id=1,
        goal_id=1,
        kind=GoalEventKind.TASK_REOPENED,
        day=date(2026, 12, 1),
        at=NOW,
        actor_id=ASSISTANT.telegram_id,
        text="Bring the papers",
        task_id=1,
        old_value="2027-03-20",
        new_value="2027-03-18",
    )
    heading = tr.gettext("Task reopened")
    assert event_text(tr, reopened, "Rent") == (heading, ["Rent: Bring the papers", moved])
    plain = reopened.model_copy(update={"old_value": None, "new_value": None})
    assert event_text(tr, plain, "Rent") == (heading, ["Rent: Bring the papers"])
