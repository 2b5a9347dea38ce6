"""/edit (/edytuj): change a family's label, members, visits a week, contract or code.

Each change is saved (and audited) as soon as it is made; ✔ Finish ends the walk. The walk
is the table `TABLE` below; `edit_family.mmd` is drawn from it (`make diagrams`).
"""

from __future__ import annotations

from datetime import date

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import names
from bot.conversations._family import FamilyPicker
from bot.conversations._table import End, Go, On, Outcome, Question, Stage, Turn, moves, picks
from bot.conversations.engine import Walk
from bot.domain.day_words import contract_span_after
from bot.domain.errors import DomainError
from bot.domain.family import MEMBERS_MAX, check_member_name, read_birth_year
from bot.domain.lifecycle_steps import EditDraft, EditStep
from bot.domain.parsing import YearPreference, parse_date
from bot.domain.vocabulary import MemberRole
from bot.i18n import N_
from bot.ui.callbacks import as_int
from bot.ui.edit_family_questions import EDIT_PREFIX, edit_question
from bot.ui.family_views import EDIT_CARD_PREFIX

NAME = "edit_family"
S = EditStep
EditTurn = Turn[EditDraft, EditStep]


def _saved(turn: EditTurn) -> str:
    """The notice above the menu after a change."""
    return turn.tr.gettext("✅ Saved.")


def _family_id(turn: EditTurn) -> int:
    """The draft's family (chosen before any change)."""
    if turn.draft.family_id is None:
        raise DomainError("draft_incomplete")
    return turn.draft.family_id


async def _question(turn: EditTurn, page: int) -> Question:
    """A step's question, with the family as it is now."""
    families, family = await PICKER.choices(turn)
    return edit_question(turn.tr, turn.draft, turn.step, family, families, page=page)


async def _label(turn: EditTurn) -> Outcome:
    """The typed label."""
    await turn.services.family_edits.set_label(turn.actor, _family_id(turn), turn.text)
    return Go(S.MENU, notice=_saved(turn))


async def _clear_label(turn: EditTurn) -> Outcome:
    """No label."""
    await turn.services.family_edits.set_label(turn.actor, _family_id(turn), None)
    return Go(S.MENU, notice=_saved(turn))


async def _visits(turn: EditTurn) -> Outcome:
    """One or two visits a week."""
    visits = as_int(turn.arg)
    if visits is None:
        return Go(S.VISITS)
    await turn.services.family_edits.set_visits_per_week(turn.actor, _family_id(turn), visits)
    return Go(S.MENU, notice=_saved(turn))


async def _renew(turn: EditTurn, until: date) -> Outcome:
    """Renew the contract until that day (it counts as signed today)."""
    await turn.services.family_edits.renew_contract(turn.actor, _family_id(turn), until)
    return Go(S.MENU, notice=_saved(turn))


async def _contract(turn: EditTurn) -> Outcome:
    """The renewed contract's typed valid-until date (a day ahead: `15.03` is next March)."""
    return await _renew(turn, parse_date(turn.text, turn.today, YearPreference.FUTURE))


async def _contract_span(turn: EditTurn) -> Outcome:
    """Half a year or a year from today, the renewal's signing."""
    return await _renew(turn, contract_span_after(turn.today, turn.arg))


async def _set_code(turn: EditTurn, code: str) -> Outcome:
    """A new code (unique); a taken one offers the nearest free one as a button."""
    try:
        await turn.services.family_edits.set_code(turn.actor, _family_id(turn), code)
    except DomainError as error:
        suggestion = error.details.get("suggestion")
        turn.draft.suggested = None if suggestion is None else str(suggestion)
        raise
    turn.draft.suggested = None
    return Go(S.MENU, notice=_saved(turn))


async def _open_code(turn: EditTurn) -> Outcome:
    """The code step, without a free code offered for an earlier attempt."""
    turn.draft.suggested = None
    return Go(S.CODE)


async def _code(turn: EditTurn) -> Outcome:
    """The typed new code."""
    return await _set_code(turn, turn.text)


async def _suggested_code(turn: EditTurn) -> Outcome:
    """The free code offered after a taken one."""
    if turn.draft.suggested is None:
        return Go(S.CODE)
    return await _set_code(turn, turn.draft.suggested)


async def _pick_left(turn: EditTurn) -> Outcome:
    """A member tapped as no longer in the household: ask to confirm."""
    family = await turn.services.families.peek(turn.actor, _family_id(turn))
    member_id = as_int(turn.arg)
    if member_id not in {m.id for m in family.members}:
        return Go(S.MEMBERS)
    turn.draft.member_id = member_id
    return Go(S.MEMBER_LEFT)


async def _confirm_left(turn: EditTurn) -> Outcome:
    """The member moved out: kept in history, no longer offered."""
    if turn.draft.member_id is None:
        return Go(S.MEMBERS)
    await turn.services.family_edits.member_left(
        turn.actor, _family_id(turn), turn.draft.member_id
    )
    turn.draft.member_id = None
    return Go(S.MEMBERS, notice=_saved(turn))


