"""Moving an appointment (from its card) or answering "how did it go?" (from the reminder).

After its time the reminder asks: attended / not attended / rescheduled, then a short outcome
note; a rescheduled one gets its new date in the same walk. The walk is the table `TABLE`
below; `appointment_change.mmd` is drawn from it (`make diagrams`).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.conversations._table import End, Go, On, Outcome, Question, Stage, Turn
from bot.conversations.engine import Walk, stale
from bot.domain.appointment import (
    OUTCOME_MAX,
    OUTCOME_STATUSES,
    AppointmentStatus,
    check_outcome,
    check_start,
)
from bot.domain.appointment_change_steps import ChangeDraft, Step, first_step
from bot.domain.drafts import new_token
from bot.domain.errors import DomainError, Settled
from bot.domain.when import parse_when
from bot.handlers.common import (
    answer_press,
    drop_buttons,
    message_buttons,
    pressed_message,
    reminder_family_settled,
    reminder_pressed_on,
    settle_reminder,
    settled_reminder,
    show,
)
from bot.handlers.context import BotContext
from bot.i18n import N_, Translator
from bot.reminders.sender import OUTCOME_PREFIX, REMINDER_PREFIX
from bot.ui import labels
from bot.ui.agenda_views import MOVE_PREFIX
from bot.ui.appointment_change_questions import PREFIX, WHEN_FORMAT, change_question
from bot.ui.callbacks import as_int, decode, pressed_data
from bot.ui.text import MESSAGE_LIMIT, esc, telegram_length

NAME = "appointment_change"
ChangeTurn = Turn[ChangeDraft, Step]


async def _read(context: BotContext, draft: ChangeDraft) -> None:
    """Re-read the appointment (the service re-checks it is the actor's) for the next question.

    Every move forward reads it; a re-ask of the same step shows what was read last.
    """
    card = await context.services.appointments.get(context.actor, draft.appointment_id)
    draft.family_code, draft.was_at = card.family.code, card.appointment.starts_at


async def _question(turn: ChangeTurn, page: int) -> Question:
    """A step's question under the appointment's family code and time."""
    draft = turn.draft
    local = draft.was_at.astimezone(turn.services.settings.tz)
    return change_question(turn.tr, draft, turn.step, draft.family_code, local)


# --- buttons --------------------------------------------------------------------------------


async def _cancel(turn: ChangeTurn) -> Outcome:
    """✖ Cancel or /cancel: the appointment stays as it was."""
    return End(esc(turn.tr.gettext("Nothing was changed.")))


async def _again(turn: ChangeTurn) -> Outcome:
    """Type the new time again."""
    await _read(turn.context, turn.draft)
    return Go(Step.WHEN)


async def _yes(turn: ChangeTurn) -> Outcome:
    """The echoed time is right: a move is done; a rescheduled one asks for the note."""
    if turn.draft.outcome is None:
        return await _move(turn)
    await _read(turn.context, turn.draft)
    return Go(Step.NOTE)


async def _skip(turn: ChangeTurn) -> Outcome:
    """No note: save how it went."""
    return await _record(turn, "")


# --- typed text -----------------------------------------------------------------------------


async def _typed_when(turn: ChangeTurn) -> Outcome:
    """The new day and time, in the future and not too far ahead; echoed back to confirm."""
    now = turn.services.clock.now().astimezone(turn.services.settings.tz)
    when = parse_when(turn.text, now)
    check_start(when, now)
    turn.draft.starts_at = when  # kept in the user's zone, so it is echoed as typed
    await _read(turn.context, turn.draft)
    return Go(Step.CONFIRM)


async def _typed_note(turn: ChangeTurn) -> Outcome:
    """The outcome note, within its limit; then it is saved.

    Moved to a later date while the note was typed, the appointment takes no outcome yet:
    the walk ends, and as its end removes the typed note from the chat, the closing text
    shows it back to be copied (and leaves the chat later, like a sensitive answer).
    """
    if len(turn.text) > OUTCOME_MAX:
        raise DomainError("text_too_long", limit=OUTCOME_MAX, length=len(turn.text))
    try:
        return await _record(turn, turn.text)
    except Settled as error:
        if error.code != "appointment_not_yet":
            raise
        return _note_kept(turn.tr, turn.text)


def _note_kept(tr: Translator, note: str) -> End:
    """The note not saved because the appointment was moved ahead: why, and the note to copy."""
    why = tr.gettext(
        "⏳ Not saved: the appointment was moved and has not started yet. "
        "Here is your note, to copy and send once it has taken place:"
    )
    head = f"{esc(why)}\n\n"
    # Telegram counts the text it shows (entities parsed) in UTF-16 units, two at most a
    # character: cut the plain note to what fits, then escape it.
    room = (MESSAGE_LIMIT - telegram_length(why) - len("\n\n")) // 2
    kept = note if len(note) <= room else note[: room - 1].rstrip() + "…"
    return End(head + esc(kept), sensitive=True)


# --- saving ---------------------------------------------------------------------------------


async def _move(turn: ChangeTurn) -> Outcome:
    """Give the appointment its new time."""
    if turn.draft.starts_at is None:
        raise DomainError("draft_incomplete")
    moved = await turn.services.appointments.move(
        turn.actor, turn.draft.appointment_id, turn.draft.starts_at
    )
    local = moved.starts_at.astimezone(turn.services.settings.tz)
    text = turn.tr.gettext("✅ Moved to {when}.")
    return End(esc(text.format(when=turn.tr.fmt_datetime(local, WHEN_FORMAT))))


async def _record(turn: ChangeTurn, note: str) -> Outcome:
    """Save how it went (and the new date when rescheduled); a refusal is not logged as done."""
    draft = turn.draft
    if draft.outcome is None:
        raise DomainError("draft_incomplete")
    await turn.services.appointments.record_outcome(
        turn.actor, draft.appointment_id, draft.outcome, note, new_starts_at=draft.starts_at
    )
    return End(esc(turn.tr.gettext("✅ Saved. Thank you.")))


# --- the table ------------------------------------------------------------------------------

S = Step
TABLE: dict[Step, Stage] = {
    S.WHEN: Stage(typed=On(_typed_when, (S.CONFIRM,), "typed day and time (echoed back)")),
    S.CONFIRM: Stage(
        {
            "again": On(_again, (S.WHEN,), "✏️ Type again"),
            "yes": On(_yes, (None, S.NOTE), "✅ Yes (moved, or rescheduled: the note)"),
        },
        typed=On(_typed_when, (S.CONFIRM,), "typed again"),
    ),
    S.NOTE: Stage(
        {"skip": On(_skip, (None,), "Skip — outcome saved")},
        typed=On(_typed_note, (None,), "typed note — outcome saved (or, moved ahead, shown back)"),
    ),
}

STARTS = {
    "📅 Move (card) / 📅 Rescheduled (reminder)": (S.WHEN,),
    "✅ Attended / ❌ Not attended (reminder)": (S.NOTE,),
}
ANYWHERE = {"cancel": On(_cancel, (None,), "✖ Cancel")}
WALK = Walk(
    NAME,
    PREFIX,
    ChangeDraft,
    TABLE,
    _question,
    starts=STARTS,
    anywhere=ANYWHERE,
    started=N_("the appointment change you started"),
    wanted=N_("changing an appointment"),
)


# --- entries --------------------------------------------------------------------------------


def _chosen(prefix: str, action: str) -> tuple[bool, AppointmentStatus | None]:
    """What an entry press asks for: (known, outcome); a move has no outcome."""
    if prefix == MOVE_PREFIX:
        return True, None
    if prefix == OUTCOME_PREFIX and action in OUTCOME_STATUSES:
        return True, AppointmentStatus(action)
    return False, None


async def start(update: Update, context: BotContext) -> None:
    """From a card's Move, or a reminder's attended / not attended / rescheduled."""
    press = pressed_data(update)
    appointment_id = None if press is None else as_int(press.token)
    known, outcome = (False, None) if press is None else _chosen(press.prefix, press.action)
    if appointment_id is None or not known:  # forged, malformed or from an older bot
        await stale(update, context)
        return
    appointments = context.services.appointments

    async def still() -> None:  # what the walk needs of the appointment (a double tap's check)
        appointment = await appointments.changeable(context.actor, appointment_id)
        if outcome is not None:
            check_outcome(appointment, outcome, context.services.clock.now())

    if await reminder_family_settled(update, context, still):  # handed over: no walk dropped
        return
    try:  # closed, not yet begun, not the actor's: said now, before any walk is asked about
        await still()
    except DomainError as error:
        await _refused(update, context, appointment_id, error)
        return

    def same(draft: ChangeDraft) -> bool:
        return draft.appointment_id == appointment_id and draft.outcome == outcome

    if await WALK.pressed_again(update, context, first_step(outcome), same):
        return
    if await WALK.blocked(update, context):
        return
    try:
        card = await context.services.appointments.get(context.actor, appointment_id)
        if not card.appointment.is_open:  # answered already (an old reminder pressed again)
            raise Settled("appointment_closed")
        if outcome is not None:  # an old reminder of one moved ahead since: no note to ask
            check_outcome(card.appointment, outcome, context.services.clock.now())
    except DomainError as error:  # not the actor's, gone or closed: the card or reminder stays
        WALK.drop(context)
        if await settled_reminder(update, context, error):  # handed over: the reminder closes
            return
        await answer_press(update)
        await show(update, context, esc(labels.describe_error(context.tr, error)), fresh=True)
        return
    await answer_press(update)
    draft = ChangeDraft(
        token=new_token(),
        appointment_id=appointment_id,
        family_code=card.family.code,
        was_at=card.appointment.starts_at,
        outcome=outcome,
    )
    await WALK.go(update, context, draft, first_step(outcome), fresh=True)


async def _refused(
    update: Update, context: BotContext, appointment_id: int, error: DomainError
) -> None:
    """An entry refused before a walk starts, the open one left as it was: on a reminder, an
    appointment closed takes its answers away (the whole reminder's buttons when no other
    family's are left); anything else (a card's 📅 Move too) is said below what was pressed."""
    note = labels.describe_error(context.tr, error)
    closed = isinstance(error, Settled) and error.code == "appointment_closed"
    if not closed or reminder_pressed_on(update) is None:
        await answer_press(update)
        await show(update, context, esc(note), fresh=True)
        return
    gone, kept = set(), []
    for button in message_buttons(pressed_message(update)):
        data = str(button.callback_data)
        press = decode(data)
        if (
            press is not None
            and press.prefix == OUTCOME_PREFIX
            and as_int(press.token) == appointment_id
        ):
            gone.add(data)
            continue
        kept.append(press)
    if any(press is None or press.prefix != REMINDER_PREFIX for press in kept):
        await drop_buttons(update, note, gone)  # a catch-up: other families' rows stay
    else:
        await settle_reminder(update, note)


HANDLERS = WALK.handlers(
    CallbackQueryHandler(start, pattern=rf"^{MOVE_PREFIX}:"),
    CallbackQueryHandler(start, pattern=rf"^{OUTCOME_PREFIX}:"),
)
