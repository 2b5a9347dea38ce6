"""/newfamily (/nowarodzina): register a family: code, label, members, target, contract.

The walk is the table `TABLE` below; `new_family.mmd` is drawn from it (`make diagrams`).
Typed text only for names, labels, years and dates.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.commands import names
from bot.conversations._table import End, Go, On, Outcome, Question, Stage, Turn, moves, skips
from bot.conversations.engine import Walk
from bot.domain.day_words import contract_span_after
from bot.domain.drafts import new_token
from bot.domain.errors import DomainError
from bot.domain.family import (
    MEMBERS_MAX,
    check_contract_signed,
    check_contract_until,
    check_label,
    check_member_name,
    read_birth_year,
)
from bot.domain.family_steps import FamilyDraft, PendingMember, Step
from bot.domain.parsing import YearPreference, parse_date
from bot.domain.vocabulary import MemberRole
from bot.handlers.context import BotContext
from bot.i18n import N_
from bot.ui import labels
from bot.ui.new_family_questions import PREFIX, family_question
from bot.ui.text import esc

NAME = "new_family"
FamilyTurn = Turn[FamilyDraft, Step]


async def _question(turn: FamilyTurn, page: int) -> Question:
    """A step's question (every step asks; nothing to look up)."""
    return family_question(turn.tr, turn.draft, turn.step)


# --- the code -------------------------------------------------------------------------------


async def _use_code(turn: FamilyTurn, code: str) -> Outcome:
    """Take a code if it is well-formed and free; a taken one offers the nearest free one."""
    try:
        turn.draft.code = await turn.services.families.check_new_code(turn.actor, code)
    except DomainError as error:
        turn.draft.suggested = str(error.details.get("suggestion", turn.draft.suggested))
        raise
    return Go(Step.LABEL)


async def _suggested_code(turn: FamilyTurn) -> Outcome:
    """The code the bot offered."""
    return await _use_code(turn, turn.draft.suggested)


async def _typed_code(turn: FamilyTurn) -> Outcome:
    """A code of the assistant's own."""
    return await _use_code(turn, turn.text)


# --- label and members ----------------------------------------------------------------------


async def _typed_label(turn: FamilyTurn) -> Outcome:
    """A short label (no surnames or addresses)."""
    turn.draft.label = check_label(turn.text)
    return Go(Step.MEMBERS)


async def _add_member(turn: FamilyTurn) -> Outcome:
    """Start adding a member (while there is room)."""
    if len(turn.draft.members) >= MEMBERS_MAX:
        return Go(Step.MEMBERS)
    return Go(Step.MEMBER_NAME)


async def _typed_name(turn: FamilyTurn) -> Outcome:
    """The member's first name or initials (typed at the list too: that adds a member)."""
    if len(turn.draft.members) >= MEMBERS_MAX:
        raise DomainError("members_max", limit=MEMBERS_MAX)
    turn.draft.pending = PendingMember(name=check_member_name(turn.text))
    return Go(Step.MEMBER_ROLE)


async def _role(turn: FamilyTurn) -> Outcome:
    """Who the member is in the family."""
    pending = turn.draft.pending
    if pending is None or turn.arg not in MemberRole._value2member_map_:
        return Go(Step.MEMBER_ROLE)
    pending.role = MemberRole(turn.arg)
    return Go(Step.MEMBER_YEAR)


async def _typed_year(turn: FamilyTurn) -> Outcome:
    """A plausible birth year; the member joins the list."""
    turn.draft.add_pending(read_birth_year(turn.text, turn.today))
    return Go(Step.MEMBERS)


async def _skip_year(turn: FamilyTurn) -> Outcome:
    """No birth year; the member joins the list."""
    turn.draft.add_pending(None)
    return Go(Step.MEMBERS)


# --- target and contract --------------------------------------------------------------------


async def _target(turn: FamilyTurn) -> Outcome:
    """One or two visits a week."""
    if turn.arg not in ("1", "2"):
        return Go(Step.TARGET)
    turn.draft.visits_per_week = int(turn.arg)
    return Go(Step.SIGNED)


async def _signed_today(turn: FamilyTurn) -> Outcome:
    """The contract was signed today."""
    turn.draft.contract_signed_on = turn.today
    return Go(Step.UNTIL)


async def _typed_signed(turn: FamilyTurn) -> Outcome:
    """A typed signing date: not in the future, not long ago."""
    signed = parse_date(turn.text, turn.today, YearPreference.PAST)
    turn.draft.contract_signed_on = check_contract_signed(signed, turn.today)
    return Go(Step.UNTIL)


