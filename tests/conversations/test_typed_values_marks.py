"""Values typed on a phone or pasted, with marks nobody sees, through the real Application."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.domain.people import Actor
from bot.domain.plan import GoalStatus
from bot.domain.vocabulary import Area
from tests.conversations.test_new_family import register_family
from tests.conversations.test_plan_dates import _goals, _new_goal
from tests.conversations.test_record_visit import assistant_with_family, saved_visits
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

TIMES_NOTE = "Times are chosen with the buttons below: nothing was changed."
EMOJI_FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, held by two joiners


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw (25 November 2026)."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


@pytest.mark.parametrize("typed", ["\u200f45", "\u200b45", "45\ufeff", "45\u00a0min", "٤٥"])
async def test_a_visit_length_typed_with_marks_is_read_and_the_note_kept_as_typed(
    harness: BotHarness, typed: str
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
    note = f"Rodzina {EMOJI_FAMILY} o\u00a010:00, ok"
    await sim.send(note)
    await sim.press("Skip")
    await sim.press("Save")
    [visit] = await saved_visits(harness)
    assert visit.duration_min == 45  # type: ignore[attr-defined]
    assert visit.note == note  # type: ignore[attr-defined]
    assert harness.fake.errors == []


@pytest.mark.parametrize("typed", ["\u200e12.03.2027", "\u200b12.03.2027", "12.03.2027\u00ad"])
async def test_a_due_date_typed_with_marks_is_read(harness: BotHarness, typed: str) -> None:
    sim = await assistant_with_family(harness)
    await _new_goal(sim, "Pay the rent")
    await sim.send(typed)
    assert await _goals(harness, sim) == [(date(2027, 3, 12), [])]
    assert harness.fake.errors == []


@pytest.mark.parametrize(
    "typed", ["\u200e12.03.2027 10:00", "12.03.2027\u2060 10:00", "١٢.٠٣.٢٠٢٧ ١٠:٠٠"]
)
async def test_an_appointment_typed_with_marks_is_read(harness: BotHarness, typed: str) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/appointment R-01")
    await sim.press("Anna")
    await sim.press("Done")
    await sim.press("Court")
    await sim.send("SR Wola")
    await sim.send(typed)
    assert "Friday 12 March 2027, 10:00" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


@pytest.mark.parametrize("typed", ["\u200f08:00", "08:00\u200b", "\ufeff7.30", "8:30\u00a0"])
async def test_a_time_typed_with_marks_after_settings_is_pointed_at_the_buttons(
    harness: BotHarness, typed: str
) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/settings")
    await sim.send(typed)
    assert harness.fake.last_text(sim.chat_id).startswith(TIMES_NOTE)
    assert harness.fake.errors == []


@pytest.mark.parametrize("typed", ["R\u200b-01", "R-٠١", "r-０１", "\u00a0R-01"])
async def test_a_family_code_typed_with_marks_names_the_family(
    harness: BotHarness, typed: str
) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"),))
    await register_family(sim, code="R-02")
    await sim.send("/visit")  # two families: the picker, and a code typed at it
    await sim.send(typed)
    assert harness.fake.last_text(sim.chat_id).startswith("📝 R-01 — visit · 1/8\nWhen was it?")
    await sim.send("/cancel")
    await sim.send(f"/plan {typed}")
    assert "R-01" in harness.fake.last_text(sim.chat_id)
    assert "do not know" not in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


@pytest.mark.parametrize("mark", ["\ufeff", "\u200b", "\u200f"])
async def test_an_invite_code_pasted_with_a_trailing_mark_lets_the_newcomer_in(
    harness: BotHarness, mark: str
) -> None:
    admin = await harness.admin()
    await admin.send("/invite assistant")
    code = harness.fake.last_text(admin.chat_id).split("/start ")[-1].strip()
    newcomer = harness.user(2011, language_code="en")
    await newcomer.send(f"/start {code}{mark}")
    assert "Welcome" in harness.fake.last_text(newcomer.chat_id)
    assert harness.fake.errors == []


async def test_an_assistants_id_typed_with_marks_to_assign_is_read(harness: BotHarness) -> None:
    ala = await harness.assistant(1001, language_code="en", first_name="Ala")
    ola = await harness.assistant(1002, language_code="en", first_name="Ola")
    await register_family(ala)
    admin = await harness.admin()
    await admin.send("/assign R-01 ²")  # a superscript is a digit to isdigit, no number to int
    assert "Ola" in [text for row in harness.fake.last_markup(admin.chat_id) for text, _ in row]
    await admin.send("/assign R-01 \u200f١٠٠٢ \u200e١٠.١٢")
    assert "10" in harness.fake.last_text(admin.chat_id)
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    assert (family.assistant_id, family.cover_until) == (ola.user_id, date(2026, 12, 10))
    assert harness.fake.errors == []


# --- keywords typed after a command, with marks: read as the plain word ----------------------

MARKED = ["{}\u200f", "\u200b{}", "{}\ufeff"]  # a right-to-left mark, a zero-width space, a BOM


async def _said(harness: BotHarness, sim: UserSim, text: str) -> tuple[str, object]:
    """The bot's newest text and buttons after `text` was sent."""
    await sim.send(text)
    return harness.fake.last_text(sim.chat_id), harness.fake.last_markup(sim.chat_id)


async def _with_a_dropped_goal(harness: BotHarness) -> UserSim:
    """R-01 (Anna), one goal of its plan dropped: /plan shows it only with `all`."""
    sim = await assistant_with_family(harness)
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    actor = Actor(telegram_id=sim.user_id, is_assistant=True)
    goal = await harness.services.plans.add_goal(actor, family.id, Area.HOUSING, "Keep the flat")
    await harness.services.plans.change_status(actor, goal.id, GoalStatus.DROPPED)
    return sim


@pytest.mark.parametrize("marked", MARKED)
@pytest.mark.parametrize(
    ("command", "word", "without"),
    [
        ("/report {}", "pdf", "/report 11.2026"),  # the month buttons carry the format
        ("/report {}", "team", "/report 11.2026"),  # an assistant: refused at once
        ("/plan R-01 {}", "all", "/plan R-01"),
        ("/families {}", "closed", "/families"),
        ("/settings {}", "pl", "/settings 8:00"),  # the note about the language buttons
        ("/settings {}", "name", "/settings"),  # the documents' name
        ("/assessment R-01 {}", "document", "/assessment R-01"),
    ],
)
async def test_a_keyword_typed_with_a_mark_is_read_as_the_keyword(
    harness: BotHarness, command: str, word: str, without: str, marked: str
) -> None:
    sim = await _with_a_dropped_goal(harness)
    plain = await _said(harness, sim, command.format(word))
    await sim.send("/cancel")
    assert await _said(harness, sim, without) != plain  # the keyword changes what is said
    await sim.send("/cancel")
    assert await _said(harness, sim, command.format(marked.format(word))) == plain
    assert harness.fake.errors == []


@pytest.mark.parametrize("marked", MARKED)
async def test_a_role_typed_with_a_mark_after_invite_makes_the_invite(
    harness: BotHarness, marked: str
) -> None:
    admin = await harness.admin()
    await admin.send(f"/invite {marked.format('koordynator')}")
    assert "new coordinator" in harness.fake.last_text(admin.chat_id)  # no role buttons asked
    assert harness.fake.errors == []
