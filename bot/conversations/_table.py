"""What a walk's table is made of: its steps, their moves, and what an action returns.

A walk's module declares `TABLE: dict[Step, Stage]`; each `Stage` names the buttons it takes
(`action -> On`) and what typed text does, each `On` the action and the steps it may lead
to. An action gets a `Turn` (the draft, its step, the press or the text) and returns `Go` or
`End`; a question may answer `Skip` when it has nothing to ask. engine.py runs the tables.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Generic, TypeVar

from telegram import InlineKeyboardMarkup, Update

from bot.domain.drafts import Draft
from bot.domain.parsing import parse_date
from bot.domain.people import Actor
from bot.handlers.context import BotContext
from bot.i18n import Translator
from bot.services.registry import Services
from bot.ui.keyboards import Markup

DraftT = TypeVar("DraftT", bound=Draft)
StepT = TypeVar("StepT", bound=StrEnum)


# --- what an action returns ---------------------------------------------------------------


@dataclass(frozen=True)
class Go:
    """Move to a step (or stay) and ask its question; `fresh` sends it as a new message."""

    step: StrEnum
    notice: str | None = None
    page: int = 0
    fresh: bool = False


@dataclass(frozen=True)
class End:
    """The walk is over: drop the draft and show this text in place of the question."""

    text: str
    markup: InlineKeyboardMarkup | None = None  # e.g. the 📄 document of what was saved
    # The text shows more than codes (a typed note shown back): it leaves the chat
    # CHAT_CLEANUP_MINUTES later, like a sensitive answer, instead of staying.
    sensitive: bool = False
    # What a press of the ended walk's question is answered in place (codes only), e.g. the
    # second tap of a double tap; None: "This button is no longer active…".
    again: str | None = None


@dataclass(frozen=True)
class Skip:
    """A question that has nothing to ask (e.g. no goals to link): go on to `step`.

    `notice` says why, above the question of `step`, when the user asked for this one.
    """

    step: StrEnum
    notice: str | None = None


Outcome = Go | End
Question = tuple[str, Markup] | Skip


@dataclass
class Turn(Generic[DraftT, StepT]):
    """One press or typed text inside a walk: the draft, its step and what came."""

    update: Update
    context: BotContext
    draft: DraftT
    step: StepT
    arg: str = ""
    text: str = ""

    @property
    def services(self) -> Services:
        """The bot's services."""
        return self.context.services

    @property
    def actor(self) -> Actor:
        """Who is walking."""
        return self.context.actor

    @property
    def tr(self) -> Translator:
        """Their language."""
        return self.context.tr

    @property
    def today(self) -> date:
        """Today where the centre is."""
        return self.context.services.clock.today()


Action = Callable[[Turn[Any, Any]], Awaitable[Outcome]]


@dataclass(frozen=True)
class On:
    """What a button (or typed text) does at a step, and where it may lead (None: the end)."""

    do: Action
    to: tuple[StrEnum | None, ...]
    label: str = ""  # the edge's label in the diagram


def toggled(items: list[Any], value: Any, ticks: bool | None) -> list[Any]:
    """The chosen items after a toggle's press: as its button said (`read_toggle`), or flipped."""
    on = value not in items if ticks is None else ticks
    if on:
        return items if value in items else [*items, value]
    return [i for i in items if i != value]


def moves(step: StrEnum, label: str) -> On:
    """A button that only moves to `step` (Done, ✅ Yes, ⬅ Back, a card's Status, ...)."""

    async def move(turn: Turn[Any, Any]) -> Outcome:
        return Go(step)

    return On(move, (step,), label)


def skips(field: str, step: StrEnum, label: str = "Skip") -> On:
    """Skip: the draft's optional `field` stays empty, and the walk moves to `step`."""

    async def skip(turn: Turn[Any, Any]) -> Outcome:
        setattr(turn.draft, field, None)
        return Go(step)

    return On(skip, (step,), label)


def picks(field: str, values: type[StrEnum], step: StrEnum, label: str) -> On:
    """A press naming one of `values`: the draft's `field` takes it; a forged one is re-asked."""

    async def pick(turn: Turn[Any, Any]) -> Outcome:
        if turn.arg not in values._value2member_map_:
            return Go(turn.step)
        setattr(turn.draft, field, values(turn.arg))
        return Go(step)

    return On(pick, (step,), label)


@dataclass(frozen=True)
class Stage:
    """A step: the buttons it takes, what typed text does, where its question may skip to."""

    presses: Mapping[str, On] = field(default_factory=dict)
    typed: On | None = None
    skips_to: tuple[StrEnum, ...] = ()


DayCheck = Callable[[Turn[Any, Any], date], Awaitable[Outcome]]


def day_stage(
    check: DayCheck, step: StrEnum, typed_label: str, *, more: Mapping[str, On] | None = None
) -> Stage:
    """A day asked with a Today button or typed; `check` takes either and moves to `step`.

    `more` are the step's other buttons (the monitoring contact's ✔ Finish monitoring).
    """

    async def today(turn: Turn[Any, Any]) -> Outcome:
        return await check(turn, turn.today)

    async def typed(turn: Turn[Any, Any]) -> Outcome:
        return await check(turn, parse_date(turn.text, turn.today))

    presses = {"today": On(today, (step,), "Today"), **(more or {})}
    return Stage(presses, typed=On(typed, (step,), typed_label))


async def cancel_unsaved(turn: Turn[Any, Any]) -> Outcome:
    """✖ Cancel or /cancel: nothing was saved."""
    return End(turn.tr.gettext("Cancelled. Nothing was saved."))


CANCEL = {"cancel": On(cancel_unsaved, (None,), "✖ Cancel")}
