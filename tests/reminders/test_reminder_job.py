"""The minute job through the real Application: outbox → Telegram, buttons, 403 and 429."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import time_machine

from bot.domain.appointment import AppointmentStatus
from bot.reminders.job import reminder_tick
from tests.conversations.test_new_family import register_family
from tests.support.harness import ADMIN_ID, BotHarness
from tests.support.updates import UserSim

WEDNESDAY = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)  # 10:30 in Warsaw
EVENING = datetime(2026, 11, 25, 17, 1, tzinfo=UTC)  # 18:01 in Warsaw
THURSDAY_MORNING = datetime(2026, 11, 26, 6, 31, tzinfo=UTC)  # 07:31 in Warsaw
AFTER = datetime(2026, 11, 26, 11, 31, tzinfo=UTC)  # 12:31 in Warsaw, 2 h after the hearing


async def tick(harness: BotHarness) -> None:
    """One run of the minute job, as the JobQueue would call it."""
    assert harness.app is not None
    await reminder_tick(SimpleNamespace(application=harness.app))


async def booked(harness: BotHarness) -> UserSim:
    """An assistant with R-01 (Anna) and a court hearing tomorrow at 10:30, going along."""
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Anna", "mother"),))
    await sim.send("/appointment R-01")
    await sim.press("Anna")
    await sim.press("Done")
    await sim.press("Court")
    await sim.send("SR Wola-Secret")
    await sim.send("jutro 10:30")
    await sim.press("Yes")
    await sim.press("Yes, I go along")
    await sim.send("Custody-Secret hearing")
    await sim.press("Save")
    await tick(harness)  # today's morning batch (due since 07:30) goes now, out of the way
    return sim


def reminders_to(harness: BotHarness, chat_id: int, since: int) -> list[str]:
    """Texts the bot sent on its own to a chat after call number `since`."""
    return [
        str(c.params.get("text", ""))
        for c in harness.fake.calls[since:]
        if c.method == "sendMessage" and c.chat_id == chat_id
    ]


async def test_evening_reminder_carries_codes_only_and_its_buttons_work(
    harness: BotHarness,
) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
    mark = len(harness.fake.calls)
    with time_machine.travel(EVENING, tick=True):
        await tick(harness)
        await tick(harness)  # a second run in the same minute sends nothing new
        texts = reminders_to(harness, sim.chat_id, mark)
        assert len(texts) == 1
        assert "R-01" in texts[0]
        assert "10:30" in texts[0]
        for secret in ("Anna", "Wola-Secret", "Custody-Secret"):
            assert secret not in texts[0]
        await sim.press("Done")
        answers = [c for c in harness.fake.calls if c.method == "answerCallbackQuery"]
        assert "Done" in answers[-1].params.get("text", "")
    assert harness.fake.errors == []


async def test_snooze_sends_it_again_an_hour_later(harness: BotHarness) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
    with time_machine.travel(EVENING, tick=True):
        await tick(harness)
        await sim.press("1 h")
    mark = len(harness.fake.calls)
    with time_machine.travel(EVENING + timedelta(minutes=30), tick=True):
        await tick(harness)
        assert reminders_to(harness, sim.chat_id, mark) == []
    with time_machine.travel(EVENING + timedelta(minutes=62), tick=True):
        await tick(harness)
        assert len(reminders_to(harness, sim.chat_id, mark)) == 1


async def test_a_blocked_bot_stops_reminders_and_tells_the_admins(harness: BotHarness) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
        admin = harness.user(ADMIN_ID, language_code="en")
        await admin.send("/help")
    harness.fake.block(sim.user_id)
    mark = len(harness.fake.calls)
    with time_machine.travel(EVENING, tick=True):
        await tick(harness)
        admin_texts = reminders_to(harness, ADMIN_ID, mark)
        assert len(admin_texts) == 1
        assert str(sim.user_id) in admin_texts[0] or "Anna" in admin_texts[0]
    mark = len(harness.fake.calls)
    with time_machine.travel(EVENING + timedelta(hours=15), tick=True):
        await tick(harness)
        assert not [c for c in harness.fake.calls[mark:] if c.chat_id == sim.chat_id]


async def test_flood_control_requeues_and_sends_once(harness: BotHarness) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
    harness.fake.flood(1, retry_after=1)
    mark = len(harness.fake.calls)
    with time_machine.travel(EVENING, tick=True):
        await tick(harness)
    with time_machine.travel(EVENING + timedelta(minutes=2), tick=True):
        await tick(harness)
    to_chat = [
        c
        for c in harness.fake.calls[mark:]
        if c.method == "sendMessage" and c.chat_id == sim.chat_id
    ]
    assert [c.error_code for c in to_chat if not c.ok] == [429]
    assert len([c for c in to_chat if c.ok]) == 1


async def test_outcome_question_after_the_appointment(harness: BotHarness) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
    with time_machine.travel(THURSDAY_MORNING, tick=True):
        await tick(harness)
    with time_machine.travel(AFTER, tick=True):
        await tick(harness)
        buttons = [b for row in harness.fake.last_markup(sim.chat_id) for b, _ in row]
        assert "✅ Attended" in buttons
        await sim.press("Attended")
        await sim.send("Went well; next hearing in March")
        assert "Saved" in harness.fake.last_text(sim.chat_id)
        assert harness.services is not None
        actor = await harness.services.membership.actor(sim.user_id)
        card = await harness.services.appointments.get(actor, 1)
        assert card.appointment.status is AppointmentStatus.ATTENDED
        assert card.appointment.outcome == "Went well; next hearing in March"
    assert harness.fake.errors == []


async def test_a_reassigned_familys_reminders_go_to_the_new_assistant(
    harness: BotHarness,
) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        first = await booked(harness)
        second = await harness.assistant(2002, language_code="en")
        await tick(harness)
        admin = harness.user(ADMIN_ID, language_code="en")
        await admin.send(f"/assign R-01 {second.user_id}")
        await tick(harness)  # both are told of the hand-over (tests/handlers/test_hand_over.py)
    assert "handed over to another" in harness.fake.last_text(first.chat_id)
    mark = len(harness.fake.calls)
    with time_machine.travel(EVENING, tick=True):
        await tick(harness)
    assert reminders_to(harness, first.chat_id, mark) == []
    to_second = reminders_to(harness, second.chat_id, mark)
    assert len(to_second) == 1
    assert "R-01" in to_second[0]


async def test_moving_an_appointment_away_and_back_keeps_its_reminders(
    harness: BotHarness,
) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        sim = await booked(harness)
        assert harness.services is not None
        actor = await harness.services.membership.actor(sim.user_id)
        card = await harness.services.appointments.get(actor, 1)
        original = card.appointment.starts_at
        with time_machine.travel(EVENING - timedelta(hours=1), tick=True):
            await tick(harness)  # nothing due yet, but the evening row may be queued early
        await harness.services.appointments.move(actor, 1, original + timedelta(hours=1))
        await tick(harness)
        await harness.services.appointments.move(actor, 1, original)
    mark = len(harness.fake.calls)
    with time_machine.travel(EVENING, tick=True):
        await tick(harness)
    texts = reminders_to(harness, sim.chat_id, mark)
    assert len(texts) == 1
    assert "10:30" in texts[0]
