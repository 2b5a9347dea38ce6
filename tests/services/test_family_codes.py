"""FamilyService: a new family's code is checked, and a taken one leads to a free one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config import Settings
from bot.domain.errors import DomainError, NotAllowed
from bot.domain.family import NewFamily
from bot.domain.people import Actor
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
OWNER = Actor(telegram_id=1001, is_assistant=True)
OTHER = Actor(telegram_id=1002, is_assistant=True)


@pytest.fixture
async def services(settings: Settings, db: Database) -> Services:
    """Two assistants; the other one holds R-01, R-02 and K7."""
    built = Services.build(settings, db)
    people = PeopleRepository(db)
    await people.add_assistant(OWNER.telegram_id, "Owner", NOW)
    await people.add_assistant(OTHER.telegram_id, "Other Secret-Name", NOW)
    for code in ("R-01", "R-02", "K7"):
        await built.families.register(OTHER, NewFamily(code=code))
    return built


async def test_a_free_code_is_taken_in_canonical_form(services: Services) -> None:
    assert await services.families.check_new_code(OWNER, " r-05 ") == "R-05"


async def test_a_taken_code_suggests_the_next_free_one_and_not_whose_it_is(
    services: Services,
) -> None:
    with pytest.raises(DomainError) as caught:
        await services.families.check_new_code(OWNER, "r-01")
    assert caught.value.code == "code_taken_free"
    assert caught.value.details == {"family_code": "R-01", "suggestion": "R-03"}
    with pytest.raises(DomainError) as caught:
        await services.families.check_new_code(OWNER, "k7")
    assert caught.value.details["suggestion"] == "K8"


async def test_a_malformed_code_and_a_stranger_are_refused(services: Services) -> None:
    with pytest.raises(DomainError) as caught:
        await services.families.check_new_code(OWNER, "no spaces")
    assert caught.value.code == "code_format"
    with pytest.raises(NotAllowed):
        await services.families.check_new_code(Actor(telegram_id=9999), "R-09")
