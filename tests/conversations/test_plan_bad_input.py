"""Bad input in the help plan and assessments: refused with why, nothing typed lost or written.

A task of a closed goal is not ticked, nor moved on the independence scale; a task is not
due after its goal, nor a goal before its open tasks; an assessment is not dated before the
work with the family began; a status the goal has already is not saved again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.domain.errors import DomainError
from bot.domain.plan import Goal, GoalEvent, GoalStatus, Independence, TaskOwner
from tests.conversations.test_goal import add_goal, with_family
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw (25 November 2026)."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def _goal(harness: BotHarness, sim: UserSim) -> tuple[Goal, list[GoalEvent]]:
    """R-01's only goal and its history."""
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.open_by_code(actor, "R-01", "read.test")
    (goal,) = await harness.services.plans.goals(actor, family.id)
    return goal, list((await harness.services.plans.goal(actor, goal.id)).events)


async def _audited(harness: BotHarness, action: str) -> int:
    """How many audit rows name this action."""
    assert harness.services is not None
    row = await harness.services.plans.plans.db.fetch_one(
        "SELECT count(*) AS n FROM access_log WHERE action = ?", (action,)
    )
    assert row is not None
    return int(row["n"])


async def _with_task(harness: BotHarness, text: str = "Call the landlord") -> UserSim:
    """R-01 with a goal due 31.03.2027 and one open task of Anna's, at the goal's card."""
    sim = await with_family(harness)
    await add_goal(sim)
    await sim.press("➕ Task")
    await sim.send(text)
    await sim.press("Anna")
    await sim.press("Skip")
    return sim


async def _close(harness: BotHarness, sim: UserSim, status: GoalStatus) -> None:
    """The goal is closed away from this chat's walk (another device, a restart between)."""
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    goal, _ = await _goal(harness, sim)
    await harness.services.plans.change_status(actor, goal.id, status, confirm_open_tasks=True)


# --- 1. a task of a closed goal is not ticked -----------------------------------------------


async def test_a_task_of_a_goal_closed_meanwhile_is_not_ticked_and_the_list_stays(
    harness: BotHarness,
) -> None:
    sim = await _with_task(harness)
    await sim.press("Tick a task")
    await _close(harness, sim, GoalStatus.DROPPED)
    await sim.press("Call the landlord")
    text = harness.fake.last_text(sim.chat_id)
    assert "closed" in text
    assert "planned or in progress" in text  # how to reopen it
    assert "Tap a task" in text  # the same list, asked again
    goal, events = await _goal(harness, sim)
    assert not goal.tasks[0].done
    assert "task_done" not in [e.kind.value for e in events]
    await sim.send("Call the landlord")  # typed where the list is: no typed path ticks
    assert "use the buttons" in harness.fake.last_text(sim.chat_id)
    assert not (await _goal(harness, sim))[0].tasks[0].done
    assert harness.fake.errors == []


async def test_a_done_task_of_a_closed_goal_is_not_reopened(harness: BotHarness) -> None:
    sim = await _with_task(harness)
    await sim.press("Tick a task")
    await sim.press("Call the landlord")  # done
    await _close(harness, sim, GoalStatus.ACHIEVED)
    await sim.press("Call the landlord")  # would make it open again
    assert "closed" in harness.fake.last_text(sim.chat_id)
    goal, events = await _goal(harness, sim)
    assert goal.tasks[0].done
    assert "task_reopened" not in [e.kind.value for e in events]
    assert harness.fake.errors == []


async def test_a_closed_goal_offers_no_tick_and_an_old_tick_button_does_nothing(
    harness: BotHarness,
) -> None:
    sim = await _with_task(harness)
    await sim.press("Tick a task")
    message_id, data = harness.fake.button(sim.chat_id, "Call the landlord")
    await sim.press("Back to the goal")
    await sim.press("Status")
    await sim.press("not achieved")
    labels = [text for row in harness.fake.last_markup(sim.chat_id) for text, _ in row]
    assert "Status" in labels
    assert "☑ Tick a task" not in labels  # the service would refuse every tick
    await sim.press_data(message_id, data)  # the tick list's button, from before the close
    goal, events = await _goal(harness, sim)
    assert not goal.tasks[0].done
    assert "task_done" not in [e.kind.value for e in events]
    assert harness.fake.errors == []


