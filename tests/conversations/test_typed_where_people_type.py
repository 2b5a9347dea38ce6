"""Typed text where a person would type: at a step whose buttons only lead to typing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.domain.family import MEMBERS_MAX
from tests.conversations.test_goal import with_family
from tests.support.harness import BotHarness


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def test_a_name_typed_at_the_members_list_adds_that_member(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/newfamily")
    await sim.press("Use R-01")
    await sim.press("Skip")
    assert "Type a member's first name" in harness.fake.last_text(sim.chat_id)
    await sim.send("Anna <b>&")
    assert "Who is Anna <b>& in the family" in harness.fake.last_text(sim.chat_id)
    await sim.press("mother")
    await sim.press("Skip")
    await sim.send("\u200b\u200b")  # nothing visible: re-asked, nothing added
    assert "shows nothing" in harness.fake.last_text(sim.chat_id)
    await sim.send("y" * 31)
    assert "first name or initials" in harness.fake.last_text(sim.chat_id)
    await sim.send("Kuba")
    await sim.press("child")
    await sim.send("2016")
    text = harness.fake.last_text(sim.chat_id)
    assert "Anna <b>& (mother)" in text
    assert "Kuba (child, 2016)" in text
    assert harness.fake.errors == []


async def test_a_full_members_list_says_why_a_typed_name_is_not_added(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/newfamily")
    await sim.press("Use R-01")
    await sim.press("Skip")
    for number in range(MEMBERS_MAX):
        await sim.send(f"M{number}")
        await sim.press("child")
        await sim.press("Skip")
    await sim.send("One more")
    assert f"at most {MEMBERS_MAX} members" in harness.fake.last_text(sim.chat_id)
    await sim.press("Done")
    assert "How many visits" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_resource_typed_at_the_list_is_added(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await sim.send("/resources R-01")
    await sim.send("Grandmother <helps> & cooks")
    text = harness.fake.last_text(sim.chat_id)
    assert "Saved" in text
    assert "• Grandmother <helps> & cooks" in text
    await sim.send("x" * 201)
    assert "at most 200" in harness.fake.last_text(sim.chat_id)
    await sim.press("Finish")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.open_by_code(actor, "R-01", "read.test")
    resources = await harness.services.plans.resources(actor, family.id)
    assert [r.text for r in resources] == ["Grandmother <helps> & cooks"]
    assert harness.fake.errors == []


async def test_a_time_typed_at_the_confirmation_replaces_the_one_echoed(
    harness: BotHarness,
) -> None:
    sim = await with_family(harness)
    await sim.send("/appointment R-01")
    await sim.press("Anna")
    await sim.press("Done")
    await sim.press("Labour office")
    await sim.press("Skip")
    await sim.send("jutro 10:30")
    assert "Thursday 26 November" in harness.fake.last_text(sim.chat_id)
    await sim.send("w piątek 9")  # no need to press "Type again" first
    assert "Friday 27 November" in harness.fake.last_text(sim.chat_id)
    await sim.send("wczoraj 9")
    assert "Friday 27 November" in harness.fake.last_text(sim.chat_id)  # refused, kept
    await sim.press("Yes")
    assert "go along" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
