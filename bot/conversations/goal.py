"""/goal (/cel): add a goal to a family's plan, or change one: status, progress note, due
date, tasks (add, tick) and a task's independence level. Each change is one short walk with
buttons; typed text only for the texts themselves. The states are in goal.mmd.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.conversations.common import (
    Answered,
    DraftStore,
    ask,
    build_walk,
    busy_elsewhere,
    new_token,
    stale,
    step_token,
    tell_busy,
)
from bot.domain.errors import DomainError, NotFound
from bot.domain.family import Family
from bot.domain.parsing import YearPreference, parse_date
from bot.domain.plan import (
    EFFECT_MAX,
    GOAL_TEXT_MAX,
    INSTITUTION_MAX,
    PROGRESS_NOTE_MAX,
    TASK_TEXT_MAX,
    Goal,
    GoalStatus,
    Independence,
    OwnerKind,
    TaskOwner,
    check_due,
    check_required_text,
    sort_goals,
)
from bot.domain.vocabulary import Area
from bot.handlers.common import answer_press, show
from bot.handlers.context import BotContext
from bot.handlers.families import GOALS_PREFIX
from bot.i18n import Translator
from bot.ui import labels
from bot.ui.callbacks import Press, as_int, decode
from bot.ui.keyboards import button, family_picker, in_rows
from bot.ui.plan_view import STATUS_ICONS, goal_lines, independence, independence_bar, status
from bot.ui.text import esc, telegram_length

PREFIX = "g"
NAME = "goal"
END = -1
GOALS_LISTED = 40
TASK_BUTTONS = 40  # with the step's own buttons, well under Telegram's 100
CARD_BUDGET = 3000  # the goal card, plus the step's question, stays under 4096 characters


class Step(StrEnum):
    """The conversation's states."""

    FAMILY = "family"
    MENU = "menu"
    AREA = "area"
    TEXT = "text"
    EFFECT = "effect"
    DUE = "due"
    GOAL = "goal"
    STATUS = "status"
    CONFIRM = "confirm"
    NOTE = "note"
    NEW_DUE = "new_due"
    TASK_TEXT = "task_text"
    TASK_OWNER = "task_owner"
    TASK_INSTITUTION = "task_institution"
    TASK_DUE = "task_due"
    TICK = "tick"
    LEVEL_TASK = "level_task"
    LEVEL = "level"


class GoalDraft(BaseModel):
    """Where the walk is: the family, the goal, and what is being typed in."""

    token: str
    family_id: int | None = None
    goal_id: int | None = None
    area: Area | None = None
    text: str = ""
    effect: str | None = None
    task_text: str = ""
    task_owner: TaskOwner | None = None
    task_id: int | None = None
    pending_status: GoalStatus | None = None


STORE = DraftStore(NAME, GoalDraft, Step)


class Shown(BaseModel):
    """What a prompt needs from the database."""

    family: Family | None = None
    goals: list[Goal] = []
    goal: Goal | None = None
    families: list[Family] = []


