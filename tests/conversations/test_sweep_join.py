"""A hostile sweep of a new person's first day and of the family's record.

Driven through the real Application as the admin inviting, a newcomer joining, an assistant
registering and editing a family on a phone, and a coordinator reading it.
"""

from __future__ import annotations

import json

from tests.conversations.test_new_family import register_family
from tests.handlers.test_team import coordinator
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


async def test_the_polish_invite_command_is_understood(harness: BotHarness) -> None:
    admin = await harness.admin()
    await admin.send("/zaproszenie")
    assert harness.fake.last_text(admin.chat_id) == "Who is the invite for?"
    await admin.send("/zaproszenie koordynator")
    assert "Invite for a new coordinator" in harness.fake.last_text(admin.chat_id)
    code = harness.fake.last_text(admin.chat_id).split("/start ")[-1].strip()
    newcomer = harness.user(3001, language_code="pl", first_name="Ola")
    await newcomer.send(f"/start {code}")
    assert "Witaj, Ola!" in harness.fake.last_text(newcomer.chat_id)
    assert harness.fake.errors == []


async def _two_families(harness: BotHarness) -> UserSim:
    """An assistant (English) with R-01 (Anna, Tomek) and R-02; another holds R-03."""
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"), ("Tomek", "child")))
    await register_family(sim)
    other = await harness.assistant(1002, language_code="en")
    await register_family(other)
    return sim


