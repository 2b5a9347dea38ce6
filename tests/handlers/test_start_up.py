"""After start-up the bot takes its lifelong objects out of the garbage collector's way."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.app import prepare
from tests.support.harness import BotHarness


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Whatever the test froze is collectable again afterwards (tests share one process)."""
    yield
    gc.unfreeze()


async def test_start_up_freezes_what_it_made(harness: BotHarness, unfrozen: None) -> None:
    gc.unfreeze()
    await prepare(harness.app)  # PTB's post_init, after initialize()
    assert gc.get_freeze_count() > 10_000  # the catalogs, PTB's objects, the handlers
    sim = await harness.assistant(language_code="en")
    await sim.send("/help")  # the bot answers as before
    assert "What I can do" in harness.fake.last_text(sim.chat_id)
