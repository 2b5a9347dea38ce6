"""Privacy sweep: pushes carry codes only, the log no names or notes, files stay private.

A whole session through the real bot (tests/services/privacy_world.py) with distinctive
names, notes, a purpose and a label; every push of every kind and every log record at DEBUG,
from every logger, is searched for them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from bot.__main__ import main
from bot.domain.lifecycle import CloseReason, Closure
from bot.domain.reminders.kinds import ReminderKind
from bot.logs import install
from bot.safekeeping.backups import ScheduledBackups
from bot.storage.files import mode_of
from tests.reminders.test_reminder_job import tick
from tests.services.privacy_world import CHILD, D0, MOTHER, OWNER, People, leaked, world
from tests.services.test_sweep_pushes import family_id, local, tick_at
from tests.support.fake_telegram import Call
from tests.support.harness import BotHarness
from tests.support.telegram_rules import TelegramRuleError

PUSHED = ("sendMessage", "editMessageText", "editMessageReplyMarkup")


def shown(call: Call) -> str:
    """What a call puts before a person: its text or caption and its buttons."""
    params = call.params
    return " ".join(str(params.get(key, "")) for key in ("text", "caption", "reply_markup"))


def refuse_once(harness: BotHarness, method: str, chat_id: int) -> None:
    """The next `method` to the chat is refused by Telegram with a Bad Request."""
    fake = harness.fake
    usual = fake._handlers[method]

    def refuse(call: Call) -> Any:
        if call.chat_id != chat_id:
            return usual(call)
        fake.route(method, usual)
        raise TelegramRuleError("Bad Request: message to be replied not found")

    fake.route(method, refuse)


def every_logger_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    """Every logger at DEBUG into caplog, whose handler has the filters `python -m bot` puts
    on its own (called in the test: caplog's handler is the test's, not its fixtures')."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    install(logging.getLogger())


def log_leaks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Each log record (message, arguments, traceback) that names content, briefly."""
    found = []
    for record in caplog.records:
        blob = " ".join((record.getMessage(), repr(record.args), str(record.exc_text or "")))
        if leaked(blob):
            found.append(f"{record.name} {record.levelname}: {leaked(blob)}")
    if leaked(caplog.text):
        found.append(f"formatted log: {leaked(caplog.text)}")
    return found


async def read_as_others(harness: BotHarness, people: People) -> None:
    """The coordinator and the admin read R-01 every way they can; one answer is refused."""
    boss, admin = people.boss, people.admin
    await boss.send("/team")
    await boss.press("Ala")
    await boss.press("R-01")
    card, fake = card_buttons(harness, boss.chat_id), harness.fake
    for data in card:
        await boss.press_data(*data)
    for command in ("/plan R-01 all", "/visits R-01", "/dossier R-01", "/report team 11.2026 csv"):
        await admin.send(command)
    admin.raise_errors = False
    refuse_once(harness, "sendMessage", admin.chat_id)  # the error handler logs it
    await admin.send("/visits R-01")
    assert any(c.error and c.chat_id == admin.chat_id for c in fake.calls)


def card_buttons(harness: BotHarness, chat_id: int) -> list[tuple[int, str]]:
    """The (message, data) of every button of the newest keyboard in the chat."""
    message = harness.fake.messages(chat_id)[-1]
    rows = message["reply_markup"]["inline_keyboard"]
    return [(int(message["message_id"]), str(b["callback_data"])) for row in rows for b in row]


async def test_a_whole_session_logs_no_name_note_or_purpose(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    every_logger_at_debug(caplog)
    people = await world(harness)
    with time_machine.travel(local(D0, 11), tick=False):
        await read_as_others(harness, people)
    refuse_once(harness, "sendMessage", people.ala.chat_id)  # a reminder Telegram refuses
    for moment in (local(D0, 18, 1), local(D0 + timedelta(days=1), 7, 31)):
        await tick_at(harness, moment)
    assert harness.app is not None  # polling: PTB logs each update it takes from the queue
    await harness.app.start()
    await harness.app.update_queue.put(people.ala.message_update(f"{MOTHER} and {CHILD}"))
    await harness.app.update_queue.join()
    await harness.app.stop()
    assert len(caplog.records) > 1000  # DEBUG was on: the libraries spoke
    assert "error while handling update" in caplog.text  # the Bad Request, with its traceback
    assert "not sent: BadRequest: Message to be replied not found" in caplog.text
    assert log_leaks(caplog) == []


# Pushes: every kind, codes only


async def pushes_at(harness: BotHarness, moment: Any, seen: list[Call]) -> None:
    """One tick at `moment`; what it sent is added to `seen`."""
    mark = len(harness.fake.calls)
    await tick_at(harness, moment)
    seen += [c for c in harness.fake.calls[mark:] if c.method in PUSHED]


async def test_every_kind_of_push_carries_codes_only(harness: BotHarness) -> None:
    people = await world(harness)
    seen: list[Call] = []
    day = [D0 + timedelta(days=n) for n in range(130)]
    for moment in (local(D0, 18, 1), local(day[1], 7, 31), local(day[1], 8, 31)):
        await pushes_at(harness, moment, seen)
    await pushes_at(harness, local(day[1], 12, 31), seen)  # how did it go?
    with time_machine.travel(local(day[1], 13), tick=False):
        await people.admin.send("/assign R-01 1002 03.12")  # a cover, both told
        await people.admin.send("/assign R-02 1002")  # for good, both told
    for n in range(1, 20):  # the cover's end, overdue visits, escalations, the team digests
        await pushes_at(harness, local(day[n], 8, 1), seen)
    harness.fake.block(people.ola.chat_id)  # out of reach: the admins are told
    for n in range(20, 26):
        await pushes_at(harness, local(day[n], 8, 1), seen)
    harness.fake.unblock(people.ola.chat_id)
    with time_machine.travel(local(day[26], 8, 30), tick=False):
        await people.ola.send("/start")  # back: her reminders resume
    assert harness.services is not None
    with time_machine.travel(local(day[26], 9), tick=False):
        closure = Closure(
            day=day[26], reason=CloseReason.REFUSED, summary="PODSUMOWANIE-TAJNE", monitor_months=3
        )
        await harness.services.cases.close(OWNER, await family_id(harness), closure)
    for later in (31, 92):  # record a contact; finish or extend?
        await pushes_at(harness, local(day[26] + timedelta(days=later), 10), seen)
    mark = len(harness.fake.calls)
    with time_machine.travel(local(day[125], 9), tick=False):  # after days down: a catch-up
        await tick(harness)
    seen += [c for c in harness.fake.calls[mark:] if c.method in PUSHED]
    assert harness.db is not None
    rows = await harness.db.fetch_all("SELECT DISTINCT kind FROM outbox WHERE sent_at IS NOT NULL")
    assert {str(r["kind"]) for r in rows} == {kind.value for kind in ReminderKind}
    assert len(seen) > 50
    assert any("Ola" in shown(c) for c in seen if c.chat_id == people.admin.chat_id)
    assert [(c.chat_id, leaked(shown(c))) for c in seen if leaked(shown(c))] == []


# Files: 0600 files, 0700 folders


def private(path: Path) -> bool:
    """Whether a file is 0600, or a folder 0700."""
    return mode_of(path) == (0o700 if path.is_dir() else 0o600)


async def test_the_database_its_copies_and_what_the_server_writes_are_private(
    harness: BotHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await world(harness)
    assert harness.db is not None
    assert harness.services is not None
    data = harness.settings.database_path.parent
    await harness.db.backup(tmp_path / "by hand" / "copy.sqlite3", None)
    shelf = ScheduledBackups(harness.db, tmp_path / "backups", 3, None, harness.services.clock)
    assert await shelf.run_if_due() is not None
    written = [data, *data.iterdir(), tmp_path / "by hand", tmp_path / "backups"]
    written += [*(tmp_path / "by hand").iterdir(), *shelf.existing()]
    assert {p.name for p in data.iterdir()} >= {"bot.sqlite3", "bot.sqlite3-wal"}
    wide = [f"{p} {mode_of(p):o}" for p in written if not private(p)]  # while the bot runs
    await harness.close()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-TOKEN")
    monkeypatch.setenv("DATABASE_PATH", str(harness.settings.database_path))
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", "500")
    monkeypatch.chdir(tmp_path)  # no .env here
    out = tmp_path / "for the family"
    commands = [
        ["export-family", "R-01", "--out", str(out / "r01.json")],
        ["dossier", "R-01", "--out", str(out / "dossier" / "r01.pdf")],
        ["report", "--month", "2026-11", "--format", "csv", "--out", str(out / "m" / "t.csv")],
        ["audit", "--family", "R-01", "--out", str(out / "access.csv")],
    ]
    before = os.umask(0o000)  # whatever the system makes would be open to everyone
    try:
        for argv in commands:
            assert await asyncio.to_thread(main, argv) == 0, argv
    finally:
        os.umask(before)
    assert (
        MOTHER in json.loads((out / "r01.json").read_text(encoding="utf-8"))["members"][0]["name"]
    )
    made = [out, out / "dossier", out / "m", *out.rglob("*")]
    wide += [f"{p.relative_to(tmp_path)} {mode_of(p):o}" for p in made if not private(p)]
    assert wide == []
