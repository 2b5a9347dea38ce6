"""The update path stays light: a press mid-walk commits once in place, and stays honest."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.storage.db import Database
from bot.storage.log_sync import LogSync
from tests.conversations.test_record_visit import (
    assistant_with_family,
    saved_visits,
    walk_to_note,
)
from tests.support.harness import ADMIN_ID, BotHarness


@contextmanager
def sqlite_trips() -> Iterator[list[str]]:
    """SQLite work meanwhile: "thread:<fn>" (aiosqlite's thread) or "here:<fn>" (in place)."""
    trips: list[str] = []
    patched = {
        "_in_thread": ("thread", Database._in_thread),
        "_read_here": ("here", Database._read_here),
        "_commit_here": ("here", Database._commit_here),
    }

    def counting(where: str, original: Any) -> Any:
        def counted(self: Database, work: Any, *args: Any) -> Any:
            trips.append(f"{where}:{work.__name__}")
            return original(self, work, *args)

        return counted

    for name, (where, original) in patched.items():
        setattr(Database, name, counting(where, original))
    try:
        yield trips
    finally:
        for name, (_, original) in patched.items():
            setattr(Database, name, original)


async def test_a_press_mid_walk_commits_once_in_place_and_reads_nothing(
    harness: BotHarness,
) -> None:
    sim = await assistant_with_family(harness)
    await sim.send("/visit")
    await sim.press("Today")
    await sim.press("90 min")
    with sqlite_trips() as trips:
        await sim.press("Family's home")  # a new question with a new copy to clean up later
        await sim.press("Anna")  # a toggle
    # Walk state, draft and the update id: one transaction each, committed in place without
    # waiting for the disk (no records changed, no message to clean up: db.write_bookkeeping).
    assert trips == ["here:run_statements", "here:run_statements"]
    assert harness.services is not None
    pending = await harness.services.chat_cleanup.repo.pending(sim.chat_id)
    assert any(row["walk"] for row in pending)  # the question copies are remembered


async def test_a_visit_starts_all_in_place(harness: BotHarness) -> None:
    sim = await assistant_with_family(harness)
    await walk_to_note(sim)
    await sim.send("A note.")
    await sim.press("Skip")
    await sim.press("Save")
    with sqlite_trips() as trips:
        await sim.send("/visit")  # the one active family: straight to the date, like the last
    # The actor, their families, the family, its access-log row, the last visit with its
    # people, areas and activities, the plan's goals (once a walk: whether the goals step is
    # asked, and counted); then the update (walk state, draft, the question's clean-up row,
    # update id), which waits for the disk. All in place.
    reads, logged = "here:read_each", "here:run_statements"
    assert trips == [reads, reads, reads, logged, "here:_read_visits", reads, logged]
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
    # The visit with its access-log row, read back with the week's tally; the walk's
    # messages released; what is due now; the update, with what left the chat. All in place.
    walk_over, due, update = "here:_walk_over", "here:read_each", "here:run_statements"
    assert trips == ["here:_add", walk_over, due, update]
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
    await services.team.hand_over(admin, "R-01", other.user_id)
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


async def test_only_a_record_waits_for_the_disk_and_a_message_to_clean_up_is_synced_at_once(
    harness: BotHarness, monkeypatch: Any
) -> None:
    commits: list[tuple[str, str]] = []  # (work, how it reaches the disk)
    original = Database._commit_here

    def noted(self: Database, work: Any, arg: Any, waits: bool) -> Any:
        commits.append((work.__name__, "waits" if waits else "later"))
        return original(self, work, arg, waits)

    def asked(self: LogSync) -> None:
        name, _ = commits[-1]
        commits[-1] = (name, "synced at once")

    monkeypatch.setattr(Database, "_commit_here", noted)
    monkeypatch.setattr(LogSync, "ask", asked)
    sim = await assistant_with_family(harness)
    commits.clear()
    await sim.send("/visit")  # a new question message, to clean up later
    assert commits[-1] == ("run_statements", "synced at once")
    commits.clear()
    steps = ("Today", "90 min", "Family's home", "Anna", "Done", "Housing", "Done")
    for label in (*steps, "Motivational talk", "Done"):
        await sim.press(label)  # the walk moved along, nothing else: flushed within a second
    assert commits == [("run_statements", "later")] * 9
    commits.clear()
    await sim.send("A note.")  # the typed note is remembered, to leave the chat
    # The note on its own before the bot answers it (a kill then cannot lose it), put on the
    # disk by the update's commit, which remembers the question below it too.
    assert commits == [("run_statements", "later"), ("run_statements", "synced at once")]
    await sim.press("Skip")
    commits.clear()
    await sim.press("Save")
    # The visit waits for the disk before "Saved" is shown; the walk's release and the
    # update do not: a draft a power cut brings back is known saved by its token.
    assert commits == [("_add", "waits"), ("_walk_over", "later"), ("run_statements", "later")]
    assert "This week: 1 visit" in harness.fake.last_text(sim.chat_id)
    assert len(await saved_visits(harness)) == 1
