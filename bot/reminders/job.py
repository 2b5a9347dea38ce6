"""The one periodic job: compute what is due into the outbox, then send the outbox."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.domain.replay import REPLAY_WINDOW
from bot.handlers.context import SERVICES_KEY
from bot.jobs import run_every
from bot.reminders.erasure import erase_due
from bot.services.dispatcher import Dispatcher
from bot.services.registry import Services
from bot.storage.persistence import SQLitePersistence

log = logging.getLogger(__name__)

DISPATCHER_KEY = "dispatcher"
TICK_SECONDS = 60
JOB_NAME = "reminder-tick"
PURGE_HOUR_UTC = 2


async def reminder_tick(context: Any) -> None:
    """Every minute: tick (idempotent, keyed rows) then dispatch (paced, retried)."""
    services: Services = context.application.bot_data[SERVICES_KEY]
    dispatcher: Dispatcher = context.application.bot_data[DISPATCHER_KEY]
    try:
        added = await services.reminders.tick()
        added += await services.team.tick()
        report = await dispatcher.dispatch()
        now = services.clock.now()
        if now.hour == PURGE_HOUR_UTC and now.minute == 0:  # once a day, at a quiet hour
            await services.reminders.purge()
            await erase_due(context.application, services)  # keep or erase: closed families
            await _forget_old_updates(context.application, now)
    except Exception:  # one bad minute must not stop the next ones
        log.exception("reminder tick failed")
        return
    if added or report.sent or report.requeued or report.failed or report.dropped:
        log.info(
            "reminders: %s new, %s sent, %s requeued, %s failed, %s dropped",
            added,
            report.sent,
            report.requeued,
            report.failed,
            report.dropped,
        )


async def _forget_old_updates(application: Any, now: datetime) -> None:
    """Processed update ids older than the replay window can never come again."""
    persistence = application.persistence
    if isinstance(persistence, SQLitePersistence):
        await persistence.forget_updates_before(now - REPLAY_WINDOW)


def stop_sending(application: Any) -> None:
    """At shutdown: end the dispatcher's run after the message in flight (a run may last 53 s)."""
    dispatcher: Dispatcher | None = application.bot_data.get(DISPATCHER_KEY)
    if dispatcher is not None:
        dispatcher.stop()


def schedule(application: Any, dispatcher: Dispatcher) -> None:
    """Run the tick every minute; a late run is coalesced and allowed a grace period."""
    application.bot_data[DISPATCHER_KEY] = dispatcher
    run_every(application, reminder_tick, JOB_NAME, seconds=TICK_SECONDS, first=5, grace=30)
