"""A hostile sweep of the buttons on reminders: pressed twice, days later, after a hand-over.

Driven through the real Application the way a person on a phone breaks things: a snooze of a
reminder out of date, a family's button after its case was closed or handed over.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from bot.domain.reminders.facts import (
    EscalationCase,
    EscalationFact,
    MonitoringFact,
    Reminder,
    ReminderFacts,
    VisitGapFact,
)
from bot.domain.reminders.kinds import ReminderKind
from bot.domain.reminders.quiet import CatchUp
from bot.reminders.sender import TelegramSender
from tests.conversations.test_case_walks import _with_family, close_r01
from tests.conversations.test_record_visit import assistant_with_family
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
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, data.replace("attended", "not_attended"))
        assert answers(harness, mark) == [
            "This appointment is already closed (cancelled, moved on or with an outcome)."
        ]
        closed = harness.fake.message(sim.chat_id, message_id)
        assert closed is not None
        assert "reply_markup" not in closed  # its other answers go: they would be refused
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
    harness: BotHarness,
    sim: UserSim,
    kind: ReminderKind,
    facts: ReminderFacts,
    *,
    key: str = "test",
) -> int:
    """A reminder stored in the outbox and sent to `sim` like the dispatcher does; its message.

    Another `key` stores another one of the same kind beside it.
    """
    assert harness.services is not None
    assert harness.app is not None
    now = datetime.now(UTC)
    reminder = Reminder(
        assistant_id=sim.user_id, kind=kind, key=f"{kind}:{key}", due_at=now, facts=facts
    )
    repository = harness.services.reminders.reminders
    await repository.enqueue(CatchUp(send=(reminder,)), now)
    [item] = [i for i in await repository.due(now, 10) if i.key == reminder.key]
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


async def _purged_visit_reminder(
    harness: BotHarness, kind: ReminderKind = ReminderKind.OVERDUE_VISIT
) -> tuple[UserSim, int]:
    """R-01's "not visited" reminder (or the escalation told of it, whose 📝 carries its id),
    sent by the dispatcher; the sim and the reminder's message. Purged 91 days later."""
    sim = await assistant_with_family(harness)
    assert harness.services is not None
    assert harness.app is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    if kind is ReminderKind.ESCALATION_TOLD:
        case = EscalationFact(
            case=EscalationCase.NO_VISIT,
            assistant_id=sim.user_id,
            family_id=family.id,
            family_code="R-01",
            days=14,
        )
        facts = ReminderFacts(escalation=case)
    else:
        gap = VisitGapFact(
            family_id=family.id, family_code="R-01", days=9, visited=False, visits_per_week=1
        )
        facts = ReminderFacts(visit_gap=gap)
    now = datetime.now(UTC)
    reminder = Reminder(assistant_id=sim.user_id, kind=kind, key="purged", due_at=now, facts=facts)
    reminders = harness.services.reminders
    await reminders.reminders.enqueue(CatchUp(send=(reminder,)), now)
    await reminders.dispatcher(TelegramSender(harness.app.bot)).dispatch()
    message_id, _ = harness.fake.button(sim.chat_id, "📝 Record a visit")
    return sim, message_id


async def _purge(harness: BotHarness) -> int:
    """The daily purge, run now, in an outbox that has a newer row than the reminder (as a
    live one has: the purge keeps the newest row, whose id the next one would take)."""
    assert harness.services is not None
    reminders = harness.services.reminders
    now = datetime.now(UTC)
    newer = Reminder(
        assistant_id=ADMIN_ID,
        kind=ReminderKind.DIGEST,
        key="newer",
        due_at=now,
        facts=ReminderFacts(),
    )
    await reminders.reminders.enqueue(CatchUp(collapsed=(newer,)), now)
    return await reminders.purge()


async def _denials(harness: BotHarness) -> list[tuple[str, int | None, str]]:
    """Every denied row of the access log: action, family, detail."""
    assert harness.db is not None
    rows = await harness.db.fetch_all(
        "SELECT action, family_id, detail FROM access_log WHERE outcome = 'denied' ORDER BY id"
    )
    return [(r["action"], r["family_id"], r["detail"]) for r in rows]


@pytest.mark.parametrize("kind", [ReminderKind.OVERDUE_VISIT, ReminderKind.ESCALATION_TOLD])
async def test_record_a_visit_on_a_purged_reminder_starts_the_visit_and_denies_nothing(
    harness: BotHarness, kind: ReminderKind
) -> None:
    sim, message_id = await _purged_visit_reminder(harness, kind)
    _, data = harness.fake.button(sim.chat_id, "📝 Record a visit")
    assert harness.services is not None
    with time_machine.travel(datetime(2027, 3, 2, 9, 30, tzinfo=UTC), tick=True):
        assert await _purge(harness) == 1  # 91 days on: its row is gone
        await sim.press_data(message_id, data)
        assert "When was it?" in harness.fake.last_text(sim.chat_id)
    assert await _denials(harness) == []  # a purged reminder is no refused access
    assert harness.fake.errors == []


