"""The periodic assessment of the family's situation as a PDF for the head of the centre."""

from __future__ import annotations

from bot.documents.dossier import erased_note, family_chart, independence_chart, owner_text
from bot.documents.pdf import Document
from bot.documents.words import day_text, length_text
from bot.domain.dossier import AssessmentDocument
from bot.domain.vocabulary import VisitKind
from bot.i18n import Translator
from bot.ui import labels, plan_view
from bot.ui.text import shorten


def title(tr: Translator, doc: AssessmentDocument) -> str:
    """'Okresowa ocena sytuacji rodziny R-01'."""
    return tr.gettext("Periodic assessment of the situation of family {code}").format(
        code=doc.record.family.code
    )


def assessment_pdf(tr: Translator, doc: AssessmentDocument) -> bytes:
    """Family, period, visits and a chart of their weeks, goals, tasks and a chart of levels."""
    _ = tr.gettext
    record, period = doc.record, doc.period
    pdf = Document(tr, title(tr, doc), record.made_on)
    pdf.paragraph(_("Family assistant: {name}").format(name=record.assistant_name))
    erased_note(pdf, tr, record)
    pdf.paragraph(
        _("Period: {first} – {last}").format(
            first=day_text(period.first), last=day_text(period.last)
        )
    )
    pdf.paragraph(_("Assessment made on {day}").format(day=day_text(doc.assessment.day)))
    pdf.ln(2)
    pdf.heading(_("Members"), 11)
    for member in record.family.members:
        pdf.paragraph(f"• {member.name} ({labels.name(tr, member.role)})")
    pdf.ln(2)
    visits = [v for v in doc.visits if v.kind is VisitKind.COMPLETED]
    missed = len(doc.visits) - len(visits)
    pdf.heading(_("Visits in the period"), 11)
    pdf.paragraph(
        _("Visits: {visits}, {hours} h; missed visits: {missed}").format(
            visits=len(visits), hours=length_text(doc.minutes), missed=missed
        )
    )
    if visits:  # the period's weeks against the family's target
        pdf.picture(family_chart(tr, record, period.first, period.last))
    pdf.ln(2)
    rows = []
    for goal in record.goals:
        notes = "\n".join(f"{day_text(e.day)}: {e.text}" for e in doc.progress(goal.id))
        status = plan_view.status(tr, goal.status)
        rows.append([labels.name(tr, goal.area), goal.text, status, notes or "—"])
    goals = _("Goals of the help plan")
    if rows:
        headings = [_("Area"), _("Goal"), _("Status"), _("Progress in the period")]
        pdf.table_of(headings, rows, (30, 50, 22, 78), size=8, title=goals)
    else:
        pdf.heading(goals, 11)
    tasks = [(goal, task) for goal in record.goals for task in goal.tasks if task.independence]
    if tasks:
        task_rows = []
        for goal, task in tasks:
            then = doc.level_then(task.id, task.independence)
            now = task.independence
            task_rows.append(
                [
                    f"{task.text} ({shorten(goal.text, 40)})",
                    owner_text(tr, record, task.owner),
                    "—" if then is None else plan_view.independence(tr, then),
                    "—" if now is None else plan_view.independence(tr, now),
                ]
            )
        headings = [_("Task"), _("Who"), _("At the start of the period"), _("Now")]
        heading = _("Tasks: how independently the family does them")
        pdf.table_of(headings, task_rows, (70, 30, 40, 40), size=8, title=heading)
        pdf.picture(independence_chart(tr, record))
    pdf.heading(_("Assessment of the family's situation"), 11)
    pdf.paragraph(doc.assessment.summary)
    pdf.signatures([_("Family assistant's signature"), _("Head of the centre's signature")])
    return pdf.finish()
