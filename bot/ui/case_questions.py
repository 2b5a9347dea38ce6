"""The questions of /close, /reopen and a monitoring contact, and the case's words (HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo

from bot.domain.family import Family
from bot.domain.lifecycle import (
    CONTACT_NOTE_MAX,
    MONITORING_MONTHS,
    SUMMARY_MAX,
    CasePeriod,
    CloseReason,
    ContactForm,
)
from bot.domain.lifecycle_steps import (
    CloseDraft,
    CloseStep,
    ContactDraft,
    ContactStep,
    EraseDraft,
    EraseStep,
    ReopenDraft,
    ReopenStep,
)
from bot.i18n import N_, Translator
from bot.storage.lifecycle import ClosureOutcome
from bot.ui import labels
from bot.ui.callbacks import day_arg
from bot.ui.keyboards import Key, Keyboard, StepButtons, in_rows
from bot.ui.text import esc, shorten

CLOSE_PREFIX = "cl"  # the /close walk's buttons
REOPEN_PREFIX = "ro"  # the /reopen walk's buttons
CONTACT_PREFIX = "mc"  # the monitoring-contact walk's buttons
DAY_FORMAT = "d MMM y"

REASON_LABELS = {
    CloseReason.GOALS_ACHIEVED: N_("Goals achieved"),
    CloseReason.REFUSED: N_("The family refuses cooperation"),
    CloseReason.MOVED_AWAY: N_("The family moved away"),
    CloseReason.FOSTER_CARE: N_("A child placed in foster care"),
    CloseReason.REFERRED: N_("Referred to another institution or service"),
    CloseReason.OTHER: N_("Other"),
}
FORM_LABELS = {
    ContactForm.VISIT: N_("Visit"),
    ContactForm.PHONE: N_("Phone call"),
    ContactForm.SOCIAL_WORKER: N_("From the social worker"),
    ContactForm.SCHOOL: N_("From the school"),
}


def reason_name(tr: Translator, reason: CloseReason | str) -> str:
    """The translated reason a case was closed for."""
    return tr.gettext(REASON_LABELS[CloseReason(reason)])


def form_name(tr: Translator, form: ContactForm) -> str:
    """The translated form of a monitoring contact."""
    return tr.gettext(FORM_LABELS[form])


def months_text(tr: Translator, months: int) -> str:
    """ "6 months", or "not monitored"."""
    if months == 0:
        return tr.gettext("not monitored")
    return tr.ngettext("{n} month", "{n} months", months).format(n=months)


def _day(tr: Translator, day: date) -> str:
    """A day as the case's texts show it."""
    return esc(tr.fmt_date(day, DAY_FORMAT))


def _head(icon: str, family: Family, what: str) -> str:
    """The first line of a question: icon, family code, what is being done."""
    return f"{icon} <b>{esc(family.code)}</b> — {what}\n"


def close_question(
    tr: Translator,
    draft: CloseDraft,
    step: CloseStep,
    family: Family | None,
    families: Sequence[Family] = (),
    *,
    page: int = 0,
    default_months: int = 0,
) -> tuple[str, Keyboard]:
    """A step of /close: the family, the day, the reason, the summary, monitoring, confirm."""
    _ = tr.gettext
    b = StepButtons(CLOSE_PREFIX, draft.token, step)
    cancel = [b(_("✖ Cancel"), "cancel")]
    if step is CloseStep.FAMILY or family is None:
        return _("🔒 The work with which family ends?"), b.family_picker(
            families, page, extra=[cancel]
        )
    head = _head("🔒", family, _("closing the work"))
    if step is CloseStep.DAY:
        return head + _("On which day did the work end? Press Today or type a date."), (
            Keyboard([[b(_("Today"), "today")], cancel])
        )
    if step is CloseStep.REASON:
        rows = [[b(reason_name(tr, r), "reason", r.value)] for r in CloseReason]
        return head + _("Why does the work end?"), Keyboard([*rows, cancel])
    if step is CloseStep.SUMMARY:
        return head + _(
            "Type a short closing summary: what changed, what the family reached, what is left "
            "(at most {limit} characters)."
        ).format(limit=SUMMARY_MAX), Keyboard([cancel])
    if step is CloseStep.MONITOR:
        choices = [*MONITORING_MONTHS, 0]
        buttons = [
            b(("⭐ " if m == default_months else "") + months_text(tr, m), "months", m)
            for m in choices
        ]
        return head + _(
            "Will you monitor the family after the work ends, and for how long? "
            "(⭐ is the centre's usual choice.)"
        ), Keyboard([*in_rows(buttons, 2), cancel])
    return _close_summary(tr, draft, family, b, cancel)


def _close_summary(
    tr: Translator,
    draft: CloseDraft,
    family: Family,
    b: StepButtons,
    cancel: list[Key],
) -> tuple[str, Keyboard]:
    """The confirmation: everything chosen, and what closing does."""
    _ = tr.gettext
    assert draft.day is not None
    assert draft.reason is not None
    lines = [
        _head("🔒", family, _("closing the work")).rstrip(),
        _("Day: {date}").format(date=_day(tr, draft.day)),
        _("Reason: {reason}").format(reason=esc(reason_name(tr, draft.reason))),
        _("Monitoring: {months}").format(months=esc(months_text(tr, draft.monitor_months or 0))),
        _("Summary: {text}").format(text=esc(shorten(draft.summary or "", 600))),
        "",
        _(
            "The family leaves your caseload: no more visit reminders, its open appointments are "
            "cancelled and its open goals closed as dropped with the case. Its file stays "
            "readable. Close the work?"
        ),
    ]
    return "\n".join(lines), Keyboard([[b(_("✅ Close the work"), "confirm")], cancel])


