"""/appointment (/termin): a date at an institution: family → members → institution →
date and time typed as people type them (echoed back to confirm) → does the assistant go
along → purpose → optional plan goal → save. The states are in appointment.mmd.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
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
from bot.domain.appointment import (
    INSTITUTION_NAME_MAX,
    PURPOSE_MAX,
    Institution,
    NewAppointment,
    check_start,
)
from bot.domain.errors import DomainError
from bot.domain.family import Family
from bot.domain.plan import Goal, check_required_text
from bot.domain.when import parse_when
from bot.handlers.common import show
from bot.handlers.context import BotContext
from bot.i18n import Translator
from bot.ui import labels
from bot.ui.callbacks import as_int
from bot.ui.keyboards import button, family_picker, in_rows, toggles
from bot.ui.text import esc, shorten

PREFIX = "ap"
NAME = "appointment"
END = ConversationHandler.END
WHEN_FORMAT = "EEEE d MMMM y, HH:mm"


class Step(StrEnum):
    """The conversation's states."""

    FAMILY = "family"
    MEMBERS = "members"
    INSTITUTION = "institution"
    NAME = "name"
    WHEN = "when"
    CONFIRM_WHEN = "confirm_when"
    ACCOMPANY = "accompany"
    PURPOSE = "purpose"
    GOAL = "goal"
    SUMMARY = "summary"


class AppointmentDraft(BaseModel):
    """The appointment being put together."""

    token: str
    family_id: int | None = None
    member_ids: list[int] = Field(default_factory=list)
    institution: Institution | None = None
    institution_name: str | None = None
    starts_at: datetime | None = None
    accompany: bool | None = None
    purpose: str = ""
    goal_id: int | None = None


STORE = DraftStore(NAME, AppointmentDraft, Step)


class Shown(BaseModel):
    """What a prompt needs from the database."""

    family: Family | None = None
    families: list[Family] = []
    goals: list[Goal] = []


