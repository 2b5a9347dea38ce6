"""The command menu a plain assistant sees follows the language chosen with /lang."""

from __future__ import annotations

import json

from tests.support.harness import ASSISTANT_ID, BotHarness


def menu_seen(harness: BotHarness, chat_id: int, app_language: str) -> set[str]:
    """The commands Telegram shows in a private chat: its own menu, else the default one.

    Telegram picks the chat's scope before the default, and in each the list for the user's
    app language before the one without.
    """
    stored = harness.fake._commands
    for scope in ({"type": "chat", "chat_id": chat_id}, {"type": "default"}):
        for language in (app_language, ""):
            key = json.dumps([scope, language], sort_keys=True)
            if key in stored:
                return {command["command"] for command in stored[key]}
    return set()


def own_menu_calls(harness: BotHarness, chat_id: int) -> list[str]:
    """The calls that set or removed this chat's own menu."""
    return [
        call.method
        for call in harness.fake.calls
        if call.method in {"setMyCommands", "deleteMyCommands"}
        and call.params.get("scope") == {"type": "chat", "chat_id": chat_id}
    ]


async def test_a_plain_assistants_menu_follows_the_language_chosen(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    assert "wizyta" not in menu_seen(harness, sim.chat_id, "en")
    await sim.send("/lang")
    await sim.press("Polski")
    assert {"wizyta", "rodziny"} <= menu_seen(harness, sim.chat_id, "en")
    await sim.send("/jezyk")
    await sim.press("English")  # the app's own language again: the default menu is theirs
    seen = menu_seen(harness, sim.chat_id, "en")
    assert "visit" in seen
    assert "wizyta" not in seen
    assert harness.fake.errors == []


async def test_a_chosen_language_menu_is_set_again_after_a_restart(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/lang")
    await sim.press("Polski")
    await harness.restart()  # a new release may have changed what the menus hold
    harness.fake.calls.clear()
    again = harness.user(ASSISTANT_ID, language_code="en")
    await again.send("/pomoc")
    await again.send("/pomoc")
    assert own_menu_calls(harness, again.chat_id) == ["setMyCommands"]  # once a run
    assert "wizyta" in menu_seen(harness, again.chat_id, "en")


async def test_an_assistant_speaking_their_apps_language_gets_no_menu_of_their_own(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="pl")
    harness.fake.calls.clear()
    await sim.send("/pomoc")
    await sim.send("/rodziny")
    assert own_menu_calls(harness, sim.chat_id) == []
    assert "wizyta" in menu_seen(harness, sim.chat_id, "pl")
