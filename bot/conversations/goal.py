"""/goal (/cel): add a goal to a family's plan or change one; each change is saved when made.

A goal's status, progress note, due date, tasks (add, tick) and a task's independence level
are each one short walk with buttons; typed text only for the texts themselves. The walk is
the table `TABLE` below; `goal.mmd` is drawn from it (`make diagrams`).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import names
from bot.conversations._family import FamilyPicker, pressed_again
from bot.conversations._goal_tasks import (
    GoalTurn,
    add_task,
    again,
    due_day,
    level,
    level_task,
    levels,
    saved,
    shown_goal_id,
    task_owner,
    tick,
    typed_institution,
    typed_task,
)
from bot.conversations._plan_walks import item_saved
from bot.conversations._table import End, Go, On, Outcome, Question, Stage, moves, skips
from bot.conversations.engine import Walk
from bot.domain.drafts import next_item
from bot.domain.errors import DomainError, NotFound
from bot.domain.goal_steps import GoalDraft, Step
from bot.domain.plan import (
    EFFECT_MAX,
    GOAL_TEXT_MAX,
    PROGRESS_NOTE_MAX,
    GoalStatus,
    check_required_text,
)
from bot.domain.vocabulary import Area
from bot.handlers.common import answer_press
from bot.handlers.context import BotContext
from bot.i18n import N_
from bot.ui.callbacks import as_int, pressed_data
from bot.ui.family_views import GOALS_PREFIX
from bot.ui.goal_questions import PREFIX, Shown, goal_question
from bot.ui.plan_view import status

NAME = "goal"


async def _question(turn: GoalTurn, page: int) -> Question:
    """A step's question, with what it shows read from the database (the goal's read is logged)."""
    draft, step, actor = turn.draft, turn.step, turn.actor
    shown = Shown()
    if step is Step.FAMILY:
        shown.families = await turn.services.families.own_families(actor)
    if draft.family_id is not None:
        shown.family = await turn.services.families.peek(actor, draft.family_id)
        if step is Step.MENU:
            shown.goals = await turn.services.plans.goals(actor, draft.family_id)
    if draft.goal_id is not None and step not in (Step.FAMILY, Step.MENU, Step.AREA):
        shown.goal = (await turn.services.plans.goal(actor, draft.goal_id)).goal
    return goal_question(turn.tr, draft, step, shown, today=turn.today, page=page)


# --- from any step --------------------------------------------------------------------------


async def _finish(turn: GoalTurn) -> Outcome:
    """✔ Finish or /cancel: end the walk; every change is already saved."""
    return End(turn.tr.gettext("Done. Every change is saved; /plan shows the whole plan."))


async def _back(turn: GoalTurn) -> Outcome:
    """⬅ Back to the goal (or No at the confirm step), leaving the change unmade."""
    if turn.draft.goal_id is None:  # an older message's button, no goal open now
        return again(turn)
    turn.draft.pending_status = None
    return Go(Step.GOAL)


# --- choosing the family and the goal -------------------------------------------------------


async def _pick_goal(turn: GoalTurn) -> Outcome:
    """A goal of this family's plan (a forged one of another family is not found)."""
    goal_id = as_int(turn.arg)
    if goal_id is None:
        return again(turn)
    detail = await turn.services.plans.goal(turn.actor, goal_id)
    if detail.family.id != turn.draft.family_id:
        raise NotFound("goal_unknown")
    turn.draft.goal_id = goal_id
    return Go(Step.GOAL)


async def _all_goals(turn: GoalTurn) -> Outcome:
    """⬅ All goals: the plan's list again."""
    turn.draft.goal_id = None
    return Go(Step.MENU)


# --- a new goal -----------------------------------------------------------------------------


async def _area(turn: GoalTurn) -> Outcome:
    """The new goal's area."""
    if turn.arg not in Area._value2member_map_:
        return again(turn)
    turn.draft.area = Area(turn.arg)
    return Go(Step.TEXT)


async def _typed_goal(turn: GoalTurn) -> Outcome:
    """What the family wants to reach."""
    turn.draft.text = check_required_text(turn.text, GOAL_TEXT_MAX)
    return Go(Step.EFFECT)


