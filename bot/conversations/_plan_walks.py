"""What /assessment and /resources share: the family comes first, ✔ Finish ends either.

Until the walk engine they were one conversation (`plan_notes`), so starting one while the
other was open replaced it. They still do: neither holds anything unsaved worth a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any

from telegram import Update

from bot.conversations._family import FamilyDraftT, FamilyPicker
from bot.conversations._table import End, On, Outcome, StepT, Turn
from bot.conversations.engine import Walk
from bot.domain.drafts import ItemsDraft
from bot.handlers.context import BotContext

SIBLINGS = frozenset({"assessment", "resources"})

Entry = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


async def finish(turn: Turn[Any, Any]) -> Outcome:
    """✔ Finish from any step, and /cancel: everything typed into them is saved already."""
    return End(turn.tr.gettext("Done. /plan shows the whole plan."))


async def item_saved(context: BotContext, draft: ItemsDraft) -> bool:
    """The item the draft was saving is saved already (a crash came before the walk moved on)."""
    return await context.services.plans.item_saved(context.actor, draft.item_token)


FINISH = {"finish": On(finish, (None,), "✔ Finish")}


@dataclass(eq=False)
class PlanWalk(Walk[FamilyDraftT, StepT]):
    """One of the two: ✔ Finish (or /cancel) ends it, and either may be started over the other."""

    anywhere: Mapping[str, On] = field(default_factory=lambda: FINISH, kw_only=True)
    replaces: frozenset[str] = field(default=SIBLINGS, kw_only=True)


def entry(walk: Walk[FamilyDraftT, Any], picker: FamilyPicker) -> Entry:
    """`/<command> [code]`: pick the family, or take the one named and go on from there."""

    async def start(update: Update, context: BotContext) -> None:
        if not await walk.blocked(update, context):
            await picker.begin(walk, update, context)

    return start
