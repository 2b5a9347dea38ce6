"""`/plan`: the family's whole help plan as HTML lines, every piece of user text escaped."""

from __future__ import annotations

from datetime import date

from bot.domain.family import LABEL_MAX, MEMBER_NAME_MAX, Family
from bot.domain.plan import (
    EFFECT_MAX,
    GOAL_TEXT_MAX,
    INDEPENDENCE_SCALE,
    INSTITUTION_MAX,
    RESOURCE_MAX,
    TASK_TEXT_MAX,
    Goal,
    GoalStatus,
    Independence,
    OwnerKind,
    PlanView,
    Task,
    TaskOwner,
    days_until,
    level_step,
)
from bot.i18n import N_, Translator
from bot.ui import labels
from bot.ui.text import esc, shorten

DATE_FORMAT = "d MMM y"  # plans span years: the year is always shown
INDENT = "   "

STATUS_ICONS: dict[GoalStatus, str] = {
    GoalStatus.PLANNED: "⚪",
    GoalStatus.IN_PROGRESS: "🔵",
    GoalStatus.ACHIEVED: "✅",
    GoalStatus.NOT_ACHIEVED: "❌",
    GoalStatus.DROPPED: "➖",
}

STATUS_LABELS: dict[GoalStatus, str] = {
    GoalStatus.PLANNED: N_("planned"),
    GoalStatus.IN_PROGRESS: N_("in progress"),
    GoalStatus.ACHIEVED: N_("achieved"),
    GoalStatus.NOT_ACHIEVED: N_("not achieved"),
    GoalStatus.DROPPED: N_("dropped"),
}

INDEPENDENCE_LABELS: dict[Independence, str] = {
    Independence.SHOWN: N_("shown by the assistant"),
    Independence.TOGETHER: N_("done together"),
    Independence.SUPPORTED: N_("family with support"),
    Independence.ALONE: N_("family alone"),
}

OWNER_LABELS: dict[OwnerKind, str] = {
    OwnerKind.MEMBER: N_("family member"),
    OwnerKind.ASSISTANT: N_("assistant"),
    OwnerKind.INSTITUTION: N_("institution"),
}


def status(tr: Translator, value: GoalStatus) -> str:
    """Translated goal status."""
    return tr.gettext(STATUS_LABELS[value])


def independence(tr: Translator, value: Independence) -> str:
    """Translated independence level."""
    return tr.gettext(INDEPENDENCE_LABELS[value])


def independence_bar(value: Independence) -> str:
    """The level as a bar of filled and empty dots, e.g. ●●○○ for "done together"."""
    step = level_step(value)
    return "●" * step + "○" * (len(INDEPENDENCE_SCALE) - step)


def owner(tr: Translator, value: TaskOwner, family: Family) -> str:
    """Who does a task, as escaped HTML: the member's name, "assistant", or the institution."""
    if value.kind is OwnerKind.MEMBER:
        names = {m.id: m.name for m in family.everyone}
        name = names.get(value.member_id or 0)
        if name:
            return esc(shorten(name, MEMBER_NAME_MAX))
    if value.kind is OwnerKind.INSTITUTION and value.institution:
        return esc(shorten(value.institution, INSTITUTION_MAX))
    return esc(tr.gettext(OWNER_LABELS[value.kind]))


def plan_lines(tr: Translator, view: PlanView, today: date) -> list[str]:
    """The whole plan as HTML lines for `split_lines`: header, resources, goals by area."""
    lines = _header_lines(tr, view, today)
    lines += ["", *_resource_lines(tr, view)]
    lines += ["", *_goal_section(tr, view, today)]
    return lines


def goal_lines(tr: Translator, goal: Goal, family: Family, today: date) -> list[str]:
    """One goal: status icon and text, expected effect, due date and last progress, tasks."""
    _ = tr.gettext
    lines = [f"{STATUS_ICONS[goal.status]} <b>{esc(shorten(goal.text, GOAL_TEXT_MAX))}</b>"]
    if goal.expected_effect:
        effect = esc(shorten(goal.expected_effect, EFFECT_MAX))
        lines.append(INDENT + "🎯 " + _("Expected effect: {effect}").format(effect=effect))
    facts = [esc(status(tr, goal.status))]
    if goal.due is not None:
        facts.append(_due(tr, goal.due, overdue=goal.is_overdue(today)))
    if goal.last_progress_on is not None:
        facts.append(_("last progress note {date}").format(date=_date(tr, goal.last_progress_on)))
    else:
        facts.append(esc(_("no progress notes yet")))
    lines.append(INDENT + " · ".join(facts))
    lines += [_task_line(tr, task, family, today) for task in goal.tasks]
    return lines