async def test_the_service_refuses_a_tick_on_a_closed_goal(harness: BotHarness) -> None:
    sim = await _with_task(harness)
    await _close(harness, sim, GoalStatus.ACHIEVED)
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    goal, _ = await _goal(harness, sim)
    before = await _audited(harness, "plan.task.done")
    with pytest.raises(DomainError) as refused:
        await harness.services.plans.set_task_done(actor, goal.tasks[0].id, True)
    assert refused.value.code == "task_goal_closed"
    assert await _audited(harness, "plan.task.done") == before


# --- 2. a task is not due after its goal, a goal not before its open tasks ------------------


async def test_a_task_due_after_its_goal_is_refused_and_the_date_asked_again(
    harness: BotHarness,
) -> None:
    sim = await with_family(harness)
    await add_goal(sim)  # due 31.03.2027
    await sim.press("➕ Task")
    await sim.send("Bring the rent receipts")
    await sim.press("Anna")
    await sim.send("15.04.2027")
    text = harness.fake.last_text(sim.chat_id)
    assert "The goal is due on 31.03.2027: choose a date by then" in text
    assert "move the goal's date first" in text
    assert "By when?" in text  # the date question again
    await sim.press("in half a year")  # 25.05.2027: after the goal too
    assert "The goal is due on 31.03.2027" in harness.fake.last_text(sim.chat_id)
    goal, _ = await _goal(harness, sim)
    assert goal.tasks == ()
    await sim.send("31.03.2027")  # the goal's own day is fine; the task typed before is kept
    goal, _ = await _goal(harness, sim)
    assert [(t.text, t.due, t.owner.kind.value) for t in goal.tasks] == [
        ("Bring the rent receipts", date(2027, 3, 31), "member")
    ]
    assert harness.fake.errors == []


async def test_a_goal_moved_before_its_open_tasks_is_refused_naming_them(
    harness: BotHarness,
) -> None:
    sim = await with_family(harness)
    await add_goal(sim)  # due 31.03.2027
    for text, due in (("Call the office", "15.03.2027"), ("Bring the papers", "20.03.2027")):
        await sim.press("➕ Task")
        await sim.send(text)
        await sim.press("Assistant")
        await sim.send(due)
    await sim.press("Due date")
    await sim.send("01.03.2027")
    text = harness.fake.last_text(sim.chat_id)
    assert "2 open tasks of this goal are due after 01.03.2027" in text
    assert "20.03.2027" in text  # the latest, a date that would do
    assert "New due date?" in text  # asked again
    await sim.press("in a month")  # 25.12.2026: before both
    assert "2 open tasks" in harness.fake.last_text(sim.chat_id)
    goal, events = await _goal(harness, sim)
    assert goal.due == date(2027, 3, 31)
    assert "due_date" not in [e.kind.value for e in events]
    await sim.press("Back to the goal")
    await sim.press("Tick a task")
    await sim.press("Bring the papers")  # done: no longer holds the goal's date back
    await sim.press("Back to the goal")
    await sim.press("Due date")
    await sim.send("10.03.2027")
    text = harness.fake.last_text(sim.chat_id)
    assert "1 open task of this goal is due after 10.03.2027, on 15.03.2027" in text
    await sim.send("18.03.2027")  # after the open one, before the done one
    assert "Saved" in harness.fake.last_text(sim.chat_id)
    assert (await _goal(harness, sim))[0].due == date(2027, 3, 18)
    await sim.press("Due date")
    await sim.press("Remove the due date")  # no date: no task is after it
    assert (await _goal(harness, sim))[0].due is None
    assert harness.fake.errors == []


