"""/settings: the digest time, quiet hours and language, by buttons."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine

from tests.conversations.test_appointment import with_family
from tests.support.fake_telegram import keyboard_rows
from tests.support.harness import BotHarness


async def test_settings_change_by_buttons(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/settings")
    text = harness.fake.last_text(sim.chat_id)
    assert "07:30" in text
    assert "20:00–07:00" in text
    await sim.press("08:00")
    await sim.press("22:00–06:00")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    prefs = await harness.services.reminders.prefs(actor)
    assert (prefs.digest_time, prefs.quiet_start, prefs.quiet_end) == (
        time(8, 0),
        time(22, 0),
        time(6, 0),
    )
    await sim.press("no quiet hours")
    assert "none" in harness.fake.last_text(sim.chat_id)
    await sim.send("/ustawienia")
    await sim.press("Polski")
    assert "po polsku" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


def _ticked(harness: BotHarness, chat_id: int) -> list[str]:
    """The buttons of the settings message that show the active choice."""
    rows = harness.fake.last_markup(chat_id)
    return [text for row in rows for text, _ in row if text.startswith("✅")]


async def test_the_active_digest_time_and_quiet_hours_are_ticked(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/settings")
    assert _ticked(harness, sim.chat_id) == ["✅ 07:30", "✅ 20:00–07:00", "✅ English"]
    await sim.press("22:00–06:00")
    assert _ticked(harness, sim.chat_id) == ["✅ 07:30", "✅ 22:00–06:00", "✅ English"]
    await sim.press("no quiet hours")
    assert _ticked(harness, sim.chat_id) == ["✅ 07:30", "✅ no quiet hours", "✅ English"]
    await sim.press("✅ no quiet hours")  # the active one pressed again: still the one ticked
    assert _ticked(harness, sim.chat_id) == ["✅ 07:30", "✅ no quiet hours", "✅ English"]
    assert all("not modified" in (c.error or "") for c in harness.fake.errors)


async def test_the_language_the_bot_speaks_is_ticked(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/settings")
    assert "✅ English" in _ticked(harness, sim.chat_id)
    await sim.press("Polski")
    await sim.send("/ustawienia")
    assert _ticked(harness, sim.chat_id)[-1] == "✅ Polski"
    await sim.send("/jezyk")
    assert _ticked(harness, sim.chat_id) == ["✅ Polski"]
    await sim.press("✅ Polski")  # the active one pressed again: still Polish
    assert "po polsku" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


@pytest.mark.parametrize("choice", ["08:00", "22:00–06:00"])
async def test_a_language_pressed_after_a_time_is_taken_as_on_a_fresh_settings_message(
    harness: BotHarness, choice: str
) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/settings")
    message_id, _ = harness.fake.button(sim.chat_id, choice)
    await sim.press(choice)  # the settings message is drawn again by the time chosen
    mark = len(harness.fake.calls)
    await sim.press("✅ English")  # the language spoken, ticked: confirmed, as on a fresh one
    sent = [c for c in harness.fake.calls[mark:] if c.method == "sendMessage"]
    assert [c.params["text"] for c in sent] == ["Done: I will speak English with you."]
    await sim.press("Polski")  # another language: taken, the settings drawn again in it
    pressed = harness.fake.message(sim.chat_id, message_id)
    assert pressed is not None
    assert pressed["text"].startswith("Ustawienia przypomnień")
    assert "✅ Polski" in [text for row in keyboard_rows(pressed) for text, _ in row]
    mark = len(harness.fake.calls)
    await sim.press("08:30")
    await sim.press("✅ Polski")  # drawn by a time since, not by the language: confirmed
    sent = [c for c in harness.fake.calls[mark:] if c.method == "sendMessage"]
    assert [c.params["text"] for c in sent] == ["Gotowe: będę z Tobą rozmawiać po polsku."]
    assert harness.fake.errors == []


async def test_a_language_typed_after_settings_points_at_the_language_buttons(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    for typed in ("/settings pl", "/settings en", "/ustawienia polski", "/settings English"):
        await sim.send(typed)
        text = harness.fake.last_text(sim.chat_id)
        assert text.startswith(
            "The language is chosen with the buttons at the bottom, or with /lang: "
            "nothing was changed."
        ), typed
        assert "Morning digest on working days at 07:30" in text  # the settings, drawn anew
        assert harness.fake.last_markup(sim.chat_id)[-1] == [
            ("Polski", "st:-:lang:pl"),
            ("✅ English", "st:-:lang:en"),
        ]
    await sim.send("/settings 8:00")  # a time still gets the note about times
    assert harness.fake.last_text(sim.chat_id).startswith("Times are chosen with the buttons")
    await sim.press("Polski")
    await sim.send("/ustawienia po polsku")
    assert harness.fake.last_text(sim.chat_id).startswith(
        "Język wybiera się przyciskami na dole albo poleceniem /jezyk: nic nie zmieniono."
    )
    assert harness.fake.errors == []


TIMES_NOTE = "Times are chosen with the buttons below: nothing was changed."
NOT_UNDERSTOOD = "I did not understand that. /help lists what I can do."


async def _digest_time(harness: BotHarness, user_id: int) -> time:
    assert harness.services is not None
    actor = await harness.services.membership.actor(user_id)
    return (await harness.services.reminders.prefs(actor)).digest_time


async def test_a_time_typed_right_after_settings_points_at_their_buttons(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/settings")
    for typed in ("08:00", "8:00", " 7.30 ", "22:00-06:00", "25:00"):
        await sim.send(typed)  # the settings message (or its new copy) is the newest answer
        text = harness.fake.last_text(sim.chat_id)
        assert text.startswith(TIMES_NOTE), typed
        assert "Morning digest on working days at 07:30" in text  # drawn anew, unchanged
        assert ("08:00", "st:-:digest:0800") in harness.fake.last_markup(sim.chat_id)[1]
    await sim.press("08:30")  # its buttons still choose; the message stays the newest answer
    await sim.send("9:00")
    assert harness.fake.last_text(sim.chat_id).startswith(TIMES_NOTE)
    await sim.send("pl")  # a language typed there: pointed at the language buttons
    assert harness.fake.last_text(sim.chat_id).startswith("The language is chosen with")
    assert await _digest_time(harness, sim.user_id) == time(8, 30)
    await sim.send("/families")  # something else answered since: a time means nothing now
    await sim.send("08:00")
    assert harness.fake.last_text(sim.chat_id) == NOT_UNDERSTOOD
    await sim.send("/settings")
    await sim.send("hello")  # not a time: as before
    assert harness.fake.last_text(sim.chat_id) == NOT_UNDERSTOOD
    await sim.send("08:00")  # "I did not understand" was the newest answer
    assert harness.fake.last_text(sim.chat_id) == NOT_UNDERSTOOD
    assert harness.fake.errors == []


async def test_a_time_typed_without_settings_shown_is_not_understood(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("08:00")
    assert harness.fake.last_text(sim.chat_id) == NOT_UNDERSTOOD
    await sim.send("/settings")
    await harness.restart()  # the settings shown are remembered with the user's data
    sim = harness.user(sim.user_id, language_code="en")
    await sim.send("08:00")
    assert harness.fake.last_text(sim.chat_id).startswith(TIMES_NOTE)
    assert harness.fake.errors == []


async def test_a_time_typed_after_settings_shown_beside_a_walk_goes_to_the_walk(
    harness: BotHarness,
) -> None:
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        sim = await with_family(harness)
        await sim.send("/termin R-01")
        await sim.press("Done")
        await sim.press("Labour office")
        await sim.press("Skip")  # the appointment walk asks "When?"
        await sim.send("/settings")  # shown beside the walk, which stays open
        await sim.send("14:00")
        assert "Wednesday 25 November 2026, 14:00" in harness.fake.last_text(sim.chat_id)
        assert await _digest_time(harness, sim.user_id) == time(7, 30)
        assert harness.fake.errors == []
