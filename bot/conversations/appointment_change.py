"""Changing an appointment: move it (from its card), or answer "how did it go?" (from the
reminder after its time): attended / not attended / rescheduled, a short outcome note, and
for a rescheduled one the new date in the same walk. States: appointment_change.mmd.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot.conversations.common import (
    Answered,
    DraftStore,
    ask,
    build_walk,
    busy_elsewhere,
    new_token,
    stale,
    step_token,
    tell_busy,
)
from bot.domain.appointment import OUTCOME_MAX, AppointmentStatus, check_start
from bot.domain.errors import DomainError
from bot.domain.when import parse_when
from bot.handlers.agenda import MOVE_PREFIX
from bot.handlers.common import answer_press, show
from bot.handlers.context import BotContext
from bot.reminders.sender import OUTCOME_PREFIX
from bot.ui import labels
from bot.ui.callbacks import as_int, decode
from bot.ui.keyboards import button
from bot.ui.text import esc

PREFIX = "ac"
NAME = "appointment_change"
END = ConversationHandler.END
WHEN_FORMAT = "EEEE d MMMM y, HH:mm"
OUTCOMES = {
    s.value
    for s in (
        AppointmentStatus.ATTENDED,
        AppointmentStatus.NOT_ATTENDED,
        AppointmentStatus.RESCHEDULED,
    )
}


class Step(StrEnum):
    """The conversation's states."""

    WHEN = "when"
    CONFIRM = "confirm"
    NOTE = "note"


class ChangeDraft(BaseModel):
    """Which appointment, what is being done to it, and the new time once typed."""

    token: str
    appointment_id: int
    outcome: AppointmentStatus | None = None  # None: a move
    starts_at: datetime | None = None


STORE = DraftStore(NAME, ChangeDraft, Step)


async def _go(
    update: Update,
    context: BotContext,
    draft: ChangeDraft,
    step: Step,
    *,
    notice: str | None = None,
    fresh: bool = False,
) -> str:
    """Store the draft, ask the step's question, return the state."""
    STORE.keep(context, draft, step)
    tr = context.tr
    _ = tr.gettext
    t = step_token(draft.token, step)
    cancel = [button(_("✖ Cancel"), PREFIX, t, "cancel")]
    card = await context.services.appointments.get(context.actor, draft.appointment_id)
    local = card.appointment.starts_at.astimezone(context.services.settings.tz)
    head = "📅 " + f"<b>{esc(card.family.code)}</b> · " + esc(tr.fmt_datetime(local, WHEN_FORMAT))
    if step is Step.WHEN:
        text = _("New date and time? Type it: jutro 10:30, pt 9, 12.12 14:00, tomorrow 10.")
        markup = InlineKeyboardMarkup([cancel])
    elif step is Step.CONFIRM:
        when = tr.fmt_datetime(draft.starts_at, WHEN_FORMAT) if draft.starts_at else "—"
        text = _("Is this right: <b>{when}</b>?").format(when=esc(when))
        markup = InlineKeyboardMarkup(
            [
                [
                    button(_("✅ Yes"), PREFIX, t, "yes"),
                    button(_("✏️ Type again"), PREFIX, t, "again"),
                ],
                cancel,
            ]
        )
    else:
        text = _("A short note on how it went (at most {limit} characters), or Skip.").format(
            limit=OUTCOME_MAX
        )
        markup = InlineKeyboardMarkup([[button(_("Skip ➡"), PREFIX, t, "skip")], cancel])
    await ask(update, context, f"{head}\n{text}", markup, notice=notice, fresh=fresh)
    return step.value


async def start(update: Update, context: BotContext) -> str | int:
    """From a card's Move, or a reminder's attended / not attended / rescheduled."""
    press = decode(update.callback_query.data if update.callback_query else None)
    appointment_id = None if press is None else as_int(press.token)
    if press is None or appointment_id is None:
        await stale(update, context)
        return END
    if busy_elsewhere(context, NAME):
        await tell_busy(update, context)
        return END
    await answer_press(update)
    outcome = AppointmentStatus(press.action) if press.action in OUTCOMES else None
    draft = ChangeDraft(token=new_token(), appointment_id=appointment_id, outcome=outcome)
    try:
        if outcome is None or outcome is AppointmentStatus.RESCHEDULED:
            return await _go(update, context, draft, Step.WHEN, fresh=True)
        return await _go(update, context, draft, Step.NOTE, fresh=True)
    except DomainError as error:
        STORE.drop(context)
        await show(update, context, esc(labels.describe_error(context.tr, error)), fresh=True)
        return END


