"""The questions and the summary of the /appointment walk (HTML, escaped; no service calls)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.appointment import INSTITUTION_NAME_MAX, PURPOSE_MAX, Institution
from bot.domain.appointment_steps import AppointmentDraft, Step
from bot.domain.family import Family
from bot.domain.plan import Goal
from bot.i18n import Translator
from bot.ui import labels
from bot.ui.keyboards import Keyboard, StepButtons, in_rows
from bot.ui.text import esc, shorten

PREFIX = "ap"  # the /appointment walk's buttons
WHEN_FORMAT = "EEEE d MMMM y, HH:mm"
GOALS_SHOWN = 30  # one button each, well under Telegram's 100


def appointment_question(
    tr: Translator,
    draft: AppointmentDraft,
    family: Family | None,
    step: Step,
    families: Sequence[Family] = (),
    *,
    page: int = 0,
    goals: Sequence[Goal] = (),
) -> tuple[str, Keyboard]:
    """The question and the buttons of a step."""
    _ = tr.gettext
    b = StepButtons(PREFIX, draft.token, step)
    cancel = [b(_("✖ Cancel"), "cancel")]
    skip = [b(_("Skip ➡"), "skip")]
    if step is Step.FAMILY:
        return _("📅 Which family is the appointment for?"), b.family_picker(
            families, page, extra=[cancel]
        )
    head = "📅 " + (f"<b>{esc(family.code)}</b> — " if family else "") + _("appointment")
    if step is Step.MEMBERS:
        options = [(str(m.id), m.name) for m in (family.members if family else ())]
        chosen = {str(m) for m in draft.member_ids}
        rows = b.toggles(options, chosen, done_text=_("Done ➡"), per_row=3)
        return f"{head}\n" + _("Who from the family goes? Tap to mark, then Done."), (
            Keyboard([*rows, cancel])
        )
    if step is Step.INSTITUTION:
        kinds = [b(labels.name(tr, i), "inst", i.value) for i in Institution]
        return f"{head}\n" + _("Where?"), Keyboard([*in_rows(kinds, 2), cancel])
    if step is Step.NAME:
        return f"{head}\n" + _(
            "The institution's short name (e.g. SP 12, MOPS Wola), or Skip. "
            "At most {limit} characters."
        ).format(limit=INSTITUTION_NAME_MAX), Keyboard([skip, cancel])
    if step is Step.WHEN:
        return f"{head}\n" + _(
            "When? Type a day and a time: jutro 10:30, pt 9, 12.12 14:00, tomorrow 10."
        ), Keyboard([cancel])
    if step is Step.CONFIRM_WHEN:
        when = local_text(tr, draft.starts_at)
        return f"{head}\n" + _("Is this right: <b>{when}</b>?").format(when=esc(when)), (
            Keyboard([[b(_("✅ Yes"), "yes"), b(_("✏️ Type again"), "again")], cancel])
        )
    if step is Step.ACCOMPANY:
        return f"{head}\n" + _("Do you go along?"), Keyboard(
            [[b(_("Yes, I go along"), "acc", 1), b(_("No"), "acc", 0)], cancel]
        )
    if step is Step.PURPOSE:
        return f"{head}\n" + _(
            "What is it for? A short purpose (at most {limit} characters)."
        ).format(limit=PURPOSE_MAX), Keyboard([cancel])
    if step is Step.GOAL:
        rows = [
            [b(f"{labels.name(tr, g.area)}: {g.text}", "goal", g.id)] for g in goals[:GOALS_SHOWN]
        ]
        return f"{head}\n" + _("Does it serve a goal of the plan?"), Keyboard(
            [*rows, skip, cancel]
        )
    return summary(tr, draft, family), Keyboard(
        [[b(_("💾 Save"), "save"), b(_("✖ Cancel"), "cancel")]]
    )


def local_text(tr: Translator, moment: datetime | None) -> str:
    """The appointment's time as the assistant reads it."""
    return "—" if moment is None else tr.fmt_datetime(moment, WHEN_FORMAT)


def summary(tr: Translator, draft: AppointmentDraft, family: Family | None) -> str:
    """Everything entered, for a last look."""
    _ = tr.gettext
    names = [m.name for m in (family.members if family else ()) if m.id in draft.member_ids]
    where = labels.name(tr, draft.institution) if draft.institution else "—"
    if draft.institution_name:
        where += f" ({draft.institution_name})"
    lines = [
        "📅 " + (f"<b>{esc(family.code)}</b>" if family else ""),
        _("When: {when}").format(when=esc(local_text(tr, draft.starts_at))),
        _("Where: {where}").format(where=esc(where)),
        _("Who goes: {names}").format(names=esc(", ".join(names) or "—")),
        _("You go along: {answer}").format(answer=_("yes") if draft.accompany else _("no")),
        _("Purpose: {purpose}").format(purpose=esc(shorten(draft.purpose, PURPOSE_MAX))),
        "",
        _("Save this appointment?"),
    ]
    return "\n".join(lines)


def saved_text(tr: Translator, starts_at: datetime) -> str:
    """The walk's last word: the appointment is saved (its time in the assistant's zone)."""
    return tr.gettext("✅ Appointment saved: {when}. /agenda shows the coming week.").format(
        when=esc(local_text(tr, starts_at))
    )
