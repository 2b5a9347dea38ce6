"""A monitoring reminder pressed once its family is no longer monitored: the reminder closes.

Its monitoring finished (or extended, then finished), the family erased, reopened into active
work, or handed over: 👁 Record a contact, ✔ Finish monitoring and ➕ 3 more months (and its
⏰ / ✔ Done) say why, by the code the reminder showed, and the reminder keeps its text and loses
its buttons. Nothing else changes, and the same button pressed again is harmless.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.domain.errors import Settled
from bot.domain.lifecycle import CloseReason, Closure
from bot.domain.reminders.facts import MonitoringFact, ReminderFacts
from bot.domain.reminders.kinds import ReminderKind
from bot.i18n import translator
from bot.ui.labels import describe_error
from tests.conversations.test_case_walks import _with_family, close_r01
from tests.conversations.test_new_family import register_family
from tests.handlers.test_sweep_dec4 import sent_since
from tests.reminders.test_reminder_job import tick
from tests.reminders.test_sweep_reminder_buttons import _stored_reminder, answers
from tests.support.harness import ADMIN_ID, BotHarness
from tests.support.updates import UserSim

TODAY = date(2026, 12, 1)
UNTIL = date(2027, 6, 1)  # closed today, monitored for 6 months
ENDED = "The monitoring of R-01 has ended, so this reminder is closed."
TOLD = {
    "finished": ENDED,
    "extended, then finished": ENDED,
    "erased": "R-01's data was erased, so this reminder is closed.",
    "reopened": "R-01 is back in your caseload, so this reminder is closed.",
    "handed over": "R-01 is no longer assigned to you, so this reminder is closed.",
}
# A monitoring reminder's own buttons, and its ⏰ / ✔ row (said the same since).
BUTTONS = ["👁 Record a contact", "✔ Finish monitoring", "➕ 3 more months", "⏰ 1 h", "✔ Done"]


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Tuesday morning in Warsaw (1 December 2026)."""
    with time_machine.travel(datetime(2026, 12, 1, 9, 30, tzinfo=UTC), tick=True):
        yield


async def _monitoring_reminder(harness: BotHarness, button: str) -> tuple[UserSim, int, int]:
    """R-01 (with Anna) and R-02 closed under monitoring, and R-01's reminder carrying `button`
    sent."""
    sim, family_id = await _with_family(harness)
    await close_r01(sim)
    await register_family(sim, "R-02")
    await sim.send("/close R-02")
    for step in ("Today", "Goals achieved"):
        await sim.press(step)
    await sim.send("Moved on")
    for step in ("6 months", "Close the work"):
        await sim.press(step)
    kind = ReminderKind.MONITORING_DUE if "contact" in button else ReminderKind.MONITORING_ENDS
    fact = MonitoringFact(family_id=family_id, family_code="R-01", until=UNTIL)
    message_id = await _stored_reminder(harness, sim, kind, ReminderFacts(monitoring=fact))
    return sim, family_id, message_id


async def _change(harness: BotHarness, sim: UserSim, family_id: int, change: str) -> None:
    """What happened to R-01 after its reminder was sent."""
    services = harness.services
    assert services is not None
    actor = await services.membership.actor(sim.user_id)
    admin = await services.membership.actor(ADMIN_ID)
    if change == "extended, then finished":
        await services.cases.extend_monitoring(actor, family_id)
    if "finished" in change:
        assert await services.cases.finish_monitoring(actor, family_id)
    elif change == "erased":
        await services.retention.erase_now(admin, family_id, "R-01")
    elif change == "reopened":
        await services.cases.reopen(actor, family_id, TODAY)
    elif change == "handed over":
        await harness.assistant(2002, language_code="en", first_name="Ola")
        await services.team.hand_over(admin, "R-01", 2002)


async def _case_now(harness: BotHarness, family_id: int) -> tuple[object, ...]:
    """R-01's case as stored: the family, its periods and monitoring contacts."""
    services = harness.services
    assert services is not None
    family = await services.families.families.get(family_id)
    periods = await services.cases.cases.periods_of(family_id)
    contacts = await services.cases.cases.monitoring_contacts(family_id)
    return family, periods, contacts


