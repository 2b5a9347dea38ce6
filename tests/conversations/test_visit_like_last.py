"""A visit like the last one: its choices pre-selected, untickable; the picker skipped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from benchmarks.visit_steps import count
from bot.domain.vocabulary import Activity, Area, Place
from tests.conversations.test_new_family import register_family
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

WEDNESDAY = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(WEDNESDAY, tick=True):
        yield


async def _family(harness: BotHarness) -> UserSim:
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"), ("Tomek", "child")))
    return sim


async def _first_visit(sim: UserSim) -> None:
    for kind, arg in (
        ("send", "/visit R-01"),
        ("press", "Today"),
        ("send", "75"),
        ("press", "Outdoors"),
        ("press", "Anna"),
        ("press", "Done"),
        ("press", "Housing"),
        ("press", "Health"),
        ("press", "Done"),
        ("press", "Motivational talk"),
        ("press", "Done"),
        ("send", "First visit"),
        ("press", "Skip"),
        ("press", "Save"),
    ):
        await (sim.send(arg) if kind == "send" else sim.press(arg))


def _ticked(harness: BotHarness, sim: UserSim) -> list[str]:
    rows = harness.fake.last_markup(sim.chat_id)
    return [text for row in rows for text, _ in row if text.startswith("✅")]


async def _last_saved(harness: BotHarness, sim: UserSim) -> object:
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    _, visits = await harness.services.visits.recent(actor, "R-01")
    return max(visits, key=lambda v: v.id)  # the one saved last


async def test_the_next_visit_starts_ticked_like_the_last(harness: BotHarness) -> None:
    sim = await _family(harness)
    await _first_visit(sim)
    await sim.send("/wizyta")  # the one family: no picker
    await sim.press("Yesterday")
    assert _ticked(harness, sim) == ["✅ 75 min"]
    assert "as on the last visit" in harness.fake.last_text(sim.chat_id)
    await sim.press("✅ 75 min")
    assert _ticked(harness, sim) == ["✅ Outdoors"]
    await sim.press("✅ Outdoors")
    assert _ticked(harness, sim) == ["✅ Anna (mother)"]
    await sim.press("Tomek")  # another member came too
    await sim.press("Done")
    assert _ticked(harness, sim) == ["✅ Housing", "✅ Health"]
    await sim.press("✅ Health")  # untick what differs
    await sim.press("Done")
    assert _ticked(harness, sim) == ["✅ Motivational talk"]
    await sim.press("Done")
    await sim.send("Second visit")
    await sim.press("Skip")
    await sim.press("Save")
    visit = await _last_saved(harness, sim)
    assert visit.duration_min == 75  # type: ignore[attr-defined]
    assert visit.place is Place.OUTDOORS  # type: ignore[attr-defined]
    assert len(visit.present) == 2  # type: ignore[attr-defined]
    assert visit.areas == (Area.HOUSING,)  # type: ignore[attr-defined]
    assert visit.activities == (Activity.MOTIVATION,)  # type: ignore[attr-defined]
    assert visit.note == "Second visit"  # type: ignore[attr-defined]
    assert harness.fake.errors == []


async def test_after_a_month_only_people_place_and_length_carry_over(
    harness: BotHarness,
) -> None:
    sim = await _family(harness)
    await _first_visit(sim)
    with time_machine.travel(datetime(2026, 12, 30, 9, 30, tzinfo=UTC), tick=True):
        await sim.send("/visit")
        await sim.press("Today")
        await sim.press("✅ 75 min")
        await sim.press("✅ Outdoors")
        assert _ticked(harness, sim) == ["✅ Anna (mother)"]
        assert "as on the last visit (Wed 25 Nov)" in harness.fake.last_text(sim.chat_id)
        await sim.press("Done")
        assert _ticked(harness, sim) == []  # 35 days ago: areas are chosen anew
        assert "as on the last visit" not in harness.fake.last_text(sim.chat_id)  # none is
        await sim.press("Done")
        assert _ticked(harness, sim) == []
        assert "as on the last visit" not in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_family_never_visited_starts_empty_and_a_missed_visit_is_not_copied(
    harness: BotHarness,
) -> None:
    sim = await _family(harness)
    await register_family(sim, code="R-02")
    await sim.send("/visit")
    assert "Which family did you visit" in harness.fake.last_text(sim.chat_id)  # two families
    await sim.press("R-01")
    await sim.press("The visit did not take place")
    await sim.press("Nobody home")
    await sim.press("Today")
    await sim.press("Skip")
    await sim.press("Save")
    await sim.send("/visit R-01")
    await sim.press("Today")
    assert _ticked(harness, sim) == []
    assert "last visit" not in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_reminders_and_a_cards_button_skip_the_picker(harness: BotHarness) -> None:
    sim = await _family(harness)
    await register_family(sim, code="R-02")
    await _first_visit(sim)
    await sim.send("/families")
    await sim.press("R-01")
    await sim.press("Record a visit")
    assert "When was it" in harness.fake.last_text(sim.chat_id)
    await sim.press("Today")
    assert _ticked(harness, sim) == ["✅ 75 min"]
    await sim.send("/cancel")
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-02")
    assert family is not None
    # A reminder's 📝 Record a visit (its data pinned in tests/reminders/test_sender.py),
    # for the second of two families: straight to the day, no picker.
    await sim.press_data(1, f"fv:-:f:{family.id}")
    assert "R-02" in harness.fake.last_text(sim.chat_id)
    assert "When was it" in harness.fake.last_text(sim.chat_id)
    assert "Which family" not in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_areas_carry_over_from_a_visit_thirty_days_ago(harness: BotHarness) -> None:
    sim = await _family(harness)
    await _first_visit(sim)
    with time_machine.travel(datetime(2026, 12, 25, 9, 30, tzinfo=UTC), tick=True):
        await sim.send("/visit")
        await sim.press("Today")
        await sim.press("✅ 75 min")
        await sim.press("✅ Outdoors")
        await sim.press("Done")
        assert _ticked(harness, sim) == ["✅ Housing", "✅ Health"]  # 30 days: still recent
    assert harness.fake.errors == []


async def test_a_repeat_visit_takes_at_most_ten_steps_and_a_first_at_most_fourteen(
    tmp_path: Path,
) -> None:
    figures = await count(tmp_path)
    assert figures["first_visit_steps"] <= 14
    assert figures["repeat_visit_steps"] <= 10
    assert figures["visits_saved"] == 2
    assert figures["repeat_same_as_first"] is True
    assert figures["telegram_errors"] == 0