async def test_a_code_typed_at_a_family_picker_opens_that_family(harness: BotHarness) -> None:
    sim = await _two_families(harness)
    await sim.send("/edytuj")
    assert "Which family's details do you change?" in harness.fake.last_text(sim.chat_id)
    await sim.send("R-09")  # no such family: asked again, with the reason
    text = harness.fake.last_text(sim.chat_id)
    assert text.startswith("I do not know that family among yours.")
    assert "Which family's details do you change?" in text
    await sim.send("R-03")  # another assistant's: the same words, nothing about it
    assert harness.fake.last_text(sim.chat_id).startswith("I do not know that family")
    await sim.send("Anna")  # a member's name: not tried as a code, so not in the access log
    assert harness.fake.last_text(sim.chat_id).startswith("A family code has 1–12 letters")
    assert harness.db is not None
    rows = await harness.db.fetch_all("SELECT detail FROM access_log")
    assert all("ANNA" not in str(row["detail"]).upper() for row in rows)
    await sim.send("r-01 ")  # as the buttons show it, typed on a phone
    text = harness.fake.last_text(sim.chat_id)
    assert text.startswith("✏️ R-01\n")
    assert "What do you change?" in text
    await sim.press("Finish")
    await sim.send("/visit")
    await sim.send("r-02")
    assert "R-02" in harness.fake.last_text(sim.chat_id)
    assert "Which family" not in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_number_typed_at_the_members_is_not_taken_for_a_name(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/newfamily")
    await sim.press("Use R-01")
    await sim.press("Skip")
    for count in ("2", "0", "99"):  # "how many members?" is what a hurried thumb answers
        await sim.send(count)
        text = harness.fake.last_text(sim.chat_id)
        assert text.startswith("A member's name has letters:"), count
        assert "Members (first names or initials only):\nnone yet" in text
    await sim.send("A.")  # initials are a name
    assert "Who is A. in the family?" in harness.fake.last_text(sim.chat_id)
    await sim.press("child")
    await sim.press("Skip")
    await sim.press("Done")
    await sim.press("1")
    await sim.press("Skip")
    await sim.press("Skip")
    await sim.press("Save")
    await sim.send("/edit R-01")
    await sim.press("Members")
    await sim.send("3")  # the same in /edit
    assert harness.fake.last_text(sim.chat_id).startswith("A member's name has letters:")
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    assert [m.name for m in family.members] == ["A."]
    assert harness.fake.errors == []


def own_menu(harness: BotHarness, user_id: int) -> list[str] | None:
    """The command names of a person's own menu (their chat's scope), None when there is none."""
    key = json.dumps([{"type": "chat", "chat_id": user_id}, ""], sort_keys=True)
    menu = harness.fake._commands.get(key)  # what Telegram would show them
    return None if menu is None else [c["command"] for c in menu]


async def test_the_menu_of_a_coordinator_and_an_admin_follows_their_language(
    harness: BotHarness,
) -> None:
    boss = await coordinator(harness, first_name="Ola")
    admin = await harness.admin()
    assert {"visit", "team"} <= set(own_menu(harness, boss.user_id) or [])
    for person, ours in ((boss, {"wizyta", "zespol"}), (admin, {"wizyta", "zaproszenie"})):
        await person.send("/lang")
        await person.press("Polski")
        assert harness.fake.last_text(person.chat_id).startswith("Gotowe")
        assert ours <= set(own_menu(harness, person.user_id) or []), person.user_id
    await admin.send("/zespol")
    await admin.press("Osoby i role")
    await admin.press("Ola")
    await admin.press("asystent")  # Make an assistant of her, and back
    await admin.press("koordynator")
    assert {"wizyta", "zespol"} <= set(own_menu(harness, boss.user_id) or [])
    await admin.press("Osoby i role")
    await admin.press("Ewa")
    await admin.press("koordynator")  # the admin's own role: their admin menu stays
    assert "zaproszenie" in (own_menu(harness, admin.user_id) or [])
    assert harness.fake.errors == []


async def test_a_coordinator_who_left_and_comes_back_as_an_assistant_has_no_team_menu(
    harness: BotHarness,
) -> None:
    boss = await coordinator(harness, first_name="Ola")
    admin = await harness.admin()
    assert "team" in (own_menu(harness, boss.user_id) or [])
    await admin.send("/team")
    await admin.press("People and roles")
    await admin.press("Ola")
    await admin.press("Deactivate")
    assert own_menu(harness, boss.user_id) is None  # no /team that only says "who are you?"
    await admin.press("Reactivate")
    assert {"team", "zespol"} & set(own_menu(harness, boss.user_id) or [])
    await admin.press("Deactivate")
    await admin.send("/invite assistant")  # she comes back, as an assistant
    code = harness.fake.last_text(admin.chat_id).split("/start ")[-1].strip()
    await boss.send(f"/start {code}")
    assert "Welcome, Ola!" in harness.fake.last_text(boss.chat_id)
    assert own_menu(harness, boss.user_id) is None
    await harness.restart()
    assert own_menu(harness, boss.user_id) is None
    assert harness.fake.errors == []


async def test_a_code_differing_from_a_used_one_by_a_dash_or_a_zero_is_refused(
    harness: BotHarness,
) -> None:
    sim = await _two_families(harness)  # R-01, R-02 (and R-03, another assistant's)
    await sim.send("/newfamily")
    for typed in ("r01", "R1", "r-1", "R-3"):
        await sim.send(typed)
        text = harness.fake.last_text(sim.chat_id)
        assert "is too like" in text, typed
        assert "Which code should the family have?" in text
    assert harness.fake.last_markup(sim.chat_id)[0][0][0] == "Use R-4"  # not
    await sim.send("R-10")  # not like any used one
    assert "A short label" in harness.fake.last_text(sim.chat_id)
    await sim.send("/cancel")
    await sim.send("/edit R-02")
    await sim.press("Code")
    await sim.send("R01")
    assert "is too like R-01" in harness.fake.last_text(sim.chat_id)
    await sim.send("R2")  # its own code, written another way: its own to take
    assert "✅ Saved." in harness.fake.last_text(sim.chat_id)
    assert harness.services is not None
    codes = await harness.services.families.families.codes()
    assert sorted(codes) == ["R-01", "R-03", "R2"]
    assert harness.fake.errors == []


async def test_a_letters_only_code_typed_at_a_family_picker_opens_that_family(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim, code="ABC")  # a code without a digit is a code all the same
    await register_family(sim)
    await sim.send("/edit")
    await sim.send("abc")
    assert harness.fake.last_text(sim.chat_id).startswith("✏️ ABC\n")
    await sim.press("Finish")
    await sim.send("/edit")
    await sim.send("Anna")  # still not tried as a code: not the assistant's, and no digit
    assert harness.fake.last_text(sim.chat_id).startswith("A family code has 1–12 letters")
    assert harness.db is not None
    rows = await harness.db.fetch_all("SELECT detail FROM access_log")
    assert all("ANNA" not in str(row["detail"]).upper() for row in rows)
    assert harness.fake.errors == []