async def _typed_until(turn: FamilyTurn) -> Outcome:
    """A typed end date: after the signing, not too far ahead."""
    draft = turn.draft
    until = parse_date(turn.text, turn.today, YearPreference.FUTURE)
    draft.contract_valid_until = check_contract_until(until, draft.contract_signed_on, turn.today)
    return Go(Step.CONFIRM)


async def _until_span(turn: FamilyTurn) -> Outcome:
    """Half a year or a year from the signing (from today when it was not given)."""
    draft = turn.draft
    until = contract_span_after(draft.contract_signed_on or turn.today, turn.arg)
    draft.contract_valid_until = check_contract_until(until, draft.contract_signed_on, turn.today)
    return Go(Step.CONFIRM)


# --- saving ---------------------------------------------------------------------------------


async def _save(turn: FamilyTurn) -> Outcome:
    """Register the family once (the draft token makes a repeat harmless); warn over 15."""
    draft, tr = turn.draft, turn.tr
    if draft.code is None:  # the code was given up when someone else took it
        return Go(Step.CODE)
    family = draft.as_new_family(draft.code)
    try:
        _, over_limit = await turn.services.families.register(
            turn.actor, family, draft_token=draft.token
        )
    except DomainError as error:
        if error.code != "code_taken":
            raise
        draft.code = None  # someone took the code meanwhile: ask for another
        return Go(Step.CODE, notice=labels.describe_error(tr, error))
    text = tr.gettext("✅ Family {code} is registered. Record a visit with /visit.").format(
        code=esc(family.code)
    )
    if over_limit:
        text += "\n❗ " + tr.gettext(
            "You now hold more than 15 families, the statutory limit. "
            "Please talk to your coordinator."
        )
    return End(text)


# --- the table ------------------------------------------------------------------------------

S = Step

TABLE: dict[Step, Stage] = {
    S.CODE: Stage(
        {"code": On(_suggested_code, (S.LABEL,), "Use R-0n")},
        typed=On(_typed_code, (S.LABEL,), "typed free code"),
    ),
    S.LABEL: Stage(
        {"skip": skips("label", S.MEMBERS)},
        typed=On(_typed_label, (S.MEMBERS,), "typed label"),
    ),
    S.MEMBERS: Stage(
        {
            "add": On(_add_member, (S.MEMBER_NAME,), "➕ Add a member"),
            "done": moves(S.TARGET, "Done"),
        },
        typed=On(_typed_name, (S.MEMBER_ROLE,), "typed name (adds a member)"),
    ),
    S.MEMBER_NAME: Stage(typed=On(_typed_name, (S.MEMBER_ROLE,), "typed name")),
    S.MEMBER_ROLE: Stage({"role": On(_role, (S.MEMBER_YEAR,), "role")}),
    S.MEMBER_YEAR: Stage(
        {"skip": On(_skip_year, (S.MEMBERS,), "Skip")},
        typed=On(_typed_year, (S.MEMBERS,), "typed year"),
    ),
    S.TARGET: Stage({"target": On(_target, (S.SIGNED,), "1 or 2 visits a week")}),
    S.SIGNED: Stage(
        {
            "today": On(_signed_today, (S.UNTIL,), "Today"),
            "skip": skips("contract_signed_on", S.UNTIL),
        },
        typed=On(_typed_signed, (S.UNTIL,), "typed date"),
    ),
    S.UNTIL: Stage(
        {
            "skip": skips("contract_valid_until", S.CONFIRM),
            "span": On(_until_span, (S.CONFIRM,), "for half a year / a year"),
        },
        typed=On(_typed_until, (S.CONFIRM,), "typed date"),
    ),
    S.CONFIRM: Stage({"save": On(_save, (None, S.CODE), "💾 Save (code taken meanwhile → CODE)")}),
}


async def _is_saved(context: BotContext, draft: FamilyDraft) -> bool:
    """A draft whose family is in the database is done, whatever was left in the chat."""
    return await context.services.families.is_saved(context.actor, draft.token)


STARTS = {"/newfamily": (S.CODE,)}
WALK = Walk(
    NAME,
    PREFIX,
    FamilyDraft,
    TABLE,
    _question,
    starts=STARTS,
    saved=_is_saved,
    started=N_("the family registration you started"),
    wanted=N_("registering a family"),
)


# --- entries --------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    """`/newfamily`: offer a free code; an unfinished draft is asked again where it stopped."""
    if await WALK.blocked(update, context, keep=False):  # its own draft: resumed below
        return
    existing = await WALK.unfinished(context)
    if existing is not None:
        draft, step = existing
        await WALK.go(update, context, draft, step, fresh=True)
        return
    suggested = await context.services.families.suggest_code(context.actor)
    draft = FamilyDraft(token=new_token(), suggested=suggested)
    await WALK.go(update, context, draft, Step.CODE)


HANDLERS = WALK.handlers(CommandHandler(names("newfamily"), start))
