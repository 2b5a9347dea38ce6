"""/newfamily (/nowarodzina): register a family: code, label, members, target, contract.

The states are in new_family.mmd. Typed text only for names, labels, years and dates.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
)

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
from bot.domain.family import (
    LABEL_MAX,
    MEMBERS_MAX,
    Member,
    NewFamily,
    check_contract_signed,
    check_contract_until,
    check_label,
    check_member_name,
    valid_birth_year,
)
from bot.domain.parsing import YearPreference, parse_date
from bot.domain.vocabulary import MemberRole
from bot.handlers.common import show
from bot.handlers.context import BotContext
from bot.i18n import Translator
from bot.ui import labels
from bot.ui.keyboards import button, in_rows
from bot.ui.text import esc

PREFIX = "nf"
NAME = "new_family"
END = ConversationHandler.END


class Step(StrEnum):
    """The conversation's states."""

    CODE = "code"
    LABEL = "label"
    MEMBERS = "members"
    MEMBER_NAME = "member_name"
    MEMBER_ROLE = "member_role"
    MEMBER_YEAR = "member_year"
    TARGET = "target"
    SIGNED = "signed"
    UNTIL = "until"
    CONFIRM = "confirm"


class PendingMember(BaseModel):
    """A member being added: name first, then role, then year."""

    name: str
    role: MemberRole | None = None


class FamilyDraft(BaseModel):
    """The family being registered."""

    token: str
    suggested: str
    code: str | None = None
    label: str | None = None
    members: list[Member] = Field(default_factory=list)
    pending: PendingMember | None = None
    visits_per_week: int = 1
    contract_signed_on: date | None = None
    contract_valid_until: date | None = None


STORE = DraftStore(NAME, FamilyDraft, Step)


def _prompt(tr: Translator, draft: FamilyDraft, step: Step) -> tuple[str, InlineKeyboardMarkup]:
    """The question and buttons of a step."""
    _ = tr.gettext
    t = step_token(draft.token, step)

    def row(*buttons: tuple[str, str, object]) -> list[Any]:
        return [button(text, PREFIX, t, action, arg) for text, action, arg in buttons]

    cancel = row((_("✖ Cancel"), "cancel", ""))
    skip = row((_("Skip ➡"), "skip", ""))
    head = _("👪 New family") + (f" <b>{esc(draft.code)}</b>" if draft.code else "")
    if step is Step.CODE:
        text = _("Which code should the family have? Press the suggestion or type another one.")
        keys = [row((_("Use {code}").format(code=draft.suggested), "code", "")), cancel]
    elif step is Step.LABEL:
        text = _(
            "A short label to recognise the family (no surnames or addresses), or Skip. "
            "At most {limit} characters."
        ).format(limit=LABEL_MAX)
        keys = [skip, cancel]
    elif step is Step.MEMBERS:
        listed = [
            f"• {esc(m.name)} ({esc(labels.role(tr, m.role))}"
            + (f", {m.birth_year}" if m.birth_year else "")
            + ")"
            for m in draft.members
        ]
        text = (
            _("Members (first names or initials only):")
            + "\n"
            + ("\n".join(listed) if listed else _("none yet"))
        )
        adds = [(_("➕ Add a member"), "add", "")] if len(draft.members) < MEMBERS_MAX else []
        keys = [row(*adds, (_("Done ➡"), "done", "")), cancel]
    elif step is Step.MEMBER_NAME:
        text = _("Type the member's first name or initials.")
        keys = [cancel]
    elif step is Step.MEMBER_ROLE:
        name = draft.pending.name if draft.pending else ""
        text = _("Who is {name} in the family?").format(name=esc(name))
        roles = [button(labels.role(tr, r), PREFIX, t, "role", r.value) for r in MemberRole]
        keys = [*in_rows(roles, 3), cancel]
    elif step is Step.MEMBER_YEAR:
        text = _("Birth year (like 2015), or Skip.")
        keys = [skip, cancel]
    elif step is Step.TARGET:
        text = _("How many visits a week should this family get?")
        keys = [row(("1", "target", 1), ("2", "target", 2)), cancel]
    elif step is Step.SIGNED:
        text = _("When was the contract signed? Type a date (21.11), press Today, or Skip.")
        keys = [row((_("Today"), "today", ""), (_("Skip ➡"), "skip", "")), cancel]
    elif step is Step.UNTIL:
        text = _("Until when is the contract valid? Type a date, or Skip.")
        keys = [skip, cancel]
    else:
        text = _summary(tr, draft)
        keys = [row((_("💾 Save"), "save", ""), (_("✖ Cancel"), "cancel", ""))]
    return f"{head}\n{text}", InlineKeyboardMarkup(keys)


