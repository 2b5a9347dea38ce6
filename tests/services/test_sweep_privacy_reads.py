"""Privacy sweep: every read of a family by someone other than its assistant is in the access
log, with who, which family and what, through every command and button that shows it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from bot.domain.lifecycle import CloseReason, Closure
from tests.services.privacy_world import D0, OWNER, People, world
from tests.services.test_sweep_pushes import button, family_id, local, newest, tick_at
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

Read = tuple[str, int | None]  # the action, the family


async def newest_row(harness: BotHarness) -> int:
    """The id of the access log's newest row."""
    assert harness.db is not None
    row = await harness.db.fetch_one("SELECT coalesce(max(id), 0) AS n FROM access_log")
    assert row is not None
    return int(row["n"])


async def logged(harness: BotHarness, sim: UserSim, step: Any) -> set[Read]:
    """What one step (a text sent, or a (message, data) pressed) wrote, all allowed to `sim`."""
    assert harness.db is not None
    mark = await newest_row(harness)
    await (sim.send(step) if isinstance(step, str) else sim.press_data(*step))
    rows = await harness.db.fetch_all(
        "SELECT actor_id, action, family_id, outcome FROM access_log WHERE id > ?", (mark,)
    )
    assert {(r["actor_id"], r["outcome"]) for r in rows} <= {(sim.user_id, "allowed")}, step
    return {(str(r["action"]), r["family_id"]) for r in rows}


def buttons(harness: BotHarness, chat_id: int, words: str) -> dict[str, tuple[int, str]]:
    """The buttons of the newest message with `words`: text -> (message, data)."""
    message = newest(harness, chat_id, words)
    rows = message["reply_markup"]["inline_keyboard"]
    mid = int(message["message_id"])
    return {b["text"]: (mid, str(b["callback_data"])) for row in rows for b in row}


def reader(people: People, role: str) -> UserSim:
    """The coordinator or the admin."""
    return people.boss if role == "coordinator" else people.admin


@pytest.mark.parametrize("role", ["coordinator", "admin"])
async def test_every_way_a_reader_opens_a_family_is_logged(harness: BotHarness, role: str) -> None:
    people = await world(harness)
    sim, chat = reader(people, role), reader(people, role).chat_id
    r01, r02 = await family_id(harness, "R-01"), await family_id(harness, "R-02")
    with time_machine.travel(local(D0, 11), tick=False):
        assert await logged(harness, sim, "/team") == {("read.team", None), ("read.team", r01)}
        assert await logged(harness, sim, buttons(harness, chat, "The team")["Ala"]) == {
            ("read.caseload", r01),
            ("read.caseload", r02),
        }
        assert await logged(harness, sim, buttons(harness, chat, "R-02")["R-01"]) == {
            ("read.card", r01)
        }
        card = buttons(harness, chat, "Members:")
        expected: dict[str, set[Read]] = {
            "📋 Plan": {("read.plan", r01)},
            "🕘 Last visits": {("read.visits", r01)},  # one read, one row
            "📈 Chart": {("read.chart", r01)},
            "📁 Dossier": {("read.dossier", r01)},
        }
        assert set(card) == set(expected)  # a reader's card: reading only
        assert {text: await logged(harness, sim, card[text]) for text in card} == expected
        typed: dict[str, set[Read]] = {
            "/plan r-02 all": {("read.plan", r02)},
            "/visits R-02": {("read.visits", r02)},
            "/dossier R02": {("read.dossier", r02)},
            "/assessment R-01 document": {("read.assessment_document", r01)},
            "/report team 11.2026 csv": {("read.team_report", None), ("read.team_report", r01)},
        }
        assert {command: await logged(harness, sim, command) for command in typed} == typed
    await tick_at(harness, local(D0 + timedelta(days=14), 8, 1))  # R-02 not seen for 14 days
    escalation = newest(harness, chat, "R-02")
    assert await logged(harness, sim, (escalation["message_id"], button(escalation, "Open"))) == {
        ("read.card", r02)
    }
    assert harness.fake.errors == []