async def test_a_done_task_reopened_after_its_goal_moved_earlier_is_due_by_the_goal(
    harness: BotHarness,
) -> None:
    sim = await with_family(harness)
    await add_goal(sim)  # due 31.03.2027
    await sim.press("➕ Task")
    await sim.send("Bring the papers")
    await sim.press("Assistant")
    await sim.send("20.03.2027")
    await sim.press("Tick a task")
    await sim.press("Bring the papers")  # done: no longer holds the goal's date back
    await sim.press("Back to the goal")
    await sim.press("Due date")
    await sim.send("18.03.2027")
    assert "Saved" in harness.fake.last_text(sim.chat_id)
    await sim.press("Tick a task")
    await sim.press("Bring the papers")  # open again, as a task never done would be
    text = harness.fake.last_text(sim.chat_id)
    assert "open again and now due 18.03.2027, its goal's date" in text
    assert "it was due 20.03.2027" in text
    goal, events = await _goal(harness, sim)
    assert (goal.due, goal.tasks[0].due, goal.tasks[0].done) == (
        date(2027, 3, 18),
        date(2027, 3, 18),
        False,
    )
    reopened = [e for e in events if e.kind.value == "task_reopened"]
    assert [(e.old_value, e.new_value) for e in reopened] == [("2027-03-20", "2027-03-18")]
    await sim.press("Back to the goal")
    await sim.press("Finish")
    with time_machine.travel(datetime(2027, 3, 19, 8, 0, tzinfo=UTC)):  # the goal is late
        await sim.send("/plan R-01")
        plan = harness.fake.last_text(sim.chat_id)
    assert plan.count("⚠️ was due 18 Mar 2027") == 2  # the goal and its open task alike
    assert "20 Mar 2027" not in plan
    assert harness.fake.errors == []


