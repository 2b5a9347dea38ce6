"""A hostile sweep of /settings and the coordinator's side; reminders: test_sweep_reminder_buttons.

Driven through the real Application the way a person on a phone breaks things: values typed
where buttons are asked, a button pressed twice or days later, a restart in between, a code
typed with an autocorrected dash, a coordinator who left.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time

import pytest
import time_machine

from tests.conversations.test_new_family import register_family
from tests.conversations.test_record_visit import assistant_with_family
from tests.handlers.test_team import coordinator
from tests.reminders.test_sweep_reminder_buttons import answers
from tests.support.fake_telegram import keyboard_rows
from tests.support.harness import BotHarness


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Tuesday morning in Warsaw (1 December 2026)."""
    with time_machine.travel(datetime(2026, 12, 1, 9, 30, tzinfo=UTC), tick=True):
        yield


# --- /settings -------------------------------------------------------------------------------


async def test_a_time_typed_after_settings_is_not_taken_silently(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    for typed in ("/settings 25:00", "/settings 7:60", "/ustawienia -1", "/settings ٣:٣٠"):
        await sim.send(typed)
        text = harness.fake.last_text(sim.chat_id)
        assert text.startswith("Times are chosen with the buttons below: nothing was changed."), (
            typed
        )
        assert "Morning digest on working days at 07:30" in text  # as it was
    await sim.send("/settings")  # without a value: the settings alone
    assert harness.fake.last_text(sim.chat_id).startswith("Reminder settings")
    assert harness.fake.errors == []


async def test_settings_survive_old_buttons_a_restart_and_an_open_walk(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    await sim.press("Today")  # a visit waits at "How long?"
    await sim.send("/settings")  # shown beside the walk, which stays open
    message_id, data = harness.fake.button(sim.chat_id, "08:30")
    await harness.restart()
    sim = harness.user(sim.user_id, language_code="en")
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    for forged in ("st:-:digest:2500", "st:-:digest:0760", "st:-:quiet:2500-0700"):
        await sim.press_data(message_id, forged)
    assert answers(harness, mark) == ["Saved ✅"] + ["This button is no longer active."] * 3
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    assert (await harness.services.reminders.prefs(actor)).digest_time == time(8, 30)
    await sim.send("/settings name <b>&")
    assert "carry the name &lt;b&gt;&amp;" in harness.fake.calls[-1].params["text"]
    await sim.send("/settings name \u200b\u200b")
    assert "shows nothing" in harness.fake.last_text(sim.chat_id)
    await sim.send("/settings name " + "x" * 5000)
    assert "at most 60 characters" in harness.fake.last_text(sim.chat_id)
    await sim.send("90 min")  # the visit goes on where it was
    assert "Where?" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


@pytest.mark.parametrize(
    ("command", "heading"),
    [("/settings", "Ustawienia przypomnień"), ("/lang", "Wybierz język:")],
)
async def test_a_language_chosen_draws_its_message_again_in_it(
    harness: BotHarness, command: str, heading: str
) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send(command)
    message_id, polish = harness.fake.button(sim.chat_id, "Polski")
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, polish)
    pressed = harness.fake.message(sim.chat_id, message_id)
    assert pressed is not None
    assert pressed["text"].startswith(heading)  # no longer in English
    buttons = [text for row in keyboard_rows(pressed) for text, _ in row]
    assert "✅ Polski" in buttons  # drawn again with its buttons, the new language ticked
    assert "English" in buttons
    sent = [c for c in harness.fake.calls[mark:] if c.method == "sendMessage"]
    assert ["po polsku" in str(c.params.get("text")) for c in sent] == [True]  # with the menu
    _, english = harness.fake.button(sim.chat_id, "English")
    await sim.press_data(message_id, english)  # and back
    pressed = harness.fake.message(sim.chat_id, message_id)
    assert pressed is not None
    assert pressed["text"] != heading
    assert "✅ English" in [text for row in keyboard_rows(pressed) for text, _ in row]
    assert "English" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


@pytest.mark.parametrize("command", ["/settings", "/lang"])
async def test_a_language_pressed_twice_is_confirmed_once(
    harness: BotHarness, command: str
) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send(command)
    message_id, polish = harness.fake.button(sim.chat_id, "Polski")
    await sim.press_data(message_id, polish)
    drawn = harness.fake.message(sim.chat_id, message_id)
    # A double tap: the second press finds Polish chosen and the message answered with it.
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, polish)
    assert [c.method for c in harness.fake.calls[mark:]] == ["answerCallbackQuery"]
    assert answers(harness, mark) == [""]  # the spinner stops, nothing more is said
    assert harness.fake.message(sim.chat_id, message_id) == drawn
    assert harness.fake.errors == []


