"""/visit (/wizyta): record a visit in under a minute, step by step, mostly with buttons.

The walk is the table `TABLE` below; `record_visit.mmd` is drawn from it (`make diagrams`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import names
from bot.conversations._family import FamilyPicker, family_of
from bot.conversations._table import (
    End,
    Go,
    On,
    Outcome,
    Question,
    Skip,
    Stage,
    Turn,
    moves,
    toggled,
)
from bot.conversations.engine import Walk
from bot.domain.errors import DomainError
from bot.domain.parsing import parse_date, parse_duration
from bot.domain.visit import (
    NEXT_STEPS_MAX,
    NOTE_MAX,
    VisitDraft,
    check_note,
    check_someone_present,
    check_visit_date,
)
from bot.domain.visit_steps import COMPLETED_FLOW, MISSED_FLOW, Step, next_step
from bot.domain.vocabulary import Activity, Area, MissedReason, Place, VisitKind
from bot.handlers.common import answer_press, reminder_family_settled, settled_reminder, show
from bot.handlers.context import BotContext
from bot.i18n import N_, Translator
from bot.ui import labels
from bot.ui.callbacks import as_int, pressed_data, read_toggle
from bot.ui.family_views import START_VISIT_PREFIX
from bot.ui.text import esc
from bot.ui.visit_questions import PREFIX, visit_question

NAME = "record_visit"
VisitTurn = Turn[VisitDraft, Step]
_PLAN_READ_AT = frozenset({Step.GOALS, Step.EDIT})  # they show or offer the open goals


async def _question(turn: VisitTurn, page: int) -> Question:
    """A step's question; who-was-present and goals are skipped when there is nothing to tick."""
    draft, step = turn.draft, turn.step
    families, family = await PICKER.choices(turn)
    goals = []
    if family is not None and (draft.has_open_goals is None or step in _PLAN_READ_AT):
        # The walk's first question learns whether the goals will be asked (the counter's
        # total); the goals step and ✏️ Change read the plan as it is then: changed mid-walk,
        # the total follows from there, one step more or fewer, and no number is jumped.
        goals = await turn.services.plans.open_goals(turn.actor, family.id)
        draft.has_open_goals = bool(goals)
    if step is Step.PRESENT and family is not None and not family.members:
        return Skip(next_step(draft, step))
    if step is Step.GOALS and family is not None and not goals:  # nothing in the plan to link
        # ✏️ Change offered Goals, then they were closed elsewhere: the summary says why.
        closed = turn.tr.gettext("The plan has no open goals any more.") if draft.editing else None
        return Skip(next_step(draft, step), notice=closed)
    return visit_question(turn.tr, draft, family, step, families, page=page, goals=goals)


# --- buttons --------------------------------------------------------------------------------


async def _date_button(turn: VisitTurn) -> Outcome:
    """Today or yesterday."""
    turn.draft.visit_date = turn.today - timedelta(days=1 if turn.arg == "yesterday" else 0)
    return Go(next_step(turn.draft, Step.DATE))


async def _missed(turn: VisitTurn) -> Outcome:
    """Switch to recording an attempt that did not become a visit.

    Pressed at the date it asks the date after the reason; pressed at who was present
    (nobody was there), the date chosen already is the attempt's and is not asked again.
    """
    turn.draft.kind = VisitKind.MISSED
    turn.draft.date_kept = turn.step is not Step.DATE
    if not turn.draft.date_kept:
        turn.draft.visit_date = None
    return Go(Step.MISSED_REASON)


async def _reason(turn: VisitTurn) -> Outcome:
    """Why the visit did not take place."""
    if turn.arg not in MissedReason._value2member_map_:
        raise DomainError("draft_incomplete")
    turn.draft.missed_reason = MissedReason(turn.arg)
    return Go(next_step(turn.draft, Step.MISSED_REASON))


async def _duration_button(turn: VisitTurn) -> Outcome:
    """60, 90 or 120 minutes."""
    turn.draft.duration_min = parse_duration(turn.arg)
    return Go(next_step(turn.draft, Step.DURATION))


async def _place(turn: VisitTurn) -> Outcome:
    """Where the visit happened."""
    if turn.arg not in Place._value2member_map_:
        raise DomainError("draft_incomplete")
    turn.draft.place = Place(turn.arg)
    return Go(next_step(turn.draft, Step.PLACE))


