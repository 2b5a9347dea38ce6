"""/goal through the real Application: add a goal, change it, tasks and independence."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.domain.plan import GoalStatus, Independence, TaskOwner
from tests.conversations.test_new_family import register_family
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def with_family(harness: BotHarness) -> UserSim:
    """An assistant holding R-01 with Anna."""
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"),))
    return sim


async def add_goal(sim: UserSim, text: str = "Pay the rent on time") -> None:
    """/goal R-01 → new goal in Housing with an effect and a due date."""
    await sim.send("/goal R-01")
    await sim.press("New goal")
    await sim.press("Housing")
    await sim.send(text)
    await sim.send("No arrears for 3 months")
    await sim.send("31.03.2027")


async def test_add_a_goal_then_change_it_step_by_step(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await add_goal(sim)
    card = harness.fake.last_text(sim.chat_id)
    assert "Saved" in card
    assert "Pay the rent on time" in card
    await sim.press("Progress note")
    await sim.send("First payment made <together> & on time")
    await sim.press("➕ Task")
    await sim.send("Go to the housing office")
    await sim.press("Anna")
    await sim.press("Skip")
    assert "Go to the housing office" in harness.fake.last_text(sim.chat_id)
    await sim.press("Independence")
    await sim.press("Go to the housing office")
    await sim.press("done together")
    await sim.press("Status")
    await sim.press("✅ achieved")
    assert "Mark it achieved anyway" in harness.fake.last_text(sim.chat_id)
    await sim.press("No")
    await sim.press("Tick a task")
    await sim.press("Go to the housing office")
    await sim.press("Back to the goal")
    await sim.press("Status")
    await sim.press("✅ achieved")
    await sim.press("Finish")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    goals = await harness.services.plans.goals(actor, family.id)
    assert len(goals) == 1
    goal = goals[0]
    assert goal.status is GoalStatus.ACHIEVED
    assert goal.tasks[0].done
    assert goal.tasks[0].independence is Independence.TOGETHER
    detail = await harness.services.plans.goal(actor, goal.id)
    kinds = [e.kind.value for e in detail.events]
    assert kinds.count("status") == 1
    assert "progress" in kinds
    assert "independence" in kinds
    assert harness.fake.errors == []


async def test_bad_input_in_the_goal_walk(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await sim.send("/cel R-01")
    await sim.press("New goal")
    await sim.send("typed instead of an area")
    assert "use the buttons" in harness.fake.last_text(sim.chat_id)
    await sim.press("Health")
    await sim.send("x" * 301)
    assert "at most 300" in harness.fake.last_text(sim.chat_id)
    await sim.send("See a dentist 🦷")
    await sim.press("Skip")
    await sim.send("01.01.2026")
    assert "already past" in harness.fake.last_text(sim.chat_id)
    await sim.send("31.02")
    assert "does not exist" in harness.fake.last_text(sim.chat_id)
    await sim.send("15.01")
    assert "15 Jan 2027" in harness.fake.last_text(sim.chat_id)
    await sim.press("Due date")
    await sim.press("Remove the due date")
    await sim.send("/cancel")
    assert "Every change is saved" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_goal_from_the_family_card_and_forged_goal(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await add_goal(sim)
    other = await harness.assistant(2002, language_code="en")
    await register_family(other, code="Z-9")
    await other.send("/goal Z-9")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    goal = (await harness.services.plans.goals(actor, family.id))[0]
    message_id, data = harness.fake.button(other.chat_id, "New goal")
    forged = data.replace(":new:", ":pick:") + str(goal.id)
    await other.press_data(message_id, forged)
    assert "Pay the rent" not in harness.fake.last_text(other.chat_id)
    await sim.send("/families")
    await sim.press("R-01")
    await sim.press("Goals")
    await sim.press("Pay the rent")
    assert "No arrears for 3 months" in harness.fake.last_text(sim.chat_id)
    assert goal.due == date(2027, 3, 31)


async def test_restart_in_the_middle_of_a_goal_walk(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await sim.send("/goal R-01")
    await sim.press("New goal")
    await sim.press("Work")
    await harness.crash_and_restart()
    sim = harness.user(sim.user_id, language_code="en")
    await sim.send("Find a job")
    await sim.press("Skip")
    await sim.press("Skip")
    assert "Find a job" in harness.fake.last_text(sim.chat_id)


async def test_a_goal_with_many_long_tasks_still_fits(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await add_goal(sim, text="G" * 300)
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    goal = (await harness.services.plans.goals(actor, family.id))[0]
    for number in range(60):
        await harness.services.plans.add_task(
            actor, goal.id, f"{number} " + "<&> " * 49, TaskOwner.assistant()
        )
    await sim.press("All goals")
    await sim.press("GGG")
    assert "…" in harness.fake.last_text(sim.chat_id)
    await sim.press("Tick a task")
    await sim.press("☐ 0 <&>")
    await sim.press("Back to the goal")
    assert "…" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_family_moved_away_mid_walk_ends_it_saying_why(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await add_goal(sim)
    await harness.assistant(1002, language_code="en", first_name="Ola")
    admin = harness.user(500, language_code="en")
    await admin.send("/assign R-01")
    await admin.press("Ola")
    await admin.press("For good")
    await sim.press("Status")  # the status question reads the goal: no longer this assistant's
    assert "do not know that family" in harness.fake.last_text(sim.chat_id)
    await sim.send("typed after the walk ended")
    assert "/help" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_an_old_back_button_with_no_goal_open_asks_the_current_step(
    harness: BotHarness,
) -> None:
    sim = await with_family(harness)
    await add_goal(sim)
    await sim.press("Progress note")
    message_id, data = harness.fake.button(sim.chat_id, "Back to the goal")
    await sim.press("Back to the goal")
    await sim.press("All goals")
    await sim.press_data(message_id, data)  # "back" is taken from any step, but no goal is open
    assert "Pick a goal to change" in harness.fake.last_text(sim.chat_id)
    await sim.press("Pay the rent")
    await sim.press("Finish")
    assert "Every change is saved" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_closed_goal_offers_no_task_or_due_date_and_a_double_tick_edits_once(
    harness: BotHarness,
) -> None:
    sim = await with_family(harness)
    await add_goal(sim)
    await sim.press("➕ Task")
    await sim.send("Call the landlord")
    await sim.press("Anna")
    await sim.press("Skip")
    await sim.press("Tick a task")
    message_id, data = harness.fake.button(sim.chat_id, "Call the landlord")
    await sim.press_data(message_id, data)
    await sim.press_data(message_id, data)  # a double tap: the same list, not edited again
    assert harness.fake.errors == []
    await sim.press("Back")
    await sim.press("Status")
    await sim.press("✅ achieved")
    labels = [text for row in harness.fake.last_markup(sim.chat_id) for text, _ in row]
    assert "Progress note" in labels
    assert not {"➕ Task", "Due date"} & set(labels)  # the service would refuse them


async def test_a_step_lost_by_a_crash_is_shown_again_though_its_digest_is_stored(
    harness: BotHarness,
) -> None:
    sim = await with_family(harness)
    await add_goal(sim)
    await sim.press("All goals")
    await sim.press("Pay the rent on time")  # the card, with no notice above it
    assert harness.app is not None
    kept = copy.deepcopy(harness.app.user_data[sim.user_id]["walk"])  # at the goal's card
    await sim.press("Status")
    assert "New status?" in harness.fake.last_text(sim.chat_id)
    # As after a crash between Telegram's edit and the update's commit: the stored walk is
    # the card's (with the card's digest), while the chat shows the status question.
    harness.app.user_data[sim.user_id]["walk"] = kept
    await sim.press("Back")
    assert "New status?" not in harness.fake.last_text(sim.chat_id)  # the card, shown again
    assert "Pay the rent on time" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
