"""An erased family's reminders, already waiting to be sent, do not go out."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.people import Actor
from bot.services.reminders import Dispatcher
from bot.storage.outbox import OutboxItem
from tests.services.test_case_reminders import World, clock, local, tick_at, world

__all__ = ["clock", "world"]  # the fixtures this module uses


async def test_an_erased_family_s_monitoring_reminder_is_not_sent(
    world: World, clock: Any
) -> None:
    await tick_at(world, clock, local(date(2026, 12, 2), 10))  # R-01's monitoring reminder waits
    admin = Actor(telegram_id=500, is_admin=True)
    await world.services.retention.erase_now(admin, world.closed_id, "R-01")
    sent: list[OutboxItem] = []

    class Sender:
        async def send(self, chat_id: int, reminder: OutboxItem) -> None:
            sent.append(reminder)

    async def no_sleep(seconds: float) -> None:
        return None

    reminders = world.services.reminders.reminders
    await Dispatcher(reminders, Sender(), world.services.clock, sleep=no_sleep).dispatch()
    families = [item.facts.family_id for item in sent if item.kind.value == "monitoring_due"]
    assert families == [world.watched_id]  # R-02's still goes: the guard is not vacuous