def _again(button: str, change: str) -> str:
    """The answer to a press after the reminder's buttons went (the message says the rest)."""
    if button in ("⏰ 1 h", "✔ Done"):
        return TOLD[change]  # the reminder is still found by its id: its reason again
    if button == "👁 Record a contact":
        return "This button is no longer active."
    # ✔ Finish / ➕: the service's own refusal of the family, as for a button typed by hand.
    if change == "handed over":
        return "I do not know that family among yours. Check the code in /families."
    if change == "reopened":
        return "The work with this family is still going on."
    return "This family is not being monitored."


@pytest.mark.parametrize("button", BUTTONS)
@pytest.mark.parametrize("change", list(TOLD))
async def test_a_monitoring_reminder_of_a_family_no_longer_monitored_closes(
    harness: BotHarness, button: str, change: str
) -> None:
    sim, family_id, message_id = await _monitoring_reminder(harness, button)
    reminder = harness.fake.message(sim.chat_id, message_id)
    assert reminder is not None
    _, data = harness.fake.button(sim.chat_id, button)
    await _change(harness, sim, family_id, change)
    before = await _case_now(harness, family_id)
    # Then a double tap's second press, seen with the buttons as shown or after they went.
    for press in ("first", "as shown", "again"):
        mark = len(harness.fake.calls)
        if press == "as shown":
            payload = sim.callback_payload(message_id, data)
            payload["callback_query"]["message"] = reminder
            await sim.process(sim._update(payload))
        else:
            await sim.press_data(message_id, data)
        told = answers(harness, mark)
        if press == "again":
            assert told == [_again(button, change)]  # what the press refused, said before
        else:
            assert told == [TOLD[change]]
        pressed = harness.fake.message(sim.chat_id, message_id)
        assert pressed is not None
        assert pressed["text"] == reminder["text"]  # the reminder's text stays
        assert "reply_markup" not in pressed  # nothing is left to press on it
        calls = harness.fake.calls[mark:]
        edits = [c.method for c in calls if c.params.get("message_id") == message_id]
        if press == "again":
            # Its buttons are gone: it is not edited, not even into R-02's picker.
            assert edits == []
        else:
            assert edits == ["editMessageReplyMarkup"]
            assert [c for c in calls if c.method == "sendMessage"] == []
        said = " ".join(str(c.params) for c in calls)
        assert "Anna" not in said  # the family's code only, never a member's name
        assert "Ola" not in said  # nor who holds the family now
        assert await _case_now(harness, family_id) == before  # nothing finished or extended
    # Only the double tap's taking away of buttons already gone, which Telegram refuses.
    assert [c.method for c in harness.fake.errors] == ["editMessageReplyMarkup"]
    assert "not modified" in str(harness.fake.errors[0].error)


async def test_a_monitoring_reminder_of_a_family_still_monitored_still_works(
    harness: BotHarness,
) -> None:
    sim, family_id, message_id = await _monitoring_reminder(harness, "✔ Finish monitoring")
    await sim.press("✔ Finish monitoring")
    assert answers(harness)[-1] == "Monitoring finished ✔"
    pressed = harness.fake.message(sim.chat_id, message_id)
    assert pressed is not None
    assert "reply_markup" not in pressed
    services = harness.services
    assert services is not None
    [period] = await services.cases.cases.periods_of(family_id)
    assert period.monitoring_ended_on == TODAY
    assert harness.fake.errors == []


@pytest.mark.parametrize("change", list(TOLD))
async def test_record_a_contact_of_a_family_no_longer_monitored_mid_walk_keeps_the_walk(
    harness: BotHarness, change: str
) -> None:
    sim, family_id, message_id = await _monitoring_reminder(harness, "👁 Record a contact")
    reminder = harness.fake.message(sim.chat_id, message_id)
    assert reminder is not None
    _, data = harness.fake.button(sim.chat_id, "👁 Record a contact")
    await register_family(sim, "R-03")
    await sim.send("/visit R-03")
    await sim.press("Today")
    await sim.press("60 min")  # a visit to R-03 holds work, at "Where?"
    await _change(harness, sim, family_id, change)
    before = await _case_now(harness, family_id)
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    # Settled, not "Drop the visit you started …?"
    assert answers(harness, mark) == [TOLD[change]]
    assert sent_since(harness, mark) == []
    pressed = harness.fake.message(sim.chat_id, message_id)
    assert pressed is not None
    assert pressed["text"] == reminder["text"]
    assert "reply_markup" not in pressed
    # A double tap's second press, after its buttons went: answered in place, nothing asked.
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    assert answers(harness, mark) == ["This button is no longer active."]
    assert sent_since(harness, mark) == []
    assert harness.fake.message(sim.chat_id, message_id) == pressed
    assert await _case_now(harness, family_id) == before
    await sim.press("Family's home")  # the visit to R-03 goes on where it was
    assert "R-03 — visit" in harness.fake.last_text(sim.chat_id)
    assert "Which areas" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