async def _typed_effect(turn: GoalTurn) -> Outcome:
    """How they will know it is reached."""
    turn.draft.effect = check_required_text(turn.text, EFFECT_MAX)
    return Go(Step.DUE)


async def _add_goal(turn: GoalTurn) -> Outcome:
    """A typed due date or Skip: save the new goal and show its card."""
    draft, due = turn.draft, due_day(turn)
    if draft.family_id is None or draft.area is None or not draft.text:
        raise DomainError("draft_incomplete")
    goal = await turn.services.plans.add_goal(
        turn.actor,
        draft.family_id,
        draft.area,
        draft.text,
        expected_effect=draft.effect,
        due=due,
        token=draft.item_token,
    )
    next_item(draft)
    draft.goal_id, draft.area, draft.text, draft.effect = goal.id, None, "", None
    return saved(turn)


# --- changing the goal ----------------------------------------------------------------------


def _already(turn: GoalTurn, had: GoalStatus) -> str:
    """The status chosen is the goal's own: nothing is saved, and the user is told so."""
    return turn.tr.gettext(
        "This goal is already “{status}”: nothing was changed. Choose another status, or go "
        "back to the goal."
    ).format(status=status(turn.tr, had))


async def _set_status(turn: GoalTurn) -> Outcome:
    """A new status; achieved with open tasks asks first, the status it has is not saved."""
    if turn.arg not in GoalStatus._value2member_map_:
        return again(turn)
    goal_id, new_status = shown_goal_id(turn), GoalStatus(turn.arg)
    try:
        await turn.services.plans.change_status(turn.actor, goal_id, new_status)
    except DomainError as error:
        if error.code == "goal_status_same":
            return Go(Step.STATUS, notice=_already(turn, new_status))
        if error.code != "goal_open_tasks":
            raise
        turn.draft.pending_status = new_status
        return Go(Step.CONFIRM)
    return saved(turn)


async def _confirm_status(turn: GoalTurn) -> Outcome:
    """Yes, achieved although tasks are open."""
    goal_id, pending = shown_goal_id(turn), turn.draft.pending_status
    if pending is None:
        return again(turn)
    try:
        await turn.services.plans.change_status(
            turn.actor, goal_id, pending, confirm_open_tasks=True
        )
    except DomainError as error:
        if error.code != "goal_status_same":  # achieved meanwhile (another chat, a restart)
            raise
        turn.draft.pending_status = None
        return Go(Step.GOAL, notice=_already(turn, pending))
    turn.draft.pending_status = None
    return saved(turn)


async def _typed_note(turn: GoalTurn) -> Outcome:
    """A progress note."""
    note = check_required_text(turn.text, PROGRESS_NOTE_MAX)
    await turn.services.plans.add_progress_note(
        turn.actor, shown_goal_id(turn), note, token=turn.draft.item_token
    )
    next_item(turn.draft)
    return saved(turn)


async def _typed_new_due(turn: GoalTurn) -> Outcome:
    """A new due date, typed or a span's button."""
    due = due_day(turn)
    if due is None:  # a span button without its span
        return again(turn)
    await turn.services.plans.change_due_date(turn.actor, shown_goal_id(turn), due)
    return saved(turn)


async def _remove_due(turn: GoalTurn) -> Outcome:
    """No due date any more."""
    await turn.services.plans.change_due_date(turn.actor, shown_goal_id(turn), None)
    return saved(turn)


# --- the table ------------------------------------------------------------------------------

