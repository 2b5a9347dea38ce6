"""The family's documentation as one PDF: who, the plan, then everything in date order."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.documents.charts import family_weeks_png, independence_png
from bot.documents.pdf import LINE, Document
from bot.documents.words import day_text, length_text
from bot.domain.appointment import Appointment, AppointmentStatus
from bot.domain.dossier import FamilyRecord, independence_series, visits_per_week
from bot.domain.plan import (
    GoalEvent,
    GoalEventKind,
    GoalStatus,
    Independence,
    OwnerKind,
    TaskOwner,
)
from bot.domain.visit import Visit
from bot.domain.vocabulary import VisitKind
from bot.i18n import N_, Translator
from bot.ui import labels, plan_view
from bot.ui.case_questions import form_name, reason_name

APPOINTMENT_STATUS: dict[AppointmentStatus, str] = {
    AppointmentStatus.SCHEDULED: N_("scheduled"),
    AppointmentStatus.ATTENDED: N_("attended"),
    AppointmentStatus.NOT_ATTENDED: N_("not attended"),
    AppointmentStatus.RESCHEDULED: N_("rescheduled"),
    AppointmentStatus.CANCELLED: N_("cancelled"),
}
Entry = tuple[date, int, str, list[str]]  # day, order within the day, heading, lines


def title(tr: Translator, record: FamilyRecord) -> str:
    """'Dokumentacja pracy z rodziną R-01'."""
    return tr.gettext("Documentation of the work with family {code}").format(
        code=record.family.code
    )


def dossier_pdf(tr: Translator, record: FamilyRecord, zone_name: str = "Europe/Warsaw") -> bytes:
    """The whole record: the family, the plan, the charts, then every entry by date."""
    _ = tr.gettext
    pdf = Document(tr, title(tr, record), record.made_on)
    family_section(pdf, tr, record)
    plan_section(pdf, tr, record)
    charts_section(pdf, tr, record)
    pdf.heading(_("Course of the work, by date"), keep=2 * LINE)  # an entry's date and line
    for day, _order, heading, lines in sorted(entries(tr, record, zone_name), key=lambda e: e[:2]):
        pdf.paragraph(f"{day_text(day)} — {heading}", bold=True, keep=LINE if lines else 0)
        for line in lines:
            pdf.paragraph(line)
        pdf.ln(2)
    return pdf.finish()


def family_section(pdf: Document, tr: Translator, record: FamilyRecord) -> None:
    """Code, assistant, contract, members."""
    _ = tr.gettext
    family = record.family
    pdf.paragraph(_("Family assistant: {name}").format(name=record.assistant_name))
    erased_note(pdf, tr, record)
    if family.contract_signed_on is not None:
        until = family.contract_valid_until
        pdf.paragraph(
            _("Contract signed on {signed}, valid until {until}").format(
                signed=day_text(family.contract_signed_on),
                until="—" if until is None else day_text(until),
            )
        )
    pdf.ln(2)
    pdf.heading(_("Members"), 11)
    for member in family.everyone:
        year = "" if member.birth_year is None else f", {member.birth_year}"
        line = f"• {member.name} ({labels.name(tr, member.role)}{year})"
        if member.left_on is not None:  # older visits and tasks name them: say who they were
            line += " — " + _("moved out on {day}").format(day=day_text(member.left_on))
        pdf.paragraph(line)
    pdf.ln(2)


def erased_note(pdf: Document, tr: Translator, record: FamilyRecord) -> None:
    """Say why names, notes and goals are blank: the family's data was erased."""
    if record.family.erased_at is not None:
        pdf.paragraph(tr.gettext("The family's personal data was erased."), bold=True)