def closed_text(
    tr: Translator, family: Family, draft: CloseDraft, outcome: ClosureOutcome, zone: tzinfo
) -> str:
    """What the assistant is told once the work is closed, cancelled appointments named."""
    _ = tr.gettext
    assert draft.day is not None
    lines = [
        _("✅ The work with {code} is closed on {date}.").format(
            code=esc(family.code), date=_day(tr, draft.day)
        )
    ]
    months = draft.monitor_months or 0
    if months:
        lines.append(
            _(
                "Monitoring: {months}. I will remind you once a month; /monitoring records "
                "a contact."
            ).format(months=esc(months_text(tr, months)))
        )
    if outcome.cancelled:
        lines.append(
            tr.ngettext(
                "{n} appointment was cancelled; tell the institution if needed:",
                "{n} appointments were cancelled; tell the institutions if needed:",
                len(outcome.cancelled),
            ).format(n=len(outcome.cancelled))
        )
        for a in outcome.cancelled:
            when = esc(tr.fmt_datetime(a.starts_at.astimezone(zone)))
            lines.append(f"• {when} — {esc(labels.name(tr, a.institution))}")
    if outcome.dropped_goals:
        lines.append(
            tr.ngettext(
                "{n} open goal was closed as dropped with the case.",
                "{n} open goals were closed as dropped with the case.",
                outcome.dropped_goals,
            ).format(n=outcome.dropped_goals)
        )
    return "\n".join(lines)


def reopen_question(
    tr: Translator,
    draft: ReopenDraft,
    step: ReopenStep,
    family: Family | None,
    families: Sequence[Family] = (),
    *,
    page: int = 0,
    period: CasePeriod | None = None,
) -> tuple[str, Keyboard]:
    """A step of /reopen: the family, the new start, confirm."""
    _ = tr.gettext
    b = StepButtons(REOPEN_PREFIX, draft.token, step)
    cancel = [b(_("✖ Cancel"), "cancel")]
    if step is ReopenStep.FAMILY or family is None:
        return _("🔓 Which closed family do you start working with again?"), b.family_picker(
            families, page, extra=[cancel]
        )
    head = _head("🔓", family, _("reopening the case"))
    if period is not None and period.closed_on is not None and period.close_reason is not None:
        head += (
            _("Closed on {date}: {reason}.").format(
                date=_day(tr, period.closed_on), reason=esc(reason_name(tr, period.close_reason))
            )
            + "\n"
        )
    if step is ReopenStep.DAY:
        return head + _("From which day does the work start again? Press Today or type a date."), (
            Keyboard([[b(_("Today"), "today")], cancel])
        )
    assert draft.day is not None
    return head + _(
        "The work starts again on {date} with a new plan; everything so far stays in the file. "
        "Reopen?"
    ).format(date=_day(tr, draft.day)), Keyboard([[b(_("✅ Reopen"), "confirm")], cancel])


def contact_question(
    tr: Translator,
    draft: ContactDraft,
    step: ContactStep,
    family: Family | None,
    families: Sequence[Family] = (),
    *,
    page: int = 0,
    until: date | None = None,
) -> tuple[str, Keyboard]:
    """A step of the monitoring contact: the family, the day, the form, a short note.

    The day's question also offers ✔ Finish monitoring, of the monitoring ending `until`
    (the end it shows, carried by the button as the reminder's ✔ carries it).
    """
    _ = tr.gettext
    b = StepButtons(CONTACT_PREFIX, draft.token, step)
    cancel = [b(_("✖ Cancel"), "cancel")]
    if step is ContactStep.FAMILY or family is None:
        if not families:
            return _("None of your closed families is being monitored."), Keyboard([cancel])
        return _("👁 A monitoring contact with which family?"), b.family_picker(
            families, page, extra=[cancel]
        )
    head = _head("👁", family, _("monitoring contact"))
    if step is ContactStep.DAY:
        rows = [[b(_("Today"), "today")]]
        if until is not None:
            head += _("Monitored until {date}.").format(date=_day(tr, until)) + "\n"
            rows.append([b(_("✔ Finish monitoring"), "finish", day_arg(until))])
        question = _("When was the contact? Press Today or type a date.")
        return head + question, Keyboard([*rows, cancel])
    if step is ContactStep.FORM:
        rows = in_rows([b(form_name(tr, f), "form", f.value) for f in ContactForm], 2)
        return head + _("What kind of contact?"), Keyboard([*rows, cancel])
    return head + _(
        "Type a short note on how the family is doing (at most {limit} characters), "
        "or press Save without a note."
    ).format(limit=CONTACT_NOTE_MAX), Keyboard([[b(_("💾 Save without a note"), "save")], cancel])


ERASE_PREFIX = "er"  # an admin's /erase walk


def erase_question(
    tr: Translator, draft: EraseDraft, step: EraseStep, family: Family
) -> tuple[str, Keyboard]:
    """The two confirmations of /erase: type the code back, then press Erase."""
    _ = tr.gettext
    b = StepButtons(ERASE_PREFIX, draft.token, step)
    cancel = [b(_("✖ Cancel"), "cancel")]
    head = f"🗑 <b>{esc(family.code)}</b> — " + _("erasing the family's data") + "\n"
    if step is EraseStep.CODE:
        return head + _(
            "This erases the family's member names, birth years, label and every note, goal, "
            "task, summary and purpose, for good; only counts, dates and reasons stay for the "
            "statistics. A family still in a caseload is closed first. To go on, type the "
            "family's code."
        ), Keyboard([cancel])
    return head + _("Last check: erase the data of {code} now? This cannot be undone.").format(
        code=esc(family.code)
    ), Keyboard([[b(_("🗑 Erase now"), "erase")], cancel])
