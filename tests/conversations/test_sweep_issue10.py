"""A phone user's hostile sweep of issue #10 (faster daily use), through the real Application."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from tests.conversations.test_new_family import register_family
from tests.conversations.test_visit_like_last import _first_visit
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw (25 November 2026)."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def _visited_family(harness: BotHarness) -> UserSim:
    """An assistant (English) holding R-01 (Anna, Tomek), visited once today: 75 min outdoors."""
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"), ("Tomek", "child")))
    await _first_visit(sim)
    return sim


async def test_a_missed_visit_after_a_real_one_keeps_none_of_its_choices(
    harness: BotHarness,
) -> None:
    sim = await _visited_family(harness)
    await sim.send("/visit")  # pre-filled like the last visit…
    await sim.press("The visit did not take place")  # …but nobody was home
    await sim.press("Nobody home")
    await sim.press("Today")
    await sim.press("Skip")
    await sim.press("Save")
    await sim.send("/visits R-01")
    missed, _first = harness.fake.last_text(sim.chat_id).split("\n\n")[1:3]
    assert missed == "✖ Wed 25 Nov — Nobody home"  # no one present, no areas, no activities
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    _, visits = await harness.services.visits.recent(actor, "R-01")
    attempt = max(visits, key=lambda v: v.id)
    assert (attempt.duration_min, attempt.place, attempt.present) == (None, None, ())
    assert harness.fake.errors == []
