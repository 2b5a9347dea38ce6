"""A hostile sweep of /settings, the buttons on reminders, and the coordinator's side.

Driven through the real Application the way a person on a phone breaks things: values typed
where buttons are asked, a button pressed twice or days later, a restart in between, a code
typed with an autocorrected dash, a coordinator who left.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from bot.domain.reminders.facts import MonitoringFact, Reminder, ReminderFacts, VisitGapFact
from bot.domain.reminders.kinds import ReminderKind
from bot.domain.reminders.quiet import CatchUp
from bot.reminders.sender import TelegramSender
from tests.conversations.test_case_walks import _with_family, close_r01
from tests.conversations.test_new_family import register_family
from tests.conversations.test_record_visit import assistant_with_family
from tests.handlers.test_team import coordinator
from tests.reminders.test_reminder_job import (
    AFTER,
    EVENING,
    THURSDAY_MORNING,
    WEDNESDAY,
    booked,
    reminders_to,
    tick,
)
from tests.reminders.test_sender import overdue_item
from tests.support.fake_telegram import keyboard_rows
from tests.support.harness import ADMIN_ID, BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Tuesday morning in Warsaw (1 December 2026)."""
    with time_machine.travel(datetime(2026, 12, 1, 9, 30, tzinfo=UTC), tick=True):
        yield


def answers(harness: BotHarness, since: int = 0) -> list[str]:
    """The texts of the press answers after call number `since` ("" for a bare answer)."""
    return [
        str(c.params.get("text") or "")
        for c in harness.fake.calls[since:]
        if c.method == "answerCallbackQuery"
    ]


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


# --- the buttons on reminders ----------------------------------------------------------------


async def test_three_more_months_pressed_twice_extends_once(harness: BotHarness) -> None:
    sim, family_id = await _with_family(harness)
    await close_r01(sim)  # monitored for 6 months: until 1 June 2027
    assert harness.app is not None
    ends = MonitoringFact(family_id=family_id, family_code="R-01", until=date(2027, 6, 1))
    item = overdue_item().model_copy(
        update={"kind": ReminderKind.MONITORING_ENDS, "facts": ReminderFacts(monitoring=ends)}
    )
    await TelegramSender(harness.app.bot).send(sim.chat_id, item)
    message_id, data = harness.fake.button(sim.chat_id, "➕ 3 more months")
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    await sim.press_data(message_id, data)  # a double tap: the second press came too
    assert answers(harness, mark) == ["Monitored until 1 Sep 2027."] * 2
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    period = await harness.services.cases.last_period(family)
    assert period is not None
    assert period.monitoring_until == date(2027, 9, 1)


@pytest.mark.parametrize("change", ["cancelled", "moved"])
async def test_a_snooze_of_a_reminder_out_of_date_promises_nothing(
    harness: BotHarness, change: str
) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)  # a hearing on Thursday at 10:30
    with time_machine.travel(EVENING, tick=True):
        await tick(harness)  # the evening before: "Appointment coming up"
        message_id, snooze = harness.fake.button(sim.chat_id, "1 h")
        assert harness.services is not None
        actor = await harness.services.membership.actor(sim.user_id)
        if change == "cancelled":
            await harness.services.appointments.cancel(actor, 1)
        else:
            card = await harness.services.appointments.get(actor, 1)
            later = card.appointment.starts_at + timedelta(days=7)
            await harness.services.appointments.move(actor, 1, later)
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, snooze)
        [said] = answers(harness, mark)
        assert said == (
            "Nothing more will come about this: it was dealt with, moved or cancelled since."
        )
        pressed = harness.fake.message(sim.chat_id, message_id)
        assert pressed is not None
        assert "reply_markup" not in pressed  # settled: its buttons are gone
    mark = len(harness.fake.calls)
    with time_machine.travel(EVENING + timedelta(minutes=62), tick=True):
        await tick(harness)
    assert reminders_to(harness, sim.chat_id, mark) == []
    assert harness.fake.errors == []


