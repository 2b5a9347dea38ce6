"""CaseService and FamilyEditService: the access checks, closed families, the caseload count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.config import Settings
from bot.domain.errors import DomainError, NotAllowed, NotFound
from bot.domain.family import CASELOAD_LIMIT, Member, NewFamily
from bot.domain.lifecycle import CloseReason, Closure, ContactForm
from bot.domain.people import Actor
from bot.domain.vocabulary import Area, MemberRole
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository
from tests.support.harness import ADMIN_ID

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
TODAY = date(2026, 12, 1)
OWNER = Actor(telegram_id=1001, is_assistant=True)
OTHER = Actor(telegram_id=1002, is_assistant=True)
ADMIN = Actor(telegram_id=ADMIN_ID, is_admin=True)
CLOSURE = Closure(day=TODAY, reason=CloseReason.REFERRED, summary="To the PCPR", monitor_months=6)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Tuesday morning in Warsaw."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
async def services(settings: Settings, db: Database) -> Services:
    """Two assistants; the owner holds R-01 with Anna."""
    people = PeopleRepository(db)
    await people.add_assistant(OWNER.telegram_id, "Ola", NOW)
    await people.add_assistant(OTHER.telegram_id, "Ewa", NOW)
    services = Services.build(settings, db)
    await services.families.register(
        OWNER, NewFamily(code="R-01", members=[Member(name="Anna", role=MemberRole.MOTHER)])
    )
    return services


async def _id(services: Services, code: str = "R-01") -> int:
    family = await services.families.families.by_code(code)
    assert family is not None
    return family.id


async def _first_member(services: Services) -> tuple[int, Member]:
    """R-01's id and its first member (Anna)."""
    family = await services.families.families.by_code("R-01")
    assert family is not None
    return family.id, family.members[0]


async def test_only_the_assistant_closes_and_a_refusal_is_audited(services: Services) -> None:
    family_id = await _id(services)
    with pytest.raises(NotFound):
        await services.cases.close(OTHER, family_id, CLOSURE)
    with pytest.raises(NotAllowed, match="read_only"):  # readers read, never change
        await services.cases.close(ADMIN, family_id, CLOSURE)
    denied = [a for a, _ in await services.families.audit.entries(family_id, "denied")]
    assert denied == [OTHER.telegram_id, ADMIN.telegram_id]
    await services.cases.close(OWNER, family_id, CLOSURE)
    with pytest.raises(NotAllowed, match="family_closed"):
        await services.cases.close(OWNER, family_id, CLOSURE)


async def test_a_closed_family_is_read_by_its_assistant_and_the_admin_but_not_changed(
    services: Services,
) -> None:
    family_id = await _id(services)
    await services.plans.add_goal(OWNER, family_id, Area.HOUSING, "Flat")
    await services.cases.close(OWNER, family_id, CLOSURE)
    for reader in (OWNER, ADMIN):
        plan = await services.plans.plan_for(reader, family_id)
        assert plan is not None
        history = await services.cases.history(reader, family_id)
        assert [p.close_reason for p in history.periods] == [CloseReason.REFERRED]
    with pytest.raises(NotFound):
        await services.cases.history(OTHER, family_id)
    with pytest.raises(NotAllowed, match="family_closed"):
        await services.plans.add_goal(OWNER, family_id, Area.MONEY, "Debt")
    with pytest.raises(NotAllowed, match="family_closed"):
        await services.family_edits.set_label(OWNER, family_id, "new")
    reads = [
        (actor, action)
        for actor, action in await services.families.audit.entries(family_id)
        if action == "read.case"
    ]
    assert reads == [(OWNER.telegram_id, "read.case"), (ADMIN.telegram_id, "read.case")]


async def test_closed_families_do_not_count_toward_the_limit(services: Services) -> None:
    for number in range(2, CASELOAD_LIMIT + 1):
        await services.families.register(OWNER, NewFamily(code=f"R-{number:02d}"))
    _, over = await services.families.register(OWNER, NewFamily(code="R-99"))
    assert over
    await services.cases.close(OWNER, await _id(services), CLOSURE)
    caseload = await services.families.caseload(OWNER)
    assert len(caseload.families) == CASELOAD_LIMIT
    assert not caseload.over_limit
    assert await services.families.families.count_active(OWNER.telegram_id) == CASELOAD_LIMIT
    assert "R-01" not in {f.code for f in await services.families.own_families(OWNER)}
    over = await services.cases.reopen(OWNER, await _id(services), TODAY)
    assert over


