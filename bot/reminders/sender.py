"""Delivers outbox rows through Telegram: rendered text, helpful buttons, errors mapped."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.domain.reminders.facts import EscalationCase, MissedReminder
from bot.domain.reminders.kinds import ReminderKind
from bot.domain.reminders.quiet import folded_family
from bot.i18n import translator
from bot.services.dispatcher import RecipientGone, SendLater
from bot.storage.outbox import OutboxItem, UnreachableNotice
from bot.ui.callbacks import as_int, day_of_arg, decode, encode, register
from bot.ui.family_views import CARD_PREFIX, CONTACT_CARD_PREFIX, START_VISIT_PREFIX
from bot.ui.reminder_texts import render, render_unreachable
from bot.ui.team_views import TEAM_PREFIX
from bot.ui.text import shorten

REMINDER_PREFIX = register("rm", {"1h", "tomorrow", "done"})
MONITORING_PREFIX = register("mn", {"finish", "extend"})  # handlers/monitoring.py
OUTCOME_PREFIX = register("ao", {"attended", "not_attended", "rescheduled"})
VISIT_KINDS = {ReminderKind.OVERDUE_VISIT}
# The presses that answer in a new message, leaving the one pressed (see _folded_ways_in).
ANSWERED_ANEW = frozenset({CARD_PREFIX, START_VISIT_PREFIX, OUTCOME_PREFIX})
CODE_MAX = 24  # a family code on a catch-up's button
CATCH_UP_BUTTONS = 8  # ways in kept from the reminders folded into one catch-up (more: /team)
# The centre's pushes: their own buttons, no snoozing (bot/ui/team_texts.py renders them).
TEAM_KINDS = {
    ReminderKind.ESCALATION,
    ReminderKind.ESCALATION_TOLD,
    ReminderKind.TEAM_DIGEST,
    ReminderKind.COVER_STARTS,
    ReminderKind.COVER_ENDS,
    ReminderKind.HANDED_OVER,
}
NETWORK_RETRY_SECONDS = 60.0


def team_buttons(item: OutboxItem, *, folded: bool = False) -> InlineKeyboardMarkup | None:
    """An escalation's "Open" (the family's card, or the assistant's caseload); the assistant
    told of a family not seen gets "Record a visit", which carries the reminder (it has no
    ⏰ / ✔ to carry it) unless `folded` into a catch-up (the catch-up's own ⏰ / ✔ do)."""
    _ = translator(item.locale).gettext
    case = item.facts.escalation
    if case is None:
        return None
    if item.kind is ReminderKind.ESCALATION:
        if case.family_id is not None:
            data = encode(CARD_PREFIX, "-", "f", case.family_id)
        else:
            data = encode(TEAM_PREFIX, "-", "c", case.assistant_id)
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton("🔎 " + _("Open"), callback_data=data)]]
        )
    if case.case is EscalationCase.NO_VISIT and case.family_id is not None:
        data = encode(START_VISIT_PREFIX, "-" if folded else item.id, "f", case.family_id)
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(_("📝 Record a visit"), callback_data=data)]]
        )
    return None


def reminder_buttons(item: OutboxItem, *, folded: bool = False) -> InlineKeyboardMarkup | None:
    """Buttons where they help: record a visit, how did it go, snooze, tomorrow, done.

    `folded`: a reminder folded into a catch-up, whose buttons the catch-up shows.
    """
    if item.kind in TEAM_KINDS:
        return team_buttons(item, folded=folded)
    tr = translator(item.locale)
    _ = tr.gettext
    rows = _folded_ways_in(item)
    family_id = item.facts.family_id
    if item.kind in VISIT_KINDS and family_id is not None:
        rows.append(
            [
                InlineKeyboardButton(
                    _("📝 Record a visit"),
                    callback_data=encode(START_VISIT_PREFIX, "-", "f", family_id),
                )
            ]
        )
    rows += _monitoring_buttons(item)
    appointment = item.facts.appointment
    if item.kind is ReminderKind.OUTCOME_QUESTION and appointment is not None:
        choices = [
            (_("✅ Attended"), "attended"),
            (_("❌ Not attended"), "not_attended"),
            (_("📅 Rescheduled"), "rescheduled"),
        ]
        rows.append(
            [
                InlineKeyboardButton(
                    text, callback_data=encode(OUTCOME_PREFIX, appointment.appointment_id, status)
                )
                for text, status in choices
            ]
        )
    snoozes = [
        InlineKeyboardButton(_("⏰ 1 h"), callback_data=encode(REMINDER_PREFIX, item.id, "1h"))
    ]
    if item.kind is not ReminderKind.DIGEST:  # tomorrow's own digest says what is still open
        snoozes.append(
            InlineKeyboardButton(
                _("Tomorrow"), callback_data=encode(REMINDER_PREFIX, item.id, "tomorrow")
            )
        )
    done = InlineKeyboardButton(
        _("✔ Done"), callback_data=encode(REMINDER_PREFIX, item.id, "done")
    )
    rows.append([*snoozes, done])
    return InlineKeyboardMarkup(rows)


