"""What /reopen and /monitoring share: a picker of closed families and the entry to it.

FamilyPicker (in _family.py) offers the caseload; these walks are about families that left
it, so they offer the actor's closed ones and open them with `closed_ok`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import Update

from bot.conversations._family import FamilyDraftT, nothing_to_pick, pressed_again
from bot.conversations._table import Go, On, Outcome, Stage, Turn
from bot.conversations.engine import Walk
from bot.domain.errors import DomainError, NotFound
from bot.domain.family import Family, normalise_code
from bot.domain.people import Actor
from bot.handlers.common import (
    answer_press,
    buttons_gone,
    reminder_family_settled,
    reminder_pressed_on,
    settled_reminder,
)
from bot.handlers.context import BotContext
from bot.services.registry import Services
from bot.ui.callbacks import as_int, pressed_data
from bot.ui.labels import describe_error
from bot.ui.text import esc

Offered = Callable[[Services, Actor], Awaitable[list[Family]]]
Ready = Callable[[Services, Actor, int], Awaitable[object]]


async def _page(turn: Turn[Any, Any]) -> Outcome:
    """Another page of the picker."""
    return Go(turn.step, page=as_int(turn.arg) or 0)


@dataclass(frozen=True)
class ClosedPicker:
    """The picker step of a walk on closed families, where a chosen one leads, its audit.

    `none` (a message id) says why nothing is offered. `ready` refuses a family a button
    names once it is no longer what the button was shown for (a reminder pressed then closes).
    """

    at: StrEnum
    then: StrEnum
    audit: str
    offered: Offered
    none: str
    ready: Ready | None = None

    def stage(self) -> Stage:
        """The picker's step: a family (the service checks it is the actor's), or a page."""

        async def take(turn: Turn[Any, Any], family_id: int | None) -> Outcome:
            if family_id is None:
                raise NotFound()
            family = await turn.services.families.open_family(
                turn.actor, family_id, self.audit, closed_ok=True
            )
            turn.draft.family_id = family.id
            return Go(self.then)

        async def picked(turn: Turn[Any, Any]) -> Outcome:
            return await take(turn, as_int(turn.arg))

        async def typed(turn: Turn[Any, Any]) -> Outcome:
            # Only the families offered here: nothing typed is looked up beyond them (so never
            # logged), and one not offered is not closed, or not monitored, for this walk.
            code = normalise_code(turn.text)
            offered = await self.offered(turn.services, turn.actor)
            found = next((f.id for f in offered if f.code.upper() == code), None)
            if found is None:
                raise DomainError("code_not_offered")
            return await take(turn, found)

        return Stage(
            {"fam": On(picked, (self.then,), "family"), "page": On(_page, (), "◀ ▶ page")},
            typed=On(typed, (self.then,), "typed code"),
        )

    async def choices(self, turn: Turn[Any, Any]) -> tuple[list[Family], Family | None]:
        """The offered families at the picker, else the draft's family (re-checked)."""
        if turn.step is self.at:
            return await self.offered(turn.services, turn.actor), None
        if turn.draft.family_id is None:
            return [], None
        family = await turn.services.families.peek(
            turn.actor, turn.draft.family_id, closed_ok=True
        )
        return [], family

    async def check(self, context: BotContext, family_id: int) -> None:
        """What a button's family must still be for this walk (the actor's, `ready`)."""
        services, actor = context.services, context.actor
        await services.families.peek(actor, family_id, self.audit, closed_ok=True)
        if self.ready is not None:
            await self.ready(services, actor, family_id)

    def entry(self, walk: Walk[FamilyDraftT, Any]) -> Callable[[Update, BotContext], Any]:
        """`/<command> [code]` or a card's button: the family named, else the picker."""

        async def start(update: Update, context: BotContext) -> None:
            press = pressed_data(update)
            pressed = None if press is None else as_int(press.arg)
            if pressed is not None and await reminder_family_settled(
                update, context, lambda: self.check(context, pressed)
            ):  # no longer theirs, or not monitored: no walk, none dropped
                return
            if await pressed_again(walk, self.then, update, context):
                return
            if await walk.blocked(update, context):
                return
            draft = walk.new_draft()
            families = context.services.families
            notice: str | None = None
            try:
                family = None
                if pressed is not None:
                    family = await families.open_family(
                        context.actor, pressed, self.audit, closed_ok=True
                    )
                    if self.ready is not None:  # a card's or a reminder's, maybe out of date
                        await self.ready(context.services, context.actor, family.id)
                elif context.args:
                    family = await families.open_by_code(
                        context.actor, context.args[0], self.audit, closed_ok=True
                    )
            except DomainError as error:
                if await settled_reminder(update, context, error):  # out of date: it closes
                    return
                family, notice = None, describe_error(context.tr, error)
            await answer_press(update)
            # A reminder's button asks below it: its ⏰ 1 h / Tomorrow / ✔ Done stay to press.
            # So does a press on a message whose buttons went (a reminder closed by a first tap).
            fresh = reminder_pressed_on(update) is not None or buttons_gone(update)
            if family is not None:
                draft.family_id = family.id
                await walk.go(update, context, draft, self.then, fresh=fresh)
            elif await self.offered(context.services, context.actor):
                await walk.go(update, context, draft, self.at, notice=notice, fresh=fresh)
            else:
                said = notice or context.tr.gettext(self.none)
                await nothing_to_pick(walk, update, context, esc(said))

        return start
