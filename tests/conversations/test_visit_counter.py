"""/visit's "· n/m" counts only the steps asked of this family, first to last, in both languages.

Who was present is not asked of a family without members, nor the goals worked on of a plan
without open goals: the count leaves them out from the first step, so it neither jumps nor
stops short of its total before the summary. A plan changed mid-walk is read as it is at the
goals step (and at ✏️ Change): the total follows from there, one step more or fewer.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Iterator
from datetime import date

import pytest
import time_machine

from bot.domain.plan import GoalStatus
from bot.domain.vocabulary import Area
from tests.conversations.test_new_family import register_family
from tests.conversations.test_record_visit import WEDNESDAY, saved_visits
from tests.conversations.test_update_path import sqlite_trips
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

COUNTER = re.compile(
    r"R-01 — (?:visit|wizyta)(?: that did not take place|, która się nie odbyła)?"
    r"(?: · (\d+/\d+))?\n"
)
LABELS = {
    "en": {"today": "Today", "place": "Phone", "done": "Done", "skip": "Skip", "save": "Save"},
    "pl": {
        "today": "Dziś",
        "place": "Telefon",
        "done": "Gotowe",
        "skip": "Pomiń",
        "save": "Zapisz",
    },
}
MISSED = {
    "en": ("The visit did not take place", "Nobody home"),
    "pl": ("Wizyta się nie odbyła", "Nikogo nie było"),
}


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """The Wednesday of test_record_visit."""
    with time_machine.travel(WEDNESDAY, tick=True):
        yield


async def _assistant(harness: BotHarness, language: str, *, members: bool, goal: bool) -> UserSim:
    """An assistant holding R-01 (Anna, or nobody), with one open goal or none, in `language`."""
    sim = await harness.assistant(language_code=language)
    if language == "pl":  # the family is registered with the English buttons
        await sim.send("/lang")
        await sim.press("English")
    await register_family(sim, members=(("Anna", "mother"),) if members else ())
    if goal:
        assert harness.services is not None
        actor = await harness.services.membership.actor(sim.user_id)
        family = await harness.services.families.families.by_code("R-01")
        assert family is not None
        await harness.services.plans.add_goal(
            actor, family.id, Area.HOUSING, "Pay the rent", due=date(2027, 3, 1)
        )
    if language == "pl":
        await sim.send("/jezyk")
        await sim.press("Polski")
    return sim


def _counter(harness: BotHarness, sim: UserSim) -> str | None:
    """The "n/m" of the newest question (None: a question without one, as the summary)."""
    found = COUNTER.search(harness.fake.last_text(sim.chat_id))
    assert found is not None, harness.fake.last_text(sim.chat_id)
    return found.group(1)


async def _walk(
    harness: BotHarness, sim: UserSim, language: str, *, members: bool, goal: bool
) -> list[str | None]:
    """/visit R-01 from the date to the summary; the counter of every question on the way."""
    label = LABELS[language]
    seen: list[str | None] = []

    async def then(step: Awaitable[object]) -> None:
        await step
        seen.append(_counter(harness, sim))

    await then(sim.send("/wizyta R-01" if language == "pl" else "/visit R-01"))
    await then(sim.press(label["today"]))
    await then(sim.press("60 min"))
    await then(sim.press(label["place"]))
    if members:
        await sim.press("Anna")
        await then(sim.press(label["done"]))
    await then(sim.press(label["done"]))  # the areas
    await then(sim.press(label["done"]))  # the activities
    if goal:
        await then(sim.press(label["done"]))  # the goals
    await then(sim.send("A note"))
    await then(sim.press(label["skip"]))  # the next steps: the summary
    return seen


def _expected(total: int) -> list[str | None]:
    """1/total … total/total, then the summary without a counter."""
    return [f"{n}/{total}" for n in range(1, total + 1)] + [None]


@pytest.mark.parametrize(
    ("language", "members", "goal", "total"),
    [
        ("en", True, False, 8),
        ("pl", True, False, 8),
        ("en", False, False, 7),
        ("pl", False, False, 7),
        ("en", True, True, 9),
        ("pl", False, True, 8),
    ],
)
async def test_the_counter_counts_only_the_steps_asked_of_this_family(
    harness: BotHarness, language: str, members: bool, goal: bool, total: int
) -> None:
    sim = await _assistant(harness, language, members=members, goal=goal)
    seen = await _walk(harness, sim, language, members=members, goal=goal)
    assert seen == _expected(total)
    await sim.press(LABELS[language]["save"])
    assert len(await saved_visits(harness)) == 1
    assert harness.fake.errors == []


@pytest.mark.parametrize(("goal", "total"), [(False, 8), (True, 9)])
async def test_a_draft_from_before_the_counter_learns_the_goals_once(
    harness: BotHarness, goal: bool, total: int
) -> None:
    sim = await _assistant(harness, "en", members=True, goal=goal)
    await sim.send("/visit R-01")
    await sim.press("Today")
    await sim.press("60 min")
    assert harness.app is not None  # a draft kept in the database before it knew the goals
    draft = harness.app.user_data[sim.user_id]["walk"]["draft"]
    assert draft.pop("has_open_goals") is goal
    await sim.press("Phone")
    assert _counter(harness, sim) == f"4/{total}"
    await sim.press("Anna")
    await sim.press("Done")
    await sim.press("Done")
    assert _counter(harness, sim) == f"6/{total}"
    await sim.press("Done")
    if goal:
        assert _counter(harness, sim) == "7/9"
        await sim.press("Done")
    assert _counter(harness, sim) == f"{total - 1}/{total}"
    await sim.send("A note")
    assert _counter(harness, sim) == f"{total}/{total}"
    assert harness.fake.errors == []


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_a_missed_visit_of_a_family_without_members_counts_its_three_steps(
    harness: BotHarness, language: str
) -> None:
    sim = await _assistant(harness, language, members=False, goal=True)
    did_not_take_place, nobody_home = MISSED[language]
    await sim.send("/visit R-01")
    await sim.press(did_not_take_place)
    assert _counter(harness, sim) == "1/3"
    await sim.press(nobody_home)
    assert _counter(harness, sim) == "2/3"
    await sim.press(LABELS[language]["today"])
    assert _counter(harness, sim) == "3/3"
    await sim.press(LABELS[language]["skip"])
    assert _counter(harness, sim) is None
    assert harness.fake.errors == []


async def test_no_goals_to_link_costs_one_read_of_the_plan_at_the_goals_step(
    harness: BotHarness,
) -> None:
    sim = await _assistant(harness, "en", members=True, goal=False)
    await sim.send("/visit R-01")
    for button in ("Today", "60 min", "Phone", "Anna", "Done", "Done"):
        await sim.press(button)
    with sqlite_trips() as trips:
        await sim.press("Done")  # the activities: the goals are skipped, the note asked
    assert "Type a note" in harness.fake.last_text(sim.chat_id)
    # The plan as it is now (it may have changed since the walk began), then the walk's state.
    assert trips == ["here:read_each", "here:run_statements"]


async def test_a_draft_resumed_counts_the_goals_the_plan_has_now(harness: BotHarness) -> None:
    sim = await _assistant(harness, "en", members=True, goal=False)
    await sim.send("/visit R-01")
    await sim.press("Today")
    assert _counter(harness, sim) == "2/8"
    assert harness.services is not None  # meanwhile (e.g. before a restart) the plan got a goal
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    await harness.services.plans.add_goal(
        actor, family.id, Area.HOUSING, "Pay the rent", due=date(2027, 3, 1)
    )
    await sim.send("/visit")
    await sim.press("Continue")
    assert _counter(harness, sim) == "2/9"
    for button in ("60 min", "Phone", "Anna", "Done", "Done", "Done"):
        await sim.press(button)
    assert _counter(harness, sim) == "7/9"
    assert "Which goals of the plan" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


@pytest.mark.parametrize(
    ("members", "goal", "offered"),
    [
        (True, False, ["Who was present"]),
        (False, True, ["Goals"]),
        (True, True, ["Who was present", "Goals"]),
    ],
)
async def test_change_a_step_offers_only_the_steps_the_walk_asked(
    harness: BotHarness, members: bool, goal: bool, offered: list[str]
) -> None:
    sim = await _assistant(harness, "en", members=members, goal=goal)
    await _walk(harness, sim, "en", members=members, goal=goal)
    await sim.press("Change a step")
    assert "Which step do you want to change?" in harness.fake.last_text(sim.chat_id)
    shown = [text for row in harness.fake.last_markup(sim.chat_id) for text, _ in row]
    for step in ("Who was present", "Goals"):
        assert (step in shown) is (step in offered), shown


# --- the plan changed mid-walk: the goals step shows it as it is when reached --------------


async def _goals_now(harness: BotHarness, sim: UserSim, *, open_one: bool) -> None:
    """Away from the walk (another chat, a walk dropped with "Drop …?"): R-01's plan changes.

    `open_one`: a first open goal is added; else every open goal is dropped.
    """
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    plans = harness.services.plans
    if open_one:
        await plans.add_goal(actor, family.id, Area.HEALTH, "See a doctor", due=date(2027, 3, 1))
        return
    for goal in await plans.open_goals(actor, family.id):
        await plans.change_status(actor, goal.id, GoalStatus.DROPPED)


async def _progress_linked(harness: BotHarness, sim: UserSim) -> list[str]:
    """The texts of R-01's goals that have a progress entry of a visit."""
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    linked = []
    for goal in await harness.services.plans.goals(actor, family.id):
        events = (await harness.services.plans.goal(actor, goal.id)).events
        if any(e.visit_id is not None for e in events):
            linked.append(goal.text)
    return linked


