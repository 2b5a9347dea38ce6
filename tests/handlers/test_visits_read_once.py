"""A family's visits opened with a button: one read, one row in the access log."""

from __future__ import annotations

from typing import Any

from tests.conversations.test_record_visit import assistant_with_family
from tests.handlers.test_team import coordinator
from tests.support.harness import BotHarness
from tests.support.updates import UserSim


async def _rows_of(harness: BotHarness, sim: UserSim, message_id: int, data: str) -> list[Any]:
    """The access-log rows one press writes: (actor, action, family, outcome)."""
    assert harness.db is not None
    row = await harness.db.fetch_one("SELECT coalesce(max(id), 0) AS n FROM access_log")
    assert row is not None
    await sim.press_data(message_id, data)
    rows = await harness.db.fetch_all(
        "SELECT actor_id, action, family_id, outcome FROM access_log WHERE id > ? ORDER BY id",
        (int(row["n"]),),
    )
    return [(r["actor_id"], r["action"], r["family_id"], r["outcome"]) for r in rows]


async def _r01(harness: BotHarness) -> int:
    """R-01's id."""
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    return family.id


async def test_a_coordinator_opening_the_visits_from_a_card_writes_one_row(
    harness: BotHarness,
) -> None:
    await assistant_with_family(harness)
    boss = await coordinator(harness)
    r01 = await _r01(harness)
    await boss.send("/team")
    await boss.press("Anna")  # the assistant (her family's mother is an Anna too)
    await boss.press("R-01")
    message_id, data = harness.fake.button(boss.chat_id, "🕘 Last visits")
    rows = await _rows_of(harness, boss, message_id, data)
    assert rows == [(boss.user_id, "read.visits", r01, "allowed")]
    assert "R-01" in harness.fake.last_text(boss.chat_id)
    assert harness.fake.errors == []


async def test_the_assistants_visits_picker_writes_one_row(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    r01 = await _r01(harness)
    await sim.send("/visits")
    message_id, data = harness.fake.button(sim.chat_id, "R-01")
    rows = await _rows_of(harness, sim, message_id, data)
    assert rows == [(sim.user_id, "read.visits", r01, "allowed")]
    assert harness.fake.errors == []


async def test_a_forged_visits_button_is_refused_and_logged_once(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visits")
    message_id, data = harness.fake.button(sim.chat_id, "R-01")
    forged = data.rsplit(":", 1)[0] + ":999999"
    rows = await _rows_of(harness, sim, message_id, forged)
    assert rows == [(sim.user_id, "read.visits", None, "denied")]
    assert "do not know that family" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []
