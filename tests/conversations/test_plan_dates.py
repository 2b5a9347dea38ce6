"""Dates in the plan steps and the contract: span buttons and dates typed in words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from tests.conversations.test_goal import with_family
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw (25 November 2026)."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def _goals(harness: BotHarness, sim: UserSim) -> list[tuple[date | None, list[date | None]]]:
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.open_by_code(actor, "R-01", "read.test")
    goals = await harness.services.plans.goals(actor, family.id)
    return [(g.due, [t.due for t in g.tasks]) for g in goals]


async def _new_goal(sim: UserSim, text: str) -> None:
    await sim.send("/goal R-01")
    await sim.press("New goal")
    await sim.press("Housing")
    await sim.send(text)
    await sim.press("Skip")


async def test_span_buttons_and_words_set_due_dates(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await _new_goal(sim, "Pay the rent")
    assert [t for row in harness.fake.last_markup(sim.chat_id) for t, _ in row][:4] == [
        "in a week",
        "in a month",
        "in 3 months",
        "in half a year",
    ]
    await sim.press("in 3 months")
    await sim.press("➕ Task")
    await sim.send("Call the office")
    await sim.press("Anna")
    await sim.send("za 2 tygodnie")
    await sim.press("Due date")
    await sim.send("koniec lutego")
    await sim.press("➕ Task")
    await sim.send("Bring the papers")
    await sim.press("Assistant")
    await sim.press("in a week")
    await sim.press("Finish")
    await _new_goal(sim, "Find a course")
    await sim.send("by 15 March")
    await _new_goal(sim, "Clinic")
    await sim.send("w piątek")
    assert sorted(await _goals(harness, sim), key=str) == sorted(
        [
            (date(2027, 2, 28), [date(2026, 12, 9), date(2026, 12, 2)]),
            (date(2027, 3, 15), []),
            (date(2026, 11, 27), []),
        ],
        key=str,
    )
    assert harness.fake.errors == []


async def test_dates_in_words_that_cannot_be_a_due_date_say_why(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await _new_goal(sim, "Pay the rent")
    await sim.send("wczoraj")
    assert "already past" in harness.fake.last_text(sim.chat_id)
    await sim.send("za 3 lata")
    assert "more than two years ahead" in harness.fake.last_text(sim.chat_id)
    await sim.send("koniec lutowego")
    assert "in words" in harness.fake.last_text(sim.chat_id)
    await sim.send("31 lutego 2027")
    assert "does not exist" in harness.fake.last_text(sim.chat_id)
    assert await _goals(harness, sim) == []  # nothing saved while refused
    assert harness.fake.errors == []


async def test_a_forged_span_is_refused_and_saves_nothing(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await _new_goal(sim, "Pay the rent")
    message_id, data = harness.fake.button(sim.chat_id, "in a week")
    await sim.press_data(message_id, data.replace(":1w", ":99y"))
    assert "could not read that date" in harness.fake.last_text(sim.chat_id)
    assert await _goals(harness, sim) == []
    assert harness.fake.errors == []


async def test_the_contract_runs_half_a_year_or_a_year_from_its_signing(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/newfamily")
    await sim.press("Use R-01")
    await sim.press("Skip")
    await sim.press("Done")
    await sim.press("1")
    await sim.send("1 października")
    await sim.press("for half a year")
    assert "signed 1 Oct 2026, valid until 1 Apr 2027" in harness.fake.last_text(sim.chat_id)
    await sim.press("Save")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.open_by_code(actor, "R-01", "read.test")
    assert (family.contract_signed_on, family.contract_valid_until) == (
        date(2026, 10, 1),
        date(2027, 4, 1),
    )
    assert harness.fake.errors == []
