"""Each monitoring (a closure's case period) gets its own reminders, once, through the real tick.

A family reopened and closed again so that the new monitoring ends on the day the earlier one
did (or has its monthly reminder on the same anniversary) still gets the new monitoring's
reminders; the earlier monitoring's snoozed "finish or extend?" is not sent about the new one;
and a reminder stored before the upgrade (its key without the period) is not sent again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.domain.errors import Settled
from bot.domain.lifecycle import CloseReason, Closure
from bot.i18n import translator
from bot.services.registry import Services
from bot.ui.labels import describe_error
from tests.conversations.test_case_walks import _with_family, close_r01
from tests.reminders.test_monitoring_presses import TODAY, UNTIL, _finish_on
from tests.reminders.test_reminder_job import tick
from tests.reminders.test_sweep_reminder_buttons import answers
from tests.support.harness import BotHarness
from tests.support.updates import UserSim

ENDS = "The monitoring of <b>R-01</b> after the closure ended"
MONTHLY = "time to record a monitoring contact"


def _utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


ENDS_DAY = _utc(2027, 6, 1, 7, 30)  # 09:30 in Warsaw, a Tuesday


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A Tuesday morning in Warsaw (1 December 2026)."""
    with time_machine.travel(_utc(2026, 12, 1, 9, 30), tick=True):
        yield


def _services(harness: BotHarness) -> Services:
    """The running bot's services."""
    assert harness.services is not None
    return harness.services


def _reminders(harness: BotHarness, sim: UserSim, text: str, since: int = 0) -> list[int]:
    """The ids of the messages sent to `sim` after call number `since` that contain `text`."""
    return [
        int(c.result["message_id"])
        for c in harness.fake.calls[since:]
        if c.method == "sendMessage"
        and c.chat_id == sim.chat_id
        and text in str(c.params.get("text"))
        and isinstance(c.result, dict)
    ]


async def _closed_again_as_of_the_first_closure(harness: BotHarness, sim: UserSim) -> int:
    """R-01 reopened as of 1 December and closed on it again for 6 months: the new period."""
    services = _services(harness)
    actor = await services.membership.actor(sim.user_id)
    family = await services.families.families.by_code("R-01")
    assert family is not None
    await services.cases.reopen(actor, family.id, TODAY)
    reason = CloseReason.GOALS_ACHIEVED
    again = Closure(day=TODAY, reason=reason, summary="Again", monitor_months=6)
    await services.cases.close(actor, family.id, again)
    earlier, new = await services.cases.cases.periods_of(family.id)
    assert earlier.monitoring_until == new.monitoring_until == UNTIL  # the same end, twice
    return new.id


async def _ended_and_told(harness: BotHarness) -> tuple[UserSim, int, int]:
    """R-01 closed on 1 December, monitored until 1 June; that morning's tick asks "finish or
    extend?". The sim, R-01 and the reminder's message."""
    sim, family_id = await _with_family(harness)
    await close_r01(sim)
    with time_machine.travel(ENDS_DAY, tick=True):
        await tick(harness)
    [message_id] = _reminders(harness, sim, ENDS)
    return sim, family_id, message_id


async def test_a_new_monitoring_ending_on_the_same_day_asks_finish_or_extend_once(
    harness: BotHarness,
) -> None:
    # Before: its key (assistant, family, end) was the earlier monitoring's, so the new
    # monitoring's "finish or extend?" was never stored: it never came.
    sim, family_id, first = await _ended_and_told(harness)
    with time_machine.travel(_utc(2027, 6, 2, 7, 0), tick=True):
        new_period = await _closed_again_as_of_the_first_closure(harness, sim)
    mark = len(harness.fake.calls)
    for moment in (_utc(2027, 6, 2, 7, 31), _utc(2027, 6, 2, 7, 32)):
        with time_machine.travel(moment, tick=True):
            await tick(harness)
    [second] = _reminders(harness, sim, ENDS, mark)
    assert _finish_on(harness, sim, second) == f"mn:{family_id}:finish:20270601.{new_period}"
    assert second != first
    mark = len(harness.fake.calls)
    with time_machine.travel(_utc(2027, 6, 3, 7, 31), tick=True):
        await tick(harness)  # the next morning: asked once, not again
    assert _reminders(harness, sim, ENDS, mark) == []
    assert harness.fake.errors == []