def _header_lines(tr: Translator, view: PlanView, today: date) -> list[str]:
    """Family, contract dates, plan start, and when the next assessment is due."""
    _ = tr.gettext
    family = view.family
    title = "📋 " + _("<b>Help plan: {code}</b>").format(code=esc(family.code))
    if family.label:
        title += " · " + esc(shorten(family.label, LABEL_MAX))
    lines = [title, _contract_line(tr, family, today)]
    due = view.next_assessment_due()
    if view.plan is None or due is None:
        lines.append(esc(_("The plan has not been started yet.")))
        return lines
    lines.append("🗓 " + _("Plan started {date}").format(date=_date(tr, view.plan.started_on)))
    days = days_until(due, today)
    if days > 0:
        lines.append(
            "⏰ "
            + tr.ngettext(
                "Next assessment: {date}, in {n} day", "Next assessment: {date}, in {n} days", days
            ).format(date=_date(tr, due), n=days)
        )
    elif days == 0:
        lines.append("⏰ " + _("Next assessment: due today, {date}").format(date=_date(tr, due)))
    else:
        lines.append(
            "⚠️ "
            + tr.ngettext(
                "<b>Assessment overdue</b>: it was due {date}, {n} day ago",
                "<b>Assessment overdue</b>: it was due {date}, {n} days ago",
                -days,
            ).format(date=_date(tr, due), n=-days)
        )
    if view.last_assessment is not None:
        lines.append(
            INDENT + _("Last assessment: {date}").format(date=_date(tr, view.last_assessment.day))
        )
    else:
        lines.append(INDENT + esc(_("No assessment recorded yet.")))
    return lines


def _contract_line(tr: Translator, family: Family, today: date) -> str:
    """The contract's dates, marked when it has run out."""
    _ = tr.gettext
    signed, until = family.contract_signed_on, family.contract_valid_until
    if signed and until:
        text = _("Contract: signed {signed}, valid until {until}").format(
            signed=_date(tr, signed), until=_date(tr, until)
        )
    elif signed:
        text = _("Contract: signed {signed}").format(signed=_date(tr, signed))
    elif until:
        text = _("Contract: valid until {until}").format(until=_date(tr, until))
    else:
        text = esc(_("Contract: no dates recorded"))
    expired = until is not None and until < today
    return ("⚠️ " if expired else "📝 ") + text


def _resource_lines(tr: Translator, view: PlanView) -> list[str]:
    """The family's resources, one per line."""
    _ = tr.gettext
    lines = ["💪 " + _("<b>Family's resources</b>")]
    if not view.resources:
        return [*lines, INDENT + esc(_("No resources recorded yet."))]
    return lines + [f"• {esc(shorten(r.text, RESOURCE_MAX))}" for r in view.resources]


def _goal_section(tr: Translator, view: PlanView, today: date) -> list[str]:
    """Goals grouped under area headings in the order of work, then the folded closed goals."""
    _ = tr.gettext
    shown = view.shown_goals()
    lines: list[str] = []
    if not view.goals:
        lines.append(esc(_("No goals yet. Add the first one with /goal.")))
    elif not shown:
        lines.append(esc(_("No open goals. Add one with /goal.")))
    area = None
    for goal in shown:
        if goal.area != area:
            area = goal.area
            if lines:
                lines.append("")
            lines.append(f"📂 <b>{esc(labels.name(tr, area))}</b>")
        lines += goal_lines(tr, goal, view.family, today)
    folded = view.folded_counts()
    if folded:
        counts = " · ".join(_folded_count(tr, s, n) for s, n in folded.items())
        lines += [
            "",
            "📁 " + _("Closed goals not shown: {counts}.").format(counts=counts),
            INDENT + _("To see them: /plan {code} all").format(code=esc(view.family.code)),
        ]
    return lines


def _folded_count(tr: Translator, value: GoalStatus, count: int) -> str:
    """E.g. "2 achieved"."""
    if value is GoalStatus.ACHIEVED:
        text = tr.ngettext("{n} achieved", "{n} achieved", count)
    elif value is GoalStatus.NOT_ACHIEVED:
        text = tr.ngettext("{n} not achieved", "{n} not achieved", count)
    else:
        text = tr.ngettext("{n} dropped", "{n} dropped", count)
    return esc(text.format(n=count))


def _task_line(tr: Translator, task: Task, family: Family, today: date) -> str:
    """One task: done or not, what, who, by when, how independently."""
    mark = "☑️" if task.done else "◻️"
    text = esc(shorten(task.text, TASK_TEXT_MAX))
    parts = [f"{INDENT}{mark} {text} — {owner(tr, task.owner, family)}"]
    if task.due is not None:
        parts.append(_due(tr, task.due, overdue=task.is_overdue(today)))
    if task.independence is not None:
        parts.append(
            f"{independence_bar(task.independence)} {esc(independence(tr, task.independence))}"
        )
    return " · ".join(parts)


def _due(tr: Translator, day: date, *, overdue: bool) -> str:
    """A due date, marked when it has passed with the thing still open."""
    if overdue:
        return "⚠️ " + tr.gettext("was due {date}").format(date=_date(tr, day))
    return "📅 " + tr.gettext("due {date}").format(date=_date(tr, day))


def _date(tr: Translator, day: date) -> str:
    """A date with its year, escaped."""
    return esc(tr.fmt_date(day, DATE_FORMAT))
