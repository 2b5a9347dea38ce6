"""Roles: an invite says assistant or coordinator; coordinators read any family, change none;
a deactivated person is a stranger until an admin or a new invite brings them back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.config import Settings
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.family import NewFamily
from bot.domain.people import Actor, Role
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository
from tests.support.harness import ADMIN_ID

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
ADMIN = Actor(telegram_id=ADMIN_ID, is_admin=True)
ASSISTANT_ID, COORDINATOR_ID = 1001, 2001


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
async def services(settings: Settings, db: Database) -> Services:
    """The services with an assistant and a coordinator let in by their invites."""
    services = Services.build(settings, db)
    for telegram_id, role in ((ASSISTANT_ID, Role.ASSISTANT), (COORDINATOR_ID, Role.COORDINATOR)):
        invite = await services.membership.create_invite(ADMIN, role)
        assert invite.role is role
        await services.membership.join(invite.code, telegram_id, f"Person {telegram_id}")
    return services


async def test_an_invite_lets_in_the_role_it_names(services: Services) -> None:
    assistant = await services.membership.actor(ASSISTANT_ID)
    coordinator = await services.membership.actor(COORDINATOR_ID)
    admin = await services.membership.actor(ADMIN_ID)
    assert (assistant.is_assistant, assistant.is_coordinator, assistant.sees_team) == (
        True,
        False,
        False,
    )
    # A coordinator may hold families of their own: an assistant too.
    assert (coordinator.is_assistant, coordinator.is_coordinator, coordinator.sees_team) == (
        True,
        True,
        True,
    )
    assert admin.sees_team
    assert not admin.is_coordinator


async def test_a_coordinator_reads_any_family_and_changes_none(services: Services) -> None:
    assistant = await services.membership.actor(ASSISTANT_ID)
    coordinator = await services.membership.actor(COORDINATOR_ID)
    family_id, _ = await services.families.register(assistant, NewFamily(code="R-01"))
    family = await services.families.open_family(coordinator, family_id, "read.plan")
    assert family.code == "R-01"
    with pytest.raises(NotAllowed, match="read_only"):
        await services.plans.add_resource(coordinator, family_id, "x")
    with pytest.raises(NotFound):  # a plain assistant learns nothing of others' families
        await services.families.open_family(
            await _assistant(services, 1002), family_id, "read.plan"
        )
    log = await services.families.audit.entries(family_id)
    assert (COORDINATOR_ID, "read.plan") in log
    denied = await services.families.audit.entries(family_id, "denied")
    assert [actor for actor, _ in denied] == [COORDINATOR_ID, 1002]


async def test_a_deactivated_person_is_a_stranger_until_a_new_invite(
    services: Services, db: Database
) -> None:
    await PeopleRepository(db).set_active(ASSISTANT_ID, False)
    assert not (await services.membership.actor(ASSISTANT_ID)).is_member
    assert ASSISTANT_ID not in {p.telegram_id for p in await services.membership.assistants(ADMIN)}
    invite = await services.membership.create_invite(ADMIN, Role.COORDINATOR)
    await services.membership.join(invite.code, ASSISTANT_ID, "Back")
    back = await services.membership.actor(ASSISTANT_ID)
    assert back.is_coordinator
    assert back.is_member


async def _assistant(services: Services, telegram_id: int) -> Actor:
    """Another assistant, let in by invite."""
    invite = await services.membership.create_invite(ADMIN)
    await services.membership.join(invite.code, telegram_id, f"Person {telegram_id}")
    return await services.membership.actor(telegram_id)
