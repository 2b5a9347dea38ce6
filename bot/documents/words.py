"""The words every document shares: contact kinds, lists joined, dates, lengths."""

from __future__ import annotations

from datetime import date

from bot.domain.appointment import Institution
from bot.domain.lifecycle import ContactForm
from bot.domain.reports import Contact, ContactKind, Month, hours_text
from bot.domain.vocabulary import Activity, Area
from bot.i18n import N_, Translator
from bot.ui import labels
from bot.ui.case_questions import form_name

KIND_LABELS: dict[ContactKind, str] = {
    ContactKind.VISIT: N_("Visit"),
    ContactKind.MISSED: N_("Missed visit"),
    ContactKind.ACCOMPANYING: N_("Accompanying"),
    ContactKind.MONITORING: N_("Monitoring contact"),
}


def day_text(day: date) -> str:
    """A date as a Polish clerk writes it in a table: 05.11.2026."""
    return f"{day:%d.%m.%Y}"


def month_text(tr: Translator, month: Month) -> str:
    """'listopad 2026' / 'November 2026'."""
    return tr.fmt_date(month.first, "LLLL y")


def length_text(minutes: int | None) -> str:
    """A contact's length as h:mm, or a dash when it has none."""
    return "—" if minutes is None else hours_text(minutes)


def contact_cells(tr: Translator, contact: Contact) -> list[str]:
    """Kind, length, place, areas, activities of a contact as a table's cells."""
    kind = tr.gettext(KIND_LABELS[contact.kind])
    if contact.missed_reason is not None:
        kind = f"{kind}: {labels.name(tr, contact.missed_reason)}"
    place = "" if contact.place is None else labels.name(tr, contact.place)
    if contact.institution is not None:
        place = labels.name(tr, Institution(contact.institution))
    if contact.form is not None:
        place = form_name(tr, ContactForm(contact.form))
    areas = ", ".join(labels.name(tr, a) for a in sorted(contact.areas, key=_area_order))
    activities = ", ".join(
        labels.name(tr, a) for a in sorted(contact.activities, key=_activity_order)
    )
    return [kind, length_text(contact.duration_min), place, areas, activities]


def _area_order(area: Area) -> int:
    """Areas in the seeds' order of work."""
    return list(Area).index(area)


def _activity_order(activity: Activity) -> int:
    """Activities in the list's order."""
    return list(Activity).index(activity)