@pytest.mark.parametrize("change", list(TOLD))
async def test_record_a_contact_tapped_twice_is_answered_in_place(
    harness: BotHarness, change: str
) -> None:
    sim, family_id, message_id = await _monitoring_reminder(harness, "👁 Record a contact")
    _, data = harness.fake.button(sim.chat_id, "👁 Record a contact")
    await _change(harness, sim, family_id, change)
    await sim.press_data(message_id, data)  # settled: its buttons go
    settled = harness.fake.message(sim.chat_id, message_id)
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)  # as Telegram sends it: the message as it is now
    assert answers(harness, mark) == ["This button is no longer active."]
    assert sent_since(harness, mark) == []  # no picker of R-02, no "I do not know" below
    assert harness.fake.message(sim.chat_id, message_id) == settled
    assert harness.fake.errors == []


# --- an old ✔ Finish or ➕ 3 more months, once the family was monitored anew -----------------


async def _monitored_anew(harness: BotHarness) -> tuple[UserSim, int, int, int]:
    """R-01 closed today under monitoring until 1 June and its "finish or extend?" sent; then
    reopened, closed again for 3 months (until 1 March) and that monitoring's reminder sent."""
    sim, family_id, first = await _monitoring_reminder(harness, "✔ Finish monitoring")
    services = harness.services
    assert services is not None
    actor = await services.membership.actor(sim.user_id)
    await services.cases.reopen(actor, family_id, TODAY)
    await close_r01(sim, "3 months")
    fact = MonitoringFact(family_id=family_id, family_code="R-01", until=date(2027, 3, 1))
    facts = ReminderFacts(monitoring=fact)
    second = await _stored_reminder(harness, sim, ReminderKind.MONITORING_ENDS, facts, key="anew")
    return sim, family_id, first, second


def _finish_on(
    harness: BotHarness, sim: UserSim, message_id: int, text: str = "✔ Finish monitoring"
) -> str:
    """The ✔ Finish monitoring (or another) button's data on one reminder."""
    reminder = harness.fake.message(sim.chat_id, message_id)
    assert reminder is not None
    [data] = [
        str(button["callback_data"])
        for row in reminder["reply_markup"]["inline_keyboard"]
        for button in row
        if button["text"] == text
    ]
    return data


@pytest.mark.parametrize(
    ("button", "nothing"),
    [
        ("✔ Finish monitoring", "Nothing was finished."),
        ("➕ 3 more months", "Nothing was extended."),
    ],
)
async def test_an_old_button_says_it_was_about_an_earlier_monitoring(
    harness: BotHarness, button: str, nothing: str
) -> None:
    # Not "Monitoring finished ✔" (it was the new one) nor "Monitored until 1 Mar 2027."
    # (which reads as if it extended something).
    sim, family_id, first, _ = await _monitored_anew(harness)
    old = harness.fake.message(sim.chat_id, first)
    assert old is not None
    data = _finish_on(harness, sim, first, button)
    before = await _case_now(harness, family_id)
    for _press in ("first", "again"):  # a double tap's second press too
        mark = len(harness.fake.calls)
        await sim.press_data(first, data)
        assert answers(harness, mark) == [
            "R-01 is now monitored until 01.03.2027: this reminder was about the monitoring "
            f"until 01.06.2027, so it is closed. {nothing}"
        ]
        assert sent_since(harness, mark) == []
        pressed = harness.fake.message(sim.chat_id, first)
        assert pressed is not None
        assert pressed["text"] == old["text"]  # the reminder's text stays
        assert "reply_markup" not in pressed  # nothing is left to press on it
        assert await _case_now(harness, family_id) == before  # the new monitoring runs on
    services = harness.services
    assert services is not None
    actor = await services.membership.actor(sim.user_id)
    assert [f.code for f in await services.cases.monitored_families(actor)] == ["R-01", "R-02"]
    assert harness.fake.errors == []