def _folded_ways_in(item: OutboxItem) -> list[list[InlineKeyboardButton]]:
    """A catch-up's buttons: each folded reminder's own, named by its family's code.

    Only buttons that answer in a message of their own (a family's card, a visit to record,
    an appointment's outcome): the others (a caseload, a monitoring contact, finish or
    extend) edit or settle the message pressed, which here would wipe the whole catch-up.
    The catch-up's own snooze row stands for the folded ones'. At most CATCH_UP_BUTTONS rows.
    """
    rows: list[list[InlineKeyboardButton]] = []
    seen: set[tuple[str, ...]] = set()
    for missed in item.facts.missed:
        single = item.model_copy(update={"kind": missed.kind, "facts": missed.facts})
        markup = reminder_buttons(single, folded=True)
        code = shorten(_family_code(missed), CODE_MAX)
        for row in () if markup is None else markup.inline_keyboard:
            data = tuple(str(button.callback_data) for button in row)
            if data[0].split(":", 1)[0] not in ANSWERED_ANEW or data in seen:
                continue
            seen.add(data)
            rows.append(
                [
                    InlineKeyboardButton(f"{button.text} · {code}", callback_data=key)
                    for button, key in zip(row, data, strict=True)
                ]
            )
            if len(rows) == CATCH_UP_BUTTONS:
                return rows
    return rows


def folded_families(item: OutboxItem) -> dict[str, int]:
    """A catch-up's family buttons (their callback data) and the family each one acts on."""
    found: dict[str, int] = {}
    for missed in item.facts.missed:
        family = folded_family(missed)
        if family is None:
            continue
        single = item.model_copy(update={"kind": missed.kind, "facts": missed.facts})
        markup = reminder_buttons(single, folded=True)
        for row in () if markup is None else markup.inline_keyboard:
            for button in row:
                data = str(button.callback_data)
                if data.split(":", 1)[0] in ANSWERED_ANEW:
                    found[data] = family[0]
    return found


def told_reminder(data: str) -> tuple[int, int] | None:
    """The outbox id and the family an escalation told to the assistant carries on its
    📝 Record a visit (a card's, a catch-up's and an older one's carry none)."""
    press = decode(data)
    if press is None or press.prefix != START_VISIT_PREFIX:
        return None
    outbox_id, family_id = as_int(press.token), as_int(press.arg)
    return None if outbox_id is None or family_id is None else (outbox_id, family_id)


def _family_code(missed: MissedReminder) -> str:
    """The family a folded reminder is about (every button kept in a catch-up has one)."""
    case = missed.facts.escalation
    code = case.family_code if case is not None else missed.facts.family_code
    return code or ""


def _monitoring_buttons(item: OutboxItem) -> list[list[InlineKeyboardButton]]:
    """A monthly reminder: record the contact; the end of monitoring: finish or extend."""
    monitoring = item.facts.monitoring
    if monitoring is None:
        return []
    _ = translator(item.locale).gettext
    family_id = monitoring.family_id
    if item.kind is ReminderKind.MONITORING_ENDS:
        # The end shown and the closure's period: not a later monitoring's (closed and
        # monitored anew), even one ending on the same day.
        until = day_of_arg(monitoring.until, monitoring.period_id)
        return [
            [
                InlineKeyboardButton(
                    _("✔ Finish monitoring"),
                    callback_data=encode(MONITORING_PREFIX, family_id, "finish", until),
                ),
                InlineKeyboardButton(
                    _("➕ 3 more months"),
                    # The end it extends from: pressed twice, it extends once.
                    callback_data=encode(MONITORING_PREFIX, family_id, "extend", until),
                ),
            ]
        ]
    return [
        [
            InlineKeyboardButton(
                _("👁 Record a contact"),
                callback_data=encode(CONTACT_CARD_PREFIX, "-", "f", family_id),
            )
        ]
    ]


class TelegramSender:
    """The Sender the dispatcher uses in production."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    async def send(self, chat_id: int, reminder: OutboxItem) -> None:
        """Send one reminder; Telegram's 429 and 403 become the service's own signals."""
        text = render(translator(reminder.locale), reminder)
        try:
            await self.bot.send_message(chat_id, text, reply_markup=reminder_buttons(reminder))
        except RetryAfter as exc:
            wait = exc.retry_after
            raise SendLater(
                wait if isinstance(wait, int | float) else wait.total_seconds()
            ) from exc
        except Forbidden as exc:
            raise RecipientGone() from exc
        except BadRequest:
            raise  # a fault of ours (or a vanished chat): backoff and a retry limit, not a loop
        except (TimedOut, NetworkError) as exc:  # Telegram out of reach: try again shortly
            raise SendLater(NETWORK_RETRY_SECONDS) from exc


async def tell_admins(
    bot: Any, admin_ids: frozenset[int], locale: str, notice: UnreachableNotice
) -> None:
    """Tell every admin that an assistant blocked the bot and their reminders stopped."""
    text = render_unreachable(translator(locale), notice)
    for admin_id in admin_ids:
        try:
            await bot.send_message(admin_id, text)
        except (Forbidden, RetryAfter):
            continue
