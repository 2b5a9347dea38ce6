"""/appointment (/termin): a date at an institution, typed as people type it and echoed back.

Family → members → institution → date and time (echoed back to confirm) → does the assistant
go along → purpose → optional plan goal → save. The walk is the table `TABLE` below;
`appointment.mmd` is drawn from it (`make diagrams`).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

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
    skips,
    toggled,
)
from bot.conversations.engine import Walk
from bot.domain.appointment import INSTITUTION_NAME_MAX, PURPOSE_MAX, Institution, check_start
from bot.domain.appointment_steps import AppointmentDraft, Step
from bot.domain.errors import DomainError
from bot.domain.plan import check_required_text
from bot.domain.when import parse_when
from bot.handlers.context import BotContext
from bot.i18n import N_
from bot.ui.appointment_questions import PREFIX, appointment_question, saved_text
from bot.ui.callbacks import as_int, read_toggle

NAME = "appointment"
AppointmentTurn = Turn[AppointmentDraft, Step]


async def _question(turn: AppointmentTurn, page: int) -> Question:
    """A step's question; members and goals are skipped when there is nothing to choose."""
    draft, step = turn.draft, turn.step
    families, family = await PICKER.choices(turn)
    if step is Step.MEMBERS and family is not None and not family.members:
        return Skip(Step.INSTITUTION)
    goals = []
    if step is Step.GOAL and family is not None:
        goals = await turn.services.plans.open_goals(turn.actor, family.id)
        if not goals:  # nothing in the plan to serve
            return Skip(Step.SUMMARY)
    return appointment_question(turn.tr, draft, family, step, families, page=page, goals=goals)


# --- buttons --------------------------------------------------------------------------------


async def _toggle_member(turn: AppointmentTurn) -> Outcome:
    """Mark or unmark a member who goes."""
    value, ticks = read_toggle(turn.arg)
    member, family = as_int(value), await family_of(turn)
    if member is None or family is None or member not in {m.id for m in family.members}:
        raise DomainError("member_unknown")
    turn.draft.member_ids = toggled(turn.draft.member_ids, member, ticks)
    return Go(Step.MEMBERS)


async def _institution(turn: AppointmentTurn) -> Outcome:
    """The kind of institution."""
    if turn.arg not in Institution._value2member_map_:
        raise DomainError("draft_incomplete")
    turn.draft.institution = Institution(turn.arg)
    return Go(Step.NAME)


async def _accompany(turn: AppointmentTurn) -> Outcome:
    """Whether the assistant goes along."""
    if turn.arg not in ("0", "1"):
        raise DomainError("draft_incomplete")
    turn.draft.accompany = turn.arg == "1"
    return Go(Step.PURPOSE)


async def _pick_goal(turn: AppointmentTurn) -> Outcome:
    """An open goal of the family's plan."""
    goal_id = as_int(turn.arg)
    goals = await turn.services.plans.open_goals(turn.actor, turn.draft.family_id or 0)
    if goal_id is None or goal_id not in {g.id for g in goals}:
        raise DomainError("goal_unknown")
    turn.draft.goal_id = goal_id
    return Go(Step.SUMMARY)


async def _save(turn: AppointmentTurn) -> Outcome:
    """Save once (the draft token makes a repeat return the first); the service re-checks."""
    saved = await turn.services.appointments.create(turn.actor, turn.draft.as_new())
    return End(saved_text(turn.tr, saved.starts_at.astimezone(turn.services.settings.tz)))


# --- typed text -----------------------------------------------------------------------------


async def _typed_name(turn: AppointmentTurn) -> Outcome:
    """The institution's short name."""
    turn.draft.institution_name = check_required_text(turn.text, INSTITUTION_NAME_MAX)
    return Go(Step.WHEN)


async def _typed_when(turn: AppointmentTurn) -> Outcome:
    """A day and a time as people type them, ahead of now; echoed back next."""
    now = turn.services.clock.now().astimezone(turn.services.settings.tz)
    moment = parse_when(turn.text, now)
    check_start(moment, now)
    turn.draft.starts_at = moment
    return Go(Step.CONFIRM_WHEN)


async def _typed_purpose(turn: AppointmentTurn) -> Outcome:
    """What the appointment is for."""
    turn.draft.purpose = check_required_text(turn.text, PURPOSE_MAX)
    return Go(Step.GOAL)


# --- the table ------------------------------------------------------------------------------

S = Step
PICKER = FamilyPicker(at=S.FAMILY, then=S.MEMBERS, audit="appointment.start")
TABLE: dict[Step, Stage] = {
    S.FAMILY: PICKER.stage(),
    S.MEMBERS: Stage(
        {
            "tog": On(_toggle_member, (), "toggle member"),
            "done": moves(S.INSTITUTION, "Done"),
        },
        skips_to=(S.INSTITUTION,),
    ),
    S.INSTITUTION: Stage({"inst": On(_institution, (S.NAME,), "type of institution")}),
    S.NAME: Stage(
        {"skip": skips("institution_name", S.WHEN)},
        typed=On(_typed_name, (S.WHEN,), "typed short name"),
    ),
    S.WHEN: Stage(typed=On(_typed_when, (S.CONFIRM_WHEN,), "typed day and time (jutro 10:30)")),
    S.CONFIRM_WHEN: Stage(
        {
            "yes": moves(S.ACCOMPANY, "✅ Yes"),
            "again": moves(S.WHEN, "✏️ Type again"),
        },
        typed=On(_typed_when, (S.CONFIRM_WHEN,), "typed again"),
    ),
    S.ACCOMPANY: Stage({"acc": On(_accompany, (S.PURPOSE,), "goes along / not")}),
    S.PURPOSE: Stage(typed=On(_typed_purpose, (S.GOAL,), "typed purpose")),
    S.GOAL: Stage(
        {
            "goal": On(_pick_goal, (S.SUMMARY,), "a plan goal"),
            "skip": skips("goal_id", S.SUMMARY),
        },
        skips_to=(S.SUMMARY,),
    ),
    S.SUMMARY: Stage({"save": On(_save, (None,), "💾 Save")}),
}


async def _is_saved(context: BotContext, draft: AppointmentDraft) -> bool:
    """A draft whose appointment is in the database is done, whatever was left in the chat."""
    return await context.services.appointments.is_saved(context.actor, draft.token)


STARTS = {"/appointment": (S.FAMILY,), "/appointment R-01": (S.MEMBERS,)}
WALK = Walk(
    NAME,
    PREFIX,
    AppointmentDraft,
    TABLE,
    _question,
    starts=STARTS,
    saved=_is_saved,
    started=N_("the appointment you started"),
    wanted=N_("a new appointment"),
)


# --- entries --------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    """`/appointment [code]`: pick a family (or take the one named); an open draft asks first."""
    if await WALK.blocked(update, context):
        return
    # A draft dropped after "Yes", or a saved one left by a crash, is let go first, so its
    # message (already "saved") is not touched again.
    await WALK.unfinished(context)
    await PICKER.begin(WALK, update, context)


HANDLERS = WALK.handlers(CommandHandler(names("appointment"), start))
