"""`/plan`: the family's whole help plan as HTML lines, every piece of user text escaped."""

from __future__ import annotations

from dataclasses import dataclass, field
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
from bot.ui.text import MeasuredLines, esc, shorten, telegram_length, visible_length

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


Piece = tuple[str, int]  # escaped HTML and its visible length (see text.visible_length)
_SEPARATOR = " · "
_SEPARATOR_LENGTH = telegram_length(_SEPARATOR)
_INDENT_LENGTH = telegram_length(INDENT)
_TITLE_LENGTH = {icon: telegram_length(icon + " ") for icon in STATUS_ICONS.values()}
_MARKS = {
    done: (mark, telegram_length(f"{INDENT}{mark} ")) for done, mark in ((True, "☑️"), (False, "◻️"))
}
_OWNER_DASH = " — "
_DASH_LENGTH = telegram_length(_OWNER_DASH)


def _piece(markup: str) -> Piece:
    """A piece of HTML with its visible length."""
    return markup, visible_length(markup)


def _user_piece(text: str, limit: int) -> Piece:
    """User text shortened and escaped: it shows as long as the shortened text is."""
    short = shorten(text, limit)
    return esc(short), telegram_length(short)


@dataclass(slots=True)
class _Wording:
    """What a plan says again and again (a status, an owner, a due date), worked out once.

    A plan of 60 goals repeats a few labels, templates, names and dates in 180 tasks: each
    is translated, formatted and escaped once per render instead of once per line, and its
    visible length counted once, so the lines come with their lengths (text.MeasuredLines).
    """

    tr: Translator
    today: date
    names: dict[int, Piece]
    statuses: dict[GoalStatus, Piece]
    levels: dict[Independence, Piece]
    owners: dict[OwnerKind, Piece]
    expected_effect: str
    expected_effect_length: int  # of the template without the effect
    last_progress: str
    no_progress: Piece
    due_on: str
    was_due_on: str
    dues: dict[tuple[date, bool], Piece] = field(default_factory=dict)
    progress_days: dict[date, Piece] = field(default_factory=dict)
    institutions: dict[str, Piece] = field(default_factory=dict)

    @classmethod
    def of(cls, tr: Translator, family: Family, today: date) -> _Wording:
        """The wording for one family's plan, in the reader's language, as of `today`."""
        _ = tr.gettext
        effect = INDENT + "🎯 " + _("Expected effect: {effect}")
        return cls(
            tr=tr,
            today=today,
            names={m.id: _user_piece(m.name, MEMBER_NAME_MAX) for m in family.everyone if m.name},
            statuses={s: _piece(esc(status(tr, s))) for s in GoalStatus},
            levels={
                level: _piece(f"{independence_bar(level)} {esc(independence(tr, level))}")
                for level in Independence
            },
            owners={kind: _piece(esc(_(label))) for kind, label in OWNER_LABELS.items()},
            expected_effect=effect,
            expected_effect_length=visible_length(effect.format(effect="")),
            last_progress=_("last progress note {date}"),
            no_progress=_piece(esc(_("no progress notes yet"))),
            due_on=_("due {date}"),
            was_due_on=_("was due {date}"),
        )

    def owner(self, value: TaskOwner) -> Piece:
        """Who does a task."""
        if value.kind is OwnerKind.MEMBER:
            name = self.names.get(value.member_id or 0)
            if name and name[0]:
                return name
        if value.kind is OwnerKind.INSTITUTION and value.institution:
            piece = self.institutions.get(value.institution)
            if piece is None:
                piece = self.institutions[value.institution] = _user_piece(
                    value.institution, INSTITUTION_MAX
                )
            return piece
        return self.owners[value.kind]

    def due(self, day: date, *, overdue: bool) -> Piece:
        """A due date, marked when it has passed with the thing still open."""
        key = (day, overdue)
        piece = self.dues.get(key)
        if piece is None:
            if overdue:
                text = "⚠️ " + self.was_due_on.format(date=_date(self.tr, day))
            else:
                text = "📅 " + self.due_on.format(date=_date(self.tr, day))
            piece = self.dues[key] = _piece(text)
        return piece

    def progress(self, day: date) -> Piece:
        """When the last progress note was made."""
        piece = self.progress_days.get(day)
        if piece is None:
            text = self.last_progress.format(date=_date(self.tr, day))
            piece = self.progress_days[day] = _piece(text)
        return piece


def plan_lines(tr: Translator, view: PlanView, today: date) -> MeasuredLines:
    """The whole plan as HTML lines for `split_lines`: header, resources, goals by area."""
    lines = MeasuredLines()
    for line in [*_header_lines(tr, view, today), "", *_resource_lines(tr, view), ""]:
        lines.add(line)
    _add_goal_section(tr, view, today, lines)
    return lines