@pytest.mark.parametrize("button", ["the later one's own", "an old one without its end"])
async def test_a_finish_monitoring_of_the_later_monitoring_or_without_its_end_finishes_it(
    harness: BotHarness, button: str
) -> None:
    # A button in the chat from before carries no end ("mn:<family>:finish:"): it finishes
    # the monitoring running, as it always did; so does the later monitoring's own.
    sim, family_id, first, second = await _monitored_anew(harness)
    if button == "an old one without its end":
        await sim.press_data(first, f"mn:{family_id}:finish:")
    else:
        await sim.press_data(second, _finish_on(harness, sim, second))
    assert answers(harness)[-1] == "Monitoring finished ✔"
    services = harness.services
    assert services is not None
    periods = await services.cases.cases.periods_of(family_id)
    assert [p.monitoring_ended_on for p in periods][-1] == TODAY
    assert harness.fake.errors == []


# --- an old ➕ 3 more months, once the family was monitored anew ----------------------------


async def test_the_later_monitorings_own_three_more_months_tapped_twice_extends_it_once(
    harness: BotHarness,
) -> None:
    sim, family_id, _, second = await _monitored_anew(harness)
    data = _finish_on(harness, sim, second, "➕ 3 more months")
    mark = len(harness.fake.calls)
    await sim.press_data(second, data)
    await sim.press_data(second, data)  # a double tap: answered as the first press was
    assert answers(harness, mark) == ["Monitored until 1 Jun 2027."] * 2
    services = harness.services
    assert services is not None
    periods = await services.cases.cases.periods_of(family_id)
    assert [p.monitoring_until for p in periods] == [UNTIL, date(2027, 6, 1)]
    assert harness.fake.errors == []


@pytest.mark.parametrize(
    ("code", "nothing"),
    [("monitoring_not_shown", "zakończone"), ("monitoring_not_extended", "przedłużone")],
)
def test_the_refusal_of_an_old_button_reads_in_polish(code: str, nothing: str) -> None:
    refusal = Settled(code, family_code="R-01", date="01.03.2027", shown="01.06.2027")
    assert describe_error(translator("pl"), refusal) == (
        "Rodzina R-01 jest teraz monitorowana do 01.03.2027: to przypomnienie dotyczyło "
        f"monitoringu do 01.06.2027, więc jest zamknięte. Nic nie zostało {nothing}."
    )


# --- an old ✔ Finish or ➕ 3 more months, once the family was monitored anew to the same end --


async def _monitored_anew_to_the_same_end(harness: BotHarness) -> tuple[UserSim, int, int]:
    """R-01 closed on 1 December under monitoring until 1 June; on 1 June the tick sends its
    "finish or extend?"; on 2 June the work is reopened as of 1 December and closed again on
    that day for 6 months: a new monitoring, until 1 June too. The sim, R-01, the reminder."""
    sim, family_id = await _with_family(harness)
    await close_r01(sim)
    with time_machine.travel(datetime(2027, 6, 1, 9, 30, tzinfo=UTC), tick=True):
        await tick(harness)  # the morning batch: R-01's monitoring ends today
    [reminder] = [
        m
        for m in harness.fake.messages(sim.chat_id)
        if "➕ 3 more months" in str(m.get("reply_markup", ""))
    ]
    services = harness.services
    assert services is not None
    with time_machine.travel(datetime(2027, 6, 2, 9, 30, tzinfo=UTC), tick=True):
        actor = await services.membership.actor(sim.user_id)
        await services.cases.reopen(actor, family_id, TODAY)
        again = Closure(
            day=TODAY, reason=CloseReason.GOALS_ACHIEVED, summary="Again", monitor_months=6
        )
        await services.cases.close(actor, family_id, again)
    periods = await services.cases.cases.periods_of(family_id)
    assert [p.monitoring_until for p in periods] == [UNTIL, UNTIL]  # the same end, twice
    return sim, family_id, int(reminder["message_id"])