async def _toggle_present(turn: VisitTurn) -> Outcome:
    """Mark or unmark a member as present."""
    value, ticks = read_toggle(turn.arg)
    member, family = as_int(value), await family_of(turn)
    if member is None or family is None or member not in {m.id for m in family.members}:
        raise DomainError("draft_incomplete")
    turn.draft.present = toggled(turn.draft.present, member, ticks)
    return Go(Step.PRESENT)


async def _present_done(turn: VisitTurn) -> Outcome:
    """Close who was present: someone from the family was, or it was no visit (missed)."""
    family = await family_of(turn)
    check_someone_present(turn.draft, set() if family is None else {m.id for m in family.members})
    return Go(next_step(turn.draft, Step.PRESENT))


async def _toggle_area(turn: VisitTurn) -> Outcome:
    """Mark or unmark an area worked on."""
    value, ticks = read_toggle(turn.arg)
    if value in Area._value2member_map_:
        turn.draft.areas = toggled(turn.draft.areas, Area(value), ticks)
    return Go(Step.AREAS)


async def _toggle_activity(turn: VisitTurn) -> Outcome:
    """Mark or unmark an activity."""
    value, ticks = read_toggle(turn.arg)
    if value in Activity._value2member_map_:
        turn.draft.activities = toggled(turn.draft.activities, Activity(value), ticks)
    return Go(Step.ACTIVITIES)


async def _toggle_goal(turn: VisitTurn) -> Outcome:
    """Mark or unmark an open goal of the plan as worked on."""
    value, ticks = read_toggle(turn.arg)
    goal, family = as_int(value), await family_of(turn)
    open_goals = (
        [] if family is None else await turn.services.plans.open_goals(turn.actor, family.id)
    )
    if goal is None or goal not in {g.id for g in open_goals}:
        raise DomainError("goal_unknown")
    turn.draft.goals = toggled(turn.draft.goals, goal, ticks)
    return Go(Step.GOALS)


async def _done(turn: VisitTurn) -> Outcome:
    """Close a multi-choice step."""
    return Go(next_step(turn.draft, turn.step))


async def _skip(turn: VisitTurn) -> Outcome:
    """Skip an optional text step (the note of a missed visit, next steps)."""
    if turn.step is Step.NOTE:
        if turn.draft.kind is not VisitKind.MISSED:  # a visit's note is required
            raise DomainError("text_empty")
        turn.draft.note = ""
    else:
        turn.draft.next_steps = ""
    return Go(next_step(turn.draft, turn.step))


async def _save(turn: VisitTurn) -> Outcome:
    """Save once (the draft token makes a repeat harmless) and tell the week's tally."""
    draft, tr = turn.draft, turn.tr
    try:
        saved = await turn.services.visits.record(turn.actor, draft)
    except DomainError as error:
        if error.code != "nobody_present":  # e.g. a draft left from before the rule
            raise
        draft.editing = True  # once someone is ticked, Done comes back here
        return Go(Step.PRESENT, notice=labels.describe_error(tr, error))
    if draft.goals and saved.visit.kind is VisitKind.COMPLETED:
        await turn.services.plans.record_visit_progress(
            turn.actor, saved.family.id, draft.goals, saved.visit.id, day=saved.visit.visit_date
        )
    code, day = esc(saved.family.code), esc(tr.fmt_date(saved.visit.visit_date))
    if saved.visit.kind is VisitKind.MISSED:
        text = tr.gettext("Saved: the visit to {code} on {date} did not take place.")
    else:
        text = tr.gettext("✅ Saved: visit to {code} on {date}.")
    tally = tr.ngettext(
        "This week: {count} visit of {target}",
        "This week: {count} visits of {target}",
        saved.visits_this_week,
    ).format(count=saved.visits_this_week, target=saved.family.visits_per_week)
    return End(text.format(code=code, date=day) + "\n" + tally)


async def _edit(turn: VisitTurn) -> Outcome:
    """Go to one step; answering it returns to the summary."""
    flow = MISSED_FLOW if turn.draft.kind is VisitKind.MISSED else COMPLETED_FLOW
    if turn.arg not in Step._value2member_map_ or Step(turn.arg) not in flow:
        raise DomainError("draft_incomplete")
    turn.draft.editing = True
    return Go(Step(turn.arg))