def _summary(tr: Translator, draft: FamilyDraft) -> str:
    """The family as it will be saved."""
    _ = tr.gettext
    none = _("—")
    members = ", ".join(f"{m.name} ({labels.role(tr, m.role)})" for m in draft.members) or none
    signed = tr.fmt_date(draft.contract_signed_on, "d MMM y") if draft.contract_signed_on else none
    until = (
        tr.fmt_date(draft.contract_valid_until, "d MMM y") if draft.contract_valid_until else none
    )
    return "\n".join(
        [
            _("Label: {label}").format(label=esc(draft.label or none)),
            _("Members: {members}").format(members=esc(members)),
            _("Visits a week: {n}").format(n=draft.visits_per_week),
            _("Contract: signed {signed}, valid until {until}").format(
                signed=esc(signed), until=esc(until)
            ),
            "",
            _("Save this family?"),
        ]
    )


async def _go(
    update: Update,
    context: BotContext,
    draft: FamilyDraft,
    step: Step,
    notice: str | None = None,
    *,
    fresh: bool = False,
) -> str:
    """Store the draft, ask the step's question, return the state."""
    STORE.keep(context, draft, step)
    text, markup = _prompt(context.tr, draft, step)
    await ask(update, context, text, markup, notice=notice, fresh=fresh)
    return step.value


async def start(update: Update, context: BotContext) -> str | int:
    """`/newfamily`: offer a free code."""
    if busy_elsewhere(context, NAME):
        await tell_busy(update, context)
        return END
    suggested = await context.services.families.suggest_code(context.actor)
    return await _go(
        update, context, FamilyDraft(token=new_token(), suggested=suggested), Step.CODE
    )


async def _use_code(update: Update, context: BotContext, draft: FamilyDraft, code: str) -> str:
    """Take a code if it is well-formed and free; a taken one offers the nearest free one."""
    try:
        draft.code = await context.services.families.check_new_code(context.actor, code)
    except DomainError as error:
        draft.suggested = str(error.details.get("suggestion", draft.suggested))
        raise
    return await _go(update, context, draft, Step.LABEL)


async def pressed(update: Update, context: BotContext) -> str | int | None:
    """Every button of the walk, checked against the draft's token and step."""
    turn = await STORE.begin_press(update, context, _go)
    if isinstance(turn, Answered):
        return turn.state  # type: ignore[return-value]
    draft, step, press = turn.draft, turn.step, turn.press
    assert press is not None
    action, arg = press.action, press.arg
    try:
        if action == "cancel":
            return await STORE.cancelled(update, context)
        if step is Step.CODE and action == "code":
            return await _use_code(update, context, draft, draft.suggested)
        if step is Step.LABEL and action == "skip":
            draft.label = None
            return await _go(update, context, draft, Step.MEMBERS)
        if step is Step.MEMBERS and action == "add" and len(draft.members) < MEMBERS_MAX:
            return await _go(update, context, draft, Step.MEMBER_NAME)
        if step is Step.MEMBERS and action == "done":
            return await _go(update, context, draft, Step.TARGET)
        if step is Step.MEMBER_ROLE and draft.pending and arg in MemberRole._value2member_map_:
            draft.pending.role = MemberRole(arg)
            return await _go(update, context, draft, Step.MEMBER_YEAR)
        if step is Step.MEMBER_YEAR and action == "skip":
            return await _add_member(update, context, draft, None)
        if step is Step.TARGET and action == "target" and arg in ("1", "2"):
            draft.visits_per_week = int(arg)
            return await _go(update, context, draft, Step.SIGNED)
        if step is Step.SIGNED and action in ("today", "skip"):
            today = context.services.clock.today()
            draft.contract_signed_on = today if action == "today" else None
            return await _go(update, context, draft, Step.UNTIL)
        if step is Step.UNTIL and action == "skip":
            draft.contract_valid_until = None
            return await _go(update, context, draft, Step.CONFIRM)
        if step is Step.CONFIRM and action == "save":
            return await _save(update, context, draft)
    except DomainError as error:
        return await _go(update, context, draft, step, labels.describe_error(context.tr, error))
    await stale(update, context)
    return None


