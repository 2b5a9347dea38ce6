"""A code typed as it reads (R-1, r1, R01 for R-01) finds the family when only one reads so."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from tests.conversations.test_new_family import register_family
from tests.handlers.test_team import coordinator
from tests.support.harness import BotHarness


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Tuesday morning in Warsaw (1 December 2026)."""
    with time_machine.travel(datetime(2026, 12, 1, 9, 30, tzinfo=UTC), tick=True):
        yield


async def _reads(harness: BotHarness, action: str) -> list[tuple[str, str]]:
    """The access log's rows of one action: (outcome, family code or the refused subject)."""
    assert harness.db is not None
    rows = await harness.db.fetch_all(
        "SELECT a.outcome, coalesce(f.code, a.detail) AS code FROM access_log a "
        "LEFT JOIN families f ON f.id = a.family_id WHERE a.action = ? ORDER BY a.id",
        (action,),
    )
    return [(str(r["outcome"]), str(r["code"])) for r in rows]


async def test_a_code_written_another_way_finds_the_one_family_it_reads_as(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(1001, language_code="en", first_name="Ala")
    await register_family(sim)
    for typed in ("/plan R-1", "/plan r1", "/visits R01", "/plan R-001"):
        await sim.send(typed)
        text = harness.fake.last_text(sim.chat_id)
        assert "R-01" in text, typed
        assert "do not know" not in text, typed
    boss = await coordinator(harness)
    await boss.send("/plan r-1")
    assert "Help plan: R-01" in harness.fake.last_text(boss.chat_id)
    assert ("allowed", "R-01") in await _reads(harness, "read.plan")  # audited as any read
    assert harness.fake.errors == []


async def test_two_old_codes_that_read_alike_are_not_guessed(harness: BotHarness) -> None:
    sim = await harness.assistant(1001, language_code="en", first_name="Ala")
    await register_family(sim)
    assert harness.db is not None
    async with harness.db.write() as conn:  # from before look-alike codes were refused
        await conn.execute(
            "INSERT INTO families (code, assistant_id, visits_per_week, created_at) "
            "SELECT 'R01', assistant_id, visits_per_week, created_at FROM families"
        )
    await sim.send("/plan R-1")
    assert "do not know" in harness.fake.last_text(sim.chat_id)
    await sim.send("/plan R01")  # written exactly: that one
    assert "Help plan: R01" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