async def test_record_a_visit_tapped_twice_asks_its_question_once(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    assert harness.app is not None
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    gap = VisitGapFact(
        family_id=family.id, family_code="R-01", days=9, visited=False, visits_per_week=1
    )
    item = overdue_item().model_copy(update={"facts": ReminderFacts(visit_gap=gap)})
    await TelegramSender(harness.app.bot).send(sim.chat_id, item)  # "not visited for 9 days"
    message_id, data = harness.fake.button(sim.chat_id, "📝 Record a visit")
    await sim.press_data(message_id, data)
    await sim.press_data(message_id, data)  # a double tap on a slow connection
    assert "When was it?" in harness.fake.last_text(sim.chat_id)
    texts = [m.get("text", "") for m in harness.fake.messages(sim.chat_id)]
    assert not any(t.startswith("Drop") for t in texts)
    await sim.press("Today")  # the walk goes on from the question asked again
    assert "How long" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_attended_tapped_twice_asks_for_the_note_once(harness: BotHarness) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
    with time_machine.travel(THURSDAY_MORNING, tick=True):
        await tick(harness)
    with time_machine.travel(AFTER, tick=True):
        await tick(harness)  # "How did it go?" with ✅ Attended
        message_id, data = harness.fake.button(sim.chat_id, "✅ Attended")
        await sim.press_data(message_id, data)
        await sim.press_data(message_id, data)
        assert "A short note on how it went" in harness.fake.last_text(sim.chat_id)
        texts = [m.get("text", "") for m in harness.fake.messages(sim.chat_id)]
        assert not any(t.startswith("Drop") for t in texts)
        await sim.send("Went well")
        assert "Saved" in harness.fake.last_text(sim.chat_id)
        not_attended = harness.fake.message(sim.chat_id, message_id)
        assert not_attended is not None  # the reminder stays, its other answers refused now
        await sim.press_data(message_id, data.replace("attended", "not_attended"))
        assert "already closed" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_record_a_contact_tapped_twice_asks_its_question_once(
    harness: BotHarness,
) -> None:
    sim, family_id = await _with_family(harness)
    await close_r01(sim)
    assert harness.app is not None
    month = MonitoringFact(family_id=family_id, family_code="R-01", until=date(2027, 6, 1))
    item = overdue_item().model_copy(
        update={"kind": ReminderKind.MONITORING_DUE, "facts": ReminderFacts(monitoring=month)}
    )
    await TelegramSender(harness.app.bot).send(sim.chat_id, item)  # the monthly reminder
    message_id, data = harness.fake.button(sim.chat_id, "👁 Record a contact")
    await sim.press_data(message_id, data)
    await sim.press_data(message_id, data)  # a double tap on a slow connection
    assert "When was the contact?" in harness.fake.last_text(sim.chat_id)
    texts = [m.get("text", "") for m in harness.fake.messages(sim.chat_id)]
    assert not any(t.startswith("Drop") for t in texts)
    await sim.press("Today")  # the walk goes on from the question asked again
    assert "From the school" in str(harness.fake.last_markup(sim.chat_id))
    assert harness.fake.errors == []


@pytest.mark.parametrize(
    ("closed", "button", "question"),
    [
        (False, "🔒 Close the work", "On which day did the work end?"),
        (False, "✏️ Edit", "What do you change?"),
        (False, "🎯 Goals", "R-01"),
        (True, "👁 Monitoring contact", "When was the contact?"),
        (True, "🔓 Reopen", "From which day does the work start again?"),
    ],
)
async def test_a_cards_button_tapped_twice_asks_its_question_once(
    harness: BotHarness, closed: bool, button: str, question: str
) -> None:
    sim, family_id = await _with_family(harness)
    if closed:
        await close_r01(sim)
    await sim.press_data(1, f"fc:-:f:{family_id}")  # the family's card
    message_id, data = harness.fake.button(sim.chat_id, button)
    await sim.press_data(message_id, data)
    asked = harness.fake.last_text(sim.chat_id)
    assert question in asked
    await sim.press_data(message_id, data)  # the second tap of a double tap
    assert harness.fake.last_text(sim.chat_id) == asked
    texts = [m.get("text", "") for m in harness.fake.messages(sim.chat_id)]
    assert not any(t.startswith("Drop") for t in texts)
    assert harness.fake.errors == []


async def test_a_reminder_pressed_after_a_hand_over_or_by_someone_who_left(
    harness: BotHarness,
) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
    with time_machine.travel(EVENING, tick=True):
        await tick(harness)
        message_id, done = harness.fake.button(sim.chat_id, "Done")
        presses = [data for row in harness.fake.last_markup(sim.chat_id) for _, data in row]
        await harness.assistant(2002, language_code="en", first_name="Ola")
        admin = await harness.admin()
        await admin.send("/assign R-01 2002")
        mark = len(harness.fake.calls)
        for data in presses:  # 1 h, Tomorrow, Done (the later two in a race): none is theirs
            assert data is not None
            await sim.press_data(message_id, data)
        gone = "R-01 is no longer assigned to you, so this reminder is closed."
        assert answers(harness, mark) == [gone] * 3
        pressed = harness.fake.message(sim.chat_id, message_id)
        assert pressed is not None
        assert "reply_markup" not in pressed  # nothing is left to press on it
        said = " ".join(str(c.params) for c in harness.fake.calls[mark:])
        assert "Ola" not in said  # who holds the family now is not told
        await admin.send("/team")
        await admin.press("👥 People and roles")
        await admin.press("Anna")
        await admin.press("⛔ Deactivate (left the centre)")
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, done)
        assert answers(harness, mark) == ["This bot is only for invited assistants."]
    assert harness.fake.errors == []