async def _member_name(turn: EditTurn) -> Outcome:
    """The new member's name (typed at the list too), while the family has room for one."""
    family = await turn.services.families.peek(turn.actor, _family_id(turn))
    if len(family.members) >= MEMBERS_MAX:
        raise DomainError("members_full", limit=MEMBERS_MAX)
    turn.draft.name = check_member_name(turn.text)
    return Go(S.MEMBER_ROLE)


async def _add_member(turn: EditTurn, year: int | None) -> Outcome:
    """Save the new member."""
    draft = turn.draft
    if draft.name is None or draft.role is None:
        return Go(S.MEMBER_NAME)
    await turn.services.family_edits.add_member(
        turn.actor, _family_id(turn), draft.name, draft.role, year
    )
    draft.name, draft.role = None, None
    return Go(S.MEMBERS, notice=_saved(turn))


async def _member_year(turn: EditTurn) -> Outcome:
    """A plausible birth year (a refusal says which way it is off)."""
    return await _add_member(turn, read_birth_year(turn.text, turn.today))


async def _skip_year(turn: EditTurn) -> Outcome:
    """No birth year."""
    return await _add_member(turn, None)


async def _finish(turn: EditTurn) -> Outcome:
    """✔ Finish (and /cancel): every change is saved already."""
    return End(turn.tr.gettext("Done. Every change is saved."))


BACK_TO_MENU = {"back": moves(S.MENU, "⬅ Back")}
BACK_TO_MEMBERS = {"back": moves(S.MEMBERS, "⬅ Back")}
PICKER = FamilyPicker(at=S.FAMILY, then=S.MENU, audit="family.edit.start")
TABLE: dict[EditStep, Stage] = {
    S.FAMILY: PICKER.stage(),
    S.MENU: Stage(
        {
            "label": moves(S.LABEL, "Label"),
            "members": moves(S.MEMBERS, "Members"),
            "visits": moves(S.VISITS, "Visits a week"),
            "contract": moves(S.CONTRACT, "Renew the contract"),
            "code": On(_open_code, (S.CODE,), "Code"),
        }
    ),
    S.LABEL: Stage(
        {"clear": On(_clear_label, (S.MENU,), "Remove the label"), **BACK_TO_MENU},
        typed=On(_label, (S.MENU,), "typed label — saved"),
    ),
    S.MEMBERS: Stage(
        {
            "left": On(_pick_left, (S.MEMBER_LEFT,), "🚪 a member"),
            "add": moves(S.MEMBER_NAME, "➕ Add a member"),
            **BACK_TO_MENU,
        },
        typed=On(_member_name, (S.MEMBER_ROLE,), "typed name (adds a member)"),
    ),
    S.MEMBER_LEFT: Stage(
        {"confirm": On(_confirm_left, (S.MEMBERS,), "✅ moved out — saved"), **BACK_TO_MEMBERS}
    ),
    S.MEMBER_NAME: Stage(BACK_TO_MEMBERS, typed=On(_member_name, (S.MEMBER_ROLE,), "typed name")),
    S.MEMBER_ROLE: Stage(
        {"role": picks("role", MemberRole, S.MEMBER_YEAR, "a role"), **BACK_TO_MEMBERS}
    ),
    S.MEMBER_YEAR: Stage(
        {"skip": On(_skip_year, (S.MEMBERS,), "Skip — saved"), **BACK_TO_MEMBERS},
        typed=On(_member_year, (S.MEMBERS,), "typed year — saved"),
    ),
    S.VISITS: Stage({"visits": On(_visits, (S.MENU,), "1 / 2 — saved"), **BACK_TO_MENU}),
    S.CONTRACT: Stage(
        {
            "span": On(_contract_span, (S.MENU,), "for half a year / a year — saved"),
            **BACK_TO_MENU,
        },
        typed=On(_contract, (S.MENU,), "typed valid-until — saved"),
    ),
    S.CODE: Stage(
        {
            "suggested": On(_suggested_code, (S.MENU,), "Use K-3 (after a taken one)"),
            **BACK_TO_MENU,
        },
        typed=On(_code, (S.MENU,), "typed code (unique) — saved"),
    ),
}

STARTS = {"/edit": (S.FAMILY,), "/edit R-01, the card's ✏️": (S.MENU,)}
WALK = Walk(
    NAME,
    EDIT_PREFIX,
    EditDraft,
    TABLE,
    _question,
    starts=STARTS,
    anywhere={"finish": On(_finish, (None,), "✔ Finish")},
    started=N_("the change you started"),
    wanted=N_("editing a family"),
    # Every change is saved as it is made: only a member half added, or one tapped as moved
    # out and not confirmed yet, waits.
    resting=frozenset(S) - {S.MEMBER_ROLE, S.MEMBER_YEAR, S.MEMBER_LEFT},
)


# `/edit [code]` or the ✏️ button of a family's card.
start = PICKER.entry(WALK)


HANDLERS = WALK.handlers(
    CommandHandler(names("edit"), start),
    CallbackQueryHandler(start, pattern=rf"^{EDIT_CARD_PREFIX}:"),
)
