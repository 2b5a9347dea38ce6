"""/visit through the real Application: the walk, the missed path, bad input, restarts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.domain.family import NewFamily
from bot.domain.vocabulary import Activity, Area, Place, VisitKind
from tests.conversations.test_new_family import register_family
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

WEDNESDAY = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)  # 10:30 in Warsaw


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday, so 'today', 'yesterday' and the ISO week are known."""
    with time_machine.travel(WEDNESDAY, tick=True):
        yield


async def assistant_with_family(harness: BotHarness) -> UserSim:
    """An assistant holding R-01 with two members."""
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"), ("Tomek", "child")))
    return sim


async def walk_to_note(sim: UserSim) -> None:
    """/visit up to the note step, with buttons only."""
    await sim.send("/visit")  # the one active family: no picker
    await sim.press("Today")
    await sim.press("90 min")
    await sim.press("Family's home")
    await sim.press("Anna")
    await sim.press("Done")
    await sim.press("Housing")
    await sim.press("Health")
    await sim.press("Done")
    await sim.press("Documents and letters")
    await sim.press("Done")


async def saved_visits(harness: BotHarness) -> list[object]:
    """All visits of R-01 in the database."""
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    return list(await harness.services.visits.visits.recent(family.id, 100))


async def test_full_walk_saves_one_visit_with_everything(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    await sim.send("Talked about the rent arrears. <b>Bold</b> & more 🙂")
    await sim.send("Call the housing office on Monday")
    summary = harness.fake.last_text(sim.chat_id)
    assert "Talked about the rent arrears. <b>Bold</b> & more 🙂" in summary
    assert "Present: Anna" in summary
    await sim.press("Save")
    text = harness.fake.last_text(sim.chat_id)
    assert "Saved" in text
    assert "This week: 1 visit of 1" in text
    visits = await saved_visits(harness)
    assert len(visits) == 1
    visit = visits[0]
    assert visit.kind is VisitKind.COMPLETED  # type: ignore[attr-defined]
    assert visit.duration_min == 90  # type: ignore[attr-defined]
    assert visit.place is Place.HOME  # type: ignore[attr-defined]
    assert set(visit.areas) == {Area.HOUSING, Area.HEALTH}  # type: ignore[attr-defined]
    assert visit.activities == (Activity.DOCUMENTS,)  # type: ignore[attr-defined]
    assert visit.note.startswith("Talked about")  # type: ignore[attr-defined]
    assert visit.next_steps == "Call the housing office on Monday"  # type: ignore[attr-defined]
    assert str(visit.visit_date) == "2026-11-25"  # type: ignore[attr-defined]
    await sim.send("/visits R-01")
    listing = harness.fake.last_text(sim.chat_id)
    assert "rent arrears" in listing
    assert "90 min" in listing
    assert harness.fake.errors == []


async def test_save_pressed_twice_saves_once(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    await sim.send("note")
    await sim.press("Skip")
    message_id, data = harness.fake.button(sim.chat_id, "💾 Save")
    await sim.press_data(message_id, data)
    await sim.press_data(message_id, data)
    assert len(await saved_visits(harness)) == 1
    assert harness.fake.errors == []


async def test_missed_visit_is_recorded_as_an_attempt(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/wizyta R-01")
    await sim.press("did not take place")
    await sim.press("Nobody home")
    await sim.press("Yesterday")
    await sim.press("Skip")
    await sim.press("Save")
    assert "did not take place" in harness.fake.last_text(sim.chat_id)
    assert "0 visits of 1" in harness.fake.last_text(sim.chat_id)
    visits = await saved_visits(harness)
    assert [v.kind for v in visits] == [VisitKind.MISSED]  # type: ignore[attr-defined]
    assert str(visits[0].visit_date) == "2026-11-24"  # type: ignore[attr-defined]


async def test_typed_dates_and_durations_and_their_errors(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit R-01")
    await sim.send("30.11")  # next Monday: in the future
    assert "in the future" in harness.fake.last_text(sim.chat_id)
    await sim.send("31.02")
    assert "does not exist" in harness.fake.last_text(sim.chat_id)
    await sim.send("soon")
    assert "21.11" in harness.fake.last_text(sim.chat_id)
    await sim.send("23.11.2026")
    await sim.send("ninety")
    assert "could not read that duration" in harness.fake.last_text(sim.chat_id)
    await sim.send("700")
    assert "700 minutes is over 10 hours" in harness.fake.last_text(sim.chat_id)
    await sim.send("1h30")
    await sim.send("here")  # a button step
    assert "use the buttons" in harness.fake.last_text(sim.chat_id)
    await sim.press("Phone")
    await sim.press("Anna")
    await sim.press("Done")
    await sim.press("Done")
    await sim.press("Done")
    await sim.send("x" * 5000)
    assert "5000 characters, at most 3500" in harness.fake.last_text(sim.chat_id)
    await sim.send("y" * 3500)
    await sim.press("Skip")
    summary = harness.fake.last_text(sim.chat_id)
    assert "saved in full" in summary
    await sim.press("Save")
    visits = await saved_visits(harness)
    assert visits[0].note == "y" * 3500  # type: ignore[attr-defined]
    assert visits[0].duration_min == 90  # type: ignore[attr-defined]
    assert str(visits[0].visit_date) == "2026-11-23"  # type: ignore[attr-defined]
    assert harness.fake.errors == []


async def test_edit_a_step_from_the_summary(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    await sim.send("note")
    await sim.press("Skip")
    await sim.press("Change a step")
    await sim.press("Duration")
    await sim.send("45")
    assert "Duration: 45 min" in harness.fake.last_text(sim.chat_id)
    await sim.press("Save")
    assert (await saved_visits(harness))[0].duration_min == 45  # type: ignore[attr-defined]


async def test_old_buttons_are_answered_and_ignored(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await register_family(sim, code="R-02")  # two families: the picker is shown
    await sim.send("/visit")
    family_msg, family_data = harness.fake.button(sim.chat_id, "R-01")
    await sim.press("R-01")
    await sim.press("Today")
    await sim.press_data(family_msg, family_data)  # the picker, pressed again
    answers = [c for c in harness.fake.calls if c.method == "answerCallbackQuery"]
    assert "older message" in answers[-1].params.get("text", "")
    assert "How long" in harness.fake.last_text(sim.chat_id)
    await sim.send("/cancel")
    await sim.press_data(family_msg, family_data)  # after the conversation ended
    answers = [c for c in harness.fake.calls if c.method == "answerCallbackQuery"]
    assert "no longer active" in answers[-1].params.get("text", "")
    assert await saved_visits(harness) == []
    assert harness.fake.errors == []


async def test_forged_button_for_another_assistants_family(harness: BotHarness) -> None:
    owner = await assistant_with_family(harness)
    other = await harness.assistant(2002, language_code="en")
    await register_family(other, code="Z-9")
    await register_family(other, code="Z-8")  # two families: the picker is shown
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    await other.send("/visit")
    message_id, data = harness.fake.button(other.chat_id, "Z-9")
    forged = data.rsplit(":", 1)[0] + f":{family.id}"
    await other.press_data(message_id, forged)
    assert "R-01" not in harness.fake.last_text(other.chat_id)
    assert "Anna" not in harness.fake.last_text(other.chat_id)
    await other.press_data(message_id, f"fv:-:f:{family.id}")
    await other.send("/visits R-01")
    assert "do not know that family" in harness.fake.last_text(other.chat_id)
    assert await saved_visits(harness) == []
    assert owner.chat_id not in {c.chat_id for c in harness.fake.sent() if c.chat_id == 2002}


async def test_restart_in_the_middle_resumes_at_the_same_step(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")  # the one active family: no picker
    await sim.press("Today")
    await sim.press("120 min")
    await harness.crash_and_restart()
    sim = harness.user(sim.user_id, language_code="en")
    await sim.press("Outdoors")  # the place step's button, from before the crash
    assert "Who was present" in harness.fake.last_text(sim.chat_id)
    await sim.press("Tomek")
    await harness.crash_and_restart()
    sim = harness.user(sim.user_id, language_code="en")
    await sim.press("Done")
    await sim.press("Done")
    await sim.press("Done")
    await sim.send("After the restart")
    await harness.crash_and_restart()
    sim = harness.user(sim.user_id, language_code="en")
    await sim.press("Skip")
    await sim.press("Save")
    visits = await saved_visits(harness)
    assert len(visits) == 1
    assert visits[0].duration_min == 120  # type: ignore[attr-defined]
    assert visits[0].place is Place.OUTDOORS  # type: ignore[attr-defined]
    assert visits[0].note == "After the restart"  # type: ignore[attr-defined]
    assert len(visits[0].present) == 1  # type: ignore[attr-defined]


async def test_replayed_update_after_a_crash_is_ignored(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    await sim.send("note")
    await sim.press("Skip")
    message_id, data = harness.fake.button(sim.chat_id, "💾 Save")
    update = sim.callback_update(message_id, data)
    await sim.process(update)
    await harness.crash_and_restart()
    sim = harness.user(sim.user_id, language_code="en")
    await sim.process(update)  # Telegram delivers it again: the offset was not confirmed
    assert len(await saved_visits(harness)) == 1


async def test_visit_from_the_families_list(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/families")
    assert "0 of 1 this week" in harness.fake.last_text(sim.chat_id)
    await sim.press("R-01")
    assert "Members: Anna (mother), Tomek (child)" in harness.fake.last_text(sim.chat_id)
    await sim.press("Record a visit")
    assert "When was it" in harness.fake.last_text(sim.chat_id)
    await sim.press("Yesterday")
    await sim.send("/newfamily")
    assert "Drop the visit you started" in harness.fake.last_text(sim.chat_id)
    await sim.press("No, go back")
    assert "How long" in harness.fake.last_text(sim.chat_id)
    await sim.send("/visit")
    assert "unfinished" in harness.fake.last_text(sim.chat_id)
    await sim.press("Continue")
    assert "How long" in harness.fake.last_text(sim.chat_id)


async def test_family_picker_pages_beyond_one_screen(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    assert harness.services is not None
    actor = await harness.services.membership.actor(sim.user_id)
    for number in range(1, 12):
        await harness.services.families.register(actor, NewFamily(code=f"F-{number:02d}"))
    await sim.send("/visit")
    first_page = [b for row in harness.fake.last_markup(sim.chat_id) for b, _ in row]
    assert "F-01" in first_page
    assert "F-11" not in first_page
    message_id, data = harness.fake.button(sim.chat_id, "▶")
    await sim.press_data(message_id, data)
    await sim.press_data(message_id, data)  # a double tap: that page is shown already
    assert harness.fake.errors == []  # no edit that changes nothing (Telegram refuses it)
    await sim.press("F-11")
    assert "F-11" in harness.fake.last_text(sim.chat_id)
    assert "When was it" in harness.fake.last_text(sim.chat_id)


async def test_a_lost_draft_ends_the_walk_honestly(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit R-01")
    assert harness.app is not None
    harness.app.user_data[sim.user_id]["walk"]["draft"] = {"token": None}  # unreadable
    await sim.send("21.11")
    assert "lost track" in harness.fake.last_text(sim.chat_id)
    await sim.send("/visit R-01")
    assert "When was it" in harness.fake.last_text(sim.chat_id)


async def test_a_double_tap_does_not_answer_the_next_step(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    await sim.send("/visit")
    await sim.press("Continue")
    await sim.send("/cancel")
    await sim.send("/visit R-01")
    await sim.press("Today")
    await sim.press("90 min")
    await sim.press("Phone")
    await sim.press("Anna")
    await sim.press("Done")  # who was present
    message_id, done = harness.fake.button(sim.chat_id, "Done")
    await sim.press_data(message_id, done)  # areas: Done
    await sim.press_data(message_id, done)  # the same tap again, now on activities
    text = harness.fake.last_text(sim.chat_id)
    assert "What did you do" in text
    answers = [c for c in harness.fake.calls if c.method == "answerCallbackQuery"]
    assert "older message" in answers[-1].params.get("text", "")
    await sim.press("Done")
    assert "Type a note" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