def _prompt(
    tr: Translator, draft: AppointmentDraft, step: Step, shown: Shown, *, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The question and buttons of a step."""
    _ = tr.gettext
    t = step_token(draft.token, step)

    def b(text: str, action: str, arg: object = "") -> InlineKeyboardButton:
        return button(text, PREFIX, t, action, arg)

    cancel = [b(_("✖ Cancel"), "cancel")]
    skip = [b(_("Skip ➡"), "skip")]
    if step is Step.FAMILY:
        return _("📅 Which family is the appointment for?"), family_picker(
            shown.families, page, PREFIX, t, extra=[cancel]
        )
    family = shown.family
    head = "📅 " + (f"<b>{esc(family.code)}</b> — " if family else "") + _("appointment")
    if step is Step.MEMBERS:
        options = [(str(m.id), m.name) for m in (family.members if family else ())]
        chosen = {str(m) for m in draft.member_ids}
        rows = toggles(options, chosen, PREFIX, t, done_text=_("Done ➡"), per_row=3)
        return f"{head}\n" + _("Who from the family goes? Tap to mark, then Done."), (
            InlineKeyboardMarkup([*rows, cancel])
        )
    if step is Step.INSTITUTION:
        kinds = [b(labels.institution(tr, i), "inst", i.value) for i in Institution]
        return f"{head}\n" + _("Where?"), InlineKeyboardMarkup([*in_rows(kinds, 2), cancel])
    if step is Step.NAME:
        return f"{head}\n" + _(
            "The institution's short name (e.g. SP 12, MOPS Wola), or Skip. "
            "At most {limit} characters."
        ).format(limit=INSTITUTION_NAME_MAX), InlineKeyboardMarkup([skip, cancel])
    if step is Step.WHEN:
        return f"{head}\n" + _(
            "When? Type a day and a time: jutro 10:30, pt 9, 12.12 14:00, tomorrow 10."
        ), InlineKeyboardMarkup([cancel])
    if step is Step.CONFIRM_WHEN:
        when = _local_text(tr, draft.starts_at)
        return f"{head}\n" + _("Is this right: <b>{when}</b>?").format(when=esc(when)), (
            InlineKeyboardMarkup([[b(_("✅ Yes"), "yes"), b(_("✏️ Type again"), "again")], cancel])
        )
    if step is Step.ACCOMPANY:
        return f"{head}\n" + _("Do you go along?"), InlineKeyboardMarkup(
            [[b(_("Yes, I go along"), "acc", 1), b(_("No"), "acc", 0)], cancel]
        )
    if step is Step.PURPOSE:
        return f"{head}\n" + _(
            "What is it for? A short purpose (at most {limit} characters)."
        ).format(limit=PURPOSE_MAX), InlineKeyboardMarkup([cancel])
    if step is Step.GOAL:
        rows = [
            [b(f"{labels.area(tr, g.area)}: {g.text}", "goal", g.id)] for g in shown.goals[:30]
        ]
        return f"{head}\n" + _("Does it serve a goal of the plan?"), InlineKeyboardMarkup(
            [*rows, skip, cancel]
        )
    return _summary(tr, draft, family), InlineKeyboardMarkup(
        [[b(_("💾 Save"), "save"), b(_("✖ Cancel"), "cancel")]]
    )


def _local_text(tr: Translator, moment: datetime | None) -> str:
    """The appointment's time as the assistant reads it."""
    return "—" if moment is None else tr.fmt_datetime(moment, WHEN_FORMAT)


def _summary(tr: Translator, draft: AppointmentDraft, family: Family | None) -> str:
    """Everything entered, for a last look."""
    _ = tr.gettext
    names = [m.name for m in (family.members if family else ()) if m.id in draft.member_ids]
    where = labels.institution(tr, draft.institution) if draft.institution else "—"
    if draft.institution_name:
        where += f" ({draft.institution_name})"
    lines = [
        "📅 " + (f"<b>{esc(family.code)}</b>" if family else ""),
        _("When: {when}").format(when=esc(_local_text(tr, draft.starts_at))),
        _("Where: {where}").format(where=esc(where)),
        _("Who goes: {names}").format(names=esc(", ".join(names) or "—")),
        _("You go along: {answer}").format(answer=_("yes") if draft.accompany else _("no")),
        _("Purpose: {purpose}").format(purpose=esc(shorten(draft.purpose, PURPOSE_MAX))),
        "",
        _("Save this appointment?"),
    ]
    return "\n".join(lines)


async def _go(
    update: Update,
    context: BotContext,
    draft: AppointmentDraft,
    step: Step,
    *,
    notice: str | None = None,
    page: int = 0,
    fresh: bool = False,
) -> str:
    """Store the draft, ask the step's question (skipping empty choices), return the state."""
    shown = Shown()
    if step is Step.FAMILY:
        shown.families = await context.services.families.own_families(context.actor)
    if draft.family_id is not None:
        shown.family = await context.services.families.peek(context.actor, draft.family_id)
        if step is Step.MEMBERS and not shown.family.members:
            step = Step.INSTITUTION
        if step is Step.GOAL:
            shown.goals = await context.services.plans.open_goals(context.actor, draft.family_id)
            if not shown.goals:
                step = Step.SUMMARY
    STORE.keep(context, draft, step)
    text, markup = _prompt(context.tr, draft, step, shown, page=page)
    await ask(update, context, text, markup, notice=notice, fresh=fresh)
    return step.value


async def start(update: Update, context: BotContext) -> str | int:
    """`/appointment [code]`."""
    if busy_elsewhere(context, NAME):
        await tell_busy(update, context)
        return END
    draft = AppointmentDraft(token=new_token())
    if context.args:
        try:
            family = await context.services.families.open_by_code(
                context.actor, context.args[0], "appointment.start"
            )
        except DomainError as error:
            notice = labels.describe_error(context.tr, error)
            return await _go(update, context, draft, Step.FAMILY, notice=notice)
        draft.family_id = family.id
        return await _go(update, context, draft, Step.MEMBERS)
    return await _go(update, context, draft, Step.FAMILY)


async def pressed(update: Update, context: BotContext) -> str | int | None:
    """Every button, checked against the draft's token and step."""
    turn = await STORE.begin_press(update, context, _go)
    if isinstance(turn, Answered):
        return turn.state  # type: ignore[return-value]
    draft, step, press = turn.draft, turn.step, turn.press
    assert press is not None
    action, arg = press.action, press.arg
    try:
        if action == "cancel":
            return await STORE.cancelled(update, context)
        if action == "page":
            return await _go(update, context, draft, step, page=as_int(arg) or 0)
        if step is Step.FAMILY and action == "fam" and (family_id := as_int(arg)) is not None:
            family = await context.services.families.open_family(
                context.actor, family_id, "appointment.start"
            )
            draft.family_id = family.id
            return await _go(update, context, draft, Step.MEMBERS)
        if step is Step.MEMBERS and action == "tog" and (member := as_int(arg)) is not None:
            family = await context.services.families.peek(context.actor, draft.family_id or 0)
            if member not in {m.id for m in family.members}:
                raise DomainError("member_unknown")
            ids = draft.member_ids
            draft.member_ids = [m for m in ids if m != member] if member in ids else [*ids, member]
            return await _go(update, context, draft, Step.MEMBERS)
        if step is Step.MEMBERS and action == "done":
            return await _go(update, context, draft, Step.INSTITUTION)
        if step is Step.INSTITUTION and arg in Institution._value2member_map_:
            draft.institution = Institution(arg)
            return await _go(update, context, draft, Step.NAME)
        if step is Step.NAME and action == "skip":
            draft.institution_name = None
            return await _go(update, context, draft, Step.WHEN)
        if step is Step.CONFIRM_WHEN and action == "yes":
            return await _go(update, context, draft, Step.ACCOMPANY)
        if step is Step.CONFIRM_WHEN and action == "again":
            return await _go(update, context, draft, Step.WHEN)
        if step is Step.ACCOMPANY and arg in ("0", "1"):
            draft.accompany = arg == "1"
            return await _go(update, context, draft, Step.PURPOSE)
        if step is Step.GOAL and action == "skip":
            draft.goal_id = None
            return await _go(update, context, draft, Step.SUMMARY)
        if step is Step.GOAL and (goal_id := as_int(arg)) is not None:
            goals = await context.services.plans.open_goals(context.actor, draft.family_id or 0)
            if goal_id not in {g.id for g in goals}:
                raise DomainError("goal_unknown")
            draft.goal_id = goal_id
            return await _go(update, context, draft, Step.SUMMARY)
        if step is Step.SUMMARY and action == "save":
            return await _save(update, context, draft)
    except DomainError as error:
        return await STORE.refuse(
            update, context, error, lambda why: _go(update, context, draft, step, notice=why)
        )
    await stale(update, context)
    return None


async def typed(update: Update, context: BotContext) -> str | int | None:
    """The institution's name, the date and time, the purpose."""
    turn = await STORE.begin_text(update, context)
    if isinstance(turn, Answered):
        return turn.state  # type: ignore[return-value]
    draft, step, text = turn.draft, turn.step, turn.text
    tr = context.tr
    try:
        if not text:
            raise DomainError("text_empty")
        if step is Step.NAME:
            draft.institution_name = check_required_text(text, INSTITUTION_NAME_MAX)
            return await _go(update, context, draft, Step.WHEN)
        if step is Step.WHEN:
            now = context.services.clock.now().astimezone(context.services.settings.tz)
            draft.starts_at = parse_when(text, now)
            check_start(draft.starts_at, now)
            return await _go(update, context, draft, Step.CONFIRM_WHEN)
        if step is Step.PURPOSE:
            draft.purpose = check_required_text(text, PURPOSE_MAX)
            return await _go(update, context, draft, Step.GOAL)
    except DomainError as error:
        return await _go(update, context, draft, step, notice=labels.describe_error(tr, error))
    notice = tr.gettext("Please use the buttons below.")
    return await _go(update, context, draft, step, notice=notice)


async def _save(update: Update, context: BotContext, draft: AppointmentDraft) -> int:
    """Save through the service (it re-checks access and that the time is still ahead)."""
    if (
        draft.family_id is None
        or draft.institution is None
        or draft.starts_at is None
        or draft.accompany is None
    ):
        raise DomainError("draft_incomplete")
    new = NewAppointment(
        family_id=draft.family_id,
        member_ids=tuple(draft.member_ids),
        institution=draft.institution,
        institution_name=draft.institution_name,
        starts_at=draft.starts_at,
        accompany=draft.accompany,
        purpose=draft.purpose,
        goal_id=draft.goal_id,
    )
    saved = await context.services.appointments.create(context.actor, new)
    STORE.drop(context)
    tr = context.tr
    await show(
        update,
        context,
        tr.gettext("✅ Appointment saved: {when}. /agenda shows the coming week.").format(
            when=esc(_local_text(tr, saved.starts_at.astimezone(context.services.settings.tz)))
        ),
    )
    return END


def build() -> ConversationHandler[BotContext]:
    """The /appointment conversation, persistent across restarts."""
    entry: list[Any] = [CommandHandler(["appointment", "termin"], start)]
    return build_walk(
        name=NAME,
        prefix=PREFIX,
        steps=Step,
        entry_points=entry,
        pressed=pressed,
        typed=typed,
        cancel=STORE.cancelled,
    )