async def test_monitoring_contacts_and_reopening_are_the_assistants_only(
    services: Services,
) -> None:
    family_id = await _id(services)
    with pytest.raises(NotAllowed, match="family_open"):
        await services.cases.record_contact(OWNER, family_id, TODAY, ContactForm.VISIT, "")
    await services.cases.close(OWNER, family_id, CLOSURE)
    with pytest.raises(NotFound):
        await services.cases.record_contact(OTHER, family_id, TODAY, ContactForm.VISIT, "")
    with pytest.raises(NotFound):
        await services.cases.reopen(OTHER, family_id, TODAY)
    with pytest.raises(DomainError, match="text_too_long"):
        await services.cases.record_contact(OWNER, family_id, TODAY, ContactForm.PHONE, "x" * 1001)
    contact = await services.cases.record_contact(
        OWNER, family_id, TODAY, ContactForm.SCHOOL, "  ok & <b> "
    )
    assert contact.note == "ok & <b>"
    assert [f.code for f in await services.cases.monitored_families(OWNER)] == ["R-01"]
    with pytest.raises(DomainError, match="reopen_before_close"):
        await services.cases.reopen(OWNER, family_id, date(2026, 11, 30))
    await services.cases.reopen(OWNER, family_id, TODAY)
    assert await services.cases.monitored_families(OWNER) == []
    with pytest.raises(NotAllowed, match="family_open"):
        await services.cases.reopen(OWNER, family_id, TODAY)


async def test_edits_check_their_values_and_keep_history(services: Services) -> None:
    family_id = await _id(services)
    await services.families.register(OWNER, NewFamily(code="R-02"))
    edits = services.family_edits
    with pytest.raises(DomainError, match="code_taken_free"):
        await edits.set_code(OWNER, family_id, "r-02")
    with pytest.raises(DomainError, match="code_format"):
        await edits.set_code(OWNER, family_id, "R 0 1")
    assert (await edits.set_code(OWNER, family_id, "r-01")).code == "R-01"  # its own is free
    with pytest.raises(DomainError, match="text_invisible"):
        await edits.set_label(OWNER, family_id, "\u200b\u200b")
    with pytest.raises(NotFound):
        await edits.set_label(OTHER, family_id, "mine")
    family = await edits.add_member(OWNER, family_id, "Kuba", MemberRole.CHILD, 2015)
    anna = next(m for m in family.members if m.name == "Anna")
    family = await edits.member_left(OWNER, family_id, anna.id)
    assert [m.name for m in family.members] == ["Kuba"]
    with pytest.raises(NotFound, match="member_unknown"):
        await edits.member_left(OWNER, family_id, anna.id)
    with pytest.raises(DomainError, match="renewal_past"):
        await edits.renew_contract(OWNER, family_id, date(2026, 11, 30))
    await edits.renew_contract(OWNER, family_id, date(2027, 6, 30))
    await edits.renew_contract(OWNER, family_id, date(2027, 12, 31))
    history = await edits.contract_history(OWNER, family_id)
    assert history == [(TODAY, date(2027, 6, 30))]
    with pytest.raises(DomainError, match="visits_per_week"):
        await edits.set_visits_per_week(OWNER, family_id, 3)


async def test_a_member_is_corrected_in_place_and_each_correction_is_audited(
    services: Services,
) -> None:
    family_id, anna = await _first_member(services)
    edits = services.family_edits
    family = await edits.rename_member(OWNER, family_id, anna.id, "  Ania ")
    family = await edits.set_member_role(OWNER, family_id, anna.id, MemberRole.GRANDPARENT)
    family = await edits.set_member_birth_year(OWNER, family_id, anna.id, 1960)
    assert [(m.id, m.name, m.role, m.birth_year) for m in family.members] == [
        (anna.id, "Ania", MemberRole.GRANDPARENT, 1960)
    ]
    family = await edits.set_member_birth_year(OWNER, family_id, anna.id, None)
    assert family.members[0].birth_year is None
    assert family.former_members == ()
    for bad, code in (("2015", "name_letters"), ("x" * 31, "name_format"), ("\u200b", "")):
        with pytest.raises(DomainError, match=code or "text_invisible"):
            await edits.rename_member(OWNER, family_id, anna.id, bad)
    with pytest.raises(DomainError, match="year_future"):
        await edits.set_member_birth_year(OWNER, family_id, anna.id, 2030)
    actions = [a for _, a in await services.families.audit.entries(family_id)]
    assert actions.count("family.edit.member_name") == 1
    assert actions.count("family.edit.member_role") == 1
    assert actions.count("family.edit.member_year") == 2