async def test_a_task_reopened_by_its_goals_date_keeps_its_own(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await add_goal(sim)  # due 31.03.2027
    await sim.press("➕ Task")
    await sim.send("Bring the papers")
    await sim.press("Assistant")
    await sim.send("10.03.2027")
    await sim.press("Tick a task")
    await sim.press("Bring the papers")
    await sim.press("Back to the goal")
    await sim.press("Due date")
    await sim.send("18.03.2027")  # still after the task's own date
    await sim.press("Tick a task")
    await sim.press("Bring the papers")
    assert "now due" not in harness.fake.last_text(sim.chat_id)
    goal, events = await _goal(harness, sim)
    assert goal.tasks[0].due == date(2027, 3, 10)
    reopened = [e for e in events if e.kind.value == "task_reopened"]
    assert [(e.old_value, e.new_value) for e in reopened] == [(None, None)]
    assert harness.fake.errors == []


async def test_the_service_refuses_a_task_after_its_goal(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await add_goal(sim)
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    goal, _ = await _goal(harness, sim)
    with pytest.raises(DomainError) as refused:
        await harness.services.plans.add_task(
            actor, goal.id, "Late task", TaskOwner.assistant(), due=date(2027, 4, 1)
        )
    assert refused.value.code == "task_after_goal"
    assert refused.value.details == {"date": "31.03.2027"}


# --- 3. an assessment is not dated before the work began ------------------------------------


async def test_an_assessment_before_the_registration_is_refused_naming_its_date(
    harness: BotHarness,
) -> None:
    sim = await with_family(harness)  # registered today, 25.11.2026, no contract
    await sim.send("/assessment R-01")
    await sim.send("20.11.2026")
    text = harness.fake.last_text(sim.chat_id)
    assert "R-01 was registered on 25.11.2026" in text
    assert "before the work with the family began" in text
    assert "record the contract it began with in /edit" in text  # the way to an earlier day
    await sim.send("Summary typed where the date was asked")  # still the date step
    assert "could not read that date" in harness.fake.last_text(sim.chat_id)
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.open_by_code(actor, "R-01", "read.test")
    assert await harness.services.plans.assessments(actor, family.id) == []
    with pytest.raises(DomainError) as refused:
        await harness.services.plans.record_assessment(
            actor, family.id, date(2026, 11, 24), "Typed past the walk"
        )
    assert refused.value.code == "assessment_before_registration"
    await sim.press("Today")
    await sim.send("Rent paid; school next.")
    assert "Assessment saved" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_an_assessment_may_follow_a_contract_signed_before_the_registration(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/newfamily")
    await sim.press("Use R-01")
    await sim.press("Skip")
    await sim.press("Done")
    await sim.press("1")
    await sim.send("01.06.2026")  # the contract was signed before the family came into the bot
    await sim.send("31.05.2027")
    await sim.press("Save")
    await sim.send("/assessment R-01")
    await sim.send("31.05.2026")
    text = harness.fake.last_text(sim.chat_id)
    assert "first contract with R-01 was signed on 01.06.2026" in text
    await sim.send("01.09.2026")  # after the contract: the work had begun
    await sim.send("Summary of the summer")
    assert "Assessment saved" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


# --- 4. a status the goal has already is not saved again ------------------------------------


async def test_the_status_a_goal_already_has_is_not_saved_again(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await add_goal(sim)
    before = await _audited(harness, "plan.goal.status")
    await sim.press("Status")
    await sim.press("planned")
    text = harness.fake.last_text(sim.chat_id)
    assert "This goal is already “planned”: nothing was changed" in text
    assert "Saved" not in text
    assert "New status?" in text  # asked again: another status, or back
    await sim.press("in progress")
    assert "Saved" in harness.fake.last_text(sim.chat_id)
    await sim.press("Status")
    await sim.press("in progress")
    assert "already “in progress”" in harness.fake.last_text(sim.chat_id)
    goal, events = await _goal(harness, sim)
    assert goal.status is GoalStatus.IN_PROGRESS
    assert [e.new_value for e in events if e.kind.value == "status"] == ["in_progress"]
    assert await _audited(harness, "plan.goal.status") == before + 1
    assert harness.fake.errors == []


async def test_achieved_meanwhile_the_confirmation_saves_nothing_again(
    harness: BotHarness,
) -> None:
    sim = await _with_task(harness)
    await sim.press("Status")
    await sim.press("✅ achieved")
    assert "Mark it achieved anyway" in harness.fake.last_text(sim.chat_id)
    await _close(harness, sim, GoalStatus.ACHIEVED)  # from another chat, before the answer
    before = await _audited(harness, "plan.goal.status")
    await sim.press("Yes, achieved")
    text = harness.fake.last_text(sim.chat_id)
    assert "already “achieved”: nothing was changed" in text
    assert "Saved" not in text
    _, events = await _goal(harness, sim)
    assert [e.new_value for e in events if e.kind.value == "status"] == ["achieved"]
    assert await _audited(harness, "plan.goal.status") == before
    assert harness.fake.errors == []


# --- 5. a closed goal's independence levels stay as they are --------------------------------

LEVELS_REFUSED = {
    "en": "This goal is closed, so its tasks' independence levels stay as they are.",
    "pl": "Ten cel jest zamknięty, więc poziomy samodzielności jego zadań zostają bez zmian.",
}


def _actions(harness: BotHarness, sim: UserSim) -> set[str]:
    """The actions of the buttons on the newest message (`level`: the card's Independence)."""
    return {data.split(":")[2] for row in harness.fake.last_markup(sim.chat_id) for _, data in row}


async def test_a_closed_goal_offers_no_independence(harness: BotHarness) -> None:
    sim = await _with_task(harness)
    assert "level" in _actions(harness, sim)  # open: the family's level can move
    await sim.press("Status")
    await sim.press("dropped")
    assert "Status" in [text for row in harness.fake.last_markup(sim.chat_id) for text, _ in row]
    assert "level" not in _actions(harness, sim)  # closed: its tasks are history
    assert harness.fake.errors == []


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize(
    "pressed",
    [
        ("Independence",),  # the card's button, the goal closed from another chat since
        ("Independence", "Call the landlord"),  # the task list's
        ("Independence", "Call the landlord", "done together"),  # the level list's
    ],
    ids=["card", "task", "level"],
)
async def test_an_independence_button_of_a_goal_closed_meanwhile_changes_nothing(
    harness: BotHarness, pressed: tuple[str, ...], language: str
) -> None:
    sim = await _with_task(harness)  # Anna's task, "shown by the assistant"
    for text in pressed[:-1]:
        await sim.press(text)
    await _close(harness, sim, GoalStatus.ACHIEVED)
    before = await _audited(harness, "plan.task.independence")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    await harness.services.membership.set_locale(actor, language)  # chosen in /language
    await sim.press(pressed[-1])  # on the message shown before, in English
    text = harness.fake.last_text(sim.chat_id)
    assert LEVELS_REFUSED[language] in text
    assert "Call the landlord" in text  # the goal's card again, without the button
    assert "level" not in _actions(harness, sim)
    goal, events = await _goal(harness, sim)
    assert goal.tasks[0].independence is Independence.SHOWN
    assert "independence" not in [e.kind.value for e in events]
    assert await _audited(harness, "plan.task.independence") == before
    assert harness.fake.errors == []


async def test_the_service_refuses_an_independence_level_on_a_closed_goal(
    harness: BotHarness,
) -> None:
    sim = await _with_task(harness)
    await _close(harness, sim, GoalStatus.DROPPED)
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    goal, _ = await _goal(harness, sim)
    with pytest.raises(DomainError) as refused:
        await harness.services.plans.change_independence(
            actor, goal.tasks[0].id, Independence.ALONE
        )
    assert refused.value.code == "level_goal_closed"
    assert (await _goal(harness, sim))[0].tasks[0].independence is Independence.SHOWN


# --- 6. a task press names a task of the goal shown -----------------------------------------


async def _tasks(harness: BotHarness, sim: UserSim) -> dict[str, tuple[bool, Independence | None]]:
    """Every task of R-01's plan by its text: done, and its independence level."""
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.open_by_code(actor, "R-01", "read.test")
    goals = await harness.services.plans.goals(actor, family.id)
    return {t.text: (t.done, t.independence) for g in goals for t in g.tasks}


@pytest.mark.parametrize(
    ("opens", "then"),
    [("Tick a task", ()), ("Independence", ("done together",))],
    ids=["tick", "independence"],
)
async def test_a_task_button_of_another_goal_changes_nothing(
    harness: BotHarness, opens: str, then: tuple[str, ...]
) -> None:
    sim = await _with_task(harness)  # "Pay the rent on time": Anna's "Call the landlord"
    await sim.press("All goals")
    await sim.press("New goal")
    await sim.press("Health")
    await sim.send("See a doctor")
    await sim.press("Skip")
    await sim.press("Skip")
    await sim.press("➕ Task")
    await sim.send("Book the clinic")
    await sim.press("Anna")
    await sim.press("Skip")
    await sim.press(opens)
    stale = harness.fake.button(sim.chat_id, "Book the clinic")  # the health goal's list
    await sim.press("Back to the goal")
    await sim.press("All goals")
    await sim.press("Pay the rent on time")
    await sim.press(opens)  # the rent goal's list, in the same walk
    before = await _tasks(harness, sim)
    audited = await _audited(harness, "plan.task.done") + await _audited(
        harness, "plan.task.independence"
    )
    await sim.press_data(*stale)  # an older press (or a forged one) naming the other goal's
    for text in then:
        if text in str(harness.fake.last_markup(sim.chat_id)):
            await sim.press(text)
    assert "I could not find that task." in harness.fake.last_text(sim.chat_id)
    assert await _tasks(harness, sim) == before
    assert before["Book the clinic"] == (False, Independence.SHOWN)
    after = await _audited(harness, "plan.task.done") + await _audited(
        harness, "plan.task.independence"
    )
    assert after == audited
    assert harness.fake.errors == []


async def test_an_independence_button_naming_a_task_off_the_scale_changes_nothing(
    harness: BotHarness,
) -> None:
    sim = await _with_task(harness)  # Anna's task, on the scale
    await sim.press("➕ Task")
    await sim.send("Phone the school")
    await sim.press("Assistant")  # the assistant's own task: no independence level
    await sim.press("Skip")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.open_by_code(actor, "R-01", "read.test")
    (goal,) = await harness.services.plans.goals(actor, family.id)
    own = next(t for t in goal.tasks if t.text == "Phone the school")
    await sim.press("Independence")
    message_id, data = harness.fake.button(sim.chat_id, "Call the landlord")
    assert "Phone the school" not in str(harness.fake.last_markup(sim.chat_id))
    await sim.press_data(message_id, data.rsplit(":", 1)[0] + f":{own.id}")  # forged
    assert "I could not find that task." in harness.fake.last_text(sim.chat_id)
    assert (await _tasks(harness, sim))["Phone the school"] == (False, None)
    assert harness.fake.errors == []
