"""What the conversations share: the draft guard, token checks, re-prompts."""

from __future__ import annotations

import secrets
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel, ValidationError
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.conversations.engine import open_walk
from bot.domain.errors import DomainError, NotAllowed, NotFound
from bot.domain.visit import clean_text
from bot.handlers.common import answer_press, show
from bot.handlers.context import BotContext
from bot.ui.callbacks import Press, decode, register
from bot.ui.labels import describe_error
from bot.ui.text import esc

ACTIVE_KEY = "active"  # which conversation holds the user's draft right now

DraftT = TypeVar("DraftT", bound=BaseModel)
StepT = TypeVar("StepT", bound=StrEnum)


def new_token() -> str:
    """A short random token tying buttons to one draft."""
    return secrets.token_hex(3)


def step_token(token: str, step: StrEnum) -> str:
    """The token a step's buttons carry: the draft's token and the step they belong to.

    Knowing the step lets a second tap on an already-answered button (a double tap, a
    button from an older message) be recognised instead of answering the next step.
    """
    return f"{token}.{step.value}"


def press_for(update: Update, token: str | None) -> tuple[Press, str] | None:
    """The decoded press and the step it was made for, if it belongs to the current draft."""
    query = update.callback_query
    press = decode(query.data if query else None)
    if press is None or token is None:
        return None
    draft_token, _, step = press.token.partition(".")
    return (press, step) if draft_token == token else None


async def stale(update: Update, context: BotContext) -> None:
    """Answer a press of a button from an older message or step."""
    await answer_press(
        update, context.tr.gettext("That button is from an older message; use the latest one.")
    )


async def lost_draft(
    update: Update, context: BotContext, drop: Callable[[BotContext], None]
) -> int:
    """The conversation is open but its draft is gone (it should not happen): end it honestly."""
    drop(context)
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            context.tr.gettext("I lost track of what you were doing. Please start that again.")
        )
    return ConversationHandler.END


def busy_elsewhere(context: BotContext, mine: str) -> str | None:
    """The other conversation holding a draft, if any (a walk of the engine too)."""
    active = context.data.get(ACTIVE_KEY) or open_walk(context)
    return active if isinstance(active, str) and active != mine else None


