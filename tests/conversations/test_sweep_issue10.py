"""A phone user's hostile sweep of issue #10 (faster daily use), through the real Application."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from tests.conversations.test_case_walks import close_r01
from tests.conversations.test_new_family import register_family
from tests.conversations.test_visit_like_last import _first_visit
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw (25 November 2026)."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def _visited_family(harness: BotHarness) -> UserSim:
    """An assistant (English) holding R-01 (Anna, Tomek), visited once today: 75 min outdoors."""
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"), ("Tomek", "child")))
    await _first_visit(sim)
    return sim


async def test_a_missed_visit_after_a_real_one_keeps_none_of_its_choices(
    harness: BotHarness,
) -> None:
    sim = await _visited_family(harness)
    await sim.send("/visit")  # pre-filled like the last visit…
    await sim.press("The visit did not take place")  # …but nobody was home
    await sim.press("Nobody home")
    await sim.press("Today")
    await sim.press("Skip")
    await sim.press("Save")
    await sim.send("/visits R-01")
    missed, _first = harness.fake.last_text(sim.chat_id).split("\n\n")[1:3]
    assert missed == "✖ Wed 25 Nov — Nobody home"  # no one present, no areas, no activities
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    _, visits = await harness.services.visits.recent(actor, "R-01")
    attempt = max(visits, key=lambda v: v.id)
    assert (attempt.duration_min, attempt.place, attempt.present) == (None, None, ())
    assert harness.fake.errors == []


async def test_an_older_drop_question_does_not_start_the_newer_command(
    harness: BotHarness,
) -> None:
    sim = await _polish_family(harness)
    await sim.send("/wizyta R-01")
    await sim.press("Dziś")
    await sim.press("90 min")
    await sim.send("/cel R-01")
    goal_question, yes = harness.fake.button(sim.chat_id, "Tak, przerwij")
    assert harness.fake.last_text(sim.chat_id) == (
        "Przerwać rozpoczętą wizytę i zacząć pracę nad celem?"
    )
    await sim.send("/termin R-01")  # a third command while the question is shown
    assert harness.fake.last_text(sim.chat_id) == (
        "Przerwać rozpoczętą wizytę i zacząć nowy termin?"
    )
    old = harness.fake.message(sim.chat_id, goal_question)
    assert old is not None
    assert not old.get("reply_markup", {}).get("inline_keyboard")  # one live question
    await sim.press_data(goal_question, yes)  # "Yes" under "…work on a goal?"
    assert harness.fake.last_text(sim.chat_id) == (  # no appointment walk started
        "Przerwać rozpoczętą wizytę i zacząć nowy termin?"
    )
    answers = [c.params.get("text") for c in harness.fake.calls]
    assert answers[-1] == "Ten przycisk jest już nieaktywny. Zacznij od nowa, wpisując polecenie."
    await sim.press("Nie, wróć")  # the newest question still answers
    assert "Gdzie?" in harness.fake.last_text(sim.chat_id)
    await sim.press("Dom rodziny")  # nothing chosen so far was lost
    assert "Kto był obecny" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


@pytest.mark.parametrize("typed", ["R-01\u200b", "\u200fR-01", "\u200er-01\u200e", "\ufeffR-01"])
async def test_a_code_pasted_with_invisible_marks_names_the_family(
    harness: BotHarness, typed: str
) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"),))
    await register_family(sim, code="R-02")
    await sim.send(f"/visit {typed}")
    assert harness.fake.last_text(sim.chat_id).startswith("📝 R-01 — visit · 1/8\nWhen was it?")
    assert harness.fake.errors == []


async def _polish_family(harness: BotHarness) -> UserSim:
    """An assistant holding R-01 (Anna), talking Polish."""
    sim = await harness.assistant(language_code="pl")
    await sim.send("/lang")
    await sim.press("English")
    await register_family(sim, members=(("Anna", "mother"),))
    await sim.send("/jezyk")
    await sim.press("Polski")
    return sim


@pytest.mark.parametrize(
    ("typed", "minutes"), [("2 godziny", 120), ("1 godzina 30 minut", 90), ("1,5 godziny", 90)]
)
async def test_a_length_typed_in_words_is_understood(
    harness: BotHarness, typed: str, minutes: int
) -> None:
    sim = await _polish_family(harness)
    await sim.send("/wizyta")
    await sim.press("Dziś")
    await sim.send(typed)
    assert harness.fake.last_text(sim.chat_id).endswith("wizyta · 3/8\nGdzie?")  # no goals
    await sim.press("Dom rodziny")
    await sim.press("Anna")
    await sim.press("Gotowe")
    await sim.press("Gotowe")
    await sim.press("Gotowe")
    await sim.send("Notatka")
    await sim.press("Pomiń")
    assert f"{minutes} min" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_eleven_hours_in_words_is_refused_with_the_reason(harness: BotHarness) -> None:
    sim = await _polish_family(harness)
    await sim.send("/wizyta")
    await sim.press("Dziś")
    await sim.send("11 godzin")
    assert harness.fake.last_text(sim.chat_id).startswith(
        "660 minut to ponad 10 godzin — wizyta tyle nie trwa."
    )
    assert harness.fake.errors == []


async def test_no_quiet_hours_is_not_said_to_end(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="pl")
    await sim.send("/ustawienia")
    await sim.press("bez ciszy nocnej")
    lines = harness.fake.last_text(sim.chat_id).splitlines()
    assert "Cisza nocna: brak" in lines  # not "brak (przypomnienia czekają do jej końca)"
    ticked = [t for row in harness.fake.last_markup(sim.chat_id) for t, _ in row if "✅" in t]
    assert ticked == ["✅ 07:30", "✅ bez ciszy nocnej", "✅ Polski"]
    await sim.press("22:00–06:00")
    assert "Cisza nocna: 22:00–06:00 (przypomnienia czekają do jej końca)" in (
        harness.fake.last_text(sim.chat_id)
    )
    assert harness.fake.errors == []


async def test_a_member_moved_out_is_not_pre_ticked_and_a_crash_keeps_the_ticks(
    harness: BotHarness,
) -> None:
    sim = await _visited_family(harness)
    await sim.send("/edit R-01")
    await sim.press("Members")
    await sim.press("Anna")
    await sim.press("Moved out")
    await sim.press("Yes, moved out")
    await sim.send("/cancel")
    await sim.send("/visit")
    await sim.press("Today")
    await sim.press("✅ 75 min")
    await sim.press("✅ Outdoors")
    rows = [t for row in harness.fake.last_markup(sim.chat_id) for t, _ in row]
    assert rows[0] == "▫️ Tomek (child)"  # Anna left: not offered, not ticked
    await sim.press("Tomek")
    await harness.crash_and_restart()
    sim = harness.user(sim.user_id, language_code="en")
    await sim.press("Done")
    ticked = [t for row in harness.fake.last_markup(sim.chat_id) for t, _ in row if "✅" in t]
    assert ticked == ["✅ Housing", "✅ Health"]
    assert harness.fake.errors == []


@pytest.mark.parametrize("code", ["K-07", "R-01"])
async def test_another_assistants_or_a_closed_familys_code_says_why(
    harness: BotHarness, code: str
) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"),))
    await register_family(sim, code="R-02")
    other = await harness.assistant(2002, language_code="en")
    await register_family(other, code="K-07")
    await close_r01(sim)
    await sim.send(f"/visit {code}")
    text = harness.fake.last_text(sim.chat_id)
    expected = "closed" if code == "R-01" else "I do not know that family among yours"
    assert expected in text
    assert "Which family did you visit?" in text  # the picker, with the one left open
    assert next(t for row in harness.fake.last_markup(sim.chat_id) for t, _ in row) == "R-02"
    assert harness.fake.errors == []
