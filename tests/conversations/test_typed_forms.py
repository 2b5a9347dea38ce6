"""Values typed in forms other than plain ASCII digits, through the real Application.

Full-width forms (a Chinese or Japanese keyboard) are read as their ASCII; superscripts and
other number forms are refused by every parser alike; a year typed where the time goes is
refused with the reason, not booked at 20:26.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from tests.conversations.test_new_family import register_family
from tests.conversations.test_plan_dates import _goals, _new_goal
from tests.conversations.test_record_visit import assistant_with_family, saved_visits
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

TIMES_NOTE = "Times are chosen with the buttons below: nothing was changed."


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw (25 November 2026, 10:30)."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def _at_the_appointment_time(sim: UserSim) -> None:
    """/appointment R-01 up to the question of its day and time."""
    await sim.send("/appointment R-01")
    await sim.press("Anna")
    await sim.press("Done")
    await sim.press("Court")
    await sim.send("SR Wola")


@pytest.mark.parametrize(
    ("typed", "minutes"), [("１ｈ３０", 90), ("１：３０", 90), ("４５\u3000ｍｉｎ", 45)]
)
async def test_a_visit_length_in_full_width_forms_is_read(
    harness: BotHarness, typed: str, minutes: int
) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    await sim.press("Today")
    await sim.send(typed)
    assert "Where?" in harness.fake.last_text(sim.chat_id)
    await sim.press("Family's home")
    await sim.press("Anna")
    await sim.press("Done")
    await sim.press("Housing")
    await sim.press("Done")
    await sim.press("Done")
    await sim.send("Ｎｏｔｅ\u3000kept as typed")  # a note is no value: its forms stay
    await sim.press("Skip")
    await sim.press("Save")
    [visit] = await saved_visits(harness)
    assert visit.duration_min == minutes  # type: ignore[attr-defined]
    assert visit.note == "Ｎｏｔｅ\u3000kept as typed"  # type: ignore[attr-defined]
    assert harness.fake.errors == []


async def test_a_due_date_in_full_width_forms_is_read(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await _new_goal(sim, "Pay the rent")
    await sim.send("１２．０３．２０２７")
    assert await _goals(harness, sim) == [(date(2027, 3, 12), [])]
    assert harness.fake.errors == []


@pytest.mark.parametrize(
    "typed", ["１２．０３．２０２７\u3000１０：００", "１２／０３／２０２７ 10:00"]
)
async def test_an_appointment_in_full_width_forms_is_read(harness: BotHarness, typed: str) -> None:
    sim = await assistant_with_family(harness)
    await _at_the_appointment_time(sim)
    await sim.send(typed)
    assert "Friday 12 March 2027, 10:00" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_time_in_full_width_forms_after_settings_is_pointed_at_the_buttons(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/settings")
    await sim.send("０８：００")
    assert harness.fake.last_text(sim.chat_id).startswith(TIMES_NOTE)
    assert harness.fake.errors == []


async def test_a_family_code_in_full_width_forms_names_the_family(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"),))
    await register_family(sim, code="R-02")
    await sim.send("/visit")  # two families: the picker, and a code typed at it
    await sim.send("Ｒ－０１")
    assert harness.fake.last_text(sim.chat_id).startswith("📝 R-01 — visit · 1/8\nWhen was it?")
    assert harness.fake.errors == []


@pytest.mark.parametrize("typed", ["jutro 10:³⁰", "jutro ²", "jutro 10²", "jutro ⑩"])
async def test_an_appointment_time_in_superscripts_is_refused_and_typed_again(
    harness: BotHarness, typed: str
) -> None:
    sim = await assistant_with_family(harness)
    await _at_the_appointment_time(sim)
    await sim.send(typed)
    assert harness.fake.last_text(sim.chat_id).startswith("I could not read that.")
    await sim.send("jutro 10:30")
    assert "Thursday 26 November 2026, 10:30" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_moved_appointment_in_superscripts_is_refused_in_polish(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="pl")
    await sim.send("/lang")
    await sim.press("English")
    await register_family(sim, members=(("Anna", "mother"),))
    await _at_the_appointment_time(sim)
    await sim.send("jutro 10:30")
    await sim.press("Yes")
    await sim.press("No")
    await sim.send("Hearing")
    await sim.press("Save")
    await sim.send("/jezyk")
    await sim.press("Polski")
    await sim.send("/terminy")
    await sim.press("R-01")
    await sim.press("Przenieś")
    await sim.send("pt ¹⁰:⁰⁰")  # was Friday 10:00
    assert harness.fake.last_text(sim.chat_id).startswith("Nie rozumiem. Wpisz dzień i godzinę")
    await sim.send("pt 10:00")
    assert "piątek 27 listopada 2026, 10:00" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_due_date_in_superscripts_is_refused(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await _new_goal(sim, "Pay the rent")
    await sim.send("za ² tygodnie")  # was 9 December
    assert harness.fake.last_text(sim.chat_id).startswith("I could not read that date.")
    assert await _goals(harness, sim) == []
    assert harness.fake.errors == []


async def test_a_year_typed_for_the_time_is_refused_with_the_reason(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await _at_the_appointment_time(sim)
    await sim.send("jutro 2026")  # was booked tomorrow at 20:26
    assert harness.fake.last_text(sim.chat_id).split("\n\n")[0] == (
        "2026 looks like a year, not a time. Type the time with a colon, like 20:26, or the "
        "date with its year and a time, like 15.03.2026 10:00."
    )
    await sim.send("jutro 0930")  # four digits that are no year stay a time
    assert "Thursday 26 November 2026, 09:30" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_year_typed_for_the_time_is_refused_in_polish(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="pl")
    await sim.send("/lang")
    await sim.press("English")
    await register_family(sim, members=(("Anna", "mother"),))
    await sim.send("/jezyk")
    await sim.press("Polski")
    await sim.send("/termin R-01")
    await sim.press("Anna")
    await sim.press("Gotowe")
    await sim.press("Sąd")
    await sim.press("Pomiń")
    await sim.send("pt 2027")
    assert harness.fake.last_text(sim.chat_id).split("\n\n")[0] == (
        "2027 wygląda na rok, nie na godzinę. Wpisz godzinę z dwukropkiem, np. 20:27, albo "
        "datę z rokiem i godziną, np. 15.03.2027 10:00."
    )
    await sim.send("pt 20:27")
    assert "piątek 27 listopada 2026, 20:27" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


YEARS_TYPED = {
    "en": (
        "1999 looks like a year, not a time. Type the time with a colon, like jutro 10:30.",
        "That day is in 2026, not 2027. Leave the year out, or type the whole date, like "
        "15.03.2027 10:00.",
        "Monday 15 March 2027, 10:00",
    ),
    "pl": (
        "1999 wygląda na rok, nie na godzinę. Wpisz godzinę z dwukropkiem, np. jutro 10:30.",
        "Ten dzień wypada w 2026 r., nie w 2027. Pomiń rok albo wpisz całą datę, np. "
        "15.03.2027 10:00.",
        "poniedziałek 15 marca 2027, 10:00",
    ),
}


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_a_year_typed_with_the_day_is_read_or_refused_with_the_reason(
    harness: BotHarness, language: str
) -> None:
    sim = await assistant_with_family(harness)
    looks_like_a_year, not_the_days_year, booked = YEARS_TYPED[language]
    if language == "pl":
        await sim.send("/jezyk")
        await sim.press("Polski")
        await sim.send("/termin R-01")
        await sim.press("Anna")
        await sim.press("Gotowe")
        await sim.press("Sąd")
        await sim.press("Pomiń")
    else:
        await _at_the_appointment_time(sim)
    await sim.send("jutro 1999")  # was "That time does not exist"
    assert harness.fake.last_text(sim.chat_id).split("\n\n")[0] == looks_like_a_year
    await sim.send("jutro 2027 10:00")  # was "I could not read that"; tomorrow is in 2026
    assert harness.fake.last_text(sim.chat_id).split("\n\n")[0] == not_the_days_year
    await sim.send("15.03 2027 10:00")  # was "I could not read that"
    assert booked in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
