"""What /assessment and /resources share: the family comes first, ✔ Finish ends either.

Until the walk engine they were one conversation (`plan_notes`), so starting one while the
other was open replaced it. They still do: neither holds anything unsaved worth a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from enum import StrEnum
from typing import Any, TypeVar

from telegram import Update

from bot.conversations.engine import (
    Action,
    End,
    Go,
    Outcome,
    Turn,
    Walk,
    new_token,
    open_walk,
    tell_busy,
)
from bot.domain.errors import DomainError, NotFound
from bot.domain.family import Family
from bot.domain.plan_walks import FamilyDraft
from bot.handlers.context import BotContext
from bot.i18n import Translator
from bot.ui import labels
from bot.ui.callbacks import as_int

SIBLINGS = frozenset({"assessment", "resources"})

DraftT = TypeVar("DraftT", bound=FamilyDraft)
Entry = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
FamilyTurn = Turn[FamilyDraft, Any]


def finished_text(tr: Translator) -> str:
    """How both walks end: everything typed into them is saved already."""
    return tr.gettext("Done. /plan shows the whole plan.")


async def finish(turn: FamilyTurn) -> Outcome:
    """✔ Finish from any step, and /cancel."""
    return End(finished_text(turn.tr))


async def page(turn: FamilyTurn) -> Outcome:
    """Another page of the family picker."""
    return Go(turn.step, page=as_int(turn.arg) or 0)


def pick_family(then: StrEnum) -> Action:
    """A family from the picker (the service checks it is the actor's), then `then`."""

    async def picked(turn: FamilyTurn) -> Outcome:
        family_id = as_int(turn.arg)
        if family_id is None:
            raise NotFound()
        family = await turn.services.families.open_family(turn.actor, family_id, "plan.open")
        turn.draft.family_id = family.id
        return Go(then)

    return picked


async def family_of(turn: Turn[DraftT, Any]) -> Family | None:
    """The draft's family, re-checked against the actor every time (a refusal ends the walk)."""
    if turn.draft.family_id is None:
        return None
    return await turn.services.families.peek(turn.actor, turn.draft.family_id)


def entry(walk: Walk[DraftT, Any], family_step: StrEnum, first: StrEnum) -> Entry:
    """`/<command> [code]`: pick the family, or take the one named and go to `first`."""

    async def start(update: Update, context: BotContext) -> None:
        if walk.busy(context) and open_walk(context) not in SIBLINGS:
            await tell_busy(update, context)
            return
        draft = walk.model(token=new_token())
        if not context.args:
            await walk.go(update, context, draft, family_step)
            return
        try:
            family = await context.services.families.open_by_code(
                context.actor, context.args[0], "plan.open"
            )
        except DomainError as error:
            notice = labels.describe_error(context.tr, error)
            await walk.go(update, context, draft, family_step, notice=notice)
            return
        draft.family_id = family.id
        await walk.go(update, context, draft, first)

    return start
