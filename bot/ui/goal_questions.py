"""The questions of the /goal walk: the goal's card and each step's buttons (no service calls)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from bot.domain.day_words import PLAN_SPANS
from bot.domain.family import Family
from bot.domain.goal_steps import GoalDraft, Step
from bot.domain.plan import (
    GOAL_TEXT_MAX,
    PROGRESS_NOTE_MAX,
    TASK_TEXT_MAX,
    Goal,
    GoalStatus,
    Independence,
    sort_goals,
)
from bot.domain.vocabulary import Area
from bot.i18n import N_, Translator
from bot.ui import labels
from bot.ui.keyboards import Keyboard, StepButtons, in_rows
from bot.ui.plan_view import STATUS_ICONS, goal_lines, independence, independence_bar, status
from bot.ui.text import esc, fitting

PREFIX = "g"  # the /goal walk's buttons
GOALS_LISTED = 40
TASK_BUTTONS = 40  # with the step's own buttons, well under Telegram's 100
CARD_BUDGET = 3000
DUE_QUESTION = N_(
    "By when? Press a span, type a date (31.03, end of February, in 2 weeks, by 15 March), "
    "or Skip."
)  # the goal card, plus the step's question, stays under 4096 characters


class Shown(BaseModel):
    """What a prompt needs from the database."""

    family: Family | None = None
    goals: list[Goal] = []
    goal: Goal | None = None
    families: list[Family] = []


def goal_question(
    tr: Translator, draft: GoalDraft, step: Step, shown: Shown, *, today: date, page: int
) -> tuple[str, Keyboard]:
    """The question and the buttons of a step."""
    _ = tr.gettext
    b = StepButtons(PREFIX, draft.token, step)
    finish = [b(_("✔ Finish"), "finish")]
    back = [b(_("⬅ Back to the goal"), "back")]
    if step is Step.FAMILY:
        picker = b.family_picker(shown.families, page, extra=[finish])
        return _("🎯 Which family's plan?"), picker
    family = shown.family
    head = "🎯 " + (f"<b>{esc(family.code)}</b> — " if family else "") + _("help plan")
    goal = shown.goal
    if step is Step.MENU:
        rows = [
            [b(f"{STATUS_ICONS[g.status]} {labels.name(tr, g.area)}: {g.text}", "pick", g.id)]
            for g in sort_goals(shown.goals)[:GOALS_LISTED]
        ]
        text = _("Pick a goal to change, or add a new one.") if rows else _("No goals yet.")
        return f"{head}\n{text}", Keyboard([*rows, [b(_("➕ New goal"), "new")], finish])
    if step is Step.AREA:
        areas = [b(labels.name(tr, a), "area", a.value) for a in Area]
        return f"{head}\n" + _("Which area is the new goal in?"), Keyboard(
            [*in_rows(areas, 2), finish]
        )
    if step is Step.TEXT:
        return f"{head}\n" + _(
            "What does the family want to reach? Type it (at most {limit} characters)."
        ).format(limit=GOAL_TEXT_MAX), Keyboard([finish])
    if step is Step.EFFECT:
        return f"{head}\n" + _(
            "How will you know it is reached (the expected effect)? Type it, or Skip."
        ), Keyboard([[b(_("Skip ➡"), "skip")], finish])
    if step is Step.DUE:
        return f"{head}\n" + _(DUE_QUESTION), Keyboard(
            [*in_rows(b.spans(tr, PLAN_SPANS), 2), [b(_("Skip ➡"), "skip")], finish]
        )
    card = fitting(goal_lines(tr, goal, family, today), CARD_BUDGET) if goal and family else []
    card_text = head + "\n\n" + "\n".join(card)
    if step is Step.GOAL:
        actions = [b(_("Status"), "status"), b(_("Progress note"), "note")]
        if goal is None or goal.is_open:  # a closed goal's tasks are history: no change
            actions += [b(_("Due date"), "due"), b(_("➕ Task"), "task")]
            if goal and goal.tasks:
                actions += [b(_("☑ Tick a task"), "tick"), b(_("Independence"), "level")]
        rows = [*in_rows(actions, 2), [b(_("⬅ All goals"), "menu")], finish]
        return card_text, Keyboard(rows)
    if step is Step.STATUS:
        options = [b(f"{STATUS_ICONS[s]} {status(tr, s)}", "set", s.value) for s in GoalStatus]
        return card_text + "\n\n" + _("New status?"), Keyboard([*in_rows(options, 2), back])
    if step is Step.CONFIRM:
        count = len(goal.open_tasks()) if goal else 0
        return card_text + "\n\n" + tr.ngettext(
            "This goal still has {count} open task. Mark it achieved anyway?",
            "This goal still has {count} open tasks. Mark it achieved anyway?",
            count,
        ).format(count=count), Keyboard([[b(_("Yes, achieved"), "confirm"), b(_("No"), "back")]])
    if step is Step.NOTE:
        return card_text + "\n\n" + _(
            "Type the progress note (at most {limit} characters)."
        ).format(limit=PROGRESS_NOTE_MAX), Keyboard([back])
    if step is Step.NEW_DUE:
        return card_text + "\n\n" + _(
            "New due date? Press a span, type a date (31.03, end of February, in 2 weeks), "
            "or remove it."
        ), Keyboard(
            [*in_rows(b.spans(tr, PLAN_SPANS), 2), [b(_("Remove the due date"), "nodue")], back]
        )
    if step is Step.TASK_TEXT:
        return card_text + "\n\n" + _(
            "What is the task? Type it (at most {limit} characters)."
        ).format(limit=TASK_TEXT_MAX), Keyboard([back])
    if step is Step.TASK_OWNER:
        members = [b(m.name, "owner", m.id) for m in (family.members if family else ())]
        others = [b(_("Assistant"), "owner", "a"), b(_("Institution"), "owner", "i")]
        return card_text + "\n\n" + _("Who does it?"), Keyboard(
            [*in_rows(members, 3), others, back]
        )
    if step is Step.TASK_INSTITUTION:
        return card_text + "\n\n" + _(
            "Which institution? Type a short name (OPS, PUP, school…)."
        ), Keyboard([back])
    if step is Step.TASK_DUE:
        return card_text + "\n\n" + _(DUE_QUESTION), Keyboard(
            [*in_rows(b.spans(tr, PLAN_SPANS), 2), [b(_("Skip ➡"), "skip")], back]
        )
    tasks = goal.tasks if goal else ()
    if step is Step.TICK:
        rows = [
            # The button says what it makes the task (done or open), not "flip it": the same
            # press delivered again after a crash changes nothing more.
            [
                b(
                    ("☑ " if task.done else "☐ ") + task.text,
                    "tick",
                    f"{task.id}-{int(not task.done)}",
                )
            ]
            for task in tasks[:TASK_BUTTONS]
        ]
        return card_text + "\n\n" + _("Tap a task to mark it done or open."), (
            Keyboard([*rows, back])
        )
    if step is Step.LEVEL_TASK:
        rows = [
            [b(f"{independence_bar(task.independence)} {task.text}", "ltask", task.id)]
            for task in tasks[:TASK_BUTTONS]
            if task.independence is not None
        ]
        text = _("Which task?") if rows else _("No task done by the family yet.")
        return card_text + "\n\n" + text, Keyboard([*rows, back])
    levels = [
        [b(f"{independence_bar(level)} {independence(tr, level)}", "lvl", level.value)]
        for level in Independence
    ]
    return card_text + "\n\n" + _("How independently does the family do it now?"), (
        Keyboard([*levels, back])
    )