async def _resume(turn: VisitTurn) -> Outcome:
    """Continue the unfinished draft where it stopped, or throw it away and start over."""
    if turn.arg == "restart":
        turn.draft = WALK.new_draft()
        return Go(Step.FAMILY)
    stored = turn.draft.resume_at
    turn.draft.resume_at = None
    turn.draft.has_open_goals = None  # the plan may have changed since: learned again
    step = Step(stored) if stored and stored in Step._value2member_map_ else Step.SUMMARY
    return Go(Step.SUMMARY if step is Step.RESUME else step)


# --- typed text -----------------------------------------------------------------------------


async def _typed_date(turn: VisitTurn) -> Outcome:
    """A typed date (21.11), not in the future and not long ago."""
    turn.draft.visit_date = check_visit_date(parse_date(turn.text, turn.today), turn.today)
    return Go(next_step(turn.draft, Step.DATE))


async def _typed_duration(turn: VisitTurn) -> Outcome:
    """Minutes (45) or hours (1h30)."""
    turn.draft.duration_min = parse_duration(turn.text)
    return Go(next_step(turn.draft, Step.DURATION))


async def _typed_note(turn: VisitTurn) -> Outcome:
    """The note (it must say something)."""
    note = check_note(turn.text, NOTE_MAX)
    if not note:
        raise DomainError("text_empty")
    turn.draft.note = note
    return Go(next_step(turn.draft, Step.NOTE))


async def _typed_next_steps(turn: VisitTurn) -> Outcome:
    """What comes next."""
    turn.draft.next_steps = check_note(turn.text, NEXT_STEPS_MAX)
    return Go(next_step(turn.draft, Step.NEXT_STEPS))


# --- the table ------------------------------------------------------------------------------

S = Step


async def _like_last(context: BotContext, draft: VisitDraft) -> None:
    """A new visit's choices pre-selected from the family's last visit (all untickable)."""
    await context.services.visits.like_last(context.actor, draft)


PICKER = FamilyPicker(at=S.FAMILY, then=S.DATE, audit="visit.start", chosen=_like_last)
EDITABLE: tuple[Step, ...] = (S.DATE, S.MISSED_REASON, S.DURATION, S.PLACE, S.PRESENT)
EDITABLE += (S.AREAS, S.ACTIVITIES, S.GOALS, S.NOTE, S.NEXT_STEPS)
_AFTER_DATE = (S.DURATION, S.NOTE, S.SUMMARY)


def _toggles(
    toggle: Any,
    after: tuple[Step, ...],
    what: str,
    *,
    skips: bool = False,
    done: On | None = None,
    more: dict[str, On] | None = None,
) -> Stage:
    """A multi-choice step: tap to mark, Done to go on (skipped when there is nothing to tick)."""
    return Stage(
        presses={
            "tog": On(toggle, (), f"toggle {what}"),
            "done": done or On(_done, after, "Done"),
            **(more or {}),
        },
        skips_to=after if skips else (),
    )


TABLE: dict[Step, Stage] = {
    S.RESUME: Stage({"resume": On(_resume, (S.FAMILY, *EDITABLE, S.SUMMARY, S.EDIT), "▶ / ↺")}),
    S.FAMILY: PICKER.stage(),
    S.DATE: Stage(
        {
            "date": On(_date_button, _AFTER_DATE, "today / yesterday"),
            "missed": On(_missed, (S.MISSED_REASON,), "✖ did not take place"),
        },
        typed=On(_typed_date, _AFTER_DATE, "typed date"),
    ),
    S.MISSED_REASON: Stage({"reason": On(_reason, (S.DATE, S.NOTE, S.SUMMARY), "reason")}),
    S.DURATION: Stage(
        {"dur": On(_duration_button, (S.PLACE, S.SUMMARY), "60 / 90 / 120")},
        typed=On(_typed_duration, (S.PLACE, S.SUMMARY), "typed minutes"),
    ),
    S.PLACE: Stage({"place": On(_place, (S.PRESENT, S.SUMMARY), "place")}),
    S.PRESENT: _toggles(
        _toggle_present,
        (S.AREAS, S.SUMMARY),
        "member",
        skips=True,
        done=On(_present_done, (S.AREAS, S.SUMMARY), "Done (someone ticked)"),
        more={"missed": On(_missed, (S.MISSED_REASON,), "✖ nobody was there")},
    ),
    S.AREAS: _toggles(_toggle_area, (S.ACTIVITIES, S.SUMMARY), "area"),
    S.ACTIVITIES: _toggles(_toggle_activity, (S.GOALS, S.SUMMARY), "activity"),
    S.GOALS: _toggles(_toggle_goal, (S.NOTE, S.SUMMARY), "goal", skips=True),
    S.NOTE: Stage(
        {"skip": On(_skip, (S.SUMMARY,), "Skip (missed visit)")},
        typed=On(_typed_note, (S.NEXT_STEPS, S.SUMMARY), "note"),
    ),
    S.NEXT_STEPS: Stage(
        {"skip": On(_skip, (S.SUMMARY,), "Skip")},
        typed=On(_typed_next_steps, (S.SUMMARY,), "next steps"),
    ),
    S.SUMMARY: Stage(
        {
            "save": On(_save, (None, S.PRESENT), "💾 Save"),
            "change": moves(S.EDIT, "✏️ Change"),
        }
    ),
    S.EDIT: Stage({"edit": On(_edit, EDITABLE, "step"), "back": moves(S.SUMMARY, "⬅ Back")}),
}