async def _to_activities(sim: UserSim, label: dict[str, str]) -> None:
    """/visit R-01 through date, length, place, Anna present and the areas, to the activities."""
    await sim.send("/visit R-01")
    for button in (label["today"], "60 min", label["place"], "Anna", label["done"]):
        await sim.press(button)
    await sim.press(label["done"])  # the areas


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_goals_closed_mid_walk_are_skipped_and_the_count_goes_on_by_one(
    harness: BotHarness, language: str
) -> None:
    sim = await _assistant(harness, language, members=True, goal=True)
    label = LABELS[language]
    seen = []
    await _to_activities(sim, label)
    seen.append(_counter(harness, sim))
    await _goals_now(harness, sim, open_one=False)
    await sim.press(label["done"])  # the activities: the goals step has nothing to show
    seen.append(_counter(harness, sim))
    assert "Which goals" not in harness.fake.last_text(sim.chat_id)
    await sim.send("A note")
    seen.append(_counter(harness, sim))
    await sim.press(label["skip"])
    seen.append(_counter(harness, sim))
    assert seen == ["6/9", "7/8", "8/8", None]  # one step fewer from here, none jumped
    await sim.press(label["save"])
    assert len(await saved_visits(harness)) == 1
    assert harness.fake.errors == []


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_a_first_goal_added_mid_walk_is_offered_at_the_goals_step(
    harness: BotHarness, language: str
) -> None:
    sim = await _assistant(harness, language, members=True, goal=False)
    label = LABELS[language]
    seen = []
    await _to_activities(sim, label)
    seen.append(_counter(harness, sim))
    await _goals_now(harness, sim, open_one=True)
    await sim.press(label["done"])  # the activities: the plan has a goal now
    seen.append(_counter(harness, sim))
    await sim.press("See a doctor")
    await sim.press(label["done"])
    seen.append(_counter(harness, sim))
    await sim.send("A note")
    seen.append(_counter(harness, sim))
    await sim.press(label["skip"])
    seen.append(_counter(harness, sim))
    assert seen == ["6/8", "7/9", "8/9", "9/9", None]  # one step more from here, none jumped
    await sim.press(label["save"])
    assert len(await saved_visits(harness)) == 1
    assert await _progress_linked(harness, sim) == ["See a doctor"]
    assert harness.fake.errors == []


