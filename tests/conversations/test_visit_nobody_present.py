"""/visit: a visit nobody from the family attended is not saved as one; it is a missed visit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from bot.domain.vocabulary import MissedReason, Place, VisitKind
from tests.conversations.test_new_family import register_family
from tests.conversations.test_record_visit import WEDNESDAY, assistant_with_family, saved_visits
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

REFUSED = "Tick who was there. If nobody from the family was there, the visit did not take place"


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """The Wednesday of test_record_visit."""
    with time_machine.travel(WEDNESDAY, tick=True):
        yield


async def walk_to_present(sim: UserSim) -> None:
    """/visit R-01 up to who was present: yesterday, 120 minutes, outdoors."""
    await sim.send("/visit R-01")
    await sim.press("Yesterday")
    await sim.press("120 min")
    await sim.press("Outdoors")


def buttons(harness: BotHarness, sim: UserSim) -> list[str]:
    """The texts of the newest keyboard's buttons."""
    return [text for row in harness.fake.last_markup(sim.chat_id) for text, _ in row]


async def test_done_with_nobody_ticked_is_refused_and_nothing_is_lost(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_present(sim)
    await sim.press("Done")
    text = harness.fake.last_text(sim.chat_id)
    assert REFUSED in text
    assert "record it as missed" in text
    assert "Who was present" in text  # the same question, asked again
    assert "▫️ Anna (mother)" in buttons(harness, sim)
    await sim.press("Done")  # pressed again: refused again, still there
    assert REFUSED in harness.fake.last_text(sim.chat_id)
    assert await saved_visits(harness) == []
    await sim.press("Tomek")
    await sim.press("Done")
    assert "Which areas" in harness.fake.last_text(sim.chat_id)
    await sim.press("Done")
    await sim.press("Done")
    await sim.send("Met Tomek at the park")
    await sim.press("Skip")
    summary = harness.fake.last_text(sim.chat_id)
    assert "Duration: 120 min" in summary
    assert "Present: Tomek" in summary
    await sim.press("Save")
    [visit] = await saved_visits(harness)
    assert visit.kind is VisitKind.COMPLETED  # type: ignore[attr-defined]
    assert str(visit.visit_date) == "2026-11-24"  # type: ignore[attr-defined]
    assert visit.duration_min == 120  # type: ignore[attr-defined]
    assert visit.place is Place.OUTDOORS  # type: ignore[attr-defined]
    assert len(visit.present) == 1  # type: ignore[attr-defined]
    assert harness.fake.errors == []


async def _back_to_present(sim: UserSim, note: str) -> None:
    """A visit with Anna present and `note` up to its summary, then Change → who was present."""
    await walk_to_present(sim)
    await sim.press("Anna")
    for _ in range(3):  # who was present, areas, activities
        await sim.press("Done")
    await sim.send(note)
    await sim.press("Skip")
    await sim.press("Change a step")
    await sim.press("Who was present")


async def test_unticking_everyone_from_the_summary_is_refused(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await _back_to_present(sim, "A walk outside")
    await sim.press("Anna")  # unticked: nobody left
    await sim.press("Done")
    assert REFUSED in harness.fake.last_text(sim.chat_id)
    await sim.press("Tomek")
    await sim.press("Done")
    summary = harness.fake.last_text(sim.chat_id)
    assert "Present: Tomek" in summary
    assert "Note: A walk outside" in summary
    await sim.press("Save")
    assert len(await saved_visits(harness)) == 1
    assert harness.fake.errors == []


async def test_nobody_was_there_records_a_missed_visit_on_the_date_chosen(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_present(sim)
    await sim.press("Done")  # refused: the way out is on the same question
    await sim.press("Nobody was there")
    assert "What happened" in harness.fake.last_text(sim.chat_id)
    await sim.press("Nobody home")
    text = harness.fake.last_text(sim.chat_id)
    assert "When was it" not in text  # the date is kept, not asked again
    assert "Type a short note, or press Skip" in text
    await sim.press("Skip")
    summary = harness.fake.last_text(sim.chat_id)
    assert "visit that did not take place" in summary
    assert "Tuesday 24 November 2026" in summary
    await sim.press("Save")
    assert "did not take place" in harness.fake.last_text(sim.chat_id)
    [visit] = await saved_visits(harness)
    assert visit.kind is VisitKind.MISSED  # type: ignore[attr-defined]
    assert str(visit.visit_date) == "2026-11-24"  # type: ignore[attr-defined]
    assert visit.missed_reason is MissedReason.NOBODY_HOME  # type: ignore[attr-defined]
    assert (visit.duration_min, visit.place, visit.present) == (None, None, ())  # type: ignore[attr-defined]
    assert harness.fake.errors == []


async def test_nobody_was_there_while_changing_a_step_goes_back_to_the_summary(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await _back_to_present(sim, "Nobody opened the door")
    await sim.press("Nobody was there")
    await sim.press("Family refused")
    summary = harness.fake.last_text(sim.chat_id)
    assert "visit that did not take place" in summary
    assert "Tuesday 24 November 2026" in summary
    assert "Note: Nobody opened the door" in summary
    await sim.press("Save")
    [visit] = await saved_visits(harness)
    assert visit.kind is VisitKind.MISSED  # type: ignore[attr-defined]
    assert str(visit.visit_date) == "2026-11-24"  # type: ignore[attr-defined]


async def test_a_family_without_members_records_a_visit_without_the_question(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)  # no members: nobody to tick
    await sim.send("/visit")
    await sim.press("Today")
    await sim.press("60 min")
    await sim.press("Family's home")
    assert "Which areas" in harness.fake.last_text(sim.chat_id)
    await sim.press("Done")
    await sim.press("Done")
    await sim.send("Talked on the doorstep")
    await sim.press("Skip")
    await sim.press("Save")
    [visit] = await saved_visits(harness)
    assert visit.kind is VisitKind.COMPLETED  # type: ignore[attr-defined]
    assert visit.present == ()  # type: ignore[attr-defined]


async def test_a_draft_saved_with_nobody_present_is_sent_to_who_was_present(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_present(sim)
    await sim.press("Anna")
    await sim.press("Done")
    await sim.press("Done")
    await sim.press("Done")
    await sim.send("Homework together")
    await sim.press("Skip")
    assert harness.app is not None  # a draft left at the summary from before the rule
    harness.app.user_data[sim.user_id]["walk"]["draft"]["present"] = []
    await sim.press("Save")
    text = harness.fake.last_text(sim.chat_id)
    assert REFUSED in text
    assert "Who was present" in text
    assert await saved_visits(harness) == []
    await sim.press("Anna")
    await sim.press("Done")
    assert "Present: Anna" in harness.fake.last_text(sim.chat_id)
    await sim.press("Save")
    [visit] = await saved_visits(harness)
    assert len(visit.present) == 1  # type: ignore[attr-defined]
    assert harness.fake.errors == []


async def test_nobody_was_there_counts_only_the_steps_it_asks(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_present(sim)
    await sim.press("Nobody was there")
    question = harness.fake.last_text(sim.chat_id)
    assert question.startswith("✖ R-01 — visit that did not take place · 1/2\nWhat happened?")
    await sim.press("Nobody home")  # the date is kept: the note is the second and last step
    question = harness.fake.last_text(sim.chat_id)
    assert question.startswith("✖ R-01 — visit that did not take place · 2/2\nType a short note")
    assert harness.fake.errors == []


async def test_a_visit_started_as_missed_counts_its_three_steps(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit R-01")
    await sim.press("did not take place")
    assert "did not take place · 1/3\nWhat happened?" in harness.fake.last_text(sim.chat_id)
    await sim.press("Nobody home")
    assert "did not take place · 2/3\nWhen was it?" in harness.fake.last_text(sim.chat_id)
    await sim.press("Yesterday")
    assert "did not take place · 3/3\nType a short note" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
