"""/appointment, /agenda, the appointment card and the move walk, through the real Application."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.conversations._walk_chat import WALK_KEY
from bot.domain.appointment import Appointment, AppointmentStatus, Institution
from tests.conversations.test_new_family import register_family
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

WEDNESDAY = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)  # 10:30 in Warsaw


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(WEDNESDAY, tick=True):
        yield


async def with_family(harness: BotHarness) -> UserSim:
    """An assistant holding R-01 with Anna."""
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"),))
    return sim


async def book(sim: UserSim, when: str = "jutro 10:30") -> None:
    """/appointment R-01 at the court tomorrow morning, going along."""
    await sim.send("/appointment R-01")
    await sim.press("Anna")
    await sim.press("Done")
    await sim.press("Court")
    await sim.send("SR <Wola> & co")
    await sim.send(when)
    await sim.press("Yes")
    await sim.press("Yes, I go along")
    await sim.send("Custody hearing")


async def test_book_an_appointment_and_see_it_in_the_agenda(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await book(sim)
    summary = harness.fake.last_text(sim.chat_id)
    assert "Thursday 26 November 2026, 10:30" in summary
    assert "SR <Wola> & co" in summary
    await sim.press("Save")
    assert "Appointment saved" in harness.fake.last_text(sim.chat_id)
    await sim.send("/agenda")
    agenda = harness.fake.last_text(sim.chat_id)
    assert "10:30 R-01 · Court (SR <Wola> & co) · you go along" in agenda
    await sim.press("R-01")
    assert "Custody hearing" in harness.fake.last_text(sim.chat_id)
    await sim.press("Move")
    await sim.send("pt 9")
    assert "Friday 27 November 2026, 09:00" in harness.fake.last_text(sim.chat_id)
    await sim.press("Yes")
    assert "Moved to" in harness.fake.last_text(sim.chat_id)
    await sim.send("/terminy")
    await sim.press("R-01")
    await sim.press("Cancel it")
    await sim.press("Yes, cancel it")
    assert "cancelled" in harness.fake.last_text(sim.chat_id)
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    days = await harness.services.appointments.agenda(actor, 7)
    assert not any(day.items for day in days)
    assert harness.fake.errors == []


@pytest.mark.parametrize("typed", ["jutro 10 30", "tomorrow 10 30", "jutro 1030"])
async def test_a_time_typed_without_a_colon_is_read(harness: BotHarness, typed: str) -> None:
    sim = await with_family(harness)
    await sim.send("/termin R-01")
    await sim.press("Done")
    await sim.press("Labour office")
    await sim.press("Skip")
    await sim.send(typed)
    assert "Thursday 26 November 2026, 10:30" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_typed_times_are_checked_and_echoed(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await sim.send("/termin R-01")
    await sim.press("Done")
    await sim.press("Labour office")
    await sim.press("Skip")
    await sim.send("dziś 9")
    assert "already passed" in harness.fake.last_text(sim.chat_id)
    await sim.send("jutro")
    assert "add a time" in harness.fake.last_text(sim.chat_id)
    await sim.send("soon-ish")
    assert "could not read" in harness.fake.last_text(sim.chat_id)
    await sim.send("12.12 14:00")
    await sim.press("Type again")
    await sim.send("tomorrow 10")
    assert "Thursday 26 November 2026, 10:00" in harness.fake.last_text(sim.chat_id)
    await sim.press("Yes")
    await sim.press("No")
    await sim.send("x" * 301)
    assert "at most 300" in harness.fake.last_text(sim.chat_id)
    await sim.send("Register as unemployed")
    await sim.press("Save")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    days = await harness.services.appointments.agenda(actor, 7)
    items = [item.appointment for day in days for item in day.items]
    assert [(a.institution, a.accompany) for a in items] == [(Institution.PUP, False)]
    assert items[0].status is AppointmentStatus.SCHEDULED
    assert harness.fake.errors == []


async def test_another_assistant_cannot_open_the_card(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await book(sim)
    await sim.press("Save")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    days = await harness.services.appointments.agenda(actor, 7)
    appointment_id = next(item.appointment.id for day in days for item in day.items)
    other = await harness.assistant(2002, language_code="en")
    await other.send("/agenda")
    message_id = harness.fake.sent(other.chat_id)[-1].result["message_id"]
    await other.press_data(message_id, f"ak:-:a:{appointment_id}")
    assert "Custody" not in harness.fake.last_text(other.chat_id)
    await other.press_data(message_id, f"ax:{appointment_id}:yes:")
    await other.press_data(message_id, f"am:{appointment_id}:move:")
    days = await harness.services.appointments.agenda(actor, 7)
    assert any(day.items for day in days)


async def left_by_a_crash(harness: BotHarness, sim: UserSim) -> tuple[UserSim, int, str]:
    """Save, then kill -9 before the dropped draft was stored: it comes back as it was."""
    await book(sim)
    assert harness.app is not None
    before = copy.deepcopy(harness.app.user_data[sim.user_id][WALK_KEY])
    message_id, save = harness.fake.button(sim.chat_id, "💾 Save")
    await sim.press("Save")
    assert "Appointment saved" in harness.fake.last_text(sim.chat_id)
    await harness.crash_and_restart()
    assert harness.app is not None
    harness.app.user_data[sim.user_id][WALK_KEY] = before
    return harness.user(sim.user_id, language_code="en"), message_id, save


async def appointments_of(harness: BotHarness, sim: UserSim) -> list[Appointment]:
    """The user's scheduled appointments of the coming week."""
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    days = await harness.services.appointments.agenda(actor, 7)
    return [item.appointment for day in days for item in day.items]


