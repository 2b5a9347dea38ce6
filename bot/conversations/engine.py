"""The walk engine: one place that runs every walk declared as a table of steps.

A walk is a `Walk`: a table `step -> Stage` (see _table.py), where a stage names the buttons
it takes (`action -> On`) and what typed text does (`typed`). Each `On` declares the steps
it may lead to, so the table is the walk's diagram (`_diagrams.py` writes the `.mmd` beside it)
and the engine refuses a move the table does not declare.

A declaration names the walk, its buttons' prefix, its draft model, the table and the
question of a step; the step enum is the table's, and the usual ending (✖ Cancel, also
/cancel: "Cancelled. Nothing was saved.") is the default.

Where the user is lives once, in user_data under `WALK_KEY`: the walk's name, its step, its
draft and the message that holds the live question (the chat side is in _walk_chat.py).
PTB's persistence writes it with the update id after every update (see handlers/gate.py), so
a restart resumes the same step.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from enum import StrEnum
from typing import Any, Generic

from pydantic import ValidationError
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.conversations._table import CANCEL, DraftT, End, On, Question, Skip, Stage, StepT, Turn
from bot.conversations._walk_chat import (
    ENDED_KEY,
    SWITCH_KEY,
    WALK_KEY,
    _main_menu_once,
    _one_live_question,
    _token_of,
    _walk_messages,
    _walk_over,
    adopt_pressed,
    ask_to_abandon,
    ended_again,
    ended_with,
    live_question,
    put_question,
    remember_typed,
    remove_closing_later,
)
from bot.domain.drafts import new_token
from bot.domain.errors import DomainError, NotAllowed, NotFound, Settled
from bot.domain.visit import clean_text
from bot.handlers.common import answer_press, answer_press_soon, show
from bot.handlers.context import BotContext
from bot.handlers.start import stale_button
from bot.i18n import N_, Translator
from bot.ui.callbacks import pressed_data, register
from bot.ui.keyboards import Markup
from bot.ui.labels import describe_error
from bot.ui.text import esc

log = logging.getLogger(__name__)

_WALKS: dict[str, Walk[Any, Any]] = {}


Handler = BaseHandler[Update, BotContext, Any]
SavedCheck = Callable[[BotContext, Any], Awaitable[bool]]


# --- the open walk in user_data -------------------------------------------------------------


def open_walk(context: BotContext) -> str | None:
    """The name of the walk the user is in, if any."""
    record = context.data.get(WALK_KEY)
    name = record.get("name") if isinstance(record, dict) else None
    return name if isinstance(name, str) else None


async def stale(update: Update, context: BotContext) -> None:
    """Answer a press of a button from an older message or step."""
    await answer_press(update, _older_message(context))


def _older_message(context: BotContext) -> str:
    """What a stale press is told."""
    return context.tr.gettext("That button is from an older message; use the latest one.")


@dataclass(eq=False)
class Walk(Generic[DraftT, StepT]):
    """A walk declared as data, and the engine that runs it.

    `anywhere` are the buttons every step takes; the one among them that ends the walk is
    also what /cancel does. `saved` says whether a draft was saved already (a crash right
    after saving), `gone` what ends the walk when the family is no longer the actor's, and
    `replaces` the walks this one may be started over without asking; `started` and `wanted`
    name it in "Drop {started} and start {wanted}?" (N_ strings, translated when asked).
    `resting` are the steps (values) where nothing chosen or typed waits to be saved, so the
    walk started again there asks nothing: the family picker's, and a menu over saved work.
    """

    name: str
    prefix: str
    model: type[DraftT]
    table: Mapping[StepT, Stage]
    question: Callable[[Turn[DraftT, StepT], int], Awaitable[Question]]
    _: KW_ONLY
    starts: Mapping[str, tuple[StepT, ...]]
    anywhere: Mapping[str, On] = field(default_factory=lambda: CANCEL)
    saved: SavedCheck | None = None
    gone: Callable[[Translator], str] | None = None
    replaces: frozenset[str] = frozenset()
    started: str = N_("what you started")  # "Drop {started} and start {wanted}?"
    wanted: str = N_("something new")
    resting: frozenset[str] = frozenset({"family"})

    def __post_init__(self) -> None:
        self.steps: type[StepT] = type(next(iter(self.table)))
        self.cancel_move = next(on for on in self.anywhere.values() if on.to == (None,))
        register(self.prefix, self.actions())
        if self.name in _WALKS:
            raise ValueError(f"walk {self.name!r} is declared twice")
        _WALKS[self.name] = self

    def handlers(self, *entries: Handler) -> list[Handler]:
        """The walk's entries and its buttons, for app.py."""
        return [*entries, CallbackQueryHandler(self.pressed, pattern=rf"^{self.prefix}:")]

    # -- the draft

    def actions(self) -> frozenset[str]:
        """Every button action of the walk (the callback codec accepts only these)."""
        found = set(self.anywhere)
        for stage in self.table.values():
            found |= set(stage.presses)
        return frozenset(found)

    def load(self, context: BotContext) -> tuple[DraftT, StepT] | None:
        """The open draft of this walk and its step, if they can be read back."""
        record = context.data.get(WALK_KEY)
        if not isinstance(record, dict) or record.get("name") != self.name:
            return None
        step = record.get("step")
        if not isinstance(step, str) or step not in self.steps._value2member_map_:
            return None
        try:
            return self.model.model_validate(record.get("draft")), self.steps(step)
        except ValidationError:
            return None

    async def unfinished(self, context: BotContext) -> tuple[DraftT, StepT] | None:
        """The draft to resume, unless it was saved already (a crash right after saving)."""
        found = self.load(context)
        if found is not None and self.saved is not None and await self.saved(context, found[0]):
            self.drop(context)
            return None
        return found

    def keep(self, context: BotContext, draft: DraftT, step: StepT) -> None:
        """Store the draft and its step (the live question's message id stays).

        A different draft in its place (another walk, or this one started over) is abandoned.
        """
        record = context.data.get(WALK_KEY)
        message = record.get("message") if isinstance(record, dict) else None
        if isinstance(record, dict) and record.get("name") != self.name:
            message = None
        if _token_of(record) not in (None, draft.token):
            _walk_over(context, record, None)
        context.data.pop(SWITCH_KEY, None)  # the walk moved on: a "Drop …?" asked is stale
        context.data.pop(ENDED_KEY, None)  # and a walk ended before is an older message now
        context.data[WALK_KEY] = {
            "name": self.name,
            "step": step.value,
            "draft": draft.model_dump(mode="json"),
            "message": message,
        }

    def drop(self, context: BotContext) -> None:
        """Forget the draft (only this walk's); its messages leave the chat."""
        if open_walk(context) == self.name:
            _walk_over(context, context.data.pop(WALK_KEY, None), None)

    def busy(self, context: BotContext) -> bool:
        """Another walk is open."""
        other = open_walk(context)
        return other is not None and other != self.name

    async def blocked(self, update: Update, context: BotContext, *, keep: bool = True) -> bool:
        """A start while a walk is unfinished, this one too (unless `keep` is off): ask first.

        Only a walk that resumes its own draft (`/newfamily`, `/visit`) turns `keep` off: for
        every other, starting it again would drop what was typed without a word.
        """
        other = _WALKS.get(open_walk(context) or "")
        if other is not None and other is not self and not await other.holds_work(context):
            # saved already, unreadable, or resting: nothing to finish
            _walk_over(context, context.data.pop(WALK_KEY, None), None)
        if self.busy(context) and other is not None and other.name not in self.replaces:
            await ask_to_abandon(update, context, other, self)
            return True
        if keep and await self.holds_work(context):
            await ask_to_abandon(update, context, self, self)
            return True
        return False

    async def pressed_again(
        self, update: Update, context: BotContext, first: StepT, same: Callable[[DraftT], bool]
    ) -> bool:
        """An entry button pressed twice (a double tap) before its first question was answered.

        True when this walk's open draft is `same` as the press would start and still waits at
        `first`: that question is asked again below what was pressed, in place of "Drop … and
        start …?", and nothing is lost. Checked before `blocked`.
        """
        found = self.load(context)
        if found is None or found[1] is not first or not same(found[0]):
            return False
        await answer_press(update)
        await self.go(update, context, *found, fresh=True)
        return True

    async def holds_work(self, context: BotContext) -> bool:
        """This walk's draft holds something chosen or typed, not saved yet (not `resting`)."""
        found = await self.unfinished(context)
        return found is not None and found[1].value not in self.resting

    def new_draft(self) -> DraftT:
        """An empty draft with a token of its own."""
        return self.model(token=new_token())

    # -- moving

    async def go(
        self,
        update: Update,
        context: BotContext,
        draft: DraftT,
        step: StepT,
        *,
        notice: str | None = None,
        page: int = 0,
        fresh: bool = False,
    ) -> None:
        """Store the draft at `step` and ask its question (editing the pressed message)."""
        turn: Turn[DraftT, StepT] = Turn(update, context, draft, step)
        try:
            asked = await self._ask(turn, page)
        except (NotAllowed, NotFound) as error:  # the family was handed over meanwhile
            await self.refuse(update, context, draft, step, error)
            return
        live = live_question(context, self.name, draft.token)
        self.keep(context, draft, turn.step)
        text, markup = asked
        if notice:
            text = f"{esc(notice)}\n\n{text}"
        await put_question(update, context, draft.token, live, (text, markup), fresh=fresh)

    async def _ask(self, turn: Turn[DraftT, StepT], page: int) -> tuple[str, Markup]:
        """The question of the turn's step, following skips (the turn moves with them)."""
        notices: list[str] = []
        for _hop in range(len(self.table)):
            asked = await self.question(turn, page)
            if not isinstance(asked, Skip):
                text, markup = asked
                return "".join(f"{esc(n)}\n\n" for n in notices) + text, markup
            if asked.notice:
                notices.append(asked.notice)
            self._check_move(turn.step, asked.step, self.table[turn.step].skips_to)
            turn.step = self.steps(asked.step.value)
        raise RuntimeError(f"{self.name}: questions skip in a circle")  # pragma: no cover

    async def end(
        self,
        update: Update,
        context: BotContext,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        sensitive: bool = False,
        again: str | None = None,
    ) -> None:
        """Drop the draft and show the closing text (and its buttons) in place of the question.

        The walk's typed texts and question copies then leave the chat; the closing text, with
        codes only, stays (a `sensitive` one leaves CHAT_CLEANUP_MINUTES later). A press of
        the question after that is answered `again`, if given (see End.again).
        """
        query = update.callback_query
        if query is None or query.message is None:  # the closing text comes below: strip above
            await _one_live_question(update, context, None)
        record = context.data.pop(WALK_KEY, None) if open_walk(context) == self.name else None
        token = _token_of(record)
        if token is not None:  # the text that ended it (a last typed answer) goes with it
            _walk_messages(update, context, token, None)
        ended_with(context, self.name, token, again)
        shown = await show(update, context, text, markup)
        if sensitive:  # remembered apart from the walk's messages: not kept for good below
            await remove_closing_later(update, context, shown)
        _walk_over(context, record, None if sensitive else shown)
        await _main_menu_once(update, context)

    async def refuse(
        self, update: Update, context: BotContext, draft: DraftT, step: StepT, error: DomainError
    ) -> None:
        """A refused step: what is no longer the actor's, or is settled, ends the walk; else ask.

        Asking again says why.
        """
        if isinstance(error, NotAllowed | NotFound | Settled):
            gone = None if isinstance(error, Settled) else self.gone
            text = gone(context.tr) if gone else describe_error(context.tr, error)
            await self.end(update, context, esc(text))
            return
        await self.go(update, context, draft, step, notice=describe_error(context.tr, error))

    async def _apply(
        self, turn: Turn[DraftT, StepT], on: On | None, *, fresh: bool = False
    ) -> None:
        """Run an action and follow its outcome; a DomainError is the walk's refusal."""
        update, context = turn.update, turn.context
        if on is None:
            await self.go(update, context, turn.draft, turn.step, fresh=fresh)
            return
        try:
            outcome = await on.do(turn)
        except DomainError as error:
            await self.refuse(update, context, turn.draft, turn.step, error)
            return
        if isinstance(outcome, End):
            self._check_move(turn.step, None, on.to)
            await self.end(
                update,
                context,
                outcome.text,
                outcome.markup,
                sensitive=outcome.sensitive,
                again=outcome.again,
            )
            return
        if outcome.step not in on.to and outcome.step != turn.step:
            # A forged press can drive an action where the table does not go: ask again.
            # A press was answered already (answer_press_soon): the question says it.
            log.error("%s: %s -> %s is not in the table", self.name, turn.step, outcome.step)
            notice = _older_message(context) if update.callback_query else None
            await self.go(update, context, turn.draft, turn.step, notice=notice, fresh=True)
            return
        step = self.steps(outcome.step.value)
        await self.go(
            update,
            context,
            turn.draft,
            step,
            notice=outcome.notice,
            page=outcome.page,
            fresh=outcome.fresh or fresh,
        )

    def _check_move(
        self, source: StrEnum, target: StrEnum | None, allowed: tuple[StrEnum | None, ...]
    ) -> None:
        """A move the table does not declare is a bug in the walk, not the user's fault."""
        if target not in allowed and not (target is not None and target == source):
            raise RuntimeError(f"{self.name}: {source} -> {target} is not in the table")

    # -- PTB callbacks

    async def pressed(self, update: Update, context: BotContext) -> None:
        """Every button of the walk: check it belongs to this draft and step, then act."""
        found = self.load(context)
        press = pressed_data(update)
        token, _, pressed_at = ("" if press is None else press.token).partition(".")
        if found is None or press is None:  # the walk is over (or the press is forged)
            again = None if press is None else ended_again(context, self.name, token)
            if again is not None:  # the walk said what its last press did (a double tap)
                await answer_press(update, again)
                return
            await stale_button(update, context)
            return
        draft, step = found
        if token != draft.token:
            await stale(update, context)
            return
        if pressed_at != step.value and press.action not in self.anywhere:
            if await self.unfinished(context) is None:  # a button shown after a save, then a crash
                await answer_press(update)
                await show(update, context, esc(saved_already(context.tr)))
                return
            await stale(update, context)  # a second tap, or an older message
            adopt_pressed(update, context, self.name, draft.token)
            await self.go(update, context, draft, step, fresh=True)
            return
        on = self.anywhere.get(press.action) or self.table[step].presses.get(press.action)
        if on is None:  # a well-formed press this step has no use for
            await stale(update, context)
            adopt_pressed(update, context, self.name, draft.token)
            await self.go(update, context, draft, step, fresh=True)
            return
        answer_press_soon(update, context)
        await self._apply(Turn(update, context, draft, step, arg=press.arg), on)

    async def typed(self, update: Update, context: BotContext) -> None:
        """Typed text: parsed where the step takes text, a gentle re-ask elsewhere."""
        message = update.message
        if message is None:
            return
        found = self.load(context)
        if found is None:  # the draft could not be read back: say so, start clean
            self.drop(context)
            await message.reply_text(
                context.tr.gettext("I lost track of what you were doing. Please start that again.")
            )
            return
        draft, step = found
        await remember_typed(update, context, draft.token)  # before any call to Telegram
        text = clean_text(message.text or "")
        on = self.table[step].typed
        if on is None or not text:
            _ = context.tr.gettext
            hint = _("Please type text, or use the buttons.") if on else None
            notice = hint or _("Please use the buttons below.")
            await self.go(update, context, draft, step, notice=notice, fresh=True)
            return
        await self._apply(Turn(update, context, draft, step, text=text), on, fresh=True)

    async def cancelled(self, update: Update, context: BotContext) -> None:
        """/cancel during the walk."""
        found = self.load(context)
        if found is None:
            self.drop(context)
            await show(update, context, context.tr.gettext("Cancelled. Nothing was saved."))
            return
        draft, step = found
        await self._apply(Turn(update, context, draft, step), self.cancel_move)


def walks() -> list[Walk[Any, Any]]:
    """Every declared walk."""
    return list(_WALKS.values())


def saved_already(tr: Translator) -> str:
    """What a draft left behind by a crash right after its save answers."""
    return tr.gettext("✅ That was saved already; nothing is waiting for an answer.")