def _prompt(
    tr: Translator, draft: GoalDraft, step: Step, shown: Shown, *, today: date, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The question and buttons of a step."""
    _ = tr.gettext
    t = step_token(draft.token, step)

    def b(text: str, action: str, arg: object = "") -> InlineKeyboardButton:
        return button(text, PREFIX, t, action, arg)

    finish = [b(_("✔ Finish"), "finish")]
    back = [b(_("⬅ Back to the goal"), "back")]
    if step is Step.FAMILY:
        picker = family_picker(shown.families, page, PREFIX, t, extra=[finish])
        return _("🎯 Which family's plan?"), picker
    family = shown.family
    head = "🎯 " + (f"<b>{esc(family.code)}</b> — " if family else "") + _("help plan")
    goal = shown.goal
    if step is Step.MENU:
        rows = [
            [b(f"{STATUS_ICONS[g.status]} {labels.area(tr, g.area)}: {g.text}", "pick", g.id)]
            for g in sort_goals(shown.goals)[:GOALS_LISTED]
        ]
        text = _("Pick a goal to change, or add a new one.") if rows else _("No goals yet.")
        return f"{head}\n{text}", InlineKeyboardMarkup(
            [*rows, [b(_("➕ New goal"), "new")], finish]
        )
    if step is Step.AREA:
        areas = [b(labels.area(tr, a), "area", a.value) for a in Area]
        return f"{head}\n" + _("Which area is the new goal in?"), InlineKeyboardMarkup(
            [*in_rows(areas, 2), finish]
        )
    if step is Step.TEXT:
        return f"{head}\n" + _(
            "What does the family want to reach? Type it (at most {limit} characters)."
        ).format(limit=GOAL_TEXT_MAX), InlineKeyboardMarkup([finish])
    if step is Step.EFFECT:
        return f"{head}\n" + _(
            "How will you know it is reached (the expected effect)? Type it, or Skip."
        ), InlineKeyboardMarkup([[b(_("Skip ➡"), "skip")], finish])
    if step is Step.DUE:
        return f"{head}\n" + _("By when? Type a date (31.03), or Skip."), InlineKeyboardMarkup(
            [[b(_("Skip ➡"), "skip")], finish]
        )
    card = _fitting(goal_lines(tr, goal, family, today)) if goal and family else []
    card_text = head + "\n\n" + "\n".join(card)
    if step is Step.GOAL:
        actions = [
            b(_("Status"), "status"),
            b(_("Progress note"), "note"),
            b(_("Due date"), "due"),
            b(_("➕ Task"), "task"),
        ]
        if goal and goal.tasks:
            actions += [b(_("☑ Tick a task"), "tick"), b(_("Independence"), "level")]
        rows = [*in_rows(actions, 2), [b(_("⬅ All goals"), "menu")], finish]
        return card_text, InlineKeyboardMarkup(rows)
    if step is Step.STATUS:
        options = [b(f"{STATUS_ICONS[s]} {status(tr, s)}", "set", s.value) for s in GoalStatus]
        return card_text + "\n\n" + _("New status?"), InlineKeyboardMarkup(
            [*in_rows(options, 2), back]
        )
    if step is Step.CONFIRM:
        count = len(goal.open_tasks()) if goal else 0
        return card_text + "\n\n" + tr.ngettext(
            "This goal still has {count} open task. Mark it achieved anyway?",
            "This goal still has {count} open tasks. Mark it achieved anyway?",
            count,
        ).format(count=count), InlineKeyboardMarkup(
            [[b(_("Yes, achieved"), "confirm"), b(_("No"), "back")]]
        )
    if step is Step.NOTE:
        return card_text + "\n\n" + _(
            "Type the progress note (at most {limit} characters)."
        ).format(limit=PROGRESS_NOTE_MAX), InlineKeyboardMarkup([back])
    if step is Step.NEW_DUE:
        return card_text + "\n\n" + _("Type the new due date (31.03), or remove it."), (
            InlineKeyboardMarkup([[b(_("Remove the due date"), "nodue")], back])
        )
    if step is Step.TASK_TEXT:
        return card_text + "\n\n" + _(
            "What is the task? Type it (at most {limit} characters)."
        ).format(limit=TASK_TEXT_MAX), InlineKeyboardMarkup([back])
    if step is Step.TASK_OWNER:
        members = [b(m.name, "owner", m.id) for m in (family.members if family else ())]
        others = [b(_("Assistant"), "owner", "a"), b(_("Institution"), "owner", "i")]
        return card_text + "\n\n" + _("Who does it?"), InlineKeyboardMarkup(
            [*in_rows(members, 3), others, back]
        )
    if step is Step.TASK_INSTITUTION:
        return card_text + "\n\n" + _(
            "Which institution? Type a short name (OPS, PUP, school…)."
        ), InlineKeyboardMarkup([back])
    if step is Step.TASK_DUE:
        return card_text + "\n\n" + _("By when? Type a date (31.03), or Skip."), (
            InlineKeyboardMarkup([[b(_("Skip ➡"), "skip")], back])
        )
    tasks = goal.tasks if goal else ()
    if step is Step.TICK:
        rows = [
            [b(("☑ " if task.done else "☐ ") + task.text, "tick", task.id)]
            for task in tasks[:TASK_BUTTONS]
        ]
        return card_text + "\n\n" + _("Tap a task to mark it done or open."), (
            InlineKeyboardMarkup([*rows, back])
        )
    if step is Step.LEVEL_TASK:
        rows = [
            [b(f"{independence_bar(task.independence)} {task.text}", "ltask", task.id)]
            for task in tasks[:TASK_BUTTONS]
            if task.independence is not None
        ]
        text = _("Which task?") if rows else _("No task done by the family yet.")
        return card_text + "\n\n" + text, InlineKeyboardMarkup([*rows, back])
    levels = [
        [b(f"{independence_bar(level)} {independence(tr, level)}", "lvl", level.value)]
        for level in Independence
    ]
    return card_text + "\n\n" + _("How independently does the family do it now?"), (
        InlineKeyboardMarkup([*levels, back])
    )


def _fitting(lines: list[str]) -> list[str]:
    """The card's first lines that fit the budget (a goal with many tasks is cut, marked …)."""
    kept: list[str] = []
    used = 0
    for line in lines:
        used += telegram_length(line) + 1
        if used > CARD_BUDGET:
            return [*kept, "…"]
        kept.append(line)
    return kept


async def _go(
    update: Update,
    context: BotContext,
    draft: GoalDraft,
    step: Step,
    *,
    notice: str | None = None,
    page: int = 0,
    fresh: bool = False,
) -> str:
    """Store the draft, show the step's question, return the state."""
    STORE.keep(context, draft, step)
    plans = context.services.plans
    shown = Shown()
    if step is Step.FAMILY:
        shown.families = await context.services.families.own_families(context.actor)
    if draft.family_id is not None:
        shown.family = await context.services.families.peek(context.actor, draft.family_id)
        if step is Step.MENU:
            shown.goals = await plans.goals(context.actor, draft.family_id)
    if draft.goal_id is not None and step not in (Step.FAMILY, Step.MENU, Step.AREA):
        shown.goal = (await plans.goal(context.actor, draft.goal_id)).goal
    today = context.services.clock.today()
    text, markup = _prompt(context.tr, draft, step, shown, today=today, page=page)
    await ask(update, context, text, markup, notice=notice, fresh=fresh)
    return step.value


async def start(update: Update, context: BotContext) -> str | int:
    """`/goal [code]` or the 🎯 button of a family card."""
    if busy_elsewhere(context, NAME):
        await tell_busy(update, context)
        return END
    draft = GoalDraft(token=new_token())
    code = context.args[0] if context.args else None
    press = decode(update.callback_query.data if update.callback_query else None)
    try:
        if press is not None:
            await answer_press(update)
            family_id = as_int(press.arg)
            if family_id is None:
                return END
            draft.family_id = (
                await context.services.families.open_family(context.actor, family_id, "plan.open")
            ).id
        elif code:
            draft.family_id = (
                await context.services.families.open_by_code(context.actor, code, "plan.open")
            ).id
    except DomainError as error:
        return await _go(
            update, context, draft, Step.FAMILY, notice=labels.describe_error(context.tr, error)
        )
    return await _go(update, context, draft, Step.MENU if draft.family_id else Step.FAMILY)


async def pressed(update: Update, context: BotContext) -> str | int | None:
    """Every button of the walk, checked against the draft's token and step."""
    turn = await STORE.begin_press(update, context, _go, exits=frozenset({"finish"}))
    if isinstance(turn, Answered):
        return turn.state  # type: ignore[return-value]
    draft, step, press = turn.draft, turn.step, turn.press
    assert press is not None
    try:
        return await _act(update, context, draft, step, press)
    except DomainError as error:
        return await STORE.refuse(
            update, context, error, lambda why: _go(update, context, draft, step, notice=why)
        )


async def _act(
    update: Update, context: BotContext, draft: GoalDraft, step: Step, press: Press
) -> str | int:
    """What a button does at a step."""
    action, arg = press.action, press.arg
    plans = context.services.plans
    actor = context.actor
    if action == "finish":
        return await _finish(update, context)
    if action == "back":
        draft.pending_status = None
        return await _go(update, context, draft, Step.GOAL)
    if step is Step.FAMILY and action == "page":
        return await _go(update, context, draft, Step.FAMILY, page=as_int(arg) or 0)
    if step is Step.FAMILY and action == "fam" and (family_id := as_int(arg)) is not None:
        draft.family_id = (
            await context.services.families.open_family(actor, family_id, "plan.open")
        ).id
        return await _go(update, context, draft, Step.MENU)
    if step is Step.MENU and action == "new":
        return await _go(update, context, draft, Step.AREA)
    if step is Step.MENU and action == "pick" and (goal_id := as_int(arg)) is not None:
        detail = await plans.goal(actor, goal_id)
        if detail.family.id != draft.family_id:
            raise NotFound("goal_unknown")
        draft.goal_id = goal_id
        return await _go(update, context, draft, Step.GOAL)
    if step is Step.AREA and arg in Area._value2member_map_:
        draft.area = Area(arg)
        return await _go(update, context, draft, Step.TEXT)
    if step is Step.EFFECT and action == "skip":
        draft.effect = None
        return await _go(update, context, draft, Step.DUE)
    if step is Step.DUE and action == "skip":
        return await _add_goal(update, context, draft, None)
    if step is Step.GOAL:
        target = {
            "status": Step.STATUS,
            "note": Step.NOTE,
            "due": Step.NEW_DUE,
            "task": Step.TASK_TEXT,
            "tick": Step.TICK,
            "level": Step.LEVEL_TASK,
            "menu": Step.MENU,
        }.get(action)
        if target is not None:
            if target is Step.MENU:
                draft.goal_id = None
            return await _go(update, context, draft, target)
    goal_id = draft.goal_id
    if goal_id is None:
        raise DomainError("goal_unknown")
    if step is Step.STATUS and arg in GoalStatus._value2member_map_:
        new_status = GoalStatus(arg)
        try:
            await plans.change_status(actor, goal_id, new_status)
        except DomainError as error:
            if error.code != "goal_open_tasks":
                raise
            draft.pending_status = new_status
            return await _go(update, context, draft, Step.CONFIRM)
        return await _saved(update, context, draft)
    if step is Step.CONFIRM and action == "confirm" and draft.pending_status is not None:
        await plans.change_status(actor, goal_id, draft.pending_status, confirm_open_tasks=True)
        draft.pending_status = None
        return await _saved(update, context, draft)
    if step is Step.NEW_DUE and action == "nodue":
        await plans.change_due_date(actor, goal_id, None)
        return await _saved(update, context, draft)
    if step is Step.TASK_OWNER and action == "owner":
        if arg == "a":
            draft.task_owner = TaskOwner.assistant()
        elif arg == "i":
            return await _go(update, context, draft, Step.TASK_INSTITUTION)
        elif (member_id := as_int(arg)) is not None:
            draft.task_owner = TaskOwner.member(member_id)
        return await _go(update, context, draft, Step.TASK_DUE)
    if step is Step.TASK_DUE and action == "skip":
        return await _add_task(update, context, draft, None)
    if step is Step.TICK and (task_id := as_int(arg)) is not None:
        goal = (await plans.goal(actor, goal_id)).goal
        task = next((t for t in goal.tasks if t.id == task_id), None)
        if task is None:
            raise NotFound("task_unknown")
        await plans.set_task_done(actor, task_id, not task.done)
        return await _go(update, context, draft, Step.TICK)
    if step is Step.LEVEL_TASK and (task_id := as_int(arg)) is not None:
        draft.task_id = task_id
        return await _go(update, context, draft, Step.LEVEL)
    if step is Step.LEVEL and arg in Independence._value2member_map_ and draft.task_id:
        await plans.change_independence(actor, draft.task_id, Independence(arg))
        draft.task_id = None
        return await _saved(update, context, draft)
    await stale(update, context)
    return step.value


async def typed(update: Update, context: BotContext) -> str | int | None:
    """Typed answers: goal text, expected effect, dates, notes, task text, institution."""
    turn = await STORE.begin_text(update, context)
    if isinstance(turn, Answered):
        return turn.state  # type: ignore[return-value]
    draft, step, text = turn.draft, turn.step, turn.text
    today = context.services.clock.today()
    plans = context.services.plans
    actor = context.actor
    try:
        if not text:
            raise DomainError("text_empty")
        if step is Step.TEXT:
            draft.text = _within(text, GOAL_TEXT_MAX)
            return await _go(update, context, draft, Step.EFFECT)
        if step is Step.EFFECT:
            draft.effect = _within(text, EFFECT_MAX)
            return await _go(update, context, draft, Step.DUE)
        if step is Step.DUE:
            return await _add_goal(update, context, draft, _future(text, today))
        if step is Step.NOTE and draft.goal_id is not None:
            await plans.add_progress_note(actor, draft.goal_id, _within(text, PROGRESS_NOTE_MAX))
            return await _saved(update, context, draft)
        if step is Step.NEW_DUE and draft.goal_id is not None:
            await plans.change_due_date(actor, draft.goal_id, _future(text, today))
            return await _saved(update, context, draft)
        if step is Step.TASK_TEXT:
            draft.task_text = _within(text, TASK_TEXT_MAX)
            return await _go(update, context, draft, Step.TASK_OWNER)
        if step is Step.TASK_INSTITUTION:
            draft.task_owner = TaskOwner.of_institution(_within(text, INSTITUTION_MAX))
            return await _go(update, context, draft, Step.TASK_DUE)
        if step is Step.TASK_DUE:
            return await _add_task(update, context, draft, _future(text, today))
    except DomainError as error:
        return await STORE.refuse(
            update, context, error, lambda why: _go(update, context, draft, step, notice=why)
        )
    return await _go(
        update, context, draft, step, notice=context.tr.gettext("Please use the buttons below.")
    )


def _within(text: str, limit: int) -> str:
    """A typed text, visible and within its limit, or a DomainError that says why not."""
    return check_required_text(text, limit)


def _future(text: str, today: date) -> date:
    """A typed due date, from today on and not too far ahead."""
    day = parse_date(text, today, YearPreference.FUTURE)
    check_due(day, today)
    return day


async def _add_goal(
    update: Update, context: BotContext, draft: GoalDraft, due: date | None
) -> str:
    """Save the new goal and show its card."""
    if draft.family_id is None or draft.area is None or not draft.text:
        raise DomainError("draft_incomplete")
    goal = await context.services.plans.add_goal(
        context.actor,
        draft.family_id,
        draft.area,
        draft.text,
        expected_effect=draft.effect,
        due=due,
    )
    draft.goal_id, draft.area, draft.text, draft.effect = goal.id, None, "", None
    return await _saved(update, context, draft)


async def _add_task(
    update: Update, context: BotContext, draft: GoalDraft, due: date | None
) -> str:
    """Save the new task and go back to the goal."""
    if draft.goal_id is None or draft.task_owner is None or not draft.task_text:
        raise DomainError("draft_incomplete")
    if draft.task_owner.kind is OwnerKind.MEMBER and draft.family_id is not None:
        family = await context.services.families.peek(context.actor, draft.family_id)
        if draft.task_owner.member_id not in {m.id for m in family.members}:
            raise DomainError("member_unknown")
    await context.services.plans.add_task(
        context.actor, draft.goal_id, draft.task_text, draft.task_owner, due=due
    )
    draft.task_text, draft.task_owner = "", None
    return await _saved(update, context, draft)


async def _saved(update: Update, context: BotContext, draft: GoalDraft) -> str:
    """Back to the goal's card after a change, saying it is saved."""
    return await _go(update, context, draft, Step.GOAL, notice=context.tr.gettext("Saved ✅"))


async def _finish(update: Update, context: BotContext) -> int:
    """End the walk; every change is already saved."""
    STORE.drop(context)
    await show(
        update,
        context,
        context.tr.gettext("Done. Every change is saved; /plan shows the whole plan."),
    )
    return END


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel: stop (changes made so far stay saved, as each was saved when made)."""
    return await _finish(update, context)


def build() -> ConversationHandler[BotContext]:
    """The /goal conversation, persistent across restarts."""
    return build_walk(
        name=NAME,
        prefix=PREFIX,
        steps=Step,
        entry_points=[
            CommandHandler(["goal", "cel"], start),
            CallbackQueryHandler(start, pattern=rf"^{GOALS_PREFIX}:"),
        ],
        pressed=pressed,
        typed=typed,
        cancel=cancel,
        allow_reentry=True,
    )