async def pressed(update: Update, context: BotContext) -> str | int | None:
    """Yes / type again / skip / cancel."""
    turn = await STORE.begin_press(update, context, _go)
    if isinstance(turn, Answered):
        return turn.state  # type: ignore[return-value]
    draft, step, press = turn.draft, turn.step, turn.press
    assert press is not None
    try:
        if press.action == "cancel":
            return await _end(update, context, context.tr.gettext("Nothing was changed."))
        if step is Step.CONFIRM and press.action == "again":
            return await _go(update, context, draft, Step.WHEN)
        if step is Step.CONFIRM and press.action == "yes":
            if draft.outcome is None:
                return await _move(update, context, draft)
            return await _go(update, context, draft, Step.NOTE)
        if step is Step.NOTE and press.action == "skip":
            return await _record(update, context, draft, "")
    except DomainError as error:
        return await STORE.refuse(
            update, context, error, lambda why: _go(update, context, draft, step, notice=why)
        )
    await stale(update, context)
    return None


async def typed(update: Update, context: BotContext) -> str | int | None:
    """The new time, or the outcome note."""
    turn = await STORE.begin_text(update, context)
    if isinstance(turn, Answered):
        return turn.state  # type: ignore[return-value]
    draft, step, text = turn.draft, turn.step, turn.text
    try:
        if step is Step.WHEN and text:
            now = context.services.clock.now().astimezone(context.services.settings.tz)
            draft.starts_at = parse_when(text, now)
            check_start(draft.starts_at, now)
            return await _go(update, context, draft, Step.CONFIRM)
        if step is Step.NOTE and text:
            if len(text) > OUTCOME_MAX:
                raise DomainError("text_too_long", limit=OUTCOME_MAX, length=len(text))
            return await _record(update, context, draft, text)
    except DomainError as error:
        return await STORE.refuse(
            update, context, error, lambda why: _go(update, context, draft, step, notice=why)
        )
    notice = context.tr.gettext("Please use the buttons below.")
    return await _go(update, context, draft, step, notice=notice)


async def _move(update: Update, context: BotContext, draft: ChangeDraft) -> int:
    """Give the appointment its new time."""
    if draft.starts_at is None:
        raise DomainError("draft_incomplete")
    moved = await context.services.appointments.move(
        context.actor, draft.appointment_id, draft.starts_at
    )
    local = moved.starts_at.astimezone(context.services.settings.tz)
    return await _end(
        update,
        context,
        context.tr.gettext("✅ Moved to {when}.").format(
            when=context.tr.fmt_datetime(local, WHEN_FORMAT)
        ),
    )


async def _record(update: Update, context: BotContext, draft: ChangeDraft, note: str) -> int:
    """Save how it went (and the new date when rescheduled)."""
    if draft.outcome is None:
        raise DomainError("draft_incomplete")
    await context.services.appointments.record_outcome(
        context.actor, draft.appointment_id, draft.outcome, note, new_starts_at=draft.starts_at
    )
    return await _end(update, context, context.tr.gettext("✅ Saved. Thank you."))


async def _end(update: Update, context: BotContext, text: str) -> int:
    """Drop the draft and say how it ended (plain text, escaped)."""
    STORE.drop(context)
    await show(update, context, esc(text))
    return END


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel."""
    return await _end(update, context, context.tr.gettext("Nothing was changed."))


def build() -> ConversationHandler[BotContext]:
    """The move / outcome walk, persistent across restarts."""
    entry: list[Any] = [
        CallbackQueryHandler(start, pattern=rf"^{MOVE_PREFIX}:"),
        CallbackQueryHandler(start, pattern=rf"^{OUTCOME_PREFIX}:"),
    ]
    return build_walk(
        name=NAME,
        prefix=PREFIX,
        steps=Step,
        entry_points=entry,
        pressed=pressed,
        typed=typed,
        cancel=cancel,
    )
