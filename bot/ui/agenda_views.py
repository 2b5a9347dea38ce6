"""The agenda views: the coming days (/agenda), an appointment's card, the cancel question."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.appointment import Appointment, AppointmentStatus
from bot.i18n import N_, Translator
from bot.services.appointments import AgendaDay, AppointmentCard
from bot.ui import labels
from bot.ui.callbacks import encode, register
from bot.ui.text import esc, shorten

CARD_PREFIX = register("ak", {"a"})  # opens an appointment's card
CANCEL_PREFIX = register("ax", {"ask", "yes", "no"})  # cancel, asked once more
MOVE_PREFIX = register("am", {"move"})  # starts the move walk (appointment_change.py)
BUTTONS_MAX = 60
# An old agenda or reminder still opens a closed appointment's card: it must not read as
# a date still to keep.
CLOSED_AS = {
    AppointmentStatus.CANCELLED: N_("✖ Cancelled (it does not take place)"),
    AppointmentStatus.ATTENDED: N_("✅ Attended"),
    AppointmentStatus.NOT_ATTENDED: N_("❌ Not attended"),
    AppointmentStatus.RESCHEDULED: N_("📅 Rescheduled (the new date is in /agenda)"),
}


def appointment_line(tr: Translator, item: Appointment, code: str, tz: ZoneInfo) -> str:
    """'10:30 R-01 · Court (SR Wola) · you go along' (escaped)."""
    local = item.starts_at.astimezone(tz)
    where = labels.name(tr, item.institution)
    if item.institution_name:
        where += f" ({item.institution_name})"
    along = " · " + tr.gettext("you go along") if item.accompany else ""
    return f"{local:%H:%M} <b>{esc(code)}</b> · {esc(where)}{esc(along)}"


def agenda_message(
    tr: Translator, days: Sequence[AgendaDay], tz: ZoneInfo
) -> tuple[list[str], InlineKeyboardMarkup]:
    """The coming days, day by day, with a button per appointment."""
    lines = [tr.gettext("<b>Appointments, next 7 days</b>")]
    buttons: list[InlineKeyboardButton] = []
    for day in days:
        if not day.items:
            continue
        lines += ["", f"<b>{esc(tr.fmt_date(day.day, 'EEEE d MMMM'))}</b>"]
        for item in day.items:
            lines.append(appointment_line(tr, item.appointment, item.family_code, tz))
            local = item.appointment.starts_at.astimezone(tz)
            buttons.append(
                InlineKeyboardButton(
                    f"{tr.fmt_date(local.date(), 'EEE')} {local:%H:%M} {item.family_code}",
                    callback_data=encode(CARD_PREFIX, "-", "a", item.appointment.id),
                )
            )
    rows = [buttons[i : i + 2] for i in range(0, min(len(buttons), BUTTONS_MAX), 2)]
    return lines, InlineKeyboardMarkup(rows)


def appointment_card(
    tr: Translator, card: AppointmentCard, tz: ZoneInfo
) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """One appointment: details, and Move / Cancel while it is open."""
    _ = tr.gettext
    item = card.appointment
    names = [m.name for m in card.family.everyone if m.id in item.member_ids]
    local = item.starts_at.astimezone(tz)
    lines = [
        f"📅 {esc(tr.fmt_datetime(local, 'EEEE d MMMM y, HH:mm'))}",
        appointment_line(tr, item, card.family.code, tz),
        _("Who goes: {names}").format(names=esc(", ".join(names) or "—")),
        _("Purpose: {purpose}").format(purpose=esc(shorten(item.purpose, 600))),
    ]
    if not item.is_open:
        closed = _(CLOSED_AS[item.status])
        lines.append(esc(f"{closed}: {shorten(item.outcome, 600)}" if item.outcome else closed))
    buttons = [
        InlineKeyboardButton(_("📅 Move"), callback_data=encode(MOVE_PREFIX, item.id, "move")),
        InlineKeyboardButton(
            _("✖ Cancel it"), callback_data=encode(CANCEL_PREFIX, item.id, "ask")
        ),
    ]
    return lines, InlineKeyboardMarkup([buttons]) if item.is_open else None


def cancel_question(
    tr: Translator, card: AppointmentCard, tz: ZoneInfo
) -> tuple[list[str], InlineKeyboardMarkup]:
    """The card asking once more: Yes really cancels, No brings the card back as it was."""
    lines, _buttons = appointment_card(tr, card, tz)
    appointment_id = card.appointment.id
    yes = InlineKeyboardButton(
        tr.gettext("Yes, cancel it"), callback_data=encode(CANCEL_PREFIX, appointment_id, "yes")
    )
    no = InlineKeyboardButton(
        tr.gettext("No, keep it"), callback_data=encode(CANCEL_PREFIX, appointment_id, "no")
    )
    return [*lines, "", tr.gettext("Cancel this appointment?")], InlineKeyboardMarkup([[yes, no]])