def plan_section(pdf: Document, tr: Translator, record: FamilyRecord) -> None:
    """Every goal with its status and tasks (who, due, done, independence)."""
    _ = tr.gettext
    pdf.heading(_("Help plan"), 11)
    if record.plan_started_on is not None:
        pdf.paragraph(_("Plan started on {day}").format(day=day_text(record.plan_started_on)))
    if not record.goals:
        pdf.paragraph(_("No goals yet."))
    for goal in record.goals:
        due = "" if goal.due is None else " — " + _("due {day}").format(day=day_text(goal.due))
        status = plan_view.status(tr, goal.status)
        goal_line = f"{labels.name(tr, goal.area)}: {goal.text} [{status}]{due}"
        pdf.paragraph(goal_line, bold=True, keep=LINE if goal.expected_effect or goal.tasks else 0)
        if goal.expected_effect:
            pdf.paragraph(_("Expected effect: {text}").format(text=goal.expected_effect))
        for task in goal.tasks:
            parts = [("✔ " if task.done else "○ ") + task.text, owner_text(tr, record, task.owner)]
            if task.due is not None:
                parts.append(_("due {day}").format(day=day_text(task.due)))
            if task.independence is not None:
                parts.append(plan_view.independence(tr, task.independence))
            pdf.paragraph("    " + " · ".join(parts))
    pdf.ln(2)


def owner_text(tr: Translator, record: FamilyRecord, owner: TaskOwner) -> str:
    """Who does a task: the member's first name, the assistant, or the institution."""
    if owner.kind is OwnerKind.MEMBER:
        return record.member_name(owner.member_id or 0)
    if owner.kind is OwnerKind.INSTITUTION:
        return owner.institution or ""
    return tr.gettext("assistant")


def charts_section(pdf: Document, tr: Translator, record: FamilyRecord) -> None:
    """Visits per week against the target, and each task's independence over time."""
    if not record.visits:
        return
    pdf.picture(family_chart(tr, record))
    series = independence_series(record)
    if series:
        pdf.picture(independence_chart(tr, record))


def family_chart(
    tr: Translator, record: FamilyRecord, first: date | None = None, last: date | None = None
) -> bytes:
    """Visits per week since the work began (or from `first` to `last`), with the target line."""
    weeks, counts = visits_per_week(record, first or record.first_day(), last or record.made_on)
    return family_weeks_png(
        tr.gettext("Visits per week, family {code}").format(code=record.family.code),
        weeks,
        counts,
        record.family.visits_per_week,
        (tr.gettext("visits"), tr.gettext("target")),
    )


def independence_chart(tr: Translator, record: FamilyRecord) -> bytes:
    """Each task's independence level over time."""
    return independence_png(
        tr.gettext("How independently the family does its tasks"),
        independence_series(record),
        [plan_view.independence(tr, level) for level in Independence],
        record.made_on,
    )


def entries(tr: Translator, record: FamilyRecord, zone_name: str) -> list[Entry]:
    """Every dated entry of the record."""
    _ = tr.gettext
    found: list[Entry] = []
    family = record.family
    if family.contract_signed_on is not None:
        found.append((family.contract_signed_on, 0, _("Contract signed"), []))
    if record.plan_started_on is not None:
        found.append((record.plan_started_on, 1, _("Help plan started"), []))
    goals = {g.id: g for g in record.goals}
    for event in record.events:
        goal = goals.get(event.goal_id)
        found.append((event.day, 2, *event_text(tr, event, "" if goal is None else goal.text)))
    found += [(v.visit_date, 3, *visit_text(tr, record, v)) for v in record.visits]
    found += [appointment_entry(tr, record, a, zone_name) for a in record.appointments]
    found += [(a.day, 5, _("Periodic assessment"), [a.summary]) for a in record.assessments]
    return found + case_entries(tr, record)


def case_entries(tr: Translator, record: FamilyRecord) -> list[Entry]:
    """Reopenings, closures (reason, summary, monitoring) and monitoring contacts."""
    _ = tr.gettext
    found: list[Entry] = [(p.started_on, 0, _("Case reopened"), []) for p in record.periods[1:]]
    for period in record.periods:
        if period.closed_on is None or period.close_reason is None:
            continue
        reason = reason_name(tr, period.close_reason)
        lines = [period.summary] if period.summary else []
        if period.days is not None:
            lines.append(_("Length of the cooperation (days): {days}").format(days=period.days))
        if period.monitoring_until is not None:
            until = day_text(period.monitoring_until)
            lines.append(_("Monitored until {day}").format(day=until))
        heading = _("Work ended: {reason}").format(reason=reason)
        found.append((period.closed_on, 6, heading, lines))
    for contact in record.monitoring:
        form = form_name(tr, contact.form)
        heading = _("Monitoring contact: {form}").format(form=form)
        found.append((contact.day, 7, heading, [contact.note] if contact.note else []))
    return found


