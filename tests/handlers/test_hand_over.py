"""/assign for good tells who has the family now and who had it; a cover replaced is told."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.reminders.sender import TelegramSender
from tests.conversations.test_new_family import register_family
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def _team(harness: BotHarness) -> tuple[UserSim, UserSim, UserSim]:
    """Ala (1001) holds R-01, with a member named Anna; Ola (1002) and Ewa (1003) hold none."""
    ala = await harness.assistant(1001, language_code="en", first_name="Ala")
    ola = await harness.assistant(1002, language_code="en", first_name="Ola")
    ewa = await harness.assistant(1003, language_code="en", first_name="Ewa")
    await register_family(ala)
    for sim in (ola, ewa):
        await sim.send("/help")  # the language is remembered from the first message
    return ala, ola, ewa


async def _sent(harness: BotHarness) -> None:
    """Send what the outbox holds now."""
    assert harness.services is not None
    assert harness.app is not None
    await harness.services.reminders.dispatcher(TelegramSender(harness.app.bot)).dispatch()


async def test_a_hand_over_for_good_tells_the_new_assistant_and_the_one_who_had_it(
    harness: BotHarness,
) -> None:
    ala, ola, _ = await _team(harness)
    admin = await harness.admin()
    await admin.send("/assign R-01")
    await admin.press("Ola")
    await admin.press("For good")
    await _sent(harness)
    assert harness.fake.last_text(ola.chat_id) == (
        "👪 R-01 was handed over to you for good: it is yours now."
    )
    told = harness.fake.last_text(ala.chat_id)
    assert told == "👪 R-01 was handed over to another assistant for good."
    assert "Anna" not in told
    await admin.send("/assign R-01 1002")  # with her already: nobody is told again
    mark = len(harness.fake.calls)
    await _sent(harness)
    assert harness.fake.calls[mark:] == []
    assert harness.fake.errors == []


async def test_a_hand_over_during_a_cover_tells_all_three(harness: BotHarness) -> None:
    ala, ola, ewa = await _team(harness)
    admin = await harness.admin()
    await admin.send("/assign R-01 1002 10.12")  # Ola covers Ala's holiday
    await _sent(harness)
    await admin.send("/assign R-01 1003")  # then the family goes to Ewa for good
    await _sent(harness)
    assert "handed over to you for good" in harness.fake.last_text(ewa.chat_id)
    assert "handed over to another assistant" in harness.fake.last_text(ola.chat_id)
    assert "handed over to another assistant" in harness.fake.last_text(ala.chat_id)
    assert harness.fake.errors == []


async def test_a_cover_given_back_early_is_told_as_its_end(harness: BotHarness) -> None:
    ala, ola, _ = await _team(harness)
    admin = await harness.admin()
    await admin.send("/assign R-01 1002 10.12")
    await _sent(harness)
    await admin.send("/assign R-01 1001")  # Ala is back early
    await _sent(harness)
    assert "back with you after the cover" in harness.fake.last_text(ala.chat_id)
    assert "Your cover of R-01 has ended" in harness.fake.last_text(ola.chat_id)
    assert harness.fake.errors == []


async def test_a_cover_replaced_by_another_tells_the_earlier_cover(harness: BotHarness) -> None:
    ala, ola, ewa = await _team(harness)
    admin = await harness.admin()
    await admin.send("/assign R-01 1002 10.12")
    await _sent(harness)
    mark = len(harness.fake.calls)
    await admin.send("/assign R-01 1003 10.12")  # Ewa covers instead of Ola
    await _sent(harness)
    assert "You cover R-01 until" in harness.fake.last_text(ewa.chat_id)
    assert "Your cover of R-01 has ended" in harness.fake.last_text(ola.chat_id)
    [told] = _texts_since(harness, ala, mark)  # the same day: told again all the same
    assert "with a cover assistant" in told
    assert harness.fake.errors == []


async def test_a_cover_given_back_and_made_again_to_the_same_day_is_told_again(
    harness: BotHarness,
) -> None:
    ala, ola, _ = await _team(harness)
    admin = await harness.admin()
    await admin.send("/assign R-01 1002 10.12")
    await _sent(harness)
    await admin.send("/assign R-01 1001")  # back early
    await _sent(harness)
    mark = len(harness.fake.calls)
    with time_machine.travel(datetime(2026, 11, 25, 9, 31, tzinfo=UTC), tick=True):  # pacing
        await admin.send("/assign R-01 1002 10.12")  # and again, to the same day
        await _sent(harness)
    assert [t for t in _texts_since(harness, ola, mark) if "You cover R-01 until" in t]
    assert [t for t in _texts_since(harness, ala, mark) if "with a cover assistant" in t]
    assert harness.fake.errors == []


def _texts_since(harness: BotHarness, sim: UserSim, mark: int) -> list[str]:
    """The texts the bot sent to this chat after the mark, as the reader sees them."""
    return [
        str(call.result["text"])
        for call in harness.fake.calls[mark:]
        if call.method == "sendMessage" and call.ok and call.chat_id == sim.chat_id
    ]
