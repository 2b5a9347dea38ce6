"""/assessment (/ocena): record a periodic assessment; /resources (/zasoby): the family's
strengths the work builds on. Two short walks on the help plan: pick the family, then type.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.conversations.common import (
    Answered,
    DraftStore,
    ask,
    build_walk,
    busy_elsewhere,
    new_token,
    stale,
    step_token,
    tell_busy,
)
from bot.domain.errors import DomainError
from bot.domain.parsing import parse_date
from bot.domain.plan import RESOURCE_MAX, SUMMARY_MAX, check_assessment_day, days_until
from bot.handlers.common import show
from bot.handlers.context import BotContext
from bot.ui import labels
from bot.ui.callbacks import as_int
from bot.ui.keyboards import button, family_picker
from bot.ui.text import esc

PREFIX = "pn"
NAME = "plan_notes"
END = -1


class Step(StrEnum):
    """The states of both walks."""

    FAMILY = "family"
    WHEN = "when"
    SUMMARY = "summary"
    RESOURCES = "resources"
    ADD = "add"


class NotesDraft(BaseModel):
    """Which walk, which family, and the assessment's date once chosen."""

    token: str
    resources: bool  # True: the resources walk; False: an assessment
    family_id: int | None = None
    day: str | None = None


STORE = DraftStore(NAME, NotesDraft, Step)


async def _go(
    update: Update,
    context: BotContext,
    draft: NotesDraft,
    step: Step,
    *,
    notice: str | None = None,
    page: int = 0,
    fresh: bool = False,
) -> str:
    """Store the draft, ask the step's question, return the state."""
    STORE.keep(context, draft, step)
    tr = context.tr
    _ = tr.gettext
    t = step_token(draft.token, step)
    finish = [button(_("✔ Finish"), PREFIX, t, "finish")]
    markup: InlineKeyboardMarkup
    if step is Step.FAMILY:
        families = await context.services.families.own_families(context.actor)
        markup = family_picker(families, page, PREFIX, t, extra=[finish])
        text = _("Which family?")
    else:
        assert draft.family_id is not None
        family = await context.services.families.peek(context.actor, draft.family_id)
        head = f"<b>{esc(family.code)}</b>"
        plans = context.services.plans
        if step is Step.WHEN:
            due = await plans.next_assessment(context.actor, family.id)
            days = days_until(due, context.services.clock.today())
            text = (
                f"📝 {head} — "
                + _("periodic assessment")
                + "\n"
                + _(
                    "The next one is due on {date} ({days} days from today). "
                    "When was this assessment made? Press Today or type a date."
                ).format(date=esc(tr.fmt_date(due, "d MMM y")), days=days)
            )
            markup = InlineKeyboardMarkup([[button(_("Today"), PREFIX, t, "today")], finish])
        elif step is Step.SUMMARY:
            text = (
                f"📝 {head} — "
                + _("periodic assessment")
                + "\n"
                + _(
                    "Type a short summary of the family's situation (at most {limit} characters)."
                ).format(limit=SUMMARY_MAX)
            )
            markup = InlineKeyboardMarkup([finish])
        elif step is Step.RESOURCES:
            items = await plans.resources(context.actor, family.id)
            listed = "\n".join(f"• {esc(r.text)}" for r in items) or _("none yet")
            text = f"💪 {head} — " + _("the family's resources") + "\n" + listed
            rows = [[button("✖ " + r.text, PREFIX, t, "remove", r.id)] for r in items[:40]]
            markup = InlineKeyboardMarkup(
                [*rows, [button(_("➕ Add a resource"), PREFIX, t, "add")], finish]
            )
        else:
            text = f"💪 {head}\n" + _(
                "Type one strength or resource of the family (at most {limit} characters)."
            ).format(limit=RESOURCE_MAX)
            markup = InlineKeyboardMarkup([finish])
    await ask(update, context, text, markup, notice=notice, fresh=fresh)
    return step.value