async def test_only_the_assistant_corrects_and_only_a_member_of_the_household(
    services: Services,
) -> None:
    family_id, anna = await _first_member(services)
    edits = services.family_edits
    with pytest.raises(NotAllowed, match="read_only"):  # a coordinator or admin reads only
        await edits.rename_member(ADMIN, family_id, anna.id, "Ania")
    with pytest.raises(NotAllowed, match="read_only"):
        await edits.set_member_role(ADMIN, family_id, anna.id, MemberRole.CHILD)
    with pytest.raises(NotAllowed, match="read_only"):
        await edits.correct_contract(ADMIN, family_id, TODAY, None)
    with pytest.raises(NotFound):
        await edits.set_member_birth_year(OTHER, family_id, anna.id, 1990)
    other = await services.families.register(OTHER, _family("K-01"))
    stranger = await services.families.families.get(other[0])
    assert stranger is not None
    with pytest.raises(NotFound, match="member_unknown"):  # another family's member
        await edits.rename_member(OWNER, family_id, stranger.members[0].id, "Ania")
    await edits.member_left(OWNER, family_id, anna.id)
    with pytest.raises(NotFound, match="member_unknown"):  # moved out: not offered
        await edits.rename_member(OWNER, family_id, anna.id, "Ania")
    await services.cases.close(OWNER, family_id, CLOSURE)
    with pytest.raises(NotAllowed, match="family_closed"):
        await edits.correct_contract(OWNER, family_id, TODAY, None)
    family = await services.families.families.get(family_id)
    assert family is not None
    assert [m.name for m in family.everyone] == ["Anna"]
    assert family.contract_signed_on is None
    denied = await services.families.audit.entries(family_id, "denied")
    assert {actor for actor, _ in denied} >= {ADMIN.telegram_id, OTHER.telegram_id}


async def test_a_corrected_contract_replaces_its_dates_and_adds_no_history(
    services: Services,
) -> None:
    family_id = await _id(services)
    edits = services.family_edits
    await edits.renew_contract(OWNER, family_id, date(2027, 6, 1))  # signed today
    family = await edits.correct_contract(OWNER, family_id, date(2026, 11, 20), date(2027, 5, 20))
    assert (family.contract_signed_on, family.contract_valid_until) == (
        date(2026, 11, 20),
        date(2027, 5, 20),
    )
    assert await edits.contract_history(OWNER, family_id) == []  # the same contract
    refusals = (
        (date(2026, 12, 2), date(2027, 5, 20), "contract_future"),
        (date(2026, 11, 20), date(2026, 11, 19), "contract_order"),
        (date(2015, 1, 1), date(2027, 5, 20), "contract_too_old"),
        (date(2026, 11, 20), date(2030, 1, 1), "contract_too_far"),
    )
    for signed, until, code in refusals:
        with pytest.raises(DomainError, match=code):
            await edits.correct_contract(OWNER, family_id, signed, until)
    await edits.renew_contract(OWNER, family_id, date(2027, 12, 1))
    assert await edits.contract_history(OWNER, family_id) == [
        (date(2026, 11, 20), date(2027, 5, 20))  # the renewal keeps the corrected one
    ]
    actions = [a for _, a in await services.families.audit.entries(family_id)]
    assert actions.count("family.edit.contract_dates") == 1
    assert actions.count("family.edit.contract") == 2


def _family(code: str) -> NewFamily:
    """A family with one member."""
    return NewFamily(code=code, members=[Member(name="Ola", role=MemberRole.MOTHER)])
