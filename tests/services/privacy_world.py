"""A centre with distinctive names and notes, built through the real bot for the privacy sweep.

Every piece of content that must never reach a push or the log carries a marker of its own
(SECRETS), so a leak names what leaked.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

import time_machine

from bot.domain.people import Actor
from bot.domain.plan import TaskOwner
from bot.domain.vocabulary import Area
from tests.handlers.test_team import coordinator
from tests.reminders.test_reminder_job import tick
from tests.services.test_sweep_pushes import family_id, local
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

D0 = date(2026, 11, 25)  # a Wednesday
OWNER = Actor(telegram_id=1001, is_assistant=True)
LABEL = "ETYKIETA-TAJNA ul. Polna 5"
MOTHER, CHILD, OTHER_MOTHER = "Zofia Unikatowa", "Kacper Unikatowy", "Jadwiga Tajemnicza"
NOTE, STEPS = "NOTATKA-TAJNA rent arrears", "KROKI-TAJNE call the office"
INSTITUTION, PURPOSE = "SAD-TAJNY Wola", "CEL-WIZYTY-TAJNY custody"
GOAL, TASK = "GOAL-TAJNY keep the flat", "TASK-TAJNY pay the rent"
RESOURCE, ASSESSMENT = "ZASOB-TAJNY grandmother helps", "OCENA-TAJNA budget kept"
SECRETS = (
    "Unikatow",
    "Tajemnicz",
    "ETYKIETA-TAJNA",
    "Polna",
    "NOTATKA-TAJNA",
    "KROKI-TAJNE",
    "SAD-TAJNY",
    "CEL-WIZYTY-TAJNY",
    "GOAL-TAJNY",
    "TASK-TAJNY",
    "ZASOB-TAJNY",
    "OCENA-TAJNA",
    "PODSUMOWANIE-TAJNE",
    "KONTAKT-TAJNY",
)


class People(NamedTuple):
    """Who talks to the bot: two assistants, a coordinator and the admin."""

    ala: UserSim  # holds
    ola: UserSim  # the other assistant (a cover, a hand-over)
    boss: UserSim  # a coordinator
    admin: UserSim


def leaked(text: str) -> list[str]:
    """The markers of content found in a text."""
    return [marker for marker in SECRETS if marker in text]


async def register(
    sim: UserSim,
    code: str,
    label: str,
    members: tuple[tuple[str, str], ...],
    contract_until: str | None = None,
) -> None:
    """/newfamily with a label, members, one visit a week and a contract from today."""
    await sim.send("/newfamily")
    await sim.send(code)
    await sim.send(label)
    for name, role in members:
        await sim.press("Add a member")
        await sim.send(name)
        await sim.press(role)
        await sim.press("Skip")
    await sim.press("Done")
    await sim.press("1")
    if contract_until is None:
        await sim.press("Skip")
        await sim.press("Skip")
    else:
        await sim.press("Today")
        await sim.send(contract_until)
    await sim.press("Save")
    assert f"{code} is registered" in sim.fake.last_text(sim.chat_id)


async def visit(sim: UserSim) -> None:
    """/visit R-01 today with the mother, a note and next steps."""
    await sim.send("/visit R-01")
    for button in ("Today", "90 min", "Family's home", MOTHER, "Done", "Housing", "Done"):
        await sim.press(button)
    await sim.press("Documents and letters")
    await sim.press("Done")
    await sim.send(NOTE)
    await sim.send(STEPS)
    await sim.press("Save")
    assert "Saved" in sim.fake.last_text(sim.chat_id)


async def book(sim: UserSim) -> None:
    """/appointment R-01 at the court tomorrow 10:30, going along, with a purpose."""
    await sim.send("/appointment R-01")
    await sim.press(MOTHER)
    await sim.press("Done")
    await sim.press("Court")
    await sim.send(INSTITUTION)
    await sim.send("jutro 10:30")
    await sim.press("Yes")
    await sim.press("Yes, I go along")
    await sim.send(PURPOSE)
    await sim.press("Save")
    assert "Appointment saved" in sim.fake.last_text(sim.chat_id)


async def world(harness: BotHarness) -> People:
    """On D0 at 10:30: Ala's R-01 (label, two members, a visit, an appointment, a plan whose
    assessment is due on 1 December, a contract ending 9 December) and R-02, never visited."""
    with time_machine.travel(local(D0, 10, 30), tick=False):
        ala = await harness.assistant(1001, language_code="en", first_name="Ala")
        ola = await harness.assistant(1002, language_code="en", first_name="Ola")
        boss = await coordinator(harness)
        admin = harness.user(500, first_name="Ewa", language_code="en")
        await register(ala, "R-01", LABEL, ((MOTHER, "mother"), (CHILD, "child")), "09.12.2026")
        await register(ala, "R-02", "ETYKIETA-TAJNA 2", ((OTHER_MOTHER, "mother"),))
        await visit(ala)
        await book(ala)
        assert harness.services is not None
        assert harness.db is not None
        plans, r01 = harness.services.plans, await family_id(harness, "R-01")
        due = D0 + timedelta(days=2)
        goal = await plans.add_goal(OWNER, r01, Area.HOUSING, GOAL, due=due)
        await plans.add_task(OWNER, goal.id, TASK, TaskOwner.assistant(), due=due)
        await plans.add_resource(OWNER, r01, RESOURCE)
        async with harness.db.write() as conn:  # six months of work: the assessment is near
            await conn.execute("UPDATE plans SET started_on = '2026-06-01'")
        await tick(harness)
    return People(ala, ola, boss, admin)
