"""FamilyService.register: the service refuses what the walk refuses, even called directly."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.config import Settings
from bot.domain.errors import DomainError
from bot.domain.family import Member, NewFamily
from bot.domain.people import Actor
from bot.domain.vocabulary import MemberRole
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
OWNER = Actor(telegram_id=1001, is_assistant=True)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
async def services(settings: Settings, db: Database) -> Services:
    """The services on a fresh database, with one assistant let in."""
    await PeopleRepository(db).add_assistant(OWNER.telegram_id, "Owner", NOW)
    return Services.build(settings, db)


@pytest.mark.parametrize(
    ("signed", "until", "code"),
    [
        (date(1900, 1, 1), None, "contract_too_old"),
        (date(2016, 11, 24), None, "contract_too_old"),
        (date(2026, 11, 26), None, "contract_future"),
        (None, date(2999, 12, 31), "contract_too_far"),
        (date(2026, 6, 1), date(2029, 11, 26), "contract_too_far"),
        (date(2026, 6, 1), date(2026, 5, 31), "contract_order"),
    ],
)
async def test_contract_dates_out_of_bounds_are_refused(
    services: Services, signed: date | None, until: date | None, code: str
) -> None:
    family = NewFamily(code="R-01", contract_signed_on=signed, contract_valid_until=until)
    with pytest.raises(DomainError) as refused:
        await services.families.register(OWNER, family)
    assert refused.value.code == code
    assert await services.families.families.codes() == set()


async def test_contract_dates_within_bounds_are_kept(services: Services) -> None:
    family = NewFamily(
        code="R-01", contract_signed_on=date(2016, 11, 25), contract_valid_until=date(2029, 11, 25)
    )
    family_id, _ = await services.families.register(OWNER, family)
    saved = await services.families.peek(OWNER, family_id)
    assert (saved.contract_signed_on, saved.contract_valid_until) == (
        date(2016, 11, 25),
        date(2029, 11, 25),
    )


@pytest.mark.parametrize(
    "family",
    [
        NewFamily(code="R-01", label="\u200b\u200c\u200d"),
        NewFamily(code="R-01", label=" \ufeff\u2060 "),
        NewFamily(code="R-01", members=[Member(name="\u200b", role=MemberRole.CHILD)]),
        NewFamily(code="R-01", members=[Member(name="\u3164", role=MemberRole.MOTHER)]),
    ],
)
async def test_labels_and_names_that_show_nothing_are_refused(
    services: Services, family: NewFamily
) -> None:
    with pytest.raises(DomainError) as refused:
        await services.families.register(OWNER, family)
    assert refused.value.code == "text_invisible"
    assert await services.families.families.codes() == set()


async def test_bidi_controls_are_dropped_and_emoji_kept(services: Services) -> None:
    family = NewFamily(
        code="R-01",
        label="\u202eKowalscy\u202c 👩\u200d👩\u200d👧\u200d👦",
        members=[Member(name="\u2067Ola\u2069", role=MemberRole.CHILD)],
    )
    family_id, _ = await services.families.register(OWNER, family)
    saved = await services.families.peek(OWNER, family_id)
    assert saved.label == "Kowalscy 👩\u200d👩\u200d👧\u200d👦"
    assert [m.name for m in saved.members] == ["Ola"]


async def test_the_same_draft_registers_one_family(services: Services) -> None:
    family = NewFamily(code="R-01", members=[Member(name="Ola", role=MemberRole.CHILD)])
    assert not await services.families.is_saved(OWNER, "a1b2c3d4e5f60718")
    first, _ = await services.families.register(OWNER, family, draft_token="a1b2c3d4e5f60718")
    assert await services.families.is_saved(OWNER, "a1b2c3d4e5f60718")
    again, over_limit = await services.families.register(
        OWNER, family, draft_token="a1b2c3d4e5f60718"
    )
    assert (again, over_limit) == (first, False)
    assert await services.families.families.codes() == {"R-01"}
    saved = await services.families.peek(OWNER, first)
    assert [m.name for m in saved.members] == ["Ola"]
    assert await services.families.audit.entries(first) == [(OWNER.telegram_id, "family.create")]


async def test_another_draft_with_a_used_code_is_still_refused(services: Services) -> None:
    await services.families.register(OWNER, NewFamily(code="R-01"), draft_token="1" * 16)
    for token in ("2" * 16, None):
        with pytest.raises(DomainError) as refused:
            await services.families.register(OWNER, NewFamily(code="r-01"), draft_token=token)
        assert refused.value.code == "code_taken"
    assert not await services.families.is_saved(OWNER, "2" * 16)


async def test_a_saved_draft_is_the_assistants_own(services: Services, db: Database) -> None:
    other = Actor(telegram_id=1002, is_assistant=True)
    await PeopleRepository(db).add_assistant(other.telegram_id, "Other", NOW)
    await services.families.register(OWNER, NewFamily(code="R-01"), draft_token="3" * 16)
    assert await services.families.is_saved(OWNER, "3" * 16)
    assert not await services.families.is_saved(other, "3" * 16)


async def test_the_database_holds_one_family_per_draft_token(
    services: Services, db: Database
) -> None:
    await services.families.register(OWNER, NewFamily(code="R-01"), draft_token="4" * 16)
    await services.families.register(OWNER, NewFamily(code="R-02"))
    await services.families.register(OWNER, NewFamily(code="R-03"))  # many without a token
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        async with db.write() as conn:
            await conn.execute(
                "INSERT INTO families (code, draft_token, created_at) VALUES ('R-09', ?, ?)",
                ("4" * 16, NOW.isoformat()),
            )


async def test_only_the_own_assistants_reads_are_logged_without_waiting_for_the_disk(
    services: Services,
) -> None:
    coordinator = Actor(telegram_id=1003, is_coordinator=True)
    await services.families.register(OWNER, NewFamily(code="R-01"))
    family, own = await services.families.read_access(OWNER, "R-01", "read.plan")
    _, others = await services.families.read_access(coordinator, family.id, "read.plan")
    # The rule audits every read by someone else: that row is on the disk before the read.
    assert (own.durable, others.durable) == (False, True)
    assert [len(own.statements), len(others.statements)] == [1, 1]
