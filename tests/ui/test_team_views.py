"""A privacy sweep over every coordinator-facing view: the team at a glance, a caseload, the
people list, a person's card and the team digest show codes, counts and staff names only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.config import Settings
from bot.domain.family import Member, NewFamily
from bot.domain.people import Role
from bot.domain.reminders.escalation import build_team_digest
from bot.domain.visit import VisitDraft
from bot.domain.vocabulary import MemberRole, Place
from bot.i18n import LOCALES, translator
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository
from bot.ui.team_texts import team_digest_lines
from bot.ui.team_views import caseload_lines, member_lines, overview_lines, people_lines
from bot.ui.text import MESSAGE_LIMIT, split_lines, telegram_length
from tests.support.harness import ADMIN_ID
from tests.support.telegram_rules import check_text

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
WARSAW = ZoneInfo("Europe/Warsaw")
SECRETS = ["Zbigniewqx", "LabelSecretqx", "NoteSecretqx", "NextStepsSecretqx"]


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(NOW, tick=False):
        yield


async def test_no_member_name_label_or_note_reaches_a_coordinator(
    settings: Settings, db: Database
) -> None:
    people = PeopleRepository(db)
    await people.add_assistant(1001, "Ala <b>&", NOW)
    await people.add_assistant(3001, "Kasia", NOW)
    await people.set_role(3001, Role.COORDINATOR)
    services = Services.build(settings, db)
    owner = await services.membership.actor(1001)
    coordinator = await services.membership.actor(3001)
    family_id, _ = await services.families.register(
        owner,
        NewFamily(
            code="R-01",
            label="LabelSecretqx",
            members=[Member(name="Zbigniewqx", role=MemberRole.FATHER)],
        ),
    )
    father = (await services.families.peek(owner, family_id)).members[0].id
    await services.visits.record(
        owner,
        VisitDraft(
            token="v1",
            family_id=family_id,
            visit_date=date(2026, 11, 16),
            duration_min=90,
            place=Place.HOME,
            present=[father],  # his name is at the visit too, and still not shown
            note="NoteSecretqx",
            next_steps="NextStepsSecretqx",
        ),
    )
    figures = await services.team.overview(coordinator)
    member, rows = await services.team.caseload_of(coordinator, 1001)
    members = await services.team.members(coordinator)
    everyone = await services.team.team.families(date(2026, 11, 22), NOW)
    digest = build_team_digest(
        date(2026, 11, 23), {1001: "Ala <b>&"}, everyone, {1001: (1, 0, 90)}
    )
    today = date(2026, 11, 25)
    for locale in LOCALES:
        tr = translator(locale)
        views = [
            overview_lines(tr, figures, today, WARSAW),
            caseload_lines(tr, member, rows),
            people_lines(tr, members, today, WARSAW),
            member_lines(tr, members[0]),
            team_digest_lines(tr, digest),
        ]
        for lines in views:
            for message in split_lines(lines):
                check_text(message, "HTML")
                assert telegram_length(message) <= MESSAGE_LIMIT
                assert "R-01" in message or "Ala" in message or "Kasia" in message
                for secret in SECRETS:
                    assert secret.lower() not in message.lower(), (locale, secret)
    assert figures[0].not_seen == ("R-01",)  # last visit 9 days ago
    assert rows[0].days_since_visit == 9
    assert digest.rows[0].minutes == 90
    assert ADMIN_ID not in {f.member.telegram_id for f in figures}