@pytest.mark.parametrize("open_one", [True, False], ids=["goal-added", "goals-closed"])
async def test_change_a_step_offers_the_goals_the_plan_has_now(
    harness: BotHarness, open_one: bool
) -> None:
    sim = await _assistant(harness, "en", members=True, goal=not open_one)
    await _walk(harness, sim, "en", members=True, goal=not open_one)  # at the summary
    await _goals_now(harness, sim, open_one=open_one)
    await sim.press("Change a step")
    shown = [text for row in harness.fake.last_markup(sim.chat_id) for text, _ in row]
    assert ("Goals" in shown) is open_one, shown
    if open_one:
        await sim.press("Goals")
        assert "Which goals of the plan" in harness.fake.last_text(sim.chat_id)
        await sim.press("See a doctor")
        await sim.press("Done")
        assert "Progress noted on 1 goal of the plan" in harness.fake.last_text(sim.chat_id)
    else:
        await sim.press("Back to the summary")
    await sim.press("Save")
    assert len(await saved_visits(harness)) == 1
    assert await _progress_linked(harness, sim) == (["See a doctor"] if open_one else [])
    assert harness.fake.errors == []


NO_OPEN_GOALS = {
    "en": ("Goals", "The plan has no open goals any more.", "Date:"),
    "pl": ("Cele", "Plan nie ma już otwartych celów.", "Data:"),
}


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_goals_pressed_at_change_after_they_were_closed_says_why_it_is_the_summary(
    harness: BotHarness, language: str
) -> None:
    sim = await _assistant(harness, language, members=True, goal=True)
    goals, why, summary = NO_OPEN_GOALS[language]
    await _walk(harness, sim, language, members=True, goal=True)  # at the summary
    await sim.press("✏️")  # ✏️ Change a step: Goals offered, the plan has an open goal
    await _goals_now(harness, sim, open_one=False)  # then closed elsewhere
    await sim.press(goals)
    text = harness.fake.last_text(sim.chat_id)
    assert text.startswith(why), text
    assert summary in text, text  # the summary, nothing lost
    await sim.press(LABELS[language]["save"])
    assert len(await saved_visits(harness)) == 1
    assert harness.fake.errors == []
