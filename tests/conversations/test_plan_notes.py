"""/assessment and /resources through the real Application."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from tests.conversations.test_new_family import register_family
from tests.support.harness import BotHarness


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def test_assessment_tells_when_the_next_is_due(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)
    await sim.send("/assessment")
    await sim.press("R-01")
    assert "25 May 2027" in harness.fake.last_text(sim.chat_id)
    await sim.send("30.11")
    assert "on or after" in harness.fake.last_text(sim.chat_id)
    await sim.send("/ocena R-01")
    await sim.send("20.11")
    await sim.send("Rent paid; <b>school</b> & clinic next.")
    assert "next one is due on 20 May 2027" in harness.fake.last_text(sim.chat_id)
    await sim.send("/plan R-01")
    assert "20 May 2027" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_resources_are_added_and_removed(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)
    await sim.send("/resources R-01")
    await sim.press("Add a resource")
    await sim.send("Grandmother <helps> with the kids & cooks")
    await sim.press("Add a resource")
    await sim.send("x" * 201)
    assert "at most 200" in harness.fake.last_text(sim.chat_id)
    await sim.send("Mother is a trained cook")
    text = harness.fake.last_text(sim.chat_id)
    assert "Grandmother <helps> with the kids & cooks" in text
    await sim.press("✖ Mother")
    assert "trained cook" not in harness.fake.last_text(sim.chat_id)
    await sim.press("Finish")
    await sim.send("/plan R-01")
    assert "Grandmother <helps>" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
