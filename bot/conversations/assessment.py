"""/assessment (/ocena): record a periodic assessment of the family's situation.

The walk is the table `TABLE` below; `assessment.mmd` is drawn from it (`make diagrams`).
"""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from bot.commands import names
from bot.conversations._family import FamilyPicker, family_of
from bot.conversations._plan_walks import PlanWalk, entry
from bot.conversations._table import End, Go, On, Outcome, Question, Stage, Turn, day_stage
from bot.domain.errors import DomainError
from bot.domain.plan import check_assessment_day
from bot.domain.plan_walks import AssessmentDraft, AssessmentStep
from bot.domain.typed_values import typed_word
from bot.handlers.context import BotContext
from bot.handlers.dossier import DOCUMENT_WORDS, send_assessment
from bot.i18n import N_
from bot.ui.document_views import document_button
from bot.ui.plan_walk_questions import ASSESSMENT_PREFIX, assessment_question
from bot.ui.text import esc

NAME = "assessment"
S = AssessmentStep
AssessmentTurn = Turn[AssessmentDraft, AssessmentStep]


async def _question(turn: AssessmentTurn, page_number: int) -> Question:
    """A step's question; the day's says when the next assessment is due."""
    services, actor, step = turn.services, turn.actor, turn.step
    families, family = await PICKER.choices(turn)
    due = None
    if step is S.WHEN and family is not None:
        due = await services.plans.next_assessment(actor, family.id)
    return assessment_question(
        turn.tr, turn.draft, step, family, families, page=page_number, due=due, today=turn.today
    )


async def _check_day(turn: AssessmentTurn, day: date) -> Outcome:
    """The day it was made: not in the future, not over a year back, not before the work began."""
    family = await family_of(turn)  # still the actor's: a refusal ends the walk here
    if family is None:
        raise DomainError("draft_incomplete")
    start = await turn.services.plans.case_start(turn.actor, family.id)
    turn.draft.day = check_assessment_day(day, turn.today, start)
    return Go(S.SUMMARY)


async def _save(turn: AssessmentTurn) -> Outcome:
    """The summary: save once (the draft token makes a repeat after a crash harmless)."""
    draft, tr = turn.draft, turn.tr
    if draft.family_id is None or draft.day is None:
        raise DomainError("draft_incomplete")
    due = await turn.services.plans.record_assessment(
        turn.actor, draft.family_id, draft.day, turn.text, token=draft.token
    )
    return End(
        tr.gettext("✅ Assessment saved. The next one is due on {date}.").format(
            date=esc(tr.fmt_date(due, "d MMM y"))
        ),
        InlineKeyboardMarkup([[document_button(tr, "assess", draft.family_id)]]),
    )


PICKER = FamilyPicker(at=S.FAMILY, then=S.WHEN, audit="plan.open")
TABLE: dict[AssessmentStep, Stage] = {
    S.FAMILY: PICKER.stage(),
    S.WHEN: day_stage(_check_day, S.SUMMARY, "typed date (not ahead, at most a year back)"),
    S.SUMMARY: Stage(typed=On(_save, (None,), "typed summary — saved, next due date shown")),
}


async def _is_saved(context: BotContext, draft: AssessmentDraft) -> bool:
    """A draft whose assessment is in the database is done, whatever was left in the chat."""
    return await context.services.plans.assessment_saved(context.actor, draft.token)


STARTS = {"/assessment": (S.FAMILY,), "/assessment R-01": (S.WHEN,)}
WALK = PlanWalk(
    NAME,
    ASSESSMENT_PREFIX,
    AssessmentDraft,
    TABLE,
    _question,
    starts=STARTS,
    saved=_is_saved,
    started=N_("the assessment you started"),
    wanted=N_("an assessment"),
)

_walk_entry = entry(WALK, PICKER)


async def _start(update: Update, context: BotContext) -> None:
    """`/assessment R-01 document` (either order): the latest assessment's PDF; else the walk."""
    args = context.args or []
    codes = [a for a in args if typed_word(a) not in DOCUMENT_WORDS]
    if len(args) == 2 and len(codes) == 1:
        await send_assessment(update, context, codes[0])
        return
    await _walk_entry(update, context)


HANDLERS = WALK.handlers(CommandHandler(names("assessment"), _start))
