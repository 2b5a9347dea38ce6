"""A toggle tapped twice (a slow connection, an impatient thumb) ticks once, not back again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.conversations._table import toggled
from bot.ui.callbacks import read_toggle, toggle_arg
from tests.conversations.test_appointment import appointments_of
from tests.conversations.test_appointment import with_family as with_anna
from tests.conversations.test_record_visit import assistant_with_family, saved_visits
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

WEDNESDAY = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(WEDNESDAY, tick=True):
        yield


async def _tap_twice(harness: BotHarness, sim: UserSim, label: str) -> None:
    """The same button of the same message, twice: the second tap left before the edit came."""
    message_id, data = harness.fake.button(sim.chat_id, label)
    await sim.press_data(message_id, data)
    await sim.press_data(message_id, data)


async def test_a_visit_toggle_tapped_twice_stays_ticked(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    await sim.press("Today")
    await sim.press("90 min")
    await sim.press("Family's home")
    await _tap_twice(harness, sim, "Tomek")
    assert harness.fake.button(sim.chat_id, "✅ Tomek")  # still ticked
    await sim.press("Done")
    await _tap_twice(harness, sim, "Housing")
    assert harness.fake.button(sim.chat_id, "✅ Housing")
    await sim.press("Done")
    await _tap_twice(harness, sim, "Motivational talk")
    await _tap_twice(harness, sim, "✅ Motivational talk")  # unticked twice: stays unticked
    assert harness.fake.button(sim.chat_id, "▫️ Motivational talk")
    await sim.press("Documents and letters")
    await sim.press("Done")
    await sim.send("A note.")
    await sim.press("Skip")
    await sim.press("Save")
    [visit] = await saved_visits(harness)
    assert len(visit.present) == 1  # type: ignore[attr-defined]
    assert [a.value for a in visit.areas] == ["housing"]  # type: ignore[attr-defined]
    assert [a.value for a in visit.activities] == ["documents"]  # type: ignore[attr-defined]
    assert harness.fake.errors == []


async def test_an_appointment_member_tapped_twice_stays_ticked(harness: BotHarness) -> None:
    sim = await with_anna(harness)
    await sim.send("/appointment R-01")
    await _tap_twice(harness, sim, "Anna")
    assert harness.fake.button(sim.chat_id, "✅ Anna")
    await sim.press("Done")
    await sim.press("Court")
    await sim.press("Skip")
    await sim.send("jutro 10:30")
    await sim.press("Yes")
    await sim.press("Yes, I go along")
    await sim.send("Hearing")
    await sim.press("Save")
    [appointment] = await appointments_of(harness, sim)
    assert len(appointment.member_ids) == 1
    assert harness.fake.errors == []


def test_a_button_sent_before_toggles_said_their_wish_still_flips() -> None:
    assert read_toggle(toggle_arg("housing", ticked=False)) == ("housing", True)
    assert read_toggle(toggle_arg("12", ticked=True)) == ("12", False)
    assert read_toggle("housing") == ("housing", None)  # a message from before the upgrade
    assert toggled(["a"], "b", None) == ["a", "b"]
    assert toggled(["a", "b"], "a", None) == ["b"]
    assert toggled(["a", "b"], "a", True) == ["a", "b"]  # order kept, nothing doubled
    assert toggled(["b"], "a", False) == ["b"]