def goal_lines(tr: Translator, goal: Goal, family: Family, today: date) -> list[str]:
    """One goal: status icon and text, expected effect, due date and last progress, tasks."""
    lines = MeasuredLines()
    _add_goal(_Wording.of(tr, family, today), goal, lines)
    return lines


def _add_goal(wording: _Wording, goal: Goal, lines: MeasuredLines) -> None:
    """One goal in the render's wording, each line with its length."""
    icon = STATUS_ICONS[goal.status]
    text, length = _user_piece(goal.text, GOAL_TEXT_MAX)
    lines.add(f"{icon} <b>{text}</b>", _TITLE_LENGTH[icon] + length)
    if goal.expected_effect:
        effect, length = _user_piece(goal.expected_effect, EFFECT_MAX)
        lines.add(
            wording.expected_effect.format(effect=effect), wording.expected_effect_length + length
        )
    facts, length = wording.statuses[goal.status]
    if goal.due is not None:
        due, due_length = wording.due(goal.due, overdue=goal.is_overdue(wording.today))
        facts += _SEPARATOR + due
        length += _SEPARATOR_LENGTH + due_length
    progress, progress_length = (
        wording.no_progress
        if goal.last_progress_on is None
        else wording.progress(goal.last_progress_on)
    )
    lines.add(
        INDENT + facts + _SEPARATOR + progress,
        _INDENT_LENGTH + length + _SEPARATOR_LENGTH + progress_length,
    )
    for task in goal.tasks:
        _add_task(wording, task, goal.is_task_overdue(task, wording.today), lines)


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
    if family.closed:  # the six-monthly assessment belongs to the work, which has ended
        lines.append("🔒 " + _("The work with the family is closed: no assessment is due."))
    elif days > 0:
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


def _add_goal_section(tr: Translator, view: PlanView, today: date, lines: MeasuredLines) -> None:
    """Goals grouped under area headings in the order of work, then the folded closed goals."""
    _ = tr.gettext
    shown = view.shown_goals()
    first = len(lines)
    closed = view.family.closed  # a closed family takes no goal: no hint to add one
    if not view.goals:
        lines.add(
            esc(_("No goals.") if closed else _("No goals yet. Add the first one with /goal."))
        )
    elif not shown:
        lines.add(esc(_("No open goals.") if closed else _("No open goals. Add one with /goal.")))
    wording = _Wording.of(tr, view.family, today)
    area = None
    for goal in shown:
        if goal.area != area:
            area = goal.area
            if len(lines) > first:
                lines.add("", 0)
            lines.add(f"📂 <b>{esc(labels.name(tr, area))}</b>")
        _add_goal(wording, goal, lines)
    folded = view.folded_counts()
    if folded:
        counts = " · ".join(_folded_count(tr, s, n) for s, n in folded.items())
        lines.add("", 0)
        lines.add("📁 " + _("Closed goals not shown: {counts}.").format(counts=counts))
        lines.add(INDENT + _("To see them: /plan {code} all").format(code=esc(view.family.code)))


def _folded_count(tr: Translator, value: GoalStatus, count: int) -> str:
    """E.g. "2 achieved"."""
    if value is GoalStatus.ACHIEVED:
        text = tr.ngettext("{n} achieved", "{n} achieved", count)
    elif value is GoalStatus.NOT_ACHIEVED:
        text = tr.ngettext("{n} not achieved", "{n} not achieved", count)
    else:
        text = tr.ngettext("{n} dropped", "{n} dropped", count)
    return esc(text.format(n=count))


def _add_task(wording: _Wording, task: Task, overdue: bool, lines: MeasuredLines) -> None:
    """One task: done or not, what, who, by when (`overdue`: marked late), how independently."""
    mark, length = _MARKS[task.done]
    text, text_length = _user_piece(task.text, TASK_TEXT_MAX)
    owner, owner_length = wording.owner(task.owner)
    line = f"{INDENT}{mark} {text}{_OWNER_DASH}{owner}"
    length += text_length + _DASH_LENGTH + owner_length
    if task.due is not None:
        due, due_length = wording.due(task.due, overdue=overdue)
        line += _SEPARATOR + due
        length += _SEPARATOR_LENGTH + due_length
    if task.independence is not None:
        level, level_length = wording.levels[task.independence]
        line += _SEPARATOR + level
        length += _SEPARATOR_LENGTH + level_length
    lines.add(line, length)


def _date(tr: Translator, day: date) -> str:
    """A date with its year, escaped."""
    return esc(tr.fmt_date(day, DATE_FORMAT))
