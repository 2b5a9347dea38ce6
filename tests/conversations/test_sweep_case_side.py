"""A hostile sweep of the institution's side: the coordinator, the case walks, the documents.

Driven through the real Application as the coordinator, the admin, the family's assistant,
another assistant and a stranger would drive it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from tests.conversations.test_case_walks import _with_family, close_r01
from tests.conversations.test_new_family import register_family
from tests.handlers.test_team import coordinator
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Tuesday morning in Warsaw (1 December 2026)."""
    with time_machine.travel(datetime(2026, 12, 1, 9, 30, tzinfo=UTC), tick=True):
        yield


async def _erased_r01(harness: BotHarness) -> UserSim:
    """R-01 closed by its assistant, then erased by the admin; the assistant (English)."""
    sim, _family_id = await _with_family(harness)
    await close_r01(sim)
    admin = await harness.admin()
    await admin.send("/erase R-01")
    await admin.send("R-01")
    await admin.press("Erase now")
    assert "is erased" in harness.fake.last_text(admin.chat_id)
    return sim


async def test_an_erased_familys_card_opens_for_its_assistant_and_the_coordinator(
    harness: BotHarness,
) -> None:
    sim = await _erased_r01(harness)
    await sim.send("/families closed")
    assert "data erased" in harness.fake.last_text(sim.chat_id)
    await sim.press("R-01")
    assert "personal data was erased" in harness.fake.last_text(sim.chat_id)
    boss = await coordinator(harness)
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    await boss.press_data(1, f"fc:-:f:{family.id}")
    assert "personal data was erased" in harness.fake.last_text(boss.chat_id)
    assert harness.fake.errors == []


async def test_reopening_an_erased_family_is_refused_at_once(harness: BotHarness) -> None:
    sim = await _erased_r01(harness)
    await sim.send("/reopen R-01")
    text = harness.fake.last_text(sim.chat_id)
    assert "data was erased; the case cannot be reopened" in text
    assert "From which day" not in text  # no question the save would refuse anyway
    assert harness.app is not None
    assert "walk" not in harness.app.user_data[sim.user_id]
    assert harness.fake.errors == []


async def test_a_cover_to_the_familys_own_assistant_is_refused(harness: BotHarness) -> None:
    owner = await harness.assistant(1001, language_code="en", first_name="Ala")
    await harness.assistant(1002, language_code="en", first_name="Ola")
    await register_family(owner)
    admin = await harness.admin()
    await admin.send("/assign R-01 1002 10.12")  # Ala's holiday: Ola covers
    await admin.send("/assign R-01 1001 15.12")  # a "cover" by Ala of her own family
    assert harness.fake.last_text(admin.chat_id) == (
        "R-01 is that assistant's own family: it goes back to them when the cover ends. To "
        "give it back now, hand it over for good: /assign R-01 1001"
    )
    await admin.send("/assign R-01")
    await admin.press("Ala")
    await admin.press("Cover 1 week")  # the same by the buttons
    answers = [
        c.params.get("text") for c in harness.fake.calls if c.method == "answerCallbackQuery"
    ]
    assert str(answers[-1]).startswith("R-01 is that assistant's own family")
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    assert (family.assistant_id, family.cover_for, str(family.cover_until)) == (
        1002,
        1001,
        "2026-12-10",
    )
    await admin.send("/assign R-01 1001")  # back for good, at once
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    assert (family.assistant_id, family.cover_for, family.cover_until) == (1001, None, None)
    assert harness.fake.errors == []


async def test_a_day_before_the_start_or_the_closure_is_refused_with_the_day_as_typed(
    harness: BotHarness,
) -> None:
    sim, _family_id = await _with_family(harness)  # R-01 began today, 1 December 2026
    await sim.send("/close R-01")
    await sim.send("30.11.2026")
    assert "The work began on 01.12.2026; it cannot close before that." in (
        harness.fake.last_text(sim.chat_id)
    )
    await sim.send("/cancel")
    await close_r01(sim)
    await sim.send("/monitoring R-01")
    await sim.send("30.11")
    assert "The work was closed on 01.12.2026; a monitoring contact comes after." in (
        harness.fake.last_text(sim.chat_id)
    )
    await sim.send("/cancel")
    await sim.send("/wznow R-01")
    await sim.send("30.11.2026")
    assert "The work was closed on 01.12.2026; it cannot start again before." in (
        harness.fake.last_text(sim.chat_id)
    )
    assert harness.fake.errors == []


async def test_a_visit_to_a_named_family_by_someone_holding_none_says_why_and_is_logged(
    harness: BotHarness,
) -> None:
    _sim, family_id = await _with_family(harness)
    boss = await coordinator(harness)
    await boss.send("/visit R-01")
    assert "only its assistant can change it" in harness.fake.last_text(boss.chat_id)
    other = await harness.assistant(2002, language_code="en")
    await other.send("/wizyta R-01")
    assert "I do not know that family among yours" in harness.fake.last_text(other.chat_id)
    assert "Anna" not in harness.fake.last_text(other.chat_id)
    assert harness.services is not None
    denied = await harness.services.families.audit.entries(family_id, "denied")
    assert (boss.user_id, "visit.start") in denied
    assert (other.user_id, "visit.start") in denied
    assert harness.app is not None
    for person in (boss, other):  # no empty picker left waiting (typed text got "use the buttons")
        assert "walk" not in harness.app.user_data.get(person.user_id, {})
        assert harness.fake.last_markup(person.chat_id) == []
    await other.send("/visit")  # no code: nothing to refuse, the plain answer
    assert harness.fake.last_text(other.chat_id) == (
        "You have no families yet. Add one with /newfamily."
    )
    assert harness.fake.errors == []