@pytest.mark.parametrize("role", ["coordinator", "admin"])
async def test_a_closed_monitored_familys_reads_are_logged(harness: BotHarness, role: str) -> None:
    people = await world(harness)
    sim, chat = reader(people, role), reader(people, role).chat_id
    r01 = await family_id(harness, "R-01")
    assert harness.services is not None
    with time_machine.travel(local(D0, 11), tick=False):
        await sim.send("/team")
        await sim.press("Ala")
        caseload = buttons(harness, chat, "R-02")
        await sim.press("R-01")
        card = buttons(harness, chat, "Members:")  # opened while the work went on
        closure = Closure(day=D0, reason=CloseReason.MOVED_AWAY, summary="x", monitor_months=3)
        await harness.services.cases.close(OWNER, r01, closure)
        assert await logged(harness, sim, caseload["R-01"]) == {("read.card", r01)}
        assert "Monitored until" in harness.fake.last_text(chat)
        assert await logged(harness, sim, card["📋 Plan"]) == {("read.plan", r01)}
        assert await logged(harness, sim, card["📈 Chart"]) == {("read.chart", r01)}
        for command, action in (
            ("/visits R-01", "read.visits"),
            ("/dossier R-01", "read.dossier"),
            ("/plan R-01", "read.plan"),
        ):
            assert await logged(harness, sim, command) == {(action, r01)}
    assert harness.fake.errors == []


@pytest.mark.parametrize("role", ["coordinator", "admin"])
async def test_the_team_overview_logs_each_family_whose_code_it_shows(
    harness: BotHarness, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = await world(harness)
    sim, chat = reader(people, role), reader(people, role).chat_id
    r01, r02 = await family_id(harness, "R-01"), await family_id(harness, "R-02")
    assert harness.db is not None
    usual, writes = harness.db.write_bookkeeping, []

    async def noted(statements: Any, *, durable: bool = True) -> None:
        rows = [p for sql, p in statements if sql.startswith("INSERT INTO access_log")]
        if rows:
            writes.append(([(p[2], p[3], p[4]) for p in rows], durable))
        await usual(statements, durable=durable)

    monkeypatch.setattr(harness.db, "write_bookkeeping", noted)
    with time_machine.travel(local(D0, 11), tick=False):
        await sim.send("/team")
        text = harness.fake.last_text(chat)
        assert "due in 14 days: R-01" in text  # R-01's assessment is due on 1 December
        assert "R-02" not in text  # registered today: not named, so not read
        shown = [("read.team", None, "families=2"), ("read.team", r01, "")]
        assert writes == [(shown, True)]  # the overview and R-01: one commit, on the disk
        await sim.press("Ala")
        writes.clear()
        await sim.press("← The team")  # back to the overview: logged again, the same way
        assert writes == [(shown, True)]
    assert r02 not in {f for rows, _ in writes for _, f, _ in rows}
    assert harness.fake.errors == []


def access_rows(harness: BotHarness, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """(actor, action, on the disk before the read goes on) of each access row written."""
    assert harness.db is not None
    written: list[tuple[Any, ...]] = []
    usual = harness.db.write_bookkeeping

    async def noted(statements: Any, *, durable: bool = True) -> None:
        for sql, params in statements:
            if sql.startswith("INSERT INTO access_log"):
                written.append((params[1], params[2], durable))
        await usual(statements, durable=durable)

    monkeypatch.setattr(harness.db, "write_bookkeeping", noted)
    return written


async def test_a_cover_assistants_reads_are_audited_as_a_readers_are(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = await world(harness)
    ala, ola = people.ala, people.ola
    written = access_rows(harness, monkeypatch)
    reads = ("/plan R-01", "/visits R-01", "/dossier R-01")
    with time_machine.travel(local(D0, 11), tick=False):
        for command in reads:  # its own assistant's: logged, not waited for (README)
            await ala.send(command)
        assert written == [(1001, a, False) for a in ("read.plan", "read.visits", "read.dossier")]
        await people.admin.send("/assign R-01 1002 03.12")
        written.clear()
        for command in reads:
            await ola.send(command)
        await ola.send("/families")
        await ola.press("R-01")
        assert "Members:" in harness.fake.last_text(ola.chat_id)
        await ala.send("/plan R-01")  # the family's own assistant, during the cover
        assert "do not know that family" in harness.fake.last_text(ala.chat_id)
    # Not Ola's family for good: each read of hers is on the disk before she sees it.
    assert written == [
        (1002, "read.plan", True),
        (1002, "read.visits", True),
        (1002, "read.dossier", True),
        (1002, "read.card", True),
        (1001, "read.plan", True),  # the refusal
    ]
    assert harness.fake.errors == []