async def _stored_reminder(
    harness: BotHarness, sim: UserSim, kind: ReminderKind, facts: ReminderFacts
) -> int:
    """A reminder stored in the outbox and sent to `sim` like the dispatcher does; its message."""
    assert harness.services is not None
    assert harness.app is not None
    now = datetime.now(UTC)
    reminder = Reminder(
        assistant_id=sim.user_id, kind=kind, key=f"{kind}:test", due_at=now, facts=facts
    )
    repository = harness.services.reminders.reminders
    await repository.enqueue(CatchUp(send=(reminder,)), now)
    [item] = await repository.due(now, 10)
    await TelegramSender(harness.app.bot).send(sim.chat_id, item)
    return int(harness.fake.messages(sim.chat_id)[-1]["message_id"])


async def _monthly_contact_reminder(harness: BotHarness) -> tuple[UserSim, int]:
    """R-01 closed under monitoring, and its monthly "record a contact" reminder sent."""
    sim, family_id = await _with_family(harness)
    await close_r01(sim)
    month = MonitoringFact(family_id=family_id, family_code="R-01", until=date(2027, 6, 1))
    facts = ReminderFacts(monitoring=month)
    return sim, await _stored_reminder(harness, sim, ReminderKind.MONITORING_DUE, facts)


async def test_record_a_contact_asks_below_the_reminder_and_leaves_it_whole(
    harness: BotHarness,
) -> None:
    sim, message_id = await _monthly_contact_reminder(harness)
    reminder = harness.fake.message(sim.chat_id, message_id)
    assert reminder is not None
    _, data = harness.fake.button(sim.chat_id, "👁 Record a contact")
    await sim.press_data(message_id, data)
    assert "When was the contact?" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.messages(sim.chat_id)[-1]["message_id"] != message_id  # asked anew
    after = harness.fake.message(sim.chat_id, message_id)
    assert after is not None
    assert after["text"] == reminder["text"]
    assert keyboard_rows(after) == keyboard_rows(reminder)  # ⏰ 1 h, Tomorrow, ✔ Done stay
    await sim.press("Today")  # the walk goes on in its own message
    assert "From the school" in str(harness.fake.last_markup(sim.chat_id))
    assert harness.fake.errors == []


