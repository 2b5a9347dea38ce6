"""The Telegram sender: Telegram's errors become the dispatcher's signals; helpful buttons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram.error import Forbidden, RetryAfter, TimedOut

from bot.domain.appointment import Institution
from bot.domain.reminders.facts import (
    AppointmentFact,
    DigestFacts,
    EscalationCase,
    EscalationFact,
    MissedReminder,
    ReminderFacts,
    VisitGapFact,
)
from bot.domain.reminders.kinds import ReminderKind
from bot.reminders.sender import CATCH_UP_BUTTONS, TelegramSender, reminder_buttons
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


def test_a_digest_has_no_tomorrow_button() -> None:
    """Snoozed to tomorrow, it came beside tomorrow's own digest, which says what is open."""
    digest = ReminderFacts(digest=DigestFacts(day=NOW.date()))
    item = overdue_item().model_copy(update={"kind": ReminderKind.DIGEST, "facts": digest})
    markup = reminder_buttons(item)
    assert markup is not None
    assert [b.callback_data for b in markup.inline_keyboard[-1]] == ["rm:42:1h:", "rm:42:done:"]


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


def _folded(kind: ReminderKind, facts: ReminderFacts, minutes: int = 0) -> MissedReminder:
    """A reminder folded into a catch-up."""
    return MissedReminder(kind=kind, due_at=NOW + timedelta(minutes=minutes), facts=facts)


def catch_up_item(*missed: MissedReminder, locale: str = "en") -> OutboxItem:
    """A catch-up holding the given reminders."""
    return overdue_item().model_copy(
        update={
            "kind": ReminderKind.CATCH_UP,
            "facts": ReminderFacts(missed=missed),
            "key": "catch_up:1001:2026-11-25T06",
            "locale": locale,
        }
    )


def _escalation(case: EscalationCase, **fields: Any) -> ReminderFacts:
    return ReminderFacts(escalation=EscalationFact(case=case, assistant_id=1002, **fields))


def test_a_catch_up_keeps_each_folded_reminder_s_way_in() -> None:
    gap = VisitGapFact(family_id=7, family_code="R-07", days=9, visited=True, visits_per_week=1)
    appointment = AppointmentFact(
        appointment_id=5,
        family_id=7,
        family_code="R-07",
        institution=Institution.COURT,
        starts_at=NOW - timedelta(hours=3),
        accompany=False,
    )
    item = catch_up_item(
        _folded(
            ReminderKind.ESCALATION,
            _escalation(EscalationCase.NO_VISIT, family_id=3, family_code="R-03"),
        ),
        _folded(
            ReminderKind.ESCALATION, _escalation(EscalationCase.UNREACHABLE, assistant_name="Ola")
        ),
        _folded(ReminderKind.OVERDUE_VISIT, ReminderFacts(visit_gap=gap)),
        _folded(ReminderKind.OVERDUE_VISIT, ReminderFacts(visit_gap=gap), minutes=60),  # again
        _folded(ReminderKind.OUTCOME_QUESTION, ReminderFacts(appointment=appointment)),
    )
    markup = reminder_buttons(item)
    assert markup is not None
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    # Ola's caseload would open in place of the catch-up: it is left to /team.
    assert rows[:3] == [
        [("🔎 Open · R-03", "fc:-:f:3")],
        [("📝 Record a visit · R-07", "fv:-:f:7")],  # once, though folded twice
        [
            ("✅ Attended · R-07", "ao:5:attended:"),
            ("❌ Not attended · R-07", "ao:5:not_attended:"),
            ("📅 Rescheduled · R-07", "ao:5:rescheduled:"),
        ],
    ]
    # The catch-up's own snooze row, once, stands for the folded reminders' rows.
    assert [data for _, data in rows[3]] == ["rm:42:1h:", "rm:42:tomorrow:", "rm:42:done:"]
    assert len(rows) == 4
    polish = reminder_buttons(catch_up_item(*item.facts.missed, locale="pl"))
    assert polish is not None
    assert polish.inline_keyboard[0][0].text == "🔎 Otwórz · R-03"


def test_a_long_catch_up_keeps_a_few_ways_in() -> None:
    folded = [
        _folded(
            ReminderKind.OVERDUE_VISIT,
            ReminderFacts(
                visit_gap=VisitGapFact(
                    family_id=n, family_code=f"R-{n:02}", days=9, visited=True, visits_per_week=1
                )
            ),
            minutes=n,
        )
        for n in range(1, 30)
    ]
    markup = reminder_buttons(catch_up_item(*folded))
    assert markup is not None
    rows = markup.inline_keyboard
    assert len(rows) == CATCH_UP_BUTTONS + 1  # and the catch-up's own snooze row
    assert rows[CATCH_UP_BUTTONS - 1][0].text.endswith("R-08")