async def test_a_saved_draft_left_by_a_crash_is_not_offered_again(harness: BotHarness) -> None:
    sim, message_id, save = await left_by_a_crash(harness, await with_family(harness))
    await sim.send("/appointment")
    assert "Which family is the appointment for" in harness.fake.last_text(sim.chat_id)
    await sim.press_data(message_id, save)  # the old Save button
    answers = [c for c in harness.fake.calls if c.method == "answerCallbackQuery"]
    assert "older message" in answers[-1].params.get("text", "")
    assert "Which family is the appointment for" in harness.fake.last_text(sim.chat_id)
    assert len(await appointments_of(harness, sim)) == 1
    assert harness.fake.errors == []


async def test_save_pressed_again_on_a_saved_draft_saves_nothing_new(harness: BotHarness) -> None:
    sim, message_id, save = await left_by_a_crash(harness, await with_family(harness))
    await sim.press_data(message_id, save)  # before anything else: the same draft's Save
    assert "Appointment saved: Thursday 26 November 2026, 10:30" in harness.fake.last_text(
        sim.chat_id
    )
    saved = await appointments_of(harness, sim)
    assert len(saved) == 1
    assert harness.services is not None
    await harness.services.reminders.tick()
    await harness.services.reminders.tick()
    assert harness.db is not None
    rows = await harness.db.fetch_all(
        "SELECT kind FROM outbox WHERE subject = ?", (f"appointment:{saved[0].id}",)
    )
    assert len(rows) == len({r["kind"] for r in rows})  # each reminder once
    await sim.send("/appointment R-01")
    assert "Who from the family goes" in harness.fake.last_text(sim.chat_id)
    # The message already says "saved" (the crash came after that edit): the same edit again
    # is refused as not modified, and taken as done.
    assert all("not modified" in (c.error or "") for c in harness.fake.errors)


async def test_a_family_handed_over_mid_walk_ends_the_walk(harness: BotHarness) -> None:
    sim = await with_family(harness)
    await harness.assistant(2002, language_code="en")
    await sim.send("/appointment R-01")
    await sim.press("Anna")
    admin = await harness.admin()
    await admin.send("/assign R-01 2002")
    await sim.press("Done")
    assert "I do not know that family among yours" in harness.fake.last_text(sim.chat_id)
    await sim.send("Court")
    assert "did not understand" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_text_and_cancel_after_a_crash_do_not_reopen_a_saved_draft(
    harness: BotHarness,
) -> None:
    sim, _, _ = await left_by_a_crash(harness, await with_family(harness))
    await sim.send("Custody hearing")
    assert "saved already" in harness.fake.last_text(sim.chat_id)  # no summary again
    sim, _, _ = await left_by_a_crash(harness, sim)
    await sim.send("/cancel")
    assert "saved already" in harness.fake.last_text(sim.chat_id)  # not "nothing saved"
    await sim.send("/visit R-01")
    assert "When was it" in harness.fake.last_text(sim.chat_id)
    assert len(await appointments_of(harness, sim)) == 2
    assert harness.fake.errors == []
