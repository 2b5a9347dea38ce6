"""The access matrix of the centre's view: role × action × own / other / closed family,
through the services on a real SQLite file. Every allowed read of a family not one's own is
audited; every refusal too."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.config import Settings
from bot.domain.errors import DomainError, NotAllowed, NotFound
from bot.domain.family import NewFamily
from bot.domain.people import Actor, Role
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository
from tests.support.harness import ADMIN_ID

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
OWNER_ID, OTHER_ID, COORDINATOR_ID, LEFT_ID, STRANGER_ID = 1001, 1002, 3001, 1003, 9999


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class World:
    """The services, the actors by role, and the families by relation to the owner."""

    services: Services
    actors: dict[str, Actor]
    families: dict[str, int]


@pytest.fixture
async def world(settings: Settings, db: Database) -> World:
    """An owner with an open and a closed family, another assistant's family, the team."""
    people = PeopleRepository(db)
    for telegram_id in (OWNER_ID, OTHER_ID, COORDINATOR_ID, LEFT_ID, ADMIN_ID):
        await people.add_assistant(telegram_id, f"P{telegram_id}", NOW)
    await people.set_role(COORDINATOR_ID, Role.COORDINATOR)
    await people.set_active(LEFT_ID, False)
    services = Services.build(settings, db)
    actors = {
        name: await services.membership.actor(telegram_id)
        for name, telegram_id in (
            ("owner", OWNER_ID),
            ("other assistant", OTHER_ID),
            ("coordinator", COORDINATOR_ID),
            ("admin", ADMIN_ID),
            ("deactivated", LEFT_ID),
            ("stranger", STRANGER_ID),
        )
    }
    own, _ = await services.families.register(actors["owner"], NewFamily(code="R-01"))
    closed, _ = await services.families.register(actors["owner"], NewFamily(code="R-02"))
    other, _ = await services.families.register(actors["other assistant"], NewFamily(code="R-03"))
    await db.conn.execute("UPDATE families SET active = 0 WHERE id = ?", (closed,))
    return World(services, actors, {"own": own, "closed": closed, "other": other})


Action = Callable[[Services, Actor, int], Awaitable[object]]
READS: dict[str, Action] = {
    "read card": lambda s, a, f: s.families.open_family(a, f, "read.card"),
    "read plan": lambda s, a, f: s.plans.assessments(a, f),
    "read visits": lambda s, a, f: s.families.open_family(a, f, "read.visits"),
}
WRITES: dict[str, Action] = {
    "add resource": lambda s, a, f: s.plans.add_resource(a, f, "x"),
    "record assessment": lambda s, a, f: s.plans.record_assessment(a, f, NOW.date(), "x"),
}
# role -> family -> what a read gives: "ok" or the refusal's code
READ_RULES = {
    "owner": {"own": "ok", "closed": "ok", "other": "family_unknown"},
    "other assistant": {"own": "family_unknown", "closed": "family_unknown", "other": "ok"},
    "coordinator": {"own": "ok", "closed": "ok", "other": "ok"},
    "admin": {"own": "ok", "closed": "ok", "other": "ok"},
    "deactivated": {"own": "not_allowed", "closed": "not_allowed", "other": "not_allowed"},
    "stranger": {"own": "not_allowed", "closed": "not_allowed", "other": "not_allowed"},
}
WRITE_RULES = {
    "owner": {"own": "ok", "closed": "family_closed", "other": "family_unknown"},
    "other assistant": {"own": "family_unknown", "closed": "family_unknown", "other": "ok"},
    "coordinator": {"own": "read_only", "closed": "read_only", "other": "read_only"},
    "admin": {"own": "read_only", "closed": "read_only", "other": "read_only"},
    "deactivated": {"own": "not_allowed", "closed": "not_allowed", "other": "not_allowed"},
    "stranger": {"own": "not_allowed", "closed": "not_allowed", "other": "not_allowed"},
}


