"""The main menu under the text field: after /start and after a finished walk, one tap away."""

from __future__ import annotations

from typing import Any

import pytest

from bot.ui.main_menu import MENU_KEY
from tests.conversations.test_new_family import register_family
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


def _menu_of(harness: BotHarness, sim: UserSim) -> list[list[str]] | None:
    """The reply keyboard last sent to the chat (it stays under the text field), as texts."""
    for call in reversed(harness.fake.calls):
        if call.method != "sendMessage" or int(call.params["chat_id"]) != sim.chat_id:
            continue
        keyboard: Any = (call.params.get("reply_markup") or {}).get("keyboard")
        if keyboard:
            assert call.params["reply_markup"].get("is_persistent") is True
            return [[b["text"] if isinstance(b, dict) else b for b in row] for row in keyboard]
    return None


async def test_start_shows_the_menu_in_the_users_language(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="pl")
    assert _menu_of(harness, sim) == [["📝 Wizyta", "👪 Rodziny"], ["📅 Terminy", "⋯ Więcej"]]
    english = await harness.assistant(2002, language_code="en")
    assert _menu_of(harness, english) == [
        ["📝 Visit", "👪 Families"],
        ["📅 Appointments", "⋯ More"],
    ]
    assert harness.fake.errors == []


async def test_each_button_does_what_it_says(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"),))
    await sim.send("📝 Wizyta")  # a keyboard in the other language works too
    assert "R-01" in harness.fake.last_text(sim.chat_id)  # the one family: straight to the date
    await sim.send("/cancel")
    await sim.send("👪 Rodziny")
    assert "R-01" in harness.fake.last_text(sim.chat_id)
    await sim.send("📅 Terminy")
    agenda_text = harness.fake.last_text(sim.chat_id)
    await sim.send("/terminy")
    assert harness.fake.last_text(sim.chat_id) == agenda_text
    await sim.send("⋯ Więcej")
    assert "/plan" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_menu_tap_mid_walk_is_never_taken_as_an_answer(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"),))
    await sim.send("/visit")
    await sim.press("Today")
    await sim.press("90 min")
    await sim.press("Family's home")
    await sim.press("Anna")
    await sim.press("Done")
    await sim.press("Done")
    await sim.press("Done")  # at the note step: typed text is the note
    await sim.send("👪 Families")
    assert "R-01" in harness.fake.last_text(sim.chat_id)  # the list, not a saved note
    await sim.send("📝 Visit")  # the same walk again: it offers to continue
    assert "unfinished" in harness.fake.last_text(sim.chat_id)
    await sim.press("Continue")
    assert "Type a note" in harness.fake.last_text(sim.chat_id)
    await sim.send("📅 Termin")  # a near miss is typed text: the note
    assert "Next steps" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_after_a_finished_walk_the_menu_is_there(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    assert harness.app is not None
    harness.app.user_data[sim.user_id].pop(MENU_KEY)  # someone from before the menu existed
    await register_family(sim)
    assert "menu is under the text field" in harness.fake.last_text(sim.chat_id)
    assert _menu_of(harness, sim) == [["📝 Visit", "👪 Families"], ["📅 Appointments", "⋯ More"]]
    count = len(harness.fake.messages(sim.chat_id))
    await sim.send("/resources R-01")
    await sim.press("Finish")
    assert len(harness.fake.messages(sim.chat_id)) == count + 1  # once is enough: no repeat
    await sim.send("/lang")
    await sim.press("Polski")
    await sim.send("/zasoby R-01")
    await sim.press("Zakończ")
    assert _menu_of(harness, sim) == [["📝 Wizyta", "👪 Rodziny"], ["📅 Terminy", "⋯ Więcej"]]
    assert harness.fake.errors == []


POLISH_MENU = [["📝 Wizyta", "👪 Rodziny"], ["📅 Terminy", "⋯ Więcej"]]
ENGLISH_MENU = [["📝 Visit", "👪 Families"], ["📅 Appointments", "⋯ More"]]


def _last_sent(harness: BotHarness, sim: UserSim) -> Any:
    """The bot's newest sendMessage call to the chat."""
    return [c for c in harness.fake.sent(sim.chat_id) if c.method == "sendMessage"][-1]


@pytest.mark.parametrize("command", ["/lang", "/settings"])
async def test_a_new_language_comes_with_the_menu_in_it(harness: BotHarness, command: str) -> None:
    sim = await harness.assistant(language_code="en")
    assert _menu_of(harness, sim) == ENGLISH_MENU
    await sim.send(command)
    question, _ = harness.fake.button(sim.chat_id, "Polski")
    await sim.press("Polski")
    # The confirmation itself carries the menu, in the new language.
    assert "po polsku" in _last_sent(harness, sim).result["text"]
    assert _menu_of(harness, sim) == POLISH_MENU
    pressed = harness.fake.message(sim.chat_id, question)
    assert pressed is not None
    # The question itself is drawn again in the new language, with its buttons.
    assert "✅ Polski" in str(pressed["reply_markup"])
    assert "English" not in pressed["text"]
    await sim.send("/jezyk")
    await sim.press("English")
    assert "English" in _last_sent(harness, sim).result["text"]
    assert _menu_of(harness, sim) == ENGLISH_MENU
    assert harness.fake.errors == []
