"""A walk that starts by picking a family, with no family to pick: words, not an empty picker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from tests.conversations.test_case_walks import _with_family, close_r01
from tests.handlers.test_team import coordinator
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

CASELOAD_WALKS = (
    "/visit",
    "/goal",
    "/appointment",
    "/assessment",
    "/resources",
    "/edit",
    "/close",
    "/dossier",
)
NO_FAMILIES = "You have no families yet. Add one with /newfamily."
ONLY_CLOSED = (
    "No family is in your caseload now. /families closed lists the closed ones; "
    "/newfamily registers a new one."
)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Tuesday morning in Warsaw (1 December 2026)."""
    with time_machine.travel(datetime(2026, 12, 1, 9, 30, tzinfo=UTC), tick=True):
        yield


def _said_alone(harness: BotHarness, sim: UserSim, text: str, command: str) -> None:
    """The last answer is `text` with no buttons, and no walk waits for a press."""
    assert harness.fake.last_text(sim.chat_id) == text, command
    assert harness.fake.last_markup(sim.chat_id) == [], command
    assert harness.app is not None
    assert "walk" not in harness.app.user_data.get(sim.user_id, {}), command


async def test_no_family_at_all_is_said_by_every_picker(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    for command in CASELOAD_WALKS:
        await sim.send(command)
        _said_alone(harness, sim, NO_FAMILIES, command)
    await sim.send("/reopen")
    _said_alone(harness, sim, "You have no closed family whose work could start again.", "/reopen")
    await sim.send("/monitoring")
    _said_alone(harness, sim, "None of your closed families is being monitored.", "/monitoring")
    assert harness.fake.errors == []


async def test_a_code_refused_with_nothing_to_pick_is_said_alone(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    refused = "I do not know that family among yours. Check the code in /families."
    for command in ("/goal R-09", "/appointment R-09", "/close R-09", "/visit R-09"):
        await sim.send(command)
        _said_alone(harness, sim, refused, command)
    await sim.send("/reopen R-09")
    assert harness.fake.last_markup(sim.chat_id) == []
    assert harness.fake.errors == []


async def test_only_closed_families_is_said_and_the_closed_walks_offer_them(
    harness: BotHarness,
) -> None:
    sim, _family_id = await _with_family(harness)
    await close_r01(sim)
    for command in CASELOAD_WALKS:
        await sim.send(command)
        _said_alone(harness, sim, ONLY_CLOSED, command)
    await sim.send("/reopen")
    assert "Which closed family" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.button(sim.chat_id, "R-01")
    await sim.send("/cancel")
    await sim.send("/monitoring")  # closed with six months of monitoring
    assert "monitoring contact with which family" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.button(sim.chat_id, "R-01")
    assert harness.fake.errors == []


async def test_a_coordinators_dossier_still_asks_for_a_code(harness: BotHarness) -> None:
    boss = await coordinator(harness)
    await boss.send("/dossier")
    assert harness.fake.last_text(boss.chat_id) == (
        "Which family? Or type its code, like /dossier R-01."
    )


async def test_a_coordinator_holding_no_family_is_told_how_to_read_one(
    harness: BotHarness,
) -> None:
    boss = await coordinator(harness)
    told = (
        "You hold no family yourself. Read any family by its code, like /plan R-01 or "
        "/visits R-01; /team shows the whole team."
    )
    for command in ("/visits", "/families", "/goal", "/visit"):
        await boss.send(command)
        _said_alone(harness, boss, told, command)
    assert harness.fake.errors == []


async def test_a_code_typed_at_the_closed_families_picker_opens_one_offered(
    harness: BotHarness,
) -> None:
    sim, _family_id = await _with_family(harness)
    await close_r01(sim)
    await sim.send("/reopen")
    await sim.send("R-09")  # not offered here: no lookup, the picker again with the reason
    assert harness.fake.last_text(sim.chat_id).startswith(
        "None of the families here has that code: press one of the buttons."
    )
    assert "Which closed family" in harness.fake.last_text(sim.chat_id)
    await sim.send("r-01")
    assert "R-01" in harness.fake.last_text(sim.chat_id)
    assert "Which closed family" not in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