async def test_a_new_monitoring_gets_its_monthly_reminder_on_the_earlier_ones_anniversary(
    harness: BotHarness,
) -> None:
    # Before: the new monitoring's reminder for the anniversary 1 February had the key of the
    # earlier monitoring's, sent that morning, and was never stored.
    sim, _ = await _with_family(harness)
    await close_r01(sim)
    with time_machine.travel(_utc(2027, 2, 1, 8, 0), tick=True):  # a Monday
        await tick(harness)
        assert len(_reminders(harness, sim, MONTHLY)) == 1
        await _closed_again_as_of_the_first_closure(harness, sim)
    mark = len(harness.fake.calls)
    with time_machine.travel(_utc(2027, 2, 1, 8, 5), tick=True):
        await tick(harness)
    assert len(_reminders(harness, sim, MONTHLY, mark)) == 1
    mark = len(harness.fake.calls)
    with time_machine.travel(_utc(2027, 2, 2, 8, 0), tick=True):
        await tick(harness)  # the next morning: once, not again
    assert _reminders(harness, sim, MONTHLY, mark) == []
    assert harness.fake.errors == []


@pytest.mark.parametrize(
    ("morning", "text"),
    [(ENDS_DAY, ENDS), (_utc(2027, 2, 1, 8, 0), MONTHLY)],
    ids=["finish or extend", "monthly"],
)
async def test_an_earlier_monitorings_reminder_snoozed_after_the_new_closure_is_not_sent_again(
    harness: BotHarness, morning: datetime, text: str
) -> None:
    # Before: ⏰ 1 h on the earlier monitoring's reminder, pressed once the family was closed
    # and monitored anew, snoozed it ("I will remind you again at …"), and an hour later it
    # came again: the check at sending looked at the end only (the same, or told the new one).
    sim, _ = await _with_family(harness)
    await close_r01(sim)
    with time_machine.travel(morning, tick=True):
        await tick(harness)
        [first] = _reminders(harness, sim, text)
        await _closed_again_as_of_the_first_closure(harness, sim)
        await tick(harness)  # the new monitoring's own reminder
        [*_, own] = _reminders(harness, sim, text)
        assert own != first
        mark = len(harness.fake.calls)
        await sim.press_data(first, _finish_on(harness, sim, first, "⏰ 1 h"))
        assert answers(harness, mark) == [
            "R-01 was reopened and closed again since: this reminder was about its earlier "
            "monitoring, so it is closed."
        ]
    pressed = harness.fake.message(sim.chat_id, first)
    assert pressed is not None
    assert "reply_markup" not in pressed  # nothing is left to press on it
    mark = len(harness.fake.calls)
    with time_machine.travel(morning + timedelta(minutes=65), tick=True):
        await tick(harness)  # the hour is over
    assert _reminders(harness, sim, text, mark) == []
    assert harness.fake.errors == []


# --- reminders stored before the upgrade, under keys without the period ------------------------


async def _as_stored_before_the_upgrade(
    harness: BotHarness, sim: UserSim, family_id: int, payload: str
) -> None:
    """The bot stopped; its "finish or extend?" row as the bot before migration 0028 stored
    it (the key without the period, the facts with it or, older, without), the database at
    version 27; then the new bot started (it migrates)."""
    assert harness.db is not None
    async with harness.db.write() as conn:
        cursor = await conn.execute(
            "UPDATE outbox SET key = ?, payload = CASE ? WHEN 'without' "
            "  THEN json_remove(payload, '$.monitoring.period_id') ELSE payload END "
            "WHERE kind = 'monitoring_ends'",
            (f"monitoring_ends:{sim.user_id}:{family_id}:2027-06-01", payload),
        )
        assert cursor.rowcount == 1
        await conn.execute("PRAGMA user_version = 27")
    await harness.restart()