S = Step
PICKER = FamilyPicker(at=S.FAMILY, then=S.MENU, audit="plan.open")
TABLE: dict[Step, Stage] = {
    S.FAMILY: PICKER.stage(),
    S.MENU: Stage(
        {"new": moves(S.AREA, "➕ New goal"), "pick": On(_pick_goal, (S.GOAL,), "pick a goal")}
    ),
    S.AREA: Stage({"area": On(_area, (S.TEXT,), "area")}),
    S.TEXT: Stage(typed=On(_typed_goal, (S.EFFECT,), f"typed goal (≤ {GOAL_TEXT_MAX})")),
    S.EFFECT: Stage(
        {"skip": skips("effect", S.DUE)},
        typed=On(_typed_effect, (S.DUE,), "typed effect"),
    ),
    S.DUE: Stage(
        {
            "skip": On(_add_goal, (S.GOAL,), "Skip — goal saved"),
            "span": On(_add_goal, (S.GOAL,), "in a week / month / 3 / 6 months — goal saved"),
        },
        typed=On(_add_goal, (S.GOAL,), "typed date (not past) — goal saved"),
    ),
    S.GOAL: Stage(
        {
            "status": moves(S.STATUS, "Status"),
            "note": moves(S.NOTE, "Progress note"),
            "due": moves(S.NEW_DUE, "Due date"),
            "task": moves(S.TASK_TEXT, "➕ Task"),
            "tick": moves(S.TICK, "☑ Tick a task"),
            "level": On(levels, (S.LEVEL_TASK, S.GOAL), "Independence (goal closed since: card)"),
            "menu": On(_all_goals, (S.MENU,), "⬅ All goals"),
        }
    ),
    S.STATUS: Stage(
        {"set": On(_set_status, (S.GOAL, S.CONFIRM), "new status (open tasks: confirm)")}
    ),
    S.CONFIRM: Stage({"confirm": On(_confirm_status, (S.GOAL,), "Yes, achieved (saved)")}),
    S.NOTE: Stage(typed=On(_typed_note, (S.GOAL,), "typed note (saved)")),
    S.NEW_DUE: Stage(
        {
            "nodue": On(_remove_due, (S.GOAL,), "Remove the due date (saved)"),
            "span": On(_typed_new_due, (S.GOAL,), "in a week … half a year (saved)"),
        },
        typed=On(_typed_new_due, (S.GOAL,), "typed date (saved)"),
    ),
    S.TASK_TEXT: Stage(typed=On(typed_task, (S.TASK_OWNER,), "typed task")),
    S.TASK_OWNER: Stage(
        {"owner": On(task_owner, (S.TASK_DUE, S.TASK_INSTITUTION), "who does it")}
    ),
    S.TASK_INSTITUTION: Stage(typed=On(typed_institution, (S.TASK_DUE,), "typed name")),
    S.TASK_DUE: Stage(
        {
            "skip": On(add_task, (S.GOAL,), "Skip (saved)"),
            "span": On(add_task, (S.GOAL,), "in a week … half a year (saved)"),
        },
        typed=On(add_task, (S.GOAL,), "typed date (saved)"),
    ),
    S.TICK: Stage({"tick": On(tick, (), "task toggled (saved)")}),
    S.LEVEL_TASK: Stage(
        {"ltask": On(level_task, (S.LEVEL, S.GOAL), "task (goal closed since: card)")}
    ),
    S.LEVEL: Stage({"lvl": On(level, (S.GOAL,), "level (saved; goal closed since: card)")}),
}

ANYWHERE = {
    "finish": On(_finish, (None,), "✔ Finish"),
    "back": On(_back, (S.GOAL,), "⬅ Back to the goal / No"),
}
STARTS = {"/goal": (S.FAMILY,), "/goal R-01, or 🎯 on a family card": (S.MENU,)}
WALK = Walk(
    NAME,
    PREFIX,
    GoalDraft,
    TABLE,
    _question,
    starts=STARTS,
    anywhere=ANYWHERE,
    saved=item_saved,
    started=N_("the goal you started"),
    wanted=N_("work on a goal"),
    resting=frozenset({S.FAMILY, S.MENU, S.GOAL, S.TICK, S.LEVEL_TASK}),  # each tap saved
)


# --- entries --------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    """`/goal [code]` or the 🎯 button of a family card."""
    if await pressed_again(WALK, PICKER.then, update, context):
        return
    if await WALK.blocked(update, context):
        return
    press = pressed_data(update)
    family_id = None if press is None else as_int(press.arg)
    if press is not None:  # the 🎯 button of a family card
        await answer_press(update)
        if family_id is None:
            return
    await PICKER.begin(WALK, update, context, family_id)


HANDLERS = WALK.handlers(
    CommandHandler(names("goal"), start),
    CallbackQueryHandler(start, pattern=rf"^{GOALS_PREFIX}:"),
)
