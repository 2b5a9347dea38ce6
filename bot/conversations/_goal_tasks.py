"""/goal's shared turns and its task steps: a new task, ticking, independence."""

from __future__ import annotations

from datetime import date

from bot.conversations._table import Go, Outcome, Turn
from bot.domain.day_words import span_after
from bot.domain.drafts import next_item
from bot.domain.errors import DomainError, NotFound
from bot.domain.goal_steps import GoalDraft, Step
from bot.domain.parsing import YearPreference, parse_date
from bot.domain.plan import (
    INSTITUTION_MAX,
    TASK_TEXT_MAX,
    Goal,
    Independence,
    OwnerKind,
    TaskOwner,
    check_due,
    check_level_change,
    check_required_text,
)
from bot.ui.callbacks import as_int
from bot.ui.labels import describe_error

GoalTurn = Turn[GoalDraft, Step]


def again(turn: GoalTurn) -> Go:
    """A press this step cannot use (an unknown choice): ask the same question again."""
    notice = turn.tr.gettext("That button is from an older message; use the latest one.")
    return Go(turn.step, notice=notice)


def shown_goal_id(turn: GoalTurn) -> int:
    """The goal being changed (a change step without one is a broken draft)."""
    if turn.draft.goal_id is None:
        raise DomainError("goal_unknown")
    return turn.draft.goal_id


def saved(turn: GoalTurn) -> Go:
    """Back to the goal's card after a change, saying it is saved."""
    return Go(Step.GOAL, notice=turn.tr.gettext("Saved ✅"))


def future_day(turn: GoalTurn) -> date:
    """A typed due date, from today on and not too far ahead."""
    day = parse_date(turn.text, turn.today, YearPreference.FUTURE)
    check_due(day, turn.today)
    return day


def due_day(turn: GoalTurn) -> date | None:
    """The typed due date, a span's button (`in a month`), or none when Skip was pressed."""
    if turn.text:
        return future_day(turn)
    if turn.arg:  # a span button (Skip carries none)
        return check_due(span_after(turn.today, turn.arg), turn.today)
    return None


# --- a new task -----------------------------------------------------------------------------


async def typed_task(turn: GoalTurn) -> Outcome:
    """What the task is."""
    turn.draft.task_text = check_required_text(turn.text, TASK_TEXT_MAX)
    return Go(Step.TASK_OWNER)


async def task_owner(turn: GoalTurn) -> Outcome:
    """Who does it: a member, the assistant, or an institution (named next)."""
    if turn.arg == "i":
        return Go(Step.TASK_INSTITUTION)
    if turn.arg == "a":
        turn.draft.task_owner = TaskOwner.assistant()
    elif (member_id := as_int(turn.arg)) is not None:
        turn.draft.task_owner = TaskOwner.member(member_id)  # checked when the task is saved
    return Go(Step.TASK_DUE)


async def typed_institution(turn: GoalTurn) -> Outcome:
    """The institution's short name."""
    turn.draft.task_owner = TaskOwner.of_institution(
        check_required_text(turn.text, INSTITUTION_MAX)
    )
    return Go(Step.TASK_DUE)


async def add_task(turn: GoalTurn) -> Outcome:
    """A typed due date or Skip: save the new task and go back to the goal."""
    draft, due = turn.draft, due_day(turn)
    if draft.goal_id is None or draft.task_owner is None or not draft.task_text:
        raise DomainError("draft_incomplete")
    if draft.task_owner.kind is OwnerKind.MEMBER and draft.family_id is not None:
        family = await turn.services.families.peek(turn.actor, draft.family_id)
        if draft.task_owner.member_id not in {m.id for m in family.members}:
            raise DomainError("member_unknown")
    await turn.services.plans.add_task(
        turn.actor,
        draft.goal_id,
        draft.task_text,
        draft.task_owner,
        due=due,
        token=draft.item_token,
    )
    next_item(draft)
    draft.task_text, draft.task_owner = "", None
    return saved(turn)


# --- ticking tasks and independence ---------------------------------------------------------


async def shown_goal(turn: GoalTurn) -> Goal:
    """The goal whose card and task lists the walk shows, as it is now."""
    return (await turn.services.plans.goal(turn.actor, shown_goal_id(turn))).goal


async def tick(turn: GoalTurn) -> Outcome:
    """Mark a task done, or open again (the button names which: `<task>-1` done, `-0` open)."""
    task_part, _, done_part = turn.arg.partition("-")
    task_id = as_int(task_part)
    if task_id is None or done_part not in ("0", "1"):
        return again(turn)
    before = (await shown_goal(turn)).task(task_id)
    after = await turn.services.plans.set_task_done(turn.actor, task_id, done_part == "1")
    if before.due is None or after.due is None or after.due == before.due:
        return Go(Step.TICK)
    notice = turn.tr.gettext(
        "The task is open again and now due {date}, its goal's date (it was due {old}, after "
        "the goal's)."
    ).format(date=f"{after.due:%d.%m.%Y}", old=f"{before.due:%d.%m.%Y}")
    return Go(Step.TICK, notice=notice)


def levels_closed(turn: GoalTurn, error: DomainError) -> Go:
    """The goal was closed since its buttons were shown (another chat): its card, saying why."""
    turn.draft.task_id = None
    return Go(Step.GOAL, notice=describe_error(turn.tr, error))


def closed_since(turn: GoalTurn, goal: Goal) -> Go | None:
    """The goal's card with why, if the goal (read just now) is closed; None while it is open."""
    try:
        check_level_change(goal)
    except DomainError as error:
        return levels_closed(turn, error)
    return None


async def levels(turn: GoalTurn) -> Outcome:
    """Independence on the card: the tasks to choose from, while the goal is open."""
    return closed_since(turn, await shown_goal(turn)) or Go(Step.LEVEL_TASK)


async def level_task(turn: GoalTurn) -> Outcome:
    """The task whose independence changes: one the goal shown lists, while it is open."""
    task_id = as_int(turn.arg)
    if task_id is None:
        return again(turn)
    goal = await shown_goal(turn)
    if closed := closed_since(turn, goal):
        return closed
    if goal.task(task_id).independence is None:  # not on the scale: never listed
        raise NotFound("task_unknown")
    turn.draft.task_id = task_id
    return Go(Step.LEVEL)


async def level(turn: GoalTurn) -> Outcome:
    """How independently the family does it now."""
    if turn.arg not in Independence._value2member_map_ or not turn.draft.task_id:
        return again(turn)
    level = Independence(turn.arg)
    try:
        await turn.services.plans.change_independence(turn.actor, turn.draft.task_id, level)
    except DomainError as error:
        if error.code != "level_goal_closed":
            raise
        return levels_closed(turn, error)
    turn.draft.task_id = None
    return saved(turn)