@pytest.mark.parametrize("payload", ["with", "without"], ids=["facts with period", "older"])
async def test_a_finish_or_extend_sent_before_the_upgrade_is_not_sent_again(
    harness: BotHarness, payload: str
) -> None:
    # Its key without the period: the first tick after the upgrade, computing the key with
    # the period, would find none and ask again (checked without the migration).
    sim, family_id, _ = await _ended_and_told(harness)
    await _as_stored_before_the_upgrade(harness, sim, family_id, payload)
    assert harness.db is not None
    assert await harness.db.schema_version() >= 28
    mark = len(harness.fake.calls)
    for moment in (ENDS_DAY.replace(minute=45), _utc(2027, 6, 2, 7, 31)):
        with time_machine.travel(moment, tick=True):
            await tick(harness)
    assert _reminders(harness, sim, ENDS, mark) == []
    assert harness.fake.errors == []


@pytest.mark.parametrize("payload", ["with", "without"], ids=["facts with period", "older"])
async def test_an_earlier_monitorings_reminder_from_before_the_upgrade_leaves_the_new_ones(
    harness: BotHarness, payload: str
) -> None:
    # The earlier monitoring's "finish or extend?", stored before the upgrade, is that
    # monitoring's (made before the new closure), not the new one's: the new one still asks.
    sim, family_id, _ = await _ended_and_told(harness)
    with time_machine.travel(_utc(2027, 6, 2, 7, 0), tick=True):
        new_period = await _closed_again_as_of_the_first_closure(harness, sim)
        await _as_stored_before_the_upgrade(harness, sim, family_id, payload)
    mark = len(harness.fake.calls)
    for moment in (_utc(2027, 6, 2, 7, 31), _utc(2027, 6, 3, 7, 31)):
        with time_machine.travel(moment, tick=True):
            await tick(harness)
    [second] = _reminders(harness, sim, ENDS, mark)
    assert _finish_on(harness, sim, second) == f"mn:{family_id}:finish:20270601.{new_period}"
    assert harness.fake.errors == []


def test_the_earlier_monitorings_reminder_closing_reads_in_polish() -> None:
    closed = Settled("reminder_monitoring_earlier", family_code="R-01")
    assert describe_error(translator("pl"), closed) == (
        "Praca z rodziną R-01 została od tego czasu wznowiona i ponownie zakończona: to "
        "przypomnienie dotyczyło wcześniejszego monitoringu tej rodziny, więc jest zamknięte."
    )


async def test_record_a_contact_on_the_earlier_monitorings_monthly_reminder_closes_it(
    harness: BotHarness,
) -> None:
    # The new monitoring has its own monthly reminder (sent beside it); the earlier one's
    # closes as its ⏰ 1 h would, and no contact walk starts from it.
    sim, _ = await _with_family(harness)
    await close_r01(sim)
    with time_machine.travel(_utc(2027, 2, 1, 8, 0), tick=True):
        await tick(harness)
        [first] = _reminders(harness, sim, MONTHLY)
        await _closed_again_as_of_the_first_closure(harness, sim)
        mark = len(harness.fake.calls)
        await sim.press_data(first, _finish_on(harness, sim, first, "👁 Record a contact"))
    assert answers(harness, mark) == [
        "R-01 was reopened and closed again since: this reminder was about its earlier "
        "monitoring, so it is closed."
    ]
    assert [c for c in harness.fake.calls[mark:] if c.method == "sendMessage"] == []
    pressed = harness.fake.message(sim.chat_id, first)
    assert pressed is not None
    assert "reply_markup" not in pressed
    assert harness.fake.errors == []
