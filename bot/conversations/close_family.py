"""/close (/zakoncz): end the work with a family — day, reason, summary, monitoring, confirm.

The walk is the table `TABLE` below; `close_family.mmd` is drawn from it (`make diagrams`).
"""

from __future__ import annotations

from datetime import date

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import names
from bot.conversations._family import FamilyPicker, family_of
from bot.conversations._table import End, Go, On, Outcome, Question, Stage, Turn, day_stage, picks
from bot.conversations.engine import Walk
from bot.domain.errors import DomainError
from bot.domain.lifecycle import (
    CloseReason,
    Closure,
    check_close_day,
    check_monitor_months,
    check_summary,
)
from bot.domain.lifecycle_steps import CloseDraft, CloseStep
from bot.i18n import N_
from bot.ui.callbacks import as_int
from bot.ui.case_questions import CLOSE_PREFIX, close_question, closed_text
from bot.ui.family_views import CLOSE_CARD_PREFIX

NAME = "close_family"
S = CloseStep
CloseTurn = Turn[CloseDraft, CloseStep]


async def _question(turn: CloseTurn, page: int) -> Question:
    """A step's question."""
    families, family = await PICKER.choices(turn)
    return close_question(
        turn.tr,
        turn.draft,
        turn.step,
        family,
        families,
        page=page,
        default_months=turn.services.settings.monitoring_months,
    )


async def _check_day(turn: CloseTurn, day: date) -> Outcome:
    """Keep a closing day within its bounds: from the start of the period, not ahead."""
    family = await family_of(turn)  # still the actor's and open: a refusal ends the walk here
    if family is None:
        raise DomainError("draft_incomplete")
    period = await turn.services.cases.open_period(turn.actor, family.id)
    turn.draft.day = check_close_day(day, period.started_on, turn.today)
    return Go(S.REASON)


async def _summary(turn: CloseTurn) -> Outcome:
    """The typed closing summary."""
    turn.draft.summary = check_summary(turn.text)
    return Go(S.MONITOR)


async def _months(turn: CloseTurn) -> Outcome:
    """How long the family is monitored (0: not)."""
    months = as_int(turn.arg)
    if months is None:
        return Go(S.MONITOR)
    turn.draft.monitor_months = check_monitor_months(months)
    return Go(S.CONFIRM)


async def _confirm(turn: CloseTurn) -> Outcome:
    """Close: the service checks everything again and does it in one transaction."""
    draft = turn.draft
    if (
        draft.family_id is None
        or draft.day is None
        or draft.reason is None
        or draft.summary is None
        or draft.monitor_months is None
    ):
        raise DomainError("draft_incomplete")
    closure = Closure(
        day=draft.day,
        reason=draft.reason,
        summary=draft.summary,
        monitor_months=draft.monitor_months,
    )
    family = await turn.services.families.peek(turn.actor, draft.family_id)
    outcome = await turn.services.cases.close(turn.actor, draft.family_id, closure)
    return End(closed_text(turn.tr, family, draft, outcome, turn.services.settings.tz))


PICKER = FamilyPicker(at=S.FAMILY, then=S.DAY, audit="family.close.start")
TABLE: dict[CloseStep, Stage] = {
    S.FAMILY: PICKER.stage(),
    S.DAY: day_stage(_check_day, S.REASON, "typed date (from the start, not ahead)"),
    S.REASON: Stage({"reason": picks("reason", CloseReason, S.SUMMARY, "a reason")}),
    S.SUMMARY: Stage(typed=On(_summary, (S.MONITOR,), "typed summary")),
    S.MONITOR: Stage({"months": On(_months, (S.CONFIRM,), "3 / 6 / 12 months / not monitored")}),
    S.CONFIRM: Stage({"confirm": On(_confirm, (None,), "✅ Close — leaves the caseload")}),
}

STARTS = {"/close": (S.FAMILY,), "/close R-01, the card's 🔒": (S.DAY,)}
WALK = Walk(
    NAME,
    CLOSE_PREFIX,
    CloseDraft,
    TABLE,
    _question,
    starts=STARTS,
    started=N_("the closing you started"),
    wanted=N_("closing a family's work"),
)


# `/close [code]` or the 🔒 button of a family's card.
start = PICKER.entry(WALK)


HANDLERS = WALK.handlers(
    CommandHandler(names("close"), start),
    CallbackQueryHandler(start, pattern=rf"^{CLOSE_CARD_PREFIX}:"),
)