async def test_record_a_visit_on_a_purged_reminder_of_a_family_handed_over_denies_only_it(
    harness: BotHarness,
) -> None:
    sim, message_id = await _purged_visit_reminder(harness)
    _, data = harness.fake.button(sim.chat_id, "📝 Record a visit")
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    with time_machine.travel(datetime(2027, 3, 2, 9, 30, tzinfo=UTC), tick=True):
        await harness.assistant(2002, language_code="en", first_name="Ola")
        admin = await harness.services.membership.actor(ADMIN_ID)
        # Before the purge: its notices are the outbox's newer rows (the purge keeps the
        # newest, so that ids are never reused).
        await harness.services.team.hand_over(admin, "R-01", 2002)
        assert await harness.services.reminders.purge() == 1
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, data)
        # As a card's 📝 of a family no longer hers: no reminder is left to say more.
        sent = [c.params["text"] for c in harness.fake.calls[mark:] if c.method == "sendMessage"]
        assert sent == ["I do not know that family among yours. Check the code in /families."]
        said = " ".join(str(c.params) for c in harness.fake.calls[mark:])
        assert "Ola" not in said  # who holds the family now is not told
    # The one refusal is the family's (R-01 is not hers now); no reminder was refused her.
    assert await _denials(harness) == [("visit.start", family.id, "")]
    assert harness.fake.errors == []


async def test_a_record_a_visit_naming_a_reminder_its_message_does_not_is_logged_refused(
    harness: BotHarness,
) -> None:
    sim, message_id = await _purged_visit_reminder(harness, ReminderKind.ESCALATION_TOLD)
    _, data = harness.fake.button(sim.chat_id, "📝 Record a visit")
    prefix, outbox_id, rest = data.split(":", 2)
    forged = f"{prefix}:{int(outbox_id) + 99}:{rest}"  # no button of the message carries it
    await sim.press_data(message_id, forged)
    assert await _denials(harness) == [("reminder.open", None, f"reminder={int(outbox_id) + 99}")]
    assert harness.fake.errors == []


@pytest.mark.parametrize("button", ["⏰ 1 h", "Tomorrow", "✔ Done"])
async def test_a_purged_reminders_own_buttons_deny_nothing(
    harness: BotHarness, button: str
) -> None:
    sim, message_id = await _purged_visit_reminder(harness)
    _, data = harness.fake.button(sim.chat_id, button)
    assert harness.services is not None
    with time_machine.travel(datetime(2027, 3, 2, 9, 30, tzinfo=UTC), tick=True):
        assert await _purge(harness) == 1
        mark = len(harness.fake.calls)
        await sim.press_data(message_id, data)
        assert answers(harness, mark) == ["I could not find that reminder. It may be out of date."]
    assert await _denials(harness) == []  # a purged reminder is no refused access
    assert harness.fake.errors == []


async def test_an_old_reminders_button_never_acts_on_a_reminder_made_after_a_purge(
    harness: BotHarness,
) -> None:
    sim, old_message = await _purged_visit_reminder(harness)
    _, done = harness.fake.button(sim.chat_id, "✔ Done")
    assert harness.services is not None
    assert harness.app is not None
    reminders = harness.services.reminders
    later = datetime(2027, 3, 2, 9, 30, tzinfo=UTC)
    with time_machine.travel(later, tick=True):
        await reminders.purge()  # 91 days on; the old reminder's row was the newest
        family = await harness.services.families.families.by_code("R-01")
        assert family is not None
        gap = VisitGapFact(
            family_id=family.id, family_code="R-01", days=8, visited=True, visits_per_week=1
        )
        new = Reminder(
            assistant_id=sim.user_id,
            kind=ReminderKind.OVERDUE_VISIT,
            key="after the purge",
            due_at=later,
            facts=ReminderFacts(visit_gap=gap),
        )
        await reminders.reminders.enqueue(CatchUp(send=(new,)), later)
        await reminders.dispatcher(TelegramSender(harness.app.bot)).dispatch()
        _, new_done = harness.fake.button(sim.chat_id, "✔ Done")
        assert new_done != done  # the new reminder's buttons carry an id of its own
        await sim.press_data(old_message, done)
    assert harness.db is not None
    rows = await harness.db.fetch_all("SELECT status FROM outbox WHERE key = 'after the purge'")
    assert [r["status"] for r in rows] == ["sent"]  # the old ✔ Done did not close it
    assert harness.fake.errors == []
