"""/reopen (/wznow): start the work with a closed family again — a new start, a new plan.

The walk is the table `TABLE` below; `reopen_family.mmd` is drawn from it (`make diagrams`).
"""

from __future__ import annotations

from datetime import date

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import names
from bot.conversations._case import ClosedPicker
from bot.conversations._table import End, Go, On, Outcome, Question, Stage, Turn, day_stage
from bot.conversations.engine import Walk
from bot.domain.errors import DomainError
from bot.domain.family import CASELOAD_LIMIT, Family
from bot.domain.lifecycle import check_reopen_day
from bot.domain.lifecycle_steps import ReopenDraft, ReopenStep
from bot.domain.people import Actor
from bot.i18n import N_
from bot.services.registry import Services
from bot.ui.case_questions import REOPEN_PREFIX, reopen_question
from bot.ui.family_views import REOPEN_CARD_PREFIX
from bot.ui.text import esc

NAME = "reopen_family"
S = ReopenStep
ReopenTurn = Turn[ReopenDraft, ReopenStep]


async def _closed(services: Services, actor: Actor) -> list[Family]:
    """The actor's closed families whose data is still held."""
    found = []
    for item in await services.cases.closed_families(actor):
        if not item.erased:
            family = await services.families.peek(actor, item.family_id, closed_ok=True)
            found.append(family)
    return found


async def _question(turn: ReopenTurn, page: int) -> Question:
    """A step's question; past the picker it says when and why the work was closed."""
    families, family = await PICKER.choices(turn)
    period = None
    if family is not None:  # a family open again meanwhile ends the walk
        period = await turn.services.cases.closed_period(turn.actor, family.id)
    return reopen_question(
        turn.tr, turn.draft, turn.step, family, families, page=page, period=period
    )


async def _check_day(turn: ReopenTurn, day: date) -> Outcome:
    """A new start: from the last closure on, not ahead."""
    assert turn.draft.family_id is not None
    period = await turn.services.cases.closed_period(turn.actor, turn.draft.family_id)
    turn.draft.day = check_reopen_day(day, period, turn.today)
    return Go(S.CONFIRM)


async def _confirm(turn: ReopenTurn) -> Outcome:
    """Reopen: the family is back in the caseload with a new plan."""
    draft, tr = turn.draft, turn.tr
    if draft.family_id is None or draft.day is None:
        raise DomainError("draft_incomplete")
    family = await turn.services.families.peek(turn.actor, draft.family_id, closed_ok=True)
    over = await turn.services.cases.reopen(turn.actor, draft.family_id, draft.day)
    text = tr.gettext("✅ {code} is back in your caseload from {date}, with a new plan.").format(
        code=esc(family.code), date=esc(tr.fmt_date(draft.day, "d MMM y"))
    )
    if over:
        text += "\n❗ " + tr.gettext(
            "You now hold more than {limit} families, the most the law allows at once. "
            "Please talk to your coordinator."
        ).format(limit=CASELOAD_LIMIT)
    return End(text)


PICKER = ClosedPicker(
    at=S.FAMILY,
    then=S.DAY,
    audit="family.reopen.start",
    offered=_closed,
    none=N_("You have no closed family whose work could start again."),
)
TABLE: dict[ReopenStep, Stage] = {
    S.FAMILY: PICKER.stage(),
    S.DAY: day_stage(_check_day, S.CONFIRM, "typed date (from the closure, not ahead)"),
    S.CONFIRM: Stage({"confirm": On(_confirm, (None,), "✅ Reopen — a new period and plan")}),
}

STARTS = {"/reopen": (S.FAMILY,), "/reopen R-01, the card's 🔓": (S.DAY,)}
WALK = Walk(
    NAME,
    REOPEN_PREFIX,
    ReopenDraft,
    TABLE,
    _question,
    starts=STARTS,
    started=N_("the reopening you started"),
    wanted=N_("reopening a family's work"),
)

HANDLERS = WALK.handlers(
    CommandHandler(names("reopen"), PICKER.entry(WALK)),
    CallbackQueryHandler(PICKER.entry(WALK), pattern=rf"^{REOPEN_CARD_PREFIX}:"),
)
