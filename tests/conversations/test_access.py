"""Who may use the bot: invites, strangers, groups, forged buttons."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from bot.domain.people import Role
from tests.support.harness import ADMIN_ID, BotHarness


async def test_stranger_is_refused_with_their_id_and_nothing_else(harness: BotHarness) -> None:
    stranger = harness.user(4242, language_code="en")
    await stranger.send("/families")
    text = harness.fake.last_text(stranger.chat_id)
    assert "4242" in text
    assert "invite" in text
    await stranger.send("hello")
    await stranger.send("/visit")
    assert all("4242" in c.params["text"] for c in harness.fake.sent(stranger.chat_id))
    assert harness.fake.errors == []


async def test_stranger_is_refused_in_polish_by_default(harness: BotHarness) -> None:
    stranger = harness.user(4243, language_code="pl")
    await stranger.send("/start")
    assert "zaproszenie" in harness.fake.last_text(stranger.chat_id)


async def test_invite_lets_an_assistant_in_once(harness: BotHarness) -> None:
    admin = await harness.admin()
    await admin.send("/invite assistant")
    text = harness.fake.last_text(admin.chat_id)
    assert "https://t.me/family_test_bot?start=" in text
    code = text.split("/start ")[-1].strip()
    newcomer = harness.user(2001, language_code="en")
    await newcomer.send(f"/start {code}")
    assert "Welcome" in harness.fake.last_text(newcomer.chat_id)
    await newcomer.send("/families")
    assert "no families yet" in harness.fake.last_text(newcomer.chat_id)
    second = harness.user(2002, language_code="en")
    await second.send(f"/start {code}")
    assert "already used" in harness.fake.last_text(second.chat_id)
    await second.send("/families")
    assert "2002" in harness.fake.last_text(second.chat_id)


async def test_an_invite_code_is_taken_in_another_case_and_with_spaces(
    harness: BotHarness,
) -> None:
    admin = await harness.admin()
    for newcomer_id in (2011, 2012):
        await admin.send("/invite assistant")
        text = harness.fake.last_text(admin.chat_id)
        code = text.split("/start ")[-1].strip()
        # Made in one case, so that case never matters; the link carries it as made.
        assert code == code.lower()
        assert f"?start={code}" in text
        newcomer = harness.user(newcomer_id, language_code="en")
        typed = code.upper() if newcomer_id == 2011 else code.capitalize()
        await newcomer.send(f"/start  {typed}\u00a0")  # as typed on a phone, or pasted
        assert "Welcome" in harness.fake.last_text(newcomer.chat_id)
    assert harness.fake.errors == []


async def _invites(harness: BotHarness) -> list[str]:
    """The codes of every invite made."""
    assert harness.db is not None
    return [row["code"] for row in await harness.db.fetch_all("SELECT code FROM invites")]


async def test_the_role_button_pressed_again_shows_the_same_invite(harness: BotHarness) -> None:
    admin = await harness.admin()
    await admin.send("/invite")
    question, assistant = harness.fake.button(admin.chat_id, "Assistant")
    _, coordinator = harness.fake.button(admin.chat_id, "Coordinator")
    await admin.press_data(question, assistant)
    shown = harness.fake.last_text(admin.chat_id)
    [code] = await _invites(harness)
    assert code in shown
    await admin.press_data(question, assistant)  # a slow connection: the same press twice
    await admin.press_data(question, coordinator)  # or the other button, before it went
    await harness.crash_and_restart()  # the presses' updates may come again after a restart
    admin = harness.user(ADMIN_ID, first_name="Ewa", language_code="en")
    await admin.press_data(question, assistant)
    assert await _invites(harness) == [code]
    assert harness.fake.last_text(admin.chat_id) == shown
    answers = [c for c in harness.fake.calls if c.method == "answerCallbackQuery"]
    assert "already made" in answers[-1].params.get("text", "")
    # The same words on the pressed message: Telegram refuses to edit it into itself.
    assert all("not modified" in (c.error or "") for c in harness.fake.errors)
    await admin.send("/invite")  # a new question: a new invite
    await admin.press("Assistant")
    assert len(await _invites(harness)) == 2
    await admin.send("/invite assistant")  # typed twice on purpose: two invites
    await admin.send("/invite assistant")
    assert len(set(await _invites(harness))) == 4


async def test_expired_and_unknown_codes_are_refused(harness: BotHarness) -> None:
    admin = await harness.admin()
    await admin.send("/invite assistant")
    code = harness.fake.last_text(admin.chat_id).split("/start ")[-1].strip()
    late = harness.user(2003, language_code="en")
    with time_machine.travel(timedelta(hours=73)):
        await late.send(f"/start {code}")
    assert "expired" in harness.fake.last_text(late.chat_id)
    await late.send("/start nonsense")
    assert "not valid" in harness.fake.last_text(late.chat_id)


async def test_only_admins_invite(harness: BotHarness) -> None:
    assistant = await harness.assistant(language_code="en")
    await assistant.send("/invite assistant")
    assert "Only the centre's admins" in harness.fake.last_text(assistant.chat_id)


async def test_group_chats_get_no_data(harness: BotHarness) -> None:
    admin = await harness.admin()
    await admin.group_message("/families")
    group_texts = [c.params["text"] for c in harness.fake.sent(admin.group_chat["id"])]
    assert group_texts
    assert all("private" in t or "prywatn" in t for t in group_texts)


async def test_admin_gets_their_menu(harness: BotHarness) -> None:
    await harness.admin()
    scopes = [c.params.get("scope") for c in harness.fake.calls if c.method == "setMyCommands"]
    assert {"type": "chat", "chat_id": ADMIN_ID} in scopes


async def test_coordinators_get_their_menu_again_at_start_up(harness: BotHarness) -> None:
    coordinator = await harness.assistant(3001, language_code="en")
    assert harness.services is not None
    await harness.services.membership.people.set_role(coordinator.user_id, Role.COORDINATOR)
    harness.fake.calls.clear()
    await harness.restart()
    menus = [
        c.params["commands"]
        for c in harness.fake.calls
        if c.method == "setMyCommands"
        and c.params.get("scope") == {"type": "chat", "chat_id": 3001}
    ]
    assert menus
    assert {"team", "zespol"} & {command["command"] for command in menus[-1]}


async def test_wrong_invite_codes_are_tried_five_times_an_hour_then_quietly_refused(
    harness: BotHarness,
) -> None:
    admin = await harness.admin()
    await admin.send("/invite assistant")
    code = harness.fake.last_text(admin.chat_id).split("/start ")[-1].strip()
    guesser = harness.user(2004, language_code="en")
    for attempt in range(5):
        await guesser.send(f"/start guess{attempt}")
        assert "not valid" in harness.fake.last_text(guesser.chat_id)
    await guesser.send(f"/start {code}")  # even the right code waits now
    assert "Too many wrong invite codes" in harness.fake.last_text(guesser.chat_id)
    answers = len(harness.fake.sent(guesser.chat_id))
    for attempt in range(20):
        await guesser.send(f"/start again{attempt}")
    assert len(harness.fake.sent(guesser.chat_id)) == answers  # silence, no reads, no rows
    assert harness.db is not None
    rows = await harness.db.fetch_all(
        "SELECT * FROM access_log WHERE actor_id = ? AND action = 'invite.join'",
        (guesser.user_id,),
    )
    assert len(rows) == 5
    with time_machine.travel(timedelta(hours=1, minutes=1)):
        await guesser.send(f"/start {code}")
        assert "Welcome" in harness.fake.last_text(guesser.chat_id)