async def test_a_non_admins_hand_over_is_logged_as_refused_not_as_a_read(
    harness: BotHarness,
) -> None:
    sim, family_id = await _with_family(harness)
    boss = await coordinator(harness)
    await boss.send("/assign R-01")
    assert harness.fake.last_text(boss.chat_id) == "Only the centre's admins can do that."
    await sim.send("/przypisz R-01")  # its own assistant is no admin either
    assert harness.fake.last_text(sim.chat_id) == "Only the centre's admins can do that."
    for action in ("to", "go", "c7"):
        await boss.press_data(1, f"as:{family_id}:{action}:{boss.user_id}")  # forged
        answers = [
            c.params.get("text") for c in harness.fake.calls if c.method == "answerCallbackQuery"
        ]
        assert answers[-1] == "Only the centre's admins can do that."
    assert harness.services is not None
    audit = harness.services.families.audit
    assert "read.assign" not in {a for _, a in await audit.entries(family_id)}
    assert await audit.entries(family_id, "denied") == [
        (boss.user_id, "read.assign"),
        (sim.user_id, "read.assign"),
        (boss.user_id, "read.assign"),
        (boss.user_id, "family.assign"),
        (boss.user_id, "family.cover"),
    ]
    admin = await harness.admin()
    await admin.send("/assign R-01")  # the admin's choice of assistants: read, logged
    assert "Who should work with R-01?" in harness.fake.last_text(admin.chat_id)
    assert (admin.user_id, "read.assign") in await audit.entries(family_id)
    family = await harness.services.families.families.get(family_id)
    assert family is not None
    assert family.assistant_id == sim.user_id
    assert harness.fake.errors == []


async def test_a_closed_familys_plan_asks_for_no_assessment_and_no_goal(
    harness: BotHarness,
) -> None:
    sim, _family_id = await _with_family(harness)
    await close_r01(sim)
    boss = await coordinator(harness)
    with time_machine.travel(datetime(2027, 9, 1, 9, 30, tzinfo=UTC), tick=True):
        for who in (sim, boss):
            await who.send("/plan R-01")
            text = harness.fake.last_text(who.chat_id)
            assert "🔒 The work with the family is closed: no assessment is due." in text
            assert "Assessment overdue" not in text  # nine months after the closure
            assert "Next assessment" not in text
            assert "No open goals." in text
            assert "/goal" not in text  # a closed family takes no goal
    assert harness.fake.errors == []


def _card_buttons(harness: BotHarness, sim: UserSim) -> list[str]:
    """The texts of the buttons on the newest message in the chat."""
    return [text for row in harness.fake.last_markup(sim.chat_id) for text, _ in row]


async def test_a_readers_card_offers_only_what_they_may_read(harness: BotHarness) -> None:
    sim, family_id = await _with_family(harness)
    await sim.press_data(1, f"fc:-:f:{family_id}")
    own = _card_buttons(harness, sim)
    assert {"📝 Record a visit", "✏️ Edit", "🔒 Close the work"} <= set(own)
    boss = await coordinator(harness)
    await boss.press_data(1, f"fc:-:f:{family_id}")
    assert "R-01" in harness.fake.last_text(boss.chat_id)
    shown = _card_buttons(harness, boss)
    assert {"📋 Plan", "🕘 Last visits"} <= set(shown)
    for change in ("📝 Record a visit", "🎯 Goals", "✏️ Edit", "🔒 Close the work"):
        assert change not in shown
    await close_r01(sim)
    await boss.press_data(1, f"fc:-:f:{family_id}")
    closed = _card_buttons(harness, boss)
    assert "📋 Plan" in closed
    assert not {"🔓 Reopen", "👁 Monitoring contact"} & set(closed)
    await sim.press_data(1, f"fc:-:f:{family_id}")
    assert {"🔓 Reopen", "👁 Monitoring contact"} <= set(_card_buttons(harness, sim))
    assert harness.fake.errors == []


async def test_an_erased_family_is_not_handed_over(harness: BotHarness) -> None:
    await _erased_r01(harness)
    await harness.assistant(1002, language_code="en", first_name="Ola")
    admin = await harness.admin()
    for command in ("/assign R-01", "/assign R-01 1002", "/assign R-01 1002 10.12"):
        await admin.send(command)
        assert harness.fake.last_text(admin.chat_id) == (
            "R-01's data was erased: there is nothing left to hand over."
        )
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    assert family.assistant_id == 1001
    assert family.cover_for is None
    assert harness.fake.errors == []


async def test_only_closed_families_is_said_by_every_family_picker(harness: BotHarness) -> None:
    sim, _family_id = await _with_family(harness)
    await close_r01(sim)
    for command in ("/visit", "/plan", "/visits", "/families"):
        await sim.send(command)
        assert harness.fake.last_text(sim.chat_id) == (
            "No family is in your caseload now. /families closed lists the closed ones; "
            "/newfamily registers a new one."
        ), command
    assert harness.app is not None
    assert "walk" not in harness.app.user_data[sim.user_id]
    assert harness.fake.errors == []
