"""A hostile sweep of the documents' buttons and commands, through the real Application."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from tests.documents.golden import NOW, golden_world
from tests.handlers.test_team import coordinator
from tests.support.harness import BotHarness


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, the clock moving."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.mark.parametrize(
    "data",
    [
        "rp:m000001:pdf:",  # year 0: no such date
        "rp:t999912:xlsx:",  # December 9999: no month after it
        "rp:h00001:csv:",
        "rp:m209912:pdf:",  # a month still to come: the bot never offers one
        "rp:h20991:xlsx:",
        "rp:m199912:pick:",  # before the bot's oldest year
    ],
)
async def test_a_forged_report_button_is_no_longer_active(harness: BotHarness, data: str) -> None:
    sim = await harness.assistant(language_code="en")
    assert harness.services is not None
    assert harness.db is not None
    await golden_world(harness.services, harness.db)
    boss = await coordinator(harness)
    for who in (sim, boss):
        await who.press_data(1, data)
        answers = [
            c.params.get("text") for c in harness.fake.calls if c.method == "answerCallbackQuery"
        ]
        assert answers[-1] == "This button is no longer active."
        assert harness.fake.documents(who.chat_id) == []
    assert harness.fake.errors == []


async def test_last_years_half_year_button_still_sends(harness: BotHarness) -> None:
    await harness.assistant(language_code="en")
    boss = await coordinator(harness)
    await boss.press_data(1, "rp:h20252:csv:")  # an old message's button: a real half-year
    [(name, _content)] = harness.fake.documents(boss.chat_id)
    assert name == "half-year-2025-H2.csv"