async def _add_member(
    update: Update, context: BotContext, draft: FamilyDraft, year: int | None
) -> str:
    """Move the pending member into the list and go back to the members step."""
    if draft.pending is not None and draft.pending.role is not None:
        draft.members.append(
            Member(
                id=len(draft.members),
                name=draft.pending.name,
                role=draft.pending.role,
                birth_year=year,
            )
        )
    draft.pending = None
    return await _go(update, context, draft, Step.MEMBERS)


async def typed(update: Update, context: BotContext) -> str | int | None:
    """Typed answers: code, label, member name, birth year, contract dates."""
    turn = await STORE.begin_text(update, context)
    if isinstance(turn, Answered):
        return turn.state  # type: ignore[return-value]
    draft, step, text = turn.draft, turn.step, turn.text
    today = context.services.clock.today()
    tr = context.tr
    try:
        if not text:
            raise DomainError("text_empty")
        if step is Step.CODE:
            return await _use_code(update, context, draft, text)
        if step is Step.LABEL:
            draft.label = check_label(text)
            return await _go(update, context, draft, Step.MEMBERS)
        if step is Step.MEMBER_NAME:
            draft.pending = PendingMember(name=check_member_name(text))
            return await _go(update, context, draft, Step.MEMBER_ROLE)
        if step is Step.MEMBER_YEAR:
            if not (text.isascii() and text.isdigit() and valid_birth_year(int(text), today)):
                raise DomainError("year_format")
            return await _add_member(update, context, draft, int(text))
        if step is Step.SIGNED:
            signed = parse_date(text, today, YearPreference.PAST)
            draft.contract_signed_on = check_contract_signed(signed, today)
            return await _go(update, context, draft, Step.UNTIL)
        if step is Step.UNTIL:
            until = parse_date(text, today, YearPreference.FUTURE)
            draft.contract_valid_until = check_contract_until(
                until, draft.contract_signed_on, today
            )
            return await _go(update, context, draft, Step.CONFIRM)
    except DomainError as error:
        return await _go(update, context, draft, step, labels.describe_error(tr, error))
    return await _go(update, context, draft, step, tr.gettext("Please use the buttons below."))


async def _save(update: Update, context: BotContext, draft: FamilyDraft) -> int | str:
    """Register the family; warn when the caseload passes the statutory limit."""
    assert draft.code is not None
    tr = context.tr
    family = NewFamily(
        code=draft.code,
        label=draft.label,
        members=draft.members,
        visits_per_week=draft.visits_per_week,
        contract_signed_on=draft.contract_signed_on,
        contract_valid_until=draft.contract_valid_until,
    )
    try:
        _, over_limit = await context.services.families.register(context.actor, family)
    except DomainError as error:
        if error.code == "code_taken":  # someone took the code meanwhile: ask for another
            draft.code = None
            return await _go(update, context, draft, Step.CODE, labels.describe_error(tr, error))
        raise
    STORE.drop(context)
    text = tr.gettext("✅ Family {code} is registered. Record a visit with /visit.").format(
        code=esc(family.code)
    )
    if over_limit:
        text += "\n❗ " + tr.gettext(
            "You now hold more than 15 families, the statutory limit. "
            "Please talk to your coordinator."
        )
    await show(update, context, text)
    return END


def build() -> ConversationHandler[BotContext]:
    """The /newfamily conversation, persistent across restarts."""
    return build_walk(
        name=NAME,
        prefix=PREFIX,
        steps=Step,
        entry_points=[
            CommandHandler(["newfamily", "nowarodzina"], start),
        ],
        pressed=pressed,
        typed=typed,
        cancel=STORE.cancelled,
        allow_reentry=False,
    )
