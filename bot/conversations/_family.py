"""What the walks that start with the family share: the picker's step and the entry.

`/visit`, `/appointment`, `/goal`, `/assessment` and `/resources` each ask "which family?"
first, unless the command names one (`/visit R-01`) or a family's button started them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from telegram import Update

from bot.conversations._table import Go, On, Outcome, Stage, Turn
from bot.conversations.engine import Walk
from bot.domain.drafts import FamilyDraft
from bot.domain.errors import DomainError, NotAllowed, NotFound
from bot.domain.family import Family, normalise_code
from bot.handlers.common import answer_press, no_families_text, show
from bot.handlers.context import BotContext
from bot.ui.callbacks import as_int, pressed_data
from bot.ui.labels import describe_error
from bot.ui.text import esc

FamilyDraftT = TypeVar("FamilyDraftT", bound=FamilyDraft)
FamilyTurn = Turn[FamilyDraft, Any]
Chosen = Callable[[BotContext, Any], Awaitable[None]]
Entry = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


async def family_of(turn: Turn[FamilyDraftT, Any]) -> Family | None:
    """The draft's family, re-checked against the actor every time (a refusal ends the walk)."""
    if turn.draft.family_id is None:
        return None
    return await turn.services.families.peek(turn.actor, turn.draft.family_id)


async def _page(turn: FamilyTurn) -> Outcome:
    """Another page of the family picker."""
    return Go(turn.step, page=as_int(turn.arg) or 0)


@dataclass(frozen=True)
class FamilyPicker:
    """The walk's picker step, the step a chosen family leads to, and how opening it is logged.

    `chosen` fills a new draft once its family is known (the visit: like the last one).
    """

    at: StrEnum
    then: StrEnum
    audit: str
    chosen: Chosen | None = None

    def stage(self) -> Stage:
        """The picker's step: a family (the service checks it is the actor's), or a page.

        A code typed instead of pressed (`r-01`, as the buttons show it) opens that family too.
        """

        async def take(turn: FamilyTurn, family: Family) -> Outcome:
            turn.draft.family_id = family.id
            if self.chosen is not None:
                await self.chosen(turn.context, turn.draft)
            return Go(self.then)

        async def picked(turn: FamilyTurn) -> Outcome:
            family_id = as_int(turn.arg)
            if family_id is None:
                raise NotFound()
            families = turn.services.families
            return await take(turn, await families.open_family(turn.actor, family_id, self.audit))

        async def typed(turn: FamilyTurn) -> Outcome:
            families = turn.services.families
            code = normalise_code(turn.text)
            # One the picker offers opens whatever its code looks like ("ABC" has no digit).
            own = [f for f in await families.own_families(turn.actor) if f.code.upper() == code]
            if own:
                return await take(
                    turn, await families.open_family(turn.actor, own[0].id, self.audit)
                )
            if not any(c.isdigit() for c in turn.text):
                # A name typed by mistake ("Anna") is not tried as a code: a refused code is
                # kept in the access log, and no member's name may be.
                raise DomainError("code_format")
            try:
                family = await families.open_by_code(turn.actor, turn.text, self.audit)
            except (NotAllowed, NotFound) as refusal:
                # A mistyped or foreign code is asked again with the reason: the walk goes on.
                raise DomainError(refusal.code, **refusal.details) from None
            return await take(turn, family)

        return Stage(
            {"fam": On(picked, (self.then,), "family"), "page": On(_page, (), "◀ ▶ page")},
            typed=On(typed, (self.then,), "typed code"),
        )

    async def choices(self, turn: Turn[FamilyDraftT, Any]) -> tuple[list[Family], Family | None]:
        """What a question shows: the actor's families at the picker, else the draft's family."""
        if turn.step is self.at:
            return await turn.services.families.own_families(turn.actor), None
        return [], await family_of(turn)

    async def begin(
        self,
        walk: Walk[FamilyDraftT, Any],
        update: Update,
        context: BotContext,
        family_id: int | None = None,
        offered: list[Family] | None = None,
    ) -> None:
        """A new draft at `then` for the family pressed, or named (`/visit R-01`); else the picker.

        A family the actor may not open is said above the picker; with no family to offer
        (`offered`, when the caller has read them), it is said alone, and so is why there is
        none: no walk is left waiting on an empty picker.
        """
        draft = walk.new_draft()
        families = context.services.families
        opened: Family | None = None
        notice: str | None = None
        try:
            if family_id is not None:
                opened = await families.open_family(context.actor, family_id, self.audit)
            elif context.args:
                opened = await families.open_by_code(context.actor, context.args[0], self.audit)
        except DomainError as error:
            notice = describe_error(context.tr, error)
        if opened is not None:
            draft.family_id = opened.id
            if self.chosen is not None:
                await self.chosen(context, draft)
            await walk.go(update, context, draft, self.then)
            return
        if offered is None:
            offered = await families.own_families(context.actor)
        if not offered:
            said = esc(notice) if notice else await no_families_text(context)
            await nothing_to_pick(walk, update, context, said)
            return
        await walk.go(update, context, draft, self.at, notice=notice)

    def entry(self, walk: Walk[FamilyDraftT, Any]) -> Entry:
        """The walk's start for its command (`/close [code]`) and its family card button."""

        async def start(update: Update, context: BotContext) -> None:
            if await pressed_again(walk, self.then, update, context):
                return
            if await walk.blocked(update, context):
                return
            press = pressed_data(update)
            await answer_press(update)
            await self.begin(walk, update, context, None if press is None else as_int(press.arg))

        return start


async def pressed_again(
    walk: Walk[FamilyDraftT, Any], then: StrEnum, update: Update, context: BotContext
) -> bool:
    """A card's or reminder's button for a family tapped twice: its first question once more.

    True when the walk started by the first tap still waits at `then` for that same family.
    """
    press = pressed_data(update)
    family_id = None if press is None else as_int(press.arg)
    if family_id is None:  # a command, or a forged press: `blocked` decides
        return False
    return await walk.pressed_again(
        update, context, then, lambda draft: draft.family_id == family_id
    )


async def nothing_to_pick(
    walk: Walk[Any, Any], update: Update, context: BotContext, text: str
) -> None:
    """A walk's picker would be empty: say why (`text`, HTML) in words, and open no walk."""
    walk.drop(context)
    await show(update, context, text, fresh=True)
