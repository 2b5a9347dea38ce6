"""A hostile sweep of the 3 December changes: reminders and catch-ups of a family no longer the
assistant's, /settings with a value typed after it, the menus that follow /lang.

Driven through the real Application: a button tapped twice, a reminder pressed while another
walk holds work, values typed where the buttons choose, a coordinator and an admin.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.domain.reminders.facts import ReminderFacts, VisitGapFact
from bot.domain.reminders.kinds import ReminderKind
from tests.conversations.test_new_family import register_family
from tests.handlers.test_menus import menu_seen
from tests.handlers.test_team import coordinator
from tests.reminders.test_catch_up_presses import _folded_about
from tests.reminders.test_reminder_job import reminders_to, tick
from tests.reminders.test_sweep_reminder_buttons import _stored_reminder, answers
from tests.support.fake_telegram import keyboard_rows
from tests.support.harness import ADMIN_ID, BotHarness
from tests.support.updates import UserSim

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # a Tuesday, 10:30 in Warsaw
GONE = "R-01 is no longer assigned to you, so this reminder is closed."
ROWS_GONE = "R-01 is no longer assigned to you, so its buttons are gone from this message."
NOT_UNDERSTOOD = "I did not understand that. /help lists what I can do."
INACTIVE = "This button is no longer active."
TIMES_NOTE = "Times are chosen with the buttons below: nothing was changed."


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Tuesday morning in Warsaw (1 December 2026)."""
    with time_machine.travel(NOW, tick=True):
        yield


def sent_since(harness: BotHarness, mark: int) -> list[str]:
    """The texts of the messages sent after call number `mark`."""
    return [
        str(c.params.get("text")) for c in harness.fake.calls[mark:] if c.method == "sendMessage"
    ]


# --- reminders and catch-ups of a family handed over ----------------------------------------


async def _reminder_about_r01(harness: BotHarness, catch_up: bool) -> tuple[UserSim, int]:
    """Ala holds R-01 and R-02; a reminder about R-01 (or a catch-up about both) sent to her."""
    sim = await harness.assistant(1001, language_code="en", first_name="Ala")
    await register_family(sim, members=(("Anna", "mother"),))
    await register_family(sim, "R-02", members=(("Basia", "mother"),))
    assert harness.services is not None
    families = harness.services.families.families
    first, second = await families.by_code("R-01"), await families.by_code("R-02")
    assert first is not None
    assert second is not None
    if catch_up:
        missed = (*_folded_about(first.id, "R-01", 98), *_folded_about(second.id, "R-02", 99))
        facts = ReminderFacts(missed=missed)
        return sim, await _stored_reminder(harness, sim, ReminderKind.CATCH_UP, facts)
    gap = VisitGapFact(
        family_id=first.id, family_code="R-01", days=9, visited=False, visits_per_week=1
    )
    facts = ReminderFacts(visit_gap=gap)
    return sim, await _stored_reminder(harness, sim, ReminderKind.OVERDUE_VISIT, facts)


async def _hand_r01_to_ola(harness: BotHarness) -> None:
    """The admin hands R-01 over to Ola for good."""
    await harness.assistant(2002, language_code="en", first_name="Ola")
    assert harness.services is not None
    admin = await harness.services.membership.actor(ADMIN_ID)
    await harness.services.team.hand_over(admin, "R-01", 2002)


@pytest.mark.parametrize(
    ("catch_up", "button", "told"),
    [
        (False, "📝 Record a visit", "This button is no longer active."),
        (True, "📝 Record a visit · R-01", ROWS_GONE),
        (True, "✅ Attended · R-01", ROWS_GONE),
    ],
)
async def test_a_handed_over_familys_button_tapped_twice_is_answered_in_place(
    harness: BotHarness, catch_up: bool, button: str, told: str
) -> None:
    sim, message_id = await _reminder_about_r01(harness, catch_up)
    _, data = harness.fake.button(sim.chat_id, button)
    await _hand_r01_to_ola(harness)
    await sim.press_data(message_id, data)  # settled: its buttons (or R-01's rows) go
    settled = harness.fake.message(sim.chat_id, message_id)
    # The second tap of a double tap, as Telegram sends it: the message as it is now.
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    assert answers(harness, mark) == [told]
    assert sent_since(harness, mark) == []  # no "I do not know that family" below it
    assert harness.fake.message(sim.chat_id, message_id) == settled
    assert harness.fake.errors == []


