"""/assessment and /resources through the real Application."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.app import PERSIST_GROUP
from tests.conversations.test_new_family import register_family
from tests.support.harness import BotHarness


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def test_assessment_tells_when_the_next_is_due(harness: BotHarness) -> None:
    with time_machine.travel(datetime(2026, 11, 16, 9, 30, tzinfo=UTC), tick=True):
        sim = await harness.assistant(language_code="en")
        await register_family(sim)  # the week before: the assessment of 20.11 is in the work
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


async def _killed(update: object, context: object) -> None:
    """The process dies here: after the reply, before the draft and the update are stored."""
    raise ApplicationHandlerStop


@pytest.mark.parametrize("again", ["delivered again", "typed again"])
async def test_an_assessment_saved_right_before_a_crash_is_saved_once(
    harness: BotHarness, again: str
) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)
    await sim.send("/assessment R-01")
    await sim.press("Today")
    assert harness.app is not None
    harness.app.add_handler(TypeHandler(Update, _killed), group=PERSIST_GROUP - 1)
    update = await sim.send("Rent paid; school next.")
    assert "Assessment saved" in harness.fake.last_text(sim.chat_id)
    await harness.crash_and_restart()  # the stored draft still waits for the summary
    sim = harness.user(sim.user_id, language_code="en")
    if again == "delivered again":
        await sim.process(update)  # the offset was not confirmed before the crash
    else:
        await sim.send("Rent paid; school and clinic next.")  # the reply was not seen
    assert "saved already" in harness.fake.last_text(sim.chat_id)
    await sim.send("Anything typed next")
    assert "I did not understand" in harness.fake.last_text(sim.chat_id)
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.open_by_code(actor, "R-01", "read.test")
    saved = await harness.services.plans.assessments(actor, family.id)
    assert [a.summary for a in saved] == ["Rent paid; school next."]
    assert harness.fake.errors == []


async def test_starting_one_while_the_other_is_open_replaces_it(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)
    await sim.send("/assessment R-01")
    await sim.send("/resources R-01")  # one conversation before the split: it replaced it
    assert "the family's resources" in harness.fake.last_text(sim.chat_id)
    await sim.press("Add a resource")
    await sim.send("/ocena R-01")
    assert "When was this assessment made" in harness.fake.last_text(sim.chat_id)
    await sim.send("/visit")  # another walk asks before the open one is dropped
    assert "Drop the assessment you started and start a new visit?" in harness.fake.last_text(
        sim.chat_id
    )
    assert harness.fake.errors == []


async def test_a_draft_from_before_the_split_blocks_nothing(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)
    assert harness.app is not None
    # What the one `plan_notes` conversation kept in user_data before the walk engine.
    harness.app.user_data[sim.user_id].update(
        {
            "active": "plan_notes",
            "plan_notes.draft": {"token": "abc123", "resources": True, "family_id": 1},
            "plan_notes.step": "resources",
        }
    )
    message_id = harness.fake.messages(sim.chat_id)[-1]["message_id"]
    await sim.press_data(message_id, "pn:abc123.resources:remove:1")
    answers = [c for c in harness.fake.calls if c.method == "answerCallbackQuery"]
    assert "no longer active" in answers[-1].params.get("text", "")
    await sim.send("/resources R-01")
    assert "the family's resources" in harness.fake.last_text(sim.chat_id)
    await sim.press("Finish")
    await sim.send("/visit")  # the one family, straight to the date
    assert "R-01 — visit · 1/7" in harness.fake.last_text(sim.chat_id)  # no members, no goals
    assert harness.fake.errors == []
