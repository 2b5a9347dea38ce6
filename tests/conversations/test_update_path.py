"""The update path stays light: a press mid-walk makes one trip to SQLite, and stays honest."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiosqlite.core

from tests.conversations.test_record_visit import assistant_with_family, walk_to_note
from tests.support.harness import ADMIN_ID, BotHarness


@contextmanager
def sqlite_trips() -> Iterator[list[str]]:
    """Every piece of work handed to aiosqlite's thread meanwhile, by the function's name."""
    trips: list[str] = []
    original = aiosqlite.core.Connection._execute

    def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(fn, "__name__", repr(fn)))
        return original(self, fn, *args, **kwargs)

    aiosqlite.core.Connection._execute = counted  # type: ignore[method-assign]
    try:
        yield trips
    finally:
        aiosqlite.core.Connection._execute = original  # type: ignore[method-assign]


async def test_a_press_mid_walk_commits_once_and_reads_nothing(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    await sim.press("Today")
    await sim.press("90 min")
    with sqlite_trips() as trips:
        await sim.press("Family's home")  # a new question with a new copy to clean up later
        await sim.press("Anna")  # a toggle
    # Walk state, draft, the question's clean-up row and the update id: one transaction each.
    assert trips == ["_transaction", "_transaction"]
    assert harness.services is not None
    pending = await harness.services.chat_cleanup.repo.pending(sim.chat_id)
    assert any(row["walk"] for row in pending)  # the question copies are remembered


async def test_a_visit_starts_in_six_trips_its_last_visit_read_in_one(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    await sim.send("A note.")
    await sim.press("Skip")
    await sim.press("Save")
    with sqlite_trips() as trips:
        await sim.send("/visit")  # the one active family: straight to the date, like the last
    # The actor, their families, the family, its access-log row, the last visit with its
    # people, areas and activities, and the update (walk state, draft, clean-up, update id).
    reads, logged = "_read_each", "_transaction"
    assert trips == [reads, reads, reads, logged, "_read_visits", "_transaction"]
    assert "When was it?" in harness.fake.last_text(sim.chat_id)


async def test_a_save_commits_the_visit_with_its_log_row_and_releases_the_walk(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    await sim.send("A note.")
    await sim.press("Skip")
    with sqlite_trips() as trips:
        await sim.press("Save")
    # The visit with its access-log row, read back with the week's tally; the walk's messages
    # released with this step's writes; what is due now; the update, with what left the chat.
    writes_with, reads = "_in_transaction", "_read_each"
    assert trips == [writes_with, writes_with, reads, "_transaction"]
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    log = await harness.services.families.audit.entries(family.id)
    assert log.count((sim.user_id, "visit.record")) == 1
    assert "This week: 1 visit" in harness.fake.last_text(sim.chat_id)
    # The walk's typed note and question copies left the chat, and their rows with them.
    assert not await harness.services.chat_cleanup.due(sim.chat_id)
    assert not any(
        row["walk"] for row in await harness.services.chat_cleanup.repo.pending(sim.chat_id)
    )
    deleted = [call for call in harness.fake.calls if call.method.startswith("deleteMessage")]
    assert deleted


async def test_a_family_moved_away_mid_walk_is_read_afresh(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    other = await harness.assistant(1002, language_code="en")
    await sim.send("/visit")
    await sim.press("Today")
    services = harness.services
    assert services is not None
    admin = await services.membership.actor(ADMIN_ID)
    await services.families.assign(admin, "R-01", other.user_id)
    await sim.press("90 min")
    text = harness.fake.last_text(sim.chat_id)
    assert "no longer assigned to you" in text
    assert "Where?" not in text
    assert "Anna" not in text


async def test_a_role_change_is_seen_at_the_next_update(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/families")
    assert "R-01" in harness.fake.last_text(sim.chat_id)
    services = harness.services
    assert services is not None
    await services.membership.people.set_active(sim.user_id, False)
    await sim.send("/families")
    assert "R-01" not in harness.fake.last_text(sim.chat_id)
    assert str(sim.user_id) in harness.fake.last_text(sim.chat_id)  # the stranger's answer