def event_text(tr: Translator, event: GoalEvent, goal: str) -> tuple[str, list[str]]:
    """A goal's history entry: what changed."""
    _ = tr.gettext
    kind = event.kind
    if kind is GoalEventKind.CREATED:
        return _("Goal added"), [goal]
    if kind is GoalEventKind.STATUS:
        old, new = _status(tr, event.old_value), _status(tr, event.new_value)
        return _("Goal status: {old} → {new}").format(old=old, new=new), [goal]
    if kind is GoalEventKind.PROGRESS:
        return _("Progress in a goal"), [goal, event.text]
    if kind is GoalEventKind.DUE_DATE:
        due = "—" if not event.new_value else day_text(date.fromisoformat(event.new_value))
        return _("Goal's due date changed to {day}").format(day=due), [goal]
    if kind is GoalEventKind.TASK_ADDED:
        return _("Task added"), [f"{goal}: {event.text}"]
    if kind is GoalEventKind.TASK_DONE:
        return _("Task done"), [f"{goal}: {event.text}"]
    if kind is GoalEventKind.TASK_REOPENED:
        lines = [f"{goal}: {event.text}"]
        if event.old_value and event.new_value:  # its goal's date had moved before its own
            old, new = (
                day_text(date.fromisoformat(v)) for v in (event.old_value, event.new_value)
            )
            lines.append(
                _("Now due {day}, its goal's date (it was due {old}).").format(day=new, old=old)
            )
        return _("Task reopened"), lines
    old, new = _level(tr, event.old_value), _level(tr, event.new_value)
    return _("Independence: {old} → {new}").format(old=old, new=new), [f"{goal}: {event.text}"]


def _status(tr: Translator, value: str | None) -> str:
    """A stored goal status in words."""
    return plan_view.status(tr, GoalStatus(value)) if value in set(GoalStatus) else "—"


def _level(tr: Translator, value: str | None) -> str:
    """A stored independence level in words."""
    return plan_view.independence(tr, Independence(value)) if value in set(Independence) else "—"


def visit_text(tr: Translator, record: FamilyRecord, visit: Visit) -> tuple[str, list[str]]:
    """A visit with who was there, areas, activities, the note and the next steps."""
    _ = tr.gettext
    if visit.kind is VisitKind.MISSED:
        reason = "" if visit.missed_reason is None else labels.name(tr, visit.missed_reason)
        return _("Missed visit"), [reason, visit.note] if visit.note else [reason]
    place = "" if visit.place is None else labels.name(tr, visit.place)
    heading = _("Visit, {length} h, {place}").format(
        length=length_text(visit.duration_min), place=place
    )
    lines = []
    if visit.present:
        names = ", ".join(record.member_name(m) for m in visit.present)
        lines.append(_("Present: {names}").format(names=names))
    if visit.areas:
        lines.append(
            _("Areas: {list}").format(list=", ".join(labels.name(tr, a) for a in visit.areas))
        )
    if visit.activities:
        activities = ", ".join(labels.name(tr, a) for a in visit.activities)
        lines.append(_("Activities: {list}").format(list=activities))
    if visit.note:
        lines.append(_("Note: {text}").format(text=visit.note))
    if visit.next_steps:
        lines.append(_("Next steps: {text}").format(text=visit.next_steps))
    return heading, lines


def appointment_entry(
    tr: Translator, record: FamilyRecord, appointment: Appointment, zone_name: str
) -> Entry:
    """An appointment at an institution, where, why, who went and how it went."""
    _ = tr.gettext
    local: datetime = appointment.starts_at.astimezone(ZoneInfo(zone_name))
    where = labels.name(tr, appointment.institution)
    if appointment.institution_name:
        where = f"{where} — {appointment.institution_name}"
    lines = [_("Purpose: {text}").format(text=appointment.purpose)]
    if appointment.member_ids:
        names = ", ".join(record.member_name(m) for m in appointment.member_ids)
        lines.append(_("Going: {names}").format(names=names))
    if appointment.accompany:
        lines.append(_("The assistant goes along."))
    status = tr.gettext(APPOINTMENT_STATUS[appointment.status])
    lines.append(_("Status: {status}").format(status=status))
    if appointment.outcome:
        lines.append(_("Outcome: {text}").format(text=appointment.outcome))
    heading = _("Appointment at {time}: {where}").format(time=f"{local:%H:%M}", where=where)
    return local.date(), 4, heading, lines