async def _family_reminder(harness: BotHarness, button: str) -> tuple[UserSim, int]:
    """A reminder about R-01 carrying `button`, sent to its assistant (Anna)."""
    if button == "✅ Attended":
        with time_machine.travel(WEDNESDAY, tick=True):
            sim = await booked(harness)
        with time_machine.travel(THURSDAY_MORNING, tick=True):
            await tick(harness)
        with time_machine.travel(AFTER, tick=True):
            await tick(harness)  # "How did it go?"
        message_id, _ = harness.fake.button(sim.chat_id, button)
        return sim, message_id
    if button == "👁 Record a contact":
        return await _monthly_contact_reminder(harness)
    sim = await assistant_with_family(harness)
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    gap = VisitGapFact(
        family_id=family.id, family_code="R-01", days=9, visited=False, visits_per_week=1
    )
    facts = ReminderFacts(visit_gap=gap)
    return sim, await _stored_reminder(harness, sim, ReminderKind.OVERDUE_VISIT, facts)


@pytest.mark.parametrize(
    "button",
    [
        "📝 Record a visit",
        "👁 Record a contact",
        "✅ Attended",
        "❌ Not attended",
        "📅 Rescheduled",
    ],
)
async def test_a_reminders_family_button_after_a_hand_over_closes_the_reminder(
    harness: BotHarness, button: str
) -> None:
    outcome = button in {"✅ Attended", "❌ Not attended", "📅 Rescheduled"}
    sim, message_id = await _family_reminder(harness, "✅ Attended" if outcome else button)
    _, data = harness.fake.button(sim.chat_id, button)
    await harness.assistant(2002, language_code="en", first_name="Ola")
    assert harness.services is not None
    admin = await harness.services.membership.actor(ADMIN_ID)
    await harness.services.team.hand_over(admin, "R-01", 2002)
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    gone = "R-01 is no longer assigned to you, so this reminder is closed."
    assert answers(harness, mark) == [gone]
    pressed = harness.fake.message(sim.chat_id, message_id)
    assert pressed is not None
    assert "reply_markup" not in pressed  # nothing is left to press on it
    sent = [c for c in harness.fake.calls[mark:] if c.method == "sendMessage"]
    assert sent == []  # no "I do not know that family" below it
    said = " ".join(str(c.params) for c in harness.fake.calls[mark:])
    assert "Ola" not in said  # who holds the family now is not told
    assert harness.fake.errors == []


@pytest.mark.parametrize(
    "button",
    [
        "📝 Record a visit",
        "⏰ 1 h",
        "Tomorrow",
        "✔ Done",
        "✅ Attended",
        "❌ Not attended",
        "📅 Rescheduled",
    ],
)
async def test_a_reminders_button_after_its_case_was_closed_closes_the_reminder(
    harness: BotHarness, button: str
) -> None:
    outcome = button in {"✅ Attended", "❌ Not attended", "📅 Rescheduled"}
    sim, message_id = await _family_reminder(
        harness, "✅ Attended" if outcome else "📝 Record a visit"
    )
    _, data = harness.fake.button(sim.chat_id, button)
    await close_r01(sim, "not monitored")  # still Anna's family, its work ended
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    assert answers(harness, mark) == ["The work with R-01 has ended, so this reminder is closed."]
    pressed = harness.fake.message(sim.chat_id, message_id)
    assert pressed is not None
    assert "reply_markup" not in pressed  # nothing is left to press on it
    sent = [c for c in harness.fake.calls[mark:] if c.method == "sendMessage"]
    assert sent == []  # no "The work with R-01 is closed … /reopen" below it
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
