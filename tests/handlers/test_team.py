"""/team, /invite's role and /assign's cover through the real Application."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.domain.reminders.facts import (
    EscalationCase,
    EscalationFact,
    MissedReminder,
    ReminderFacts,
)
from bot.domain.reminders.kinds import ReminderKind
from bot.reminders.sender import TelegramSender
from tests.conversations.test_new_family import register_family
from tests.reminders.test_sender import catch_up_item
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def coordinator(
    harness: BotHarness, user_id: int = 3001, first_name: str = "Kasia"
) -> UserSim:
    """A coordinator let in by the admin's /invite and its Coordinator button."""
    admin = await harness.admin()
    await admin.send("/invite")
    assert "Who is the invite for?" in harness.fake.last_text(admin.chat_id)
    await admin.press("Coordinator")
    text = harness.fake.last_text(admin.chat_id)
    assert "new coordinator" in text
    sim = harness.user(user_id, language_code="en", first_name=first_name)
    await sim.send(f"/start {text.split('/start ')[-1].strip()}")
    assert "For coordinators" in harness.fake.last_text(sim.chat_id)
    return sim


async def test_a_coordinator_sees_the_team_and_reads_but_changes_nothing(
    harness: BotHarness,
) -> None:
    assistant = await harness.assistant(1001, language_code="en", first_name="Ala")
    await register_family(assistant)
    boss = await coordinator(harness)
    await boss.send("/team")
    text = harness.fake.last_text(boss.chat_id)
    assert "The team at a glance" in text
    assert "1/15 families" in text
    assert "visits 0 of 1 this week" in text
    await boss.press("Ala")
    caseload = harness.fake.last_text(boss.chat_id)
    assert "R-01" in caseload
    assert "never visited" in caseload
    await boss.press("R-01")  # the family's card, read-only
    assert "R-01" in harness.fake.last_text(boss.chat_id)
    await boss.send("/plan R-01")
    assert "do not know that family" not in harness.fake.last_text(boss.chat_id)
    await boss.send("/resources R-01")
    assert "only its assistant can change it" in harness.fake.last_text(boss.chat_id)
    await assistant.send("/team")
    assert "Only coordinators" in harness.fake.last_text(assistant.chat_id)
    assert harness.fake.errors == []


async def test_deactivation_waits_for_the_families_and_leaves_a_stranger(
    harness: BotHarness,
) -> None:
    leaver = await harness.assistant(1001, language_code="en", first_name="Ala")
    await harness.assistant(1002, language_code="en", first_name="Ola")
    await register_family(leaver)
    admin = await harness.admin()
    await admin.send("/team")
    await admin.press("👥 People and roles")
    await admin.press("Ala")
    await admin.press("⛔ Deactivate (left the centre)")
    answers = [
        c.params.get("text", "") for c in harness.fake.calls if c.method == "answerCallbackQuery"
    ]
    assert answers[-1] == (
        "Ala still works with these families: R-01. Hand them to someone else with /assign "
        "first, then deactivate."
    )
    await admin.send("/assign R-01 1002")
    await admin.send("/team")
    await admin.press("👥 People and roles")
    await admin.press("Ala")
    await admin.press("⛔ Deactivate (left the centre)")
    assert "deactivated" in harness.fake.last_text(admin.chat_id)
    await leaver.send("/families")
    assert "only for the family assistants" in harness.fake.last_text(leaver.chat_id)
    await admin.press("✅ Reactivate")
    await leaver.send("/families")
    assert "no families yet" in harness.fake.last_text(leaver.chat_id)


async def test_a_cover_by_button_tells_both_and_goes_back(harness: BotHarness) -> None:
    owner = await harness.assistant(1001, language_code="en", first_name="Ala")
    cover = await harness.assistant(1002, language_code="en", first_name="Ola")
    await register_family(owner)
    await cover.send("/help")  # the language is remembered from the first message
    admin = await harness.admin()
    await admin.send("/assign R-01")
    await admin.press("Ola")
    await admin.press("Cover 1 week")
    assert "goes back by itself" in harness.fake.last_text(admin.chat_id)
    assert harness.services is not None
    await harness.services.team.tick()
    assert harness.app is not None
    dispatcher = harness.services.reminders.dispatcher(TelegramSender(harness.app.bot))
    await dispatcher.dispatch()
    assert "You cover R-01 until" in harness.fake.last_text(cover.chat_id)
    assert "with a cover assistant" in harness.fake.last_text(owner.chat_id)
    await cover.send("/visits R-01")
    assert "last visits" in harness.fake.last_text(cover.chat_id)
    with time_machine.travel(datetime(2026, 12, 2, 9, 30, tzinfo=UTC)):
        await harness.services.team.tick()
        await dispatcher.dispatch()
    assert "back with you" in harness.fake.last_text(owner.chat_id)
    assert "has ended" in harness.fake.last_text(cover.chat_id)
    await owner.send("/visits R-01")
    assert "last visits" in harness.fake.last_text(owner.chat_id)
    await admin.send("/assign R-01 1002 1.1.2020")
    assert "day still to come" in harness.fake.last_text(admin.chat_id)


async def test_an_escalation_folded_into_a_catch_up_still_opens_the_family(
    harness: BotHarness,
) -> None:
    assistant = await harness.assistant(1001, language_code="en", first_name="Ala")
    await register_family(assistant)
    boss = await coordinator(harness)
    assert harness.services is not None
    assert harness.app is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    now = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    case = EscalationFact(
        case=EscalationCase.NO_VISIT, assistant_id=1001, family_id=family.id, family_code="R-01"
    )
    missed = MissedReminder(
        kind=ReminderKind.ESCALATION, due_at=now, facts=ReminderFacts(escalation=case)
    )
    catch_up = catch_up_item(missed)
    await TelegramSender(harness.app.bot).send(boss.chat_id, catch_up)
    assert "While I was offline" in harness.fake.last_text(boss.chat_id)
    shown = harness.fake.messages(boss.chat_id)[-1]["message_id"]
    await boss.press("🔎 Open · R-01")
    assert "R-01" in harness.fake.last_text(boss.chat_id)
    kept = harness.fake.message(boss.chat_id, shown)
    assert kept is not None
    assert "While I was offline" in kept["text"]  # the card came as a message of its own
    assert (boss.user_id, "read.card") in await harness.services.families.audit.entries(family.id)
    assert harness.fake.errors == []
