"""A Monday morning made from its stored batch: the messages' buttons work as before."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from tests.conversations.test_record_visit import assistant_with_family
from tests.reminders.test_reminder_job import tick
from tests.support.harness import BotHarness

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY_8 = datetime.combine(date(2026, 12, 7), time(8), tzinfo=WARSAW).astimezone(UTC)


async def test_the_expanded_morning_s_buttons_start_a_visit_and_snooze(
    harness: BotHarness,
) -> None:
    with time_machine.travel(MONDAY_8 - timedelta(days=30), tick=True):
        sim = await assistant_with_family(harness)
    with time_machine.travel(MONDAY_8, tick=True):
        harness.fake.clear()
        await tick(harness)
        assert harness.db is not None
        row = await harness.db.fetch_one(
            "SELECT count(*) AS n FROM morning_batches WHERE expanded_at IS NOT NULL"
        )
        assert row is not None
        assert row["n"] == 1  # the morning went through its batch
        digest = harness.fake.sent(sim.chat_id)[0]
        assert "Good morning" in str(digest.params["text"])
        snooze = digest.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        mark = len(harness.fake.calls)
        await sim.press_data(int(digest.result["message_id"]), snooze)
        said = [c for c in harness.fake.calls[mark:] if c.method == "answerCallbackQuery"]
        assert len(said) == 1
        assert said[0].ok
        assert said[0].params.get("text")  # the snooze is confirmed in the answer
        assert await harness.db.fetch_one(
            "SELECT 1 AS due FROM outbox WHERE kind = 'digest' AND status = 'pending'"
        )  # it comes again in an hour
        await sim.press("📝 Record a visit")
        assert "When was it?" in harness.fake.last_text(sim.chat_id)
    assert harness.fake.errors == []


async def test_a_snoozed_digest_lists_an_appointment_booked_for_today_meanwhile(
    harness: BotHarness,
) -> None:
    with time_machine.travel(MONDAY_8 - timedelta(days=30), tick=True):
        sim = await assistant_with_family(harness)
    with time_machine.travel(MONDAY_8, tick=True):
        harness.fake.clear()
        await tick(harness)
        digest = harness.fake.sent(sim.chat_id)[0]
        assert "Good morning" in str(digest.params["text"])
        assert "Appointments today" not in str(digest.params["text"])
        [snooze] = [
            button["callback_data"]
            for row in digest.params["reply_markup"]["inline_keyboard"]
            for button in row
            if "1 h" in button["text"]
        ]
        await sim.press_data(int(digest.result["message_id"]), snooze)
        # While the digest is snoozed, a hearing is booked for this afternoon.
        await sim.send("/appointment R-01")
        await sim.press("Anna")
        await sim.press("Done")
        await sim.press("Court")
        await sim.send("SR Wola-Secret")
        await sim.send("today 14:00")
        await sim.press("Yes")
        await sim.press("Yes, I go along")
        await sim.send("Custody-Secret hearing")
        await sim.press("Save")
    mark = len(harness.fake.calls)
    with time_machine.travel(MONDAY_8 + timedelta(minutes=61), tick=True):
        await tick(harness)
    [again] = [
        str(c.params["text"])
        for c in harness.fake.calls[mark:]
        if c.method == "sendMessage"
        and c.chat_id == sim.chat_id
        and "Good morning" in str(c.params["text"])
    ]
    assert "Appointments today" in again
    assert "14:00 <b>R-01</b>: Court, you go along" in again
    for secret in ("Anna", "Wola-Secret", "Custody-Secret"):
        assert secret not in again
    assert harness.fake.errors == []