@pytest.mark.parametrize(
    ("button", "nothing"),
    [
        ("✔ Finish monitoring", "Nothing was finished."),
        ("➕ 3 more months", "Nothing was extended."),
    ],
)
async def test_an_old_button_of_a_monitoring_with_the_same_end_changes_nothing(
    harness: BotHarness, button: str, nothing: str
) -> None:
    sim, family_id, message_id = await _monitored_anew_to_the_same_end(harness)
    data = _finish_on(harness, sim, message_id, button)
    before = await _case_now(harness, family_id)
    with time_machine.travel(datetime(2027, 6, 2, 10, 0, tzinfo=UTC), tick=True):
        for _press in ("first", "again"):  # a double tap's second press too
            mark = len(harness.fake.calls)
            await sim.press_data(message_id, data)
            assert answers(harness, mark) == [
                "R-01 was reopened and closed again since: this reminder was about its earlier "
                f"monitoring until 01.06.2027, so it is closed. {nothing}"
            ]
            pressed = harness.fake.message(sim.chat_id, message_id)
            assert pressed is not None
            assert "reply_markup" not in pressed  # nothing is left to press on it
            assert await _case_now(harness, family_id) == before  # the new monitoring runs on
    assert harness.fake.errors == []


async def test_an_end_of_monitoring_button_sent_without_its_period_acts_as_before(
    harness: BotHarness,
) -> None:
    # "mn:<family>:finish:20270601", as sent before the buttons carried the period: it
    # finishes the monitoring that ends on the day it shows, as it always did.
    sim, family_id, message_id = await _monitored_anew_to_the_same_end(harness)
    with time_machine.travel(datetime(2027, 6, 2, 10, 0, tzinfo=UTC), tick=True):
        await sim.press_data(message_id, f"mn:{family_id}:finish:20270601")
    assert answers(harness)[-1] == "Monitoring finished ✔"
    services = harness.services
    assert services is not None
    periods = await services.cases.cases.periods_of(family_id)
    # The earlier monitoring ended with the reopening (as of 1 December); the new one now.
    assert [p.monitoring_ended_on for p in periods] == [TODAY, date(2027, 6, 2)]
    assert harness.fake.errors == []


async def test_the_new_monitorings_own_finish_carrying_its_period_finishes_it(
    harness: BotHarness,
) -> None:
    sim, family_id, _ = await _monitored_anew_to_the_same_end(harness)
    services = harness.services
    assert services is not None
    _, new = await services.cases.cases.periods_of(family_id)
    fact = MonitoringFact(family_id=family_id, family_code="R-01", until=UNTIL, period_id=new.id)
    facts = ReminderFacts(monitoring=fact)
    with time_machine.travel(datetime(2027, 6, 2, 10, 0, tzinfo=UTC), tick=True):
        second = await _stored_reminder(harness, sim, ReminderKind.MONITORING_ENDS, facts)
        data = _finish_on(harness, sim, second)
        assert data == f"mn:{family_id}:finish:20270601.{new.id}"
        await sim.press_data(second, data)
    assert answers(harness)[-1] == "Monitoring finished ✔"
    periods = await services.cases.cases.periods_of(family_id)
    assert [p.monitoring_ended_on for p in periods] == [TODAY, date(2027, 6, 2)]
    assert harness.fake.errors == []


@pytest.mark.parametrize("arg", ["garbage", "2027060", "20271399.3"])
async def test_an_end_of_monitoring_button_carrying_no_end_it_could_show_changes_nothing(
    harness: BotHarness, arg: str
) -> None:
    # Only a button from before carries no end at all (""); anything else that is not an
    # end was never sent by the bot, so it must not finish the monitoring unchecked.
    sim, family_id, message_id = await _monitored_anew_to_the_same_end(harness)
    with time_machine.travel(datetime(2027, 6, 2, 10, 0, tzinfo=UTC), tick=True):
        await sim.press_data(message_id, f"mn:{family_id}:finish:{arg}")
    assert answers(harness)[-1] == "This button is no longer active."
    services = harness.services
    assert services is not None
    periods = await services.cases.cases.periods_of(family_id)
    assert [p.monitoring_ended_on for p in periods] == [TODAY, None]
    assert harness.fake.errors == []