async def tell_busy(update: Update, context: BotContext) -> None:
    """Refuse to start a second walk while one is unfinished (nothing is thrown away)."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            context.tr.gettext(
                "You have not finished what you started. Answer the last question above, "
                "or send /cancel to drop it."
            )
        )
    await answer_press(update)


def as_step(
    handler: BaseHandler[Update, BotContext, Any],
) -> BaseHandler[Update, BotContext, object]:
    """Type a step handler for ConversationHandler (its state type is invariant in PTB's hints)."""
    return cast(BaseHandler[Update, BotContext, object], handler)


@dataclass
class Turn(Generic[DraftT, StepT]):
    """A press or a text that belongs to the walk: the draft, its step, and what came."""

    draft: DraftT
    step: StepT
    press: Press | None = None
    text: str = ""


@dataclass
class Answered:
    """The update was already dealt with (stale button, lost draft): return this state."""

    state: object


# A walk's `_go(update, context, draft, step, *, fresh)`.
Reshow = Callable[..., Coroutine[Any, Any, object]]


class DraftStore(Generic[DraftT, StepT]):
    """A conversation's draft and current step in user_data (persisted as JSON)."""

    def __init__(self, name: str, model: type[DraftT], steps: type[StepT]) -> None:
        self.name = name
        self.model = model
        self.steps = steps
        self.draft_key = f"{name}.draft"
        self.step_key = f"{name}.step"

    def load(self, context: BotContext) -> DraftT | None:
        """The draft in progress, if there is a readable one."""
        raw = context.data.get(self.draft_key)
        if not isinstance(raw, dict):
            return None
        try:
            return self.model.model_validate(raw)
        except ValidationError:
            return None

    def step(self, context: BotContext) -> StepT | None:
        """The step the draft waits at."""
        value = context.data.get(self.step_key)
        if isinstance(value, str) and value in self.steps._value2member_map_:
            return self.steps(value)
        return None

    def keep(self, context: BotContext, draft: DraftT, step: StepT) -> None:
        """Store the draft and the step it waits at; mark this conversation as active."""
        context.data[self.draft_key] = draft.model_dump(mode="json")
        context.data[self.step_key] = step.value
        context.data[ACTIVE_KEY] = self.name

    def drop(self, context: BotContext) -> None:
        """Forget the draft."""
        context.data.pop(self.draft_key, None)
        context.data.pop(self.step_key, None)
        if context.data.get(ACTIVE_KEY) == self.name:
            context.data.pop(ACTIVE_KEY)

    async def refuse(
        self,
        update: Update,
        context: BotContext,
        error: DomainError,
        reask: Callable[[str], Coroutine[Any, Any, str | int]],
    ) -> str | int:
        """A refused step: what is no longer the actor's ends the walk; else ask, saying why."""
        reason = describe_error(context.tr, error)
        if isinstance(error, NotAllowed | NotFound):
            self.drop(context)
            await show(update, context, esc(reason))
            return ConversationHandler.END
        return await reask(reason)

    async def cancelled(self, update: Update, context: BotContext) -> int:
        """/cancel or ✖ Cancel: drop the draft, say nothing was saved, end the walk."""
        self.drop(context)
        await show(update, context, context.tr.gettext("Cancelled. Nothing was saved."))
        return ConversationHandler.END

    async def begin_press(
        self,
        update: Update,
        context: BotContext,
        reshow: Reshow,
        *,
        exits: frozenset[str] = frozenset({"cancel"}),
    ) -> Turn[DraftT, StepT] | Answered:
        """Check a press belongs to this draft and step; a stale one re-shows the current step.

        `reshow` is the walk's `_go`; it is called with `fresh=True` (a new message).

        `exits` are actions honoured from any step (cancel, finish).
        """
        draft = self.load(context)
        step = self.step(context)
        token: str | None = getattr(draft, "token", None)  # every draft model has one
        found = press_for(update, token)
        if draft is None or step is None or found is None:
            await stale(update, context)
            return Answered(None)
        press, pressed_at = found
        if pressed_at != step.value and press.action not in exits:
            await stale(update, context)  # a second tap or an older message
            return Answered(await reshow(update, context, draft, step, fresh=True))
        await answer_press(update)
        return Turn(draft, step, press=press)

    async def begin_text(
        self, update: Update, context: BotContext
    ) -> Turn[DraftT, StepT] | Answered:
        """The typed text (cleaned) with the draft and step; a lost draft ends the walk."""
        message = update.message
        if message is None:
            return Answered(None)
        draft = self.load(context)
        step = self.step(context)
        if draft is None or step is None:  # unreadable: say so and start clean
            return Answered(await lost_draft(update, context, self.drop))
        return Turn(draft, step, text=clean_text(message.text or ""))


def conversation(**kwargs: Any) -> ConversationHandler[BotContext]:
    """A ConversationHandler keyed per user and chat.

    Every button carries the draft's token, so PTB's advice to track callback queries per
    message does not apply here; its warning about that is silenced for this call only.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*per_message=False", category=PTBUserWarning)
        return ConversationHandler(**kwargs)


async def ask(
    update: Update,
    context: BotContext,
    text: str,
    markup: InlineKeyboardMarkup,
    *,
    notice: str | None = None,
    fresh: bool = False,
) -> None:
    """Show a step's question, with a plain-text notice (an error, "Saved") above it."""
    if notice:
        text = f"{esc(notice)}\n\n{text}"
    await show(update, context, text, markup, fresh=fresh)


def build_walk(
    *,
    name: str,
    prefix: str,
    steps: type[StrEnum],
    entry_points: list[BaseHandler[Update, BotContext, Any]],
    pressed: Callable[[Update, BotContext], Coroutine[Any, Any, object]],
    typed: Callable[[Update, BotContext], Coroutine[Any, Any, object]],
    cancel: Callable[[Update, BotContext], Coroutine[Any, Any, object]],
    allow_reentry: bool = True,
) -> ConversationHandler[BotContext]:
    """A persistent walk: its buttons (`prefix:`) and typed text in every step, /cancel."""
    register(prefix, None)  # not yet ported to the engine: any action
    buttons = as_step(CallbackQueryHandler(pressed, pattern=rf"^{prefix}:"))
    text = as_step(MessageHandler(~filters.COMMAND & ~filters.StatusUpdate.ALL, typed))
    return conversation(
        entry_points=[as_step(handler) for handler in entry_points],
        states={step.value: [buttons, text] for step in steps},
        fallbacks=[as_step(CommandHandler(["cancel", "anuluj"], cancel)), buttons],
        name=name,
        persistent=True,
        allow_reentry=allow_reentry,
    )