@pytest.mark.parametrize(
    ("catch_up", "button", "told"),
    [
        (False, "📝 Record a visit", GONE),
        (True, "📝 Record a visit · R-01", ROWS_GONE),
        (True, "✅ Attended · R-01", ROWS_GONE),
    ],
)
async def test_a_handed_over_familys_button_pressed_mid_walk_keeps_the_walk(
    harness: BotHarness, catch_up: bool, button: str, told: str
) -> None:
    sim, message_id = await _reminder_about_r01(harness, catch_up)
    _, data = harness.fake.button(sim.chat_id, button)
    await sim.send("/visit R-02")
    await sim.press("Today")
    await sim.press("60 min")  # a visit to R-02 holds work, at "Where?"
    await _hand_r01_to_ola(harness)
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    assert answers(harness, mark) == [told]  # settled, not "Drop the visit you started …?"
    assert sent_since(harness, mark) == []
    rows = keyboard_rows(harness.fake.message(sim.chat_id, message_id) or {})
    assert not any("R-01" in text for row in rows for text, _ in row)
    assert len(rows) == (3 if catch_up else 0)  # R-02's two rows and ⏰ / ✔ stay
    settled = harness.fake.message(sim.chat_id, message_id)
    # A double tap's second press, with the message as it is now: still nothing asked.
    mark = len(harness.fake.calls)
    await sim.press_data(message_id, data)
    assert answers(harness, mark) == [ROWS_GONE if catch_up else INACTIVE]
    assert sent_since(harness, mark) == []
    assert harness.fake.message(sim.chat_id, message_id) == settled
    await sim.press("Family's home")  # the visit to R-02 goes on where it was
    assert "Who was present" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_catch_up_snoozed_after_a_hand_over_comes_back_without_the_family(
    harness: BotHarness,
) -> None:
    sim, _ = await _reminder_about_r01(harness, catch_up=True)
    await _hand_r01_to_ola(harness)
    await sim.press("📝 Record a visit · R-01")  # R-01's rows go
    await sim.press("⏰ 1 h")
    mark = len(harness.fake.calls)
    with time_machine.travel(NOW + timedelta(hours=1, minutes=1), tick=True):
        await tick(harness)
    [again] = [t for t in reminders_to(harness, sim.chat_id, mark) if "While I was" in t]
    assert "R-02" in again
    assert "R-01" not in again  # nothing of a family now Ola's
    assert not any(
        "R-01" in text for row in harness.fake.last_markup(sim.chat_id) for text, _ in row
    )
    assert harness.fake.errors == []


# --- /settings: a value typed after it -------------------------------------------------------


async def test_a_time_typed_after_settings_is_pointed_at_the_buttons_only_when_it_is_one(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    for typed, note in (
        ("٠٨:٠٠", TIMES_NOTE),  # Arabic-Indic digits: a time all the same
        ("25:00", TIMES_NOTE),  # no such time: still not taken, pointed at the buttons
        ("7.30", TIMES_NOTE),
        ("pl en", "The language is chosen with the buttons at the bottom"),
        ("o 8", NOT_UNDERSTOOD),  # words: no guess at what they meant
        ("<b>&", NOT_UNDERSTOOD),
        ("\u200f08:00\u200b", TIMES_NOTE),  # marks nobody sees: a time all the same
        ("x" * 5000, NOT_UNDERSTOOD),
    ):
        await sim.send("/settings")
        await sim.send(typed)
        assert harness.fake.last_text(sim.chat_id).startswith(note), typed
    assert harness.fake.errors == []


async def test_a_coordinator_and_an_admin_get_the_settings_again_for_a_typed_time(
    harness: BotHarness,
) -> None:
    boss = await coordinator(harness)
    admin = await harness.admin()  # an admin who holds no family
    for sim in (boss, admin):
        await sim.send("/settings")
        await sim.send("08:00")
        assert harness.fake.last_text(sim.chat_id).startswith(TIMES_NOTE)
        await sim.press("Polski")  # the language changed on it: still the newest answer
        await sim.send("8:30")
        assert harness.fake.last_text(sim.chat_id).startswith("Godziny wybiera się przyciskami")
    assert harness.fake.errors == []


# --- the menu follows /lang ------------------------------------------------------------------


async def test_a_menu_follows_lang_at_once_for_an_app_that_sends_no_language(
    harness: BotHarness,
) -> None:
    # Telegram leaves out language_code for some users: they are shown the menus set without
    # a language, the app's (Polish) one.
    sim = await harness.assistant(language_code=None)
    assert "wizyta" in menu_seen(harness, sim.chat_id, "")
    await sim.send("/jezyk")
    await sim.press("English")
    seen = menu_seen(harness, sim.chat_id, "")
    assert "visit" in seen  # at once, not only after their next message
    assert "wizyta" not in seen
    await sim.send("/lang")
    await sim.press("Polski")  # the app's language again: the default menu is theirs
    assert "wizyta" in menu_seen(harness, sim.chat_id, "")
    assert harness.fake.errors == []
