"""Dates out of any sensible bound, typed into the walks: refused with why, nothing saved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from tests.conversations.test_new_family import register_family
from tests.support.harness import BotHarness

WEDNESDAY = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(WEDNESDAY, tick=True):
        yield


async def test_an_assessment_dated_1800_is_refused(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)
    await sim.send("/assessment R-01")
    await sim.send("01.01.1800")
    assert "more than a year ago" in harness.fake.last_text(sim.chat_id)
    await sim.send("Summary typed where the date was asked")  # still the date step
    assert "could not read that date" in harness.fake.last_text(sim.chat_id)
    await sim.send("/cancel")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.open_by_code(actor, "R-01", "read.test")
    assert await harness.services.plans.assessments(actor, family.id) == []
    await sim.send("/plan R-01")
    assert "25 May 2027" in harness.fake.last_text(sim.chat_id)  # due from the plan's start
    assert harness.fake.errors == []


async def test_a_goal_due_in_2099_is_refused(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)
    await sim.send("/goal R-01")
    await sim.press("New goal")
    await sim.press("Health")
    await sim.send("See a dentist")
    await sim.press("Skip")
    await sim.send("31.12.2099")
    assert "more than two years ahead" in harness.fake.last_text(sim.chat_id)
    await sim.send("31.03.2027")
    assert "31 Mar 2027" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_contract_dates_of_1900_and_2999_are_refused(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/newfamily")
    await sim.press("Use R-01")
    await sim.press("Skip")
    await sim.press("Done")
    await sim.press("1")
    await sim.send("01.01.1900")
    assert "more than ten years ago" in harness.fake.last_text(sim.chat_id)
    await sim.send("01.12.2026")
    assert "A contract is entered once it has been signed" in harness.fake.last_text(sim.chat_id)
    await sim.send("01.06.2026")
    await sim.send("31.12.2999")
    assert "more than three years ahead" in harness.fake.last_text(sim.chat_id)
    await sim.send("31.05.2027")
    await sim.press("Save")
    assert "R-01 is registered" in harness.fake.last_text(sim.chat_id)
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    assert str(family.contract_valid_until) == "2027-05-31"
    assert harness.fake.errors == []


async def test_an_appointment_in_2099_is_refused(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)
    await sim.send("/appointment R-01")
    await sim.press("Court")
    await sim.send("SR Wola")
    await sim.send("12.12.2099 10:00")
    assert "more than two years ahead" in harness.fake.last_text(sim.chat_id)
    await sim.send("12.12 10:00")
    assert "Saturday 12 December 2026, 10:00" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