def _entry(resources: bool) -> Any:
    """/assessment or /resources, with an optional family code."""

    async def start(update: Update, context: BotContext) -> str | int:
        if busy_elsewhere(context, NAME):
            await tell_busy(update, context)
            return END
        draft = NotesDraft(token=new_token(), resources=resources)
        if context.args:
            try:
                family = await context.services.families.open_by_code(
                    context.actor, context.args[0], "plan.open"
                )
            except DomainError as error:
                notice = labels.describe_error(context.tr, error)
                return await _go(update, context, draft, Step.FAMILY, notice=notice)
            draft.family_id = family.id
            return await _go(update, context, draft, _first(draft))
        return await _go(update, context, draft, Step.FAMILY)

    return start


def _first(draft: NotesDraft) -> Step:
    """The first step after the family."""
    return Step.RESOURCES if draft.resources else Step.WHEN


async def pressed(update: Update, context: BotContext) -> str | int | None:
    """Every button, checked against the draft's token and step."""
    turn = await STORE.begin_press(update, context, _go, exits=frozenset({"finish"}))
    if isinstance(turn, Answered):
        return turn.state  # type: ignore[return-value]
    draft, step, press = turn.draft, turn.step, turn.press
    assert press is not None
    actor = context.actor
    try:
        if press.action == "finish":
            return await _finish(update, context)
        if press.action == "page":
            return await _go(update, context, draft, step, page=as_int(press.arg) or 0)
        if press.action == "fam" and (family_id := as_int(press.arg)) is not None:
            draft.family_id = (
                await context.services.families.open_family(actor, family_id, "plan.open")
            ).id
            return await _go(update, context, draft, _first(draft))
        if step is Step.WHEN and press.action == "today":
            draft.day = context.services.clock.today().isoformat()
            return await _go(update, context, draft, Step.SUMMARY)
        if step is Step.RESOURCES and press.action == "add":
            return await _go(update, context, draft, Step.ADD)
        if step is Step.RESOURCES and (resource_id := as_int(press.arg)) is not None:
            await context.services.plans.remove_resource(actor, resource_id)
            return await _go(update, context, draft, Step.RESOURCES)
    except DomainError as error:
        return await STORE.refuse(
            update, context, error, lambda why: _go(update, context, draft, step, notice=why)
        )
    await stale(update, context)
    return None


async def typed(update: Update, context: BotContext) -> str | int | None:
    """The assessment's date and summary, or a new resource."""
    turn = await STORE.begin_text(update, context)
    if isinstance(turn, Answered):
        return turn.state  # type: ignore[return-value]
    draft, step, text = turn.draft, turn.step, turn.text
    tr = context.tr
    plans = context.services.plans
    try:
        if not text:
            raise DomainError("text_empty")
        if step is Step.WHEN:
            today = context.services.clock.today()
            day = check_assessment_day(parse_date(text, today), today)
            draft.day = day.isoformat()
            return await _go(update, context, draft, Step.SUMMARY)
        if step is Step.SUMMARY and draft.family_id is not None and draft.day is not None:
            day = parse_date(draft.day, context.services.clock.today())
            due = await plans.record_assessment(context.actor, draft.family_id, day, text)
            STORE.drop(context)
            await show(
                update,
                context,
                tr.gettext("✅ Assessment saved. The next one is due on {date}.").format(
                    date=esc(tr.fmt_date(due, "d MMM y"))
                ),
            )
            return END
        if step is Step.ADD and draft.family_id is not None:
            await plans.add_resource(context.actor, draft.family_id, text)
            return await _go(update, context, draft, Step.RESOURCES, notice=tr.gettext("Saved ✅"))
    except DomainError as error:
        return await STORE.refuse(
            update, context, error, lambda why: _go(update, context, draft, step, notice=why)
        )
    return await _go(
        update, context, draft, step, notice=tr.gettext("Please use the buttons below.")
    )


async def _finish(update: Update, context: BotContext) -> int:
    """End the walk."""
    STORE.drop(context)
    await show(update, context, context.tr.gettext("Done. /plan shows the whole plan."))
    return END


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel."""
    return await _finish(update, context)


def build() -> ConversationHandler[BotContext]:
    """Both walks in one persistent conversation (they share states and never overlap)."""
    return build_walk(
        name=NAME,
        prefix=PREFIX,
        steps=Step,
        entry_points=[
            CommandHandler(["assessment", "ocena"], _entry(resources=False)),
            CommandHandler(["resources", "zasoby"], _entry(resources=True)),
        ],
        pressed=pressed,
        typed=typed,
        cancel=cancel,
        allow_reentry=True,
    )