async def _outcome(action: Action, world: World, role: str, family: str) -> str:
    """ "ok", or the code of the refusal."""
    try:
        await action(world.services, world.actors[role], world.families[family])
    except (NotAllowed, NotFound) as refusal:
        return refusal.code
    return "ok"


@pytest.mark.parametrize("family", ["own", "closed", "other"])
@pytest.mark.parametrize("role", list(READ_RULES))
@pytest.mark.parametrize("name", list(READS))
async def test_reads(world: World, name: str, role: str, family: str) -> None:
    assert await _outcome(READS[name], world, role, family) == READ_RULES[role][family]
    audit = world.services.families.audit
    actor_id = world.actors[role].telegram_id
    allowed = await audit.entries(world.families[family], "allowed")
    denied = await audit.entries(world.families[family], "denied")
    if READ_RULES[role][family] == "ok":
        assert any(a == actor_id for a, _ in allowed)  # every read is audited
    elif role not in {"stranger", "deactivated"}:
        assert any(a == actor_id for a, _ in denied)


@pytest.mark.parametrize("family", ["own", "closed", "other"])
@pytest.mark.parametrize("role", list(WRITE_RULES))
@pytest.mark.parametrize("name", list(WRITES))
async def test_writes(world: World, name: str, role: str, family: str) -> None:
    before = await world.services.plans.plans.resources(world.families[family])
    outcome = await _outcome(WRITES[name], world, role, family)
    assert outcome == WRITE_RULES[role][family]
    if outcome != "ok":
        assert await world.services.plans.plans.resources(world.families[family]) == before


TEAM: dict[str, Action] = {
    "team overview": lambda s, a, f: s.team.overview(a),
    "caseload": lambda s, a, f: s.team.caseload_of(a, OWNER_ID),
    "people": lambda s, a, f: s.team.members(a),
    "change a role": lambda s, a, f: s.team.set_role(a, OTHER_ID, Role.ASSISTANT),
    "reactivate": lambda s, a, f: s.team.reactivate(a, LEFT_ID),
    "cover": lambda s, a, f: s.team.cover(a, "R-01", OTHER_ID, date(2026, 12, 10)),
}
TEAM_RULES = {
    "owner": "team_only",
    "other assistant": "team_only",
    "coordinator": "team_only",
    "admin": "ok",
    "deactivated": "not_allowed",
    "stranger": "not_allowed",
}
TEAM_READS = {"team overview", "caseload", "people"}


@pytest.mark.parametrize("role", list(TEAM_RULES))
@pytest.mark.parametrize("name", list(TEAM))
async def test_team_actions(world: World, name: str, role: str) -> None:
    expected = TEAM_RULES[role]
    if name in TEAM_READS and role == "coordinator":
        expected = "ok"
    if name not in TEAM_READS and role != "admin":
        expected = "admin_only"
    assert await _outcome(TEAM[name], world, role, "own") == expected


async def test_a_coordinators_caseload_read_is_audited_per_family(world: World) -> None:
    coordinator = world.actors["coordinator"]
    _, rows = await world.services.team.caseload_of(coordinator, OWNER_ID)
    assert [r.code for r in rows] == ["R-01"]  # the closed family is not in the caseload
    log = await world.services.families.audit.entries(world.families["own"])
    assert (COORDINATOR_ID, "read.caseload") in log


async def test_deactivation_is_refused_while_families_are_held(world: World) -> None:
    admin = world.actors["admin"]
    with pytest.raises(DomainError, match="still_holds_families") as refused:
        await world.services.team.deactivate(admin, OWNER_ID)
    assert refused.value.details["codes"] == "R-01"
    with pytest.raises(DomainError, match="admin_in_config"):
        await world.services.team.deactivate(admin, ADMIN_ID)
    await world.services.team.hand_over(admin, "R-01", OTHER_ID)
    member = await world.services.team.deactivate(admin, OWNER_ID)
    assert not member.active
    assert not (await world.services.membership.actor(OWNER_ID)).is_member
    with pytest.raises(DomainError, match="person_inactive"):
        await world.services.team.hand_over(admin, "R-01", OWNER_ID)
