"""/families, /visits, /assign, /lang and the error handler through the real Application."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from telegram import Update
from telegram.ext import CommandHandler

from bot.domain.family import NewFamily
from bot.domain.visit import VisitDraft
from tests.conversations.test_new_family import register_family
from tests.handlers.test_team import coordinator
from tests.support.harness import BotHarness


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def test_families_warns_over_the_statutory_limit(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    assert harness.services is not None
    for number in range(1, 17):
        await harness.services.families.register(
            await harness.services.membership.actor(sim.user_id),
            NewFamily(code=f"R-{number:02d}", label="<i>x</i>" if number == 1 else None),
        )
    await sim.send("/families")
    text = harness.fake.last_text(sim.chat_id)
    assert "You hold 16 families" in text
    assert "R-16" in text
    assert "<i>x</i>" in text  # escaped, shown as typed
    assert "never visited" in text
    assert harness.fake.errors == []


async def test_families_in_polish_with_plurals(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="pl")
    await sim.send("/rodziny")
    assert "Nie masz" in harness.fake.last_text(sim.chat_id)
    await register_family_pl(harness, sim.user_id)
    await sim.send("/wizyta")  # the one active family: no picker
    await sim.send("20.11")
    await sim.press("60 min")
    await sim.press("Telefon")
    await sim.press("Gotowe")
    await sim.press("Gotowe")
    await sim.send("notatka")
    await sim.press("Pomiń")
    await sim.press("Zapisz")
    await sim.send("/rodziny")
    text = harness.fake.last_text(sim.chat_id)
    assert "5 dni temu" in text
    assert harness.fake.errors == []


async def register_family_pl(harness: BotHarness, user_id: int) -> None:
    """R-01 without members, straight through the service."""
    assert harness.services is not None
    actor = await harness.services.membership.actor(user_id)
    await harness.services.families.register(actor, NewFamily(code="R-01"))


async def test_visits_without_a_code_offers_buttons(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)
    await sim.send("/visits")
    await sim.press("R-01")
    assert "No visits recorded yet" in harness.fake.last_text(sim.chat_id)


async def test_admin_reassigns_a_family(harness: BotHarness) -> None:
    first = await harness.assistant(1001, language_code="en", first_name="Ala")
    second = await harness.assistant(1002, language_code="en", first_name="Ola")
    await register_family(first)
    admin = harness.user(500, language_code="en")
    await admin.send("/assign R-01")
    await admin.press("Ola")
    await admin.press("For good")
    assert "now with assistant" in harness.fake.last_text(admin.chat_id)
    await second.send("/visits R-01")
    assert "last visits" in harness.fake.last_text(second.chat_id)
    await first.send("/visits R-01")
    assert "do not know that family" in harness.fake.last_text(first.chat_id)
    await first.send("/assign R-01 1001")
    assert "Only the centre's admins" in harness.fake.last_text(first.chat_id)


async def test_language_switch_is_remembered(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/lang")
    await sim.press("Polski")
    assert "po polsku" in harness.fake.last_text(sim.chat_id)
    await sim.send("/families")
    assert "Nie masz" in harness.fake.last_text(sim.chat_id)


async def test_unknown_text_and_cancel_outside_conversations(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("what now?")
    assert "/help" in harness.fake.last_text(sim.chat_id)
    await sim.send("/cancel")
    assert "nothing to cancel" in harness.fake.last_text(sim.chat_id)


async def test_errors_are_logged_and_the_user_gets_a_short_apology(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(update: Update, context: Any) -> None:
        raise RuntimeError("database on fire")

    assert harness.app is not None
    harness.app.add_handler(CommandHandler("boom", broken), group=-1 + 1)
    harness.app.handlers[0].insert(0, harness.app.handlers[0].pop())
    sim = await harness.assistant(language_code="en")
    sim.raise_errors = False
    await sim.send("/boom")
    text = harness.fake.last_text(sim.chat_id)
    assert "something went wrong" in text
    assert "database on fire" not in text
    assert "database on fire" in caplog.text


async def test_long_visit_lists_are_split_cleanly(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    for number in range(12):
        draft = VisitDraft(
            token=f"t{number}",
            family_id=family.id,
            visit_date=date(2026, 11, 20),
            duration_min=60,
            place="home",
            note=f"<{number}> " + "long & winding " * 230,
            next_steps="& next " * 140,
        )
        await harness.services.visits.record(actor, draft)
    harness.fake.clear()
    await sim.send("/visits R-01")
    sent = [c for c in harness.fake.calls if c.method == "sendMessage"]
    assert len(sent) >= 2
    assert harness.fake.errors == []


async def test_command_menus_per_language(harness: BotHarness) -> None:
    menus = {
        c.params.get("language_code"): [cmd["command"] for cmd in c.params["commands"]]
        for c in harness.fake.calls
        if c.method == "setMyCommands" and c.params.get("scope", {}).get("type") == "default"
    }
    assert "wizyta" in menus["pl"]
    assert "visit" in menus["en"]
    assert "rodziny" in menus[None]


async def test_a_reader_of_a_family_without_visits_is_not_told_to_record_one(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)
    await sim.send("/visits R-01")
    assert harness.fake.last_text(sim.chat_id).endswith("Record one with /visit.")
    boss = await coordinator(harness)
    await boss.send("/visits R-01")
    text = harness.fake.last_text(boss.chat_id)
    assert "No visits recorded yet." in text
    assert "/visit" not in text.replace("/visits", "")  # a reader records none
    assert harness.fake.errors == []