@pytest.mark.parametrize("command", ["/settings", "/lang"])
async def test_the_language_in_use_pressed_twice_is_confirmed_once(
    harness: BotHarness, command: str
) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send(command)
    message_id, english = harness.fake.button(sim.chat_id, "English")  # ticked: in use
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, english)
    await sim.press_data(message_id, english)  # a double tap
    sent = [c.params["text"] for c in harness.fake.calls[mark:] if c.method == "sendMessage"]
    assert sent == ["Done: I will speak English with you."]
    assert harness.fake.errors == []


async def test_a_language_pressed_on_an_older_message_draws_it_again_without_a_confirmation(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/settings")
    older, polish = harness.fake.button(sim.chat_id, "Polski")
    await sim.send("/lang")
    await sim.press("Polski")  # chosen in /lang: the older /settings still shows English
    mark = len(harness.fake.calls)
    await sim.press_data(older, polish)  # (or the second tap of a double tap, as it was seen)
    pressed = harness.fake.message(sim.chat_id, older)
    assert pressed is not None
    assert pressed["text"].startswith("Ustawienia przypomnień")
    assert "✅ Polski" in [text for row in keyboard_rows(pressed) for text, _ in row]
    sent = [c for c in harness.fake.calls[mark:] if c.method == "sendMessage"]
    assert sent == []  # Polish was chosen already, and confirmed then
    assert harness.fake.errors == []


async def test_a_language_on_a_settings_message_from_before_is_still_taken(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/settings")
    message_id, _ = harness.fake.button(sim.chat_id, "Polski")
    await sim.press_data(message_id, "lang:-:set:pl")  # what its language buttons carried then
    pressed = harness.fake.message(sim.chat_id, message_id)
    assert pressed is not None
    assert "reply_markup" not in pressed  # not drawn as /lang's question: its buttons go
    assert "po polsku" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


# --- the coordinator reads a family by its code ---------------------------------------------


async def test_a_code_typed_with_another_dash_finds_the_family(harness: BotHarness) -> None:
    sim = await harness.assistant(1001, language_code="en", first_name="Ala")
    await register_family(sim)
    boss = await coordinator(harness)
    # A non-breaking hyphen (a code copied from a document), an en dash (a phone's keyboard
    # turned the hyphen into one), a minus sign, and spaces around the code.
    for typed in ("/plan R\u201101", "/visits R\u201301", "/plan  r\u221201 "):
        await boss.send(typed)
        text = harness.fake.last_text(boss.chat_id)
        assert "R-01" in text, typed
        assert "do not know" not in text, typed
    await sim.send("/visits r\u201101")  # the family's own assistant, too
    assert "R-01: last visits" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_coordinator_typing_an_unknown_code_is_not_sent_to_families(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(1001, language_code="en", first_name="Ala")
    await register_family(sim)
    boss = await coordinator(harness)
    for typed in ("/plan R-99", "/visits <b>&", "/dossier " + "x" * 5000):
        await boss.send(typed)
        assert harness.fake.last_text(boss.chat_id) == (
            "No family has that code. /team shows every assistant's families with their codes."
        ), typed
    await sim.send("/plan R-99")  # an assistant is still sent to their own list
    assert "Check the code in /families" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


# --- the coordinator's side ------------------------------------------------------------------


async def test_every_read_by_the_coordinator_is_audited_and_a_leaver_reads_nothing(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(1001, language_code="en", first_name="Ala")
    await register_family(sim)
    boss = await coordinator(harness)
    await boss.send("/team")
    await boss.press("Ala")
    card_message, card = harness.fake.button(boss.chat_id, "R-01")
    await boss.press_data(card_message, card)
    await boss.send("/plan r-01")
    await boss.send("/visits R\u201101")
    await boss.send("/dossier R-01")
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    reads = [
        a for who, a in await harness.services.families.audit.entries(family.id) if who == 3001
    ]
    # the caseload from /team, the card, the plan, the visits and the dossier: each one logged
    assert reads == ["read.caseload", "read.card", "read.plan", "read.visits", "read.dossier"]
    admin = await harness.admin()
    await admin.send("/team")
    await admin.press("👥 People and roles")
    await admin.press("Kasia")
    await admin.press("⛔ Deactivate (left the centre)")
    mark = len(harness.fake.calls)
    await boss.press_data(card_message, card)  # an old card button of the one who left
    assert answers(harness, mark) == ["This bot is only for invited assistants."]
    reads = [
        a for who, a in await harness.services.families.audit.entries(family.id) if who == 3001
    ]
    assert len(reads) == 5  # nothing more was read
    assert harness.fake.errors == []
