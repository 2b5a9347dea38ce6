"""/plan's access rows ride its read: once per look, a refusal denied, hostile codes too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.domain.audit import DETAIL_MAX
from tests.handlers.test_plan import family_with_goal
from tests.handlers.test_team import coordinator
from tests.support.harness import BotHarness

HOSTILE_CODES = [
    "<b>R-01</b>",
    "\u202eR-01",
    "R-\u200b01\u200b",
    "R-01&amp;",
    "x" * 5000,
    "R-99",
]


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def plan_rows(harness: BotHarness, actor_id: int) -> list[tuple[object, ...]]:
    """The actor's read.plan rows in the access log: (family, outcome, detail)."""
    assert harness.db is not None
    rows = await harness.db.fetch_all(
        "SELECT family_id, outcome, detail FROM access_log "
        "WHERE actor_id = ? AND action = 'read.plan' ORDER BY id",
        (actor_id,),
    )
    return [(r["family_id"], r["outcome"], r["detail"]) for r in rows]


async def test_a_coordinator_s_plan_is_logged_once(harness: BotHarness) -> None:
    _, family_id, _ = await family_with_goal(harness)
    boss = await coordinator(harness)
    await boss.send("/plan R-01")
    assert "Pay the <rent>" in harness.fake.last_text(boss.chat_id)
    assert await plan_rows(harness, boss.user_id) == [(family_id, "allowed", "")]
    assert harness.fake.errors == []


async def test_another_assistant_s_plan_is_refused_and_denied(harness: BotHarness) -> None:
    _, family_id, _ = await family_with_goal(harness)
    other = await harness.assistant(2002, language_code="en")
    await other.send("/plan R-01")
    assert "do not know that family" in harness.fake.last_text(other.chat_id)
    rows = await plan_rows(harness, other.user_id)
    assert [row[:2] for row in rows] == [(family_id, "denied")]
    assert harness.fake.errors == []


@pytest.mark.parametrize("code", HOSTILE_CODES)
async def test_a_hostile_code_is_refused_politely_and_denied(
    harness: BotHarness, code: str
) -> None:
    await family_with_goal(harness)
    other = await harness.assistant(2002, language_code="en")
    mark = len(harness.fake.calls)
    await other.send(f"/plan {code}")
    replies = [c for c in harness.fake.calls[mark:] if c.method == "sendMessage"]
    assert len(replies) == 1
    assert "do not know that family" in str(replies[0].params["text"])
    assert "Pay the" not in str(replies[0].params["text"])
    rows = await plan_rows(harness, other.user_id)
    assert [row[1] for row in rows] == ["denied"]
    assert all(len(str(row[2])) <= DETAIL_MAX for row in rows)
    assert "<" not in str(rows[0][2])
    assert harness.fake.errors == []
