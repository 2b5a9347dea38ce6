"""A closed goal's open tasks are history: never late, never reminded, in every reader.

The readers of a task's lateness: the plan (`/plan R-01 all`), the goal's card in /goal, the
task-due reminders (queued and snoozed ones too), the morning digest and /team's count. An
open goal's late task next to it, in R-02, is late in each of them.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from bot.domain.plan import GoalStatus, TaskOwner
from bot.domain.vocabulary import Area
from tests.conversations.test_new_family import register_family
from tests.handlers.test_team import coordinator
from tests.reminders.test_reminder_job import tick
from tests.services.test_sweep_pushes import OWNER, family_id, local, sent_since, snooze, tick_at
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

THURSDAY, FRIDAY, WEDNESDAY = date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 9)
TASKS_DUE = date(2026, 12, 7)  # Monday: reminded on Friday, the working day before
GOALS_DUE = date(2027, 3, 31)


async def _two_plans(harness: BotHarness) -> tuple[UserSim, int]:
    """R-01 and R-02, each with a goal due in March and a task due Monday; R-01's goal id."""
    with time_machine.travel(local(THURSDAY, 10), tick=False):
        sim = await harness.assistant(language_code="en")
        await register_family(sim, members=(("Anna", "mother"),))
        await register_family(sim, members=(("Basia", "mother"),))
        await tick(harness)
        assert harness.services is not None
        plans, helper = harness.services.plans, TaskOwner.assistant()
        rent = await plans.add_goal(
            OWNER, await family_id(harness), Area.HOUSING, "Pay the rent", due=GOALS_DUE
        )
        await plans.add_task(OWNER, rent.id, "Call the landlord", helper, due=TASKS_DUE)
        clinic = await plans.add_goal(
            OWNER, await family_id(harness, "R-02"), Area.HEALTH, "See a doctor", due=GOALS_DUE
        )
        await plans.add_task(OWNER, clinic.id, "Book the clinic", helper, due=TASKS_DUE)
    return sim, rent.id


def _line(text: str, words: str) -> str:
    """The line of a text that holds `words`."""
    return next(line for line in text.splitlines() if words in line)


@pytest.mark.parametrize(
    "closed", [GoalStatus.ACHIEVED, GoalStatus.NOT_ACHIEVED, GoalStatus.DROPPED]
)
async def test_a_closed_goals_open_task_is_neither_late_nor_reminded(
    harness: BotHarness, closed: GoalStatus
) -> None:
    sim, rent = await _two_plans(harness)
    await tick_at(harness, local(FRIDAY, 9))
    reminders = [
        m for m in harness.fake.messages(sim.chat_id) if "A task of" in str(m.get("text", ""))
    ]
    assert len(reminders) == 2  # both goals open: both tasks are reminded the day before
    await snooze(harness, sim, local(FRIDAY, 9, 1), *reminders)
    assert harness.services is not None
    with time_machine.travel(local(FRIDAY, 9, 2), tick=False):
        await harness.services.plans.change_status(OWNER, rent, closed, confirm_open_tasks=True)
    mark = len(harness.fake.calls)
    await tick_at(harness, local(FRIDAY, 10, 5))  # the snoozed ones come back
    back = sent_since(harness, sim.chat_id, mark)
    assert [text for text in back if "A task of" in text] == [
        "☑️ A task of <b>R-02</b> is due Mon 7 Dec."
    ]
    mark = len(harness.fake.calls)
    await tick_at(harness, local(WEDNESDAY, 7, 30))  # the morning digest
    (digest,) = sent_since(harness, sim.chat_id, mark)
    assert "<b>R-02</b>: task overdue since" in digest
    assert "R-01" not in digest
    with time_machine.travel(local(WEDNESDAY, 10), tick=False):
        await sim.send("/plan R-01 all")
        assert "⚠️" not in _line(harness.fake.last_text(sim.chat_id), "Call the landlord")
        await sim.send("/plan R-02")
        assert "⚠️ was due 7 Dec 2026" in _line(
            harness.fake.last_text(sim.chat_id), "Book the clinic"
        )
        await sim.send("/goal R-01")
        await sim.press("Pay the rent")
        assert "⚠️" not in _line(harness.fake.last_text(sim.chat_id), "Call the landlord")
        await sim.press("Finish")
        boss = await coordinator(harness)
        await boss.send("/team")
        assert "goals/tasks overdue: 1" in harness.fake.last_text(boss.chat_id)  # R-02's task
    assert harness.fake.errors == []
