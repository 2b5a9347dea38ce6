"""The Telegram sender: Telegram's errors become the dispatcher's signals; helpful buttons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram.error import Forbidden, RetryAfter, TimedOut

from bot.domain.reminders.facts import ReminderFacts, VisitGapFact
from bot.domain.reminders.kinds import ReminderKind
from bot.reminders.sender import TelegramSender, reminder_buttons
from bot.services.reminders import RecipientGone, SendLater
from bot.storage.outbox import OutboxItem

NOW = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)


def overdue_item() -> OutboxItem:
    """An overdue-visit reminder for R-07."""
    gap = VisitGapFact(family_id=7, family_code="R-07", days=9, visited=True, visits_per_week=1)
    return OutboxItem(
        id=42,
        key="overdue:1:7:2026-11-25",
        assistant_id=1001,
        kind=ReminderKind.OVERDUE_VISIT,
        facts=ReminderFacts(visit_gap=gap),
        due_at=NOW,
        next_attempt_at=NOW,
        created_at=NOW,
        locale="en",
    )


class RaisingBot:
    """A bot whose send_message raises the given error (or records the call)."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.sent: list[dict[str, Any]] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        """Raise, or remember what would have been sent."""
        if self.error is not None:
            raise self.error
        self.sent.append({"chat_id": chat_id, "text": text, **kwargs})


def test_overdue_visit_offers_to_record_one() -> None:
    markup = reminder_buttons(overdue_item())
    assert markup is not None
    rows = markup.inline_keyboard
    assert rows[0][0].callback_data == "fv:-:f:7"
    assert [b.callback_data for b in rows[-1]] == ["rm:42:1h:", "rm:42:tomorrow:", "rm:42:done:"]


async def test_a_sent_reminder_carries_text_and_buttons() -> None:
    bot = RaisingBot()
    await TelegramSender(bot).send(1001, overdue_item())
    assert "R-07" in bot.sent[0]["text"]
    assert bot.sent[0]["reply_markup"] is not None


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (RetryAfter(timedelta(seconds=7)), SendLater),
        (TimedOut(), SendLater),
        (Forbidden("Forbidden: bot was blocked by the user"), RecipientGone),
    ],
)
async def test_telegram_errors_become_dispatcher_signals(
    error: Exception, expected: type[Exception]
) -> None:
    with pytest.raises(expected):
        await TelegramSender(RaisingBot(error)).send(1001, overdue_item())
