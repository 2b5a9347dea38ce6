"""/agenda (/terminy): the next 7 days of appointments by day; an appointment's card with
cancel (confirmed) and move (a short walk in conversations/appointment_change.py)."""

from __future__ import annotations

from telegram import Update

from bot.domain.errors import DomainError
from bot.handlers.common import answer_press, send_lines, send_sensitive, show
from bot.handlers.context import BotContext
from bot.ui import labels
from bot.ui.agenda_views import agenda_message, appointment_card, cancel_question
from bot.ui.callbacks import as_int, pressed_data
from bot.ui.text import esc


async def agenda(update: Update, context: BotContext) -> None:
    """The coming week, day by day, with a button per appointment."""
    days = await context.services.appointments.agenda(context.actor, 7)
    if not any(day.items for day in days):
        none = context.tr.gettext("No appointments in the next 7 days. Add one with /appointment.")
        await send_lines(update, context, [none])
        return
    lines, markup = agenda_message(context.tr, days, context.services.settings.tz)
    await send_lines(update, context, lines, markup)


async def card_pressed(update: Update, context: BotContext) -> None:
    """One appointment: details, and Move / Cancel."""
    press = pressed_data(update)
    appointment_id = None if press is None else as_int(press.arg)
    await answer_press(update)
    if appointment_id is None:
        return
    try:
        card = await context.services.appointments.get(context.actor, appointment_id)
    except DomainError as error:
        await show(update, context, esc(labels.describe_error(context.tr, error)))
        return
    lines, markup = appointment_card(context.tr, card, context.services.settings.tz)
    await send_sensitive(update, context, lines, markup)


async def cancel_pressed(update: Update, context: BotContext) -> None:
    """Cancel asks once more; the second press cancels (the service re-checks access)."""
    press = pressed_data(update)
    appointment_id = None if press is None else as_int(press.token)
    tr = context.tr
    if press is None or appointment_id is None:
        await answer_press(update, tr.gettext("This button is no longer active."))
        return
    await answer_press(update)
    appointments, tz = context.services.appointments, context.services.settings.tz
    try:
        if press.action == "yes":
            await appointments.cancel(context.actor, appointment_id)
            await show(update, context, tr.gettext("The appointment is cancelled."))
            return
        card = await appointments.get(context.actor, appointment_id)
    except DomainError as error:
        await show(update, context, esc(labels.describe_error(tr, error)))
        return
    # "ask" shows the card with the question (a slipped thumb sees what it would cancel);
    # "no", or "ask" on an old card of one closed since, shows the card as it is now.
    ask = press.action == "ask" and card.appointment.is_open
    lines, markup = cancel_question(tr, card, tz) if ask else appointment_card(tr, card, tz)
    await show(update, context, "\n".join(lines), markup)
