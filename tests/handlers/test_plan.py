"""/plan, the family card, and the visit step that links goals, through the real Application."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.domain.vocabulary import Area
from tests.conversations.test_new_family import register_family
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def family_with_goal(harness: BotHarness) -> tuple[UserSim, int, int]:
    """An assistant with R-01 (one member) and one open goal; returns (sim, family, goal)."""
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"),))
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    goal = await harness.services.plans.add_goal(
        actor, family.id, Area.HOUSING, "Pay the <rent> & keep the flat", due=date(2027, 3, 1)
    )
    return sim, family.id, goal.id


async def test_plan_by_code_and_by_button(harness: BotHarness) -> None:
    sim, _, _ = await family_with_goal(harness)
    await sim.send("/plan R-01")
    text = harness.fake.last_text(sim.chat_id)
    assert "Pay the <rent> & keep the flat" in text
    assert "Housing" in text
    await sim.send("/plan")
    await sim.press("R-01")
    assert "Pay the <rent>" in harness.fake.last_text(sim.chat_id)
    await sim.send("/families")
    await sim.press("R-01")
    await sim.press("Plan")
    assert "Pay the <rent>" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_plan_is_private_to_the_assistant_and_admins(harness: BotHarness) -> None:
    await family_with_goal(harness)
    other = await harness.assistant(2002, language_code="en")
    await other.send("/plan R-01")
    assert "do not know that family" in harness.fake.last_text(other.chat_id)
    admin = harness.user(500, language_code="en")
    await admin.send("/plan R-01")
    assert "Pay the <rent>" in harness.fake.last_text(admin.chat_id)


async def test_visit_links_the_goals_worked_on(harness: BotHarness) -> None:
    sim, family_id, goal_id = await family_with_goal(harness)
    await sim.send("/visit R-01")
    await sim.press("Today")
    await sim.press("60 min")
    await sim.press("Phone")
    await sim.press("Anna")
    await sim.press("Done")
    await sim.press("Done")
    await sim.press("Done")
    assert "Which goals of the plan" in harness.fake.last_text(sim.chat_id)
    await sim.press("Pay the")
    await sim.press("Done")
    await sim.send("Talked about the rent")
    await sim.press("Skip")
    assert "Progress noted on 1 goal" in harness.fake.last_text(sim.chat_id)
    await sim.press("Save")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    detail = await harness.services.plans.goal(actor, goal_id)
    assert detail.goal.last_progress_on == date(2026, 11, 25)
    assert any(e.visit_id is not None for e in detail.events)
    assert family_id == detail.family.id