async def _is_saved(context: BotContext, draft: VisitDraft) -> bool:
    """A draft whose visit is in the database is done, whatever was left in the chat."""
    return await context.services.visits.is_saved(context.actor, draft.token)


def _gone(tr: Translator) -> str:
    """The family was reassigned meanwhile."""
    return tr.gettext("This family is no longer assigned to you, so the visit was not saved.")


STARTS = {
    "/visit": (S.FAMILY,),
    "/visit R-01, 📝 on a card or reminder, or one active family": (S.DATE,),
    "/visit while a draft exists": (S.RESUME,),
}
WALK = Walk(
    NAME,
    PREFIX,
    VisitDraft,
    TABLE,
    _question,
    starts=STARTS,
    saved=_is_saved,
    gone=_gone,
    started=N_("the visit you started"),
    wanted=N_("a new visit"),
)


# --- entries --------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    """`/visit [code]`: pick a family (or take the one named), or offer to resume a draft."""
    if await WALK.blocked(update, context, keep=False):  # its own draft: offered to resume
        return
    existing = await WALK.unfinished(context)
    if existing is not None and existing[0].family_id is not None:
        draft, waiting = existing
        if waiting is not Step.RESUME:
            draft.resume_at = waiting.value
        await WALK.go(update, context, draft, Step.RESUME)
        return
    if context.args:  # `/visit R-01`: that family, whatever else is held
        await PICKER.begin(WALK, update, context)
        return
    families = await context.services.families.own_families(context.actor)
    only = families[0].id if len(families) == 1 else None
    await PICKER.begin(WALK, update, context, only, families)  # one active family: no picker


async def start_from_list(update: Update, context: BotContext) -> None:
    """A family's 📝 button (a card, a reminder): start a visit for it, below what was pressed."""
    press = pressed_data(update)
    family_id = None if press is None else as_int(press.arg)
    families = context.services.families

    async def still() -> None:  # what the visit needs of the family (a double tap's check)
        await families.peek(context.actor, family_id, "visit.start")

    check = None if family_id is None else still
    if await reminder_family_settled(update, context, check):  # handed over: no walk dropped
        return
    if await WALK.pressed_again(update, context, Step.DATE, lambda d: d.family_id == family_id):
        return
    if await WALK.blocked(update, context):
        return
    if family_id is None:
        await answer_press(update)
        return
    try:
        family = await context.services.families.open_family(
            context.actor, family_id, "visit.start"
        )
    except DomainError as error:
        if await settled_reminder(update, context, error):  # handed over: the reminder closes
            return
        await answer_press(update)
        # Below what was pressed, like the walk: a reminder or a catch-up pressed stays whole.
        await show(update, context, esc(labels.describe_error(context.tr, error)), fresh=True)
        return
    await answer_press(update)
    draft = WALK.new_draft()
    draft.family_id = family.id
    await _like_last(context, draft)
    await WALK.go(update, context, draft, Step.DATE, fresh=True)


HANDLERS = WALK.handlers(
    CommandHandler(names("visit"), start),
    CallbackQueryHandler(start_from_list, pattern=rf"^{START_VISIT_PREFIX}:"),
)
