"""/agenda (/terminy): the next 7 days of appointments by day; an appointment's card with
cancel (confirmed) and move (a short walk in conversations/appointment_change.py)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain.appointment import Appointment
from bot.domain.errors import DomainError
from bot.handlers.common import answer_press, send_lines, show
from bot.handlers.context import BotContext
from bot.i18n import Translator
from bot.ui import labels
from bot.ui.callbacks import as_int, decode, encode, register
from bot.ui.text import esc, shorten

CARD_PREFIX = register("ak", {"a"})
CANCEL_PREFIX = register("ax", {"ask", "yes"})
MOVE_PREFIX = register("am", {"move"})
BUTTONS_MAX = 60


def appointment_line(tr: Translator, item: Appointment, code: str, context: BotContext) -> str:
    """'10:30 R-01 · Court (SR Wola) · you go along' (escaped)."""
    local = item.starts_at.astimezone(context.services.settings.tz)
    where = labels.institution(tr, item.institution)
    if item.institution_name:
        where += f" ({item.institution_name})"
    along = " · " + tr.gettext("you go along") if item.accompany else ""
    return f"{local:%H:%M} <b>{esc(code)}</b> · {esc(where)}{esc(along)}"


async def agenda(update: Update, context: BotContext) -> None:
    """The coming week, day by day, with a button per appointment."""
    tr = context.tr
    _ = tr.gettext
    days = await context.services.appointments.agenda(context.actor, 7)
    if not any(day.items for day in days):
        await send_lines(
            update, context, [_("No appointments in the next 7 days. Add one with /appointment.")]
        )
        return
    lines = [_("<b>Appointments, next 7 days</b>")]
    buttons: list[InlineKeyboardButton] = []
    for day in days:
        if not day.items:
            continue
        lines += ["", f"<b>{esc(tr.fmt_date(day.day, 'EEEE d MMMM'))}</b>"]
        for item in day.items:
            lines.append(appointment_line(tr, item.appointment, item.family_code, context))
            local = item.appointment.starts_at.astimezone(context.services.settings.tz)
            buttons.append(
                InlineKeyboardButton(
                    f"{tr.fmt_date(local.date(), 'EEE')} {local:%H:%M} {item.family_code}",
                    callback_data=encode(CARD_PREFIX, "-", "a", item.appointment.id),
                )
            )
    rows = [buttons[i : i + 2] for i in range(0, min(len(buttons), BUTTONS_MAX), 2)]
    await send_lines(update, context, lines, InlineKeyboardMarkup(rows))


async def card_pressed(update: Update, context: BotContext) -> None:
    """One appointment: details, and Move / Cancel."""
    press = decode(update.callback_query.data if update.callback_query else None)
    appointment_id = None if press is None else as_int(press.arg)
    await answer_press(update)
    if appointment_id is None:
        return
    tr = context.tr
    _ = tr.gettext
    try:
        card = await context.services.appointments.get(context.actor, appointment_id)
    except DomainError as error:
        await show(update, context, esc(labels.describe_error(tr, error)))
        return
    item = card.appointment
    names = [m.name for m in card.family.members if m.id in item.member_ids]
    local = item.starts_at.astimezone(context.services.settings.tz)
    lines = [
        f"📅 {esc(tr.fmt_datetime(local, 'EEEE d MMMM y, HH:mm'))}",
        appointment_line(tr, item, card.family.code, context),
        _("Who goes: {names}").format(names=esc(", ".join(names) or "—")),
        _("Purpose: {purpose}").format(purpose=esc(shorten(item.purpose, 600))),
    ]
    buttons = [
        InlineKeyboardButton(_("📅 Move"), callback_data=encode(MOVE_PREFIX, item.id, "move")),
        InlineKeyboardButton(
            _("✖ Cancel it"), callback_data=encode(CANCEL_PREFIX, item.id, "ask")
        ),
    ]
    markup = InlineKeyboardMarkup([buttons]) if item.is_open else None
    await send_lines(update, context, lines, markup)


async def cancel_pressed(update: Update, context: BotContext) -> None:
    """Cancel asks once more; the second press cancels (the service re-checks access)."""
    press = decode(update.callback_query.data if update.callback_query else None)
    appointment_id = None if press is None else as_int(press.token)
    tr = context.tr
    if press is None or appointment_id is None:
        await answer_press(update, tr.gettext("This button is no longer active."))
        return
    await answer_press(update)
    if press.action == "ask":
        confirm = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        tr.gettext("Yes, cancel it"),
                        callback_data=encode(CANCEL_PREFIX, appointment_id, "yes"),
                    )
                ]
            ]
        )
        await show(update, context, tr.gettext("Cancel this appointment?"), confirm)
        return
    try:
        await context.services.appointments.cancel(context.actor, appointment_id)
    except DomainError as error:
        await show(update, context, esc(labels.describe_error(tr, error)))
        return
    await show(update, context, tr.gettext("The appointment is cancelled."))
