"""/edit (/edytuj): change a family's label, members, visits a week, contract or code.

A member is corrected in place (name, role, birth year: the same member, so their visits and
appointments stay theirs) or marked as moved out; the contract is renewed (a new one, signed
today) or its mistyped dates corrected (the same contract). Each change is saved (and
audited) as soon as it is made; ✔ Finish ends the walk. The walk is the table `TABLE`
below (the members' actions are in _edit_members.py); `edit_family.mmd` is drawn from it
(`make diagrams`).
"""

from __future__ import annotations

from datetime import date

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import names
from bot.conversations import _edit_members as members
from bot.conversations._edit_members import EditTurn, family_of_draft, saved
from bot.conversations._family import FamilyPicker
from bot.conversations._table import (
    End,
    Go,
    On,
    Outcome,
    Question,
    Skip,
    Stage,
    moves,
    picks,
)
from bot.conversations.engine import Walk
from bot.domain.day_words import contract_span_after
from bot.domain.errors import DomainError
from bot.domain.family import (
    check_contract_signed,
    check_contract_until,
)
from bot.domain.lifecycle_steps import EditDraft, EditStep
from bot.domain.parsing import YearPreference, parse_date
from bot.domain.vocabulary import MemberRole
from bot.i18n import N_
from bot.ui.callbacks import as_int
from bot.ui.edit_family_questions import EDIT_PREFIX, MEMBER_STEPS, edit_question
from bot.ui.family_views import EDIT_CARD_PREFIX

NAME = "edit_family"
S = EditStep


async def _question(turn: EditTurn, page: int) -> Question:
    """A step's question, with the family as it is now."""
    families, family = await PICKER.choices(turn)
    members = {m.id for m in family.members} if family is not None else set()
    if turn.step in MEMBER_STEPS and family is not None and turn.draft.member_id not in members:
        return Skip(S.MEMBERS)  # moved out meanwhile, or a draft from before a restart
    return edit_question(turn.tr, turn.draft, turn.step, family, families, page=page)


async def _label(turn: EditTurn) -> Outcome:
    """The typed label."""
    await turn.services.family_edits.set_label(turn.actor, family_of_draft(turn), turn.text)
    return Go(S.MENU, notice=saved(turn))


async def _clear_label(turn: EditTurn) -> Outcome:
    """No label."""
    await turn.services.family_edits.set_label(turn.actor, family_of_draft(turn), None)
    return Go(S.MENU, notice=saved(turn))


async def _visits(turn: EditTurn) -> Outcome:
    """One or two visits a week."""
    visits = as_int(turn.arg)
    if visits is None:
        return Go(S.VISITS)
    await turn.services.family_edits.set_visits_per_week(turn.actor, family_of_draft(turn), visits)
    return Go(S.MENU, notice=saved(turn))


async def _renew(turn: EditTurn, until: date) -> Outcome:
    """Renew the contract until that day (it counts as signed today)."""
    await turn.services.family_edits.renew_contract(turn.actor, family_of_draft(turn), until)
    return Go(S.MENU, notice=saved(turn))


async def _contract(turn: EditTurn) -> Outcome:
    """The renewed contract's typed valid-until date (a day ahead: `15.03` is next March)."""
    return await _renew(turn, parse_date(turn.text, turn.today, YearPreference.FUTURE))


async def _contract_span(turn: EditTurn) -> Outcome:
    """Half a year or a year from today, the renewal's signing."""
    return await _renew(turn, contract_span_after(turn.today, turn.arg))


async def _open_dates(turn: EditTurn) -> Outcome:
    """Correct the contract in force, or record the one a family was registered without."""
    turn.draft.signed_on = None
    return Go(S.CONTRACT_SIGNED)


async def _signed(turn: EditTurn, day: date | None) -> Outcome:
    """The signing day as it should be (kept or typed): then the valid-until day."""
    turn.draft.signed_on = None if day is None else check_contract_signed(day, turn.today)
    return Go(S.CONTRACT_UNTIL)


async def _typed_signed(turn: EditTurn) -> Outcome:
    """A typed signing day (`15.11` is the last one): not ahead, not long ago."""
    return await _signed(turn, parse_date(turn.text, turn.today, YearPreference.PAST))


async def _keep_signed(turn: EditTurn) -> Outcome:
    """The signing day was right."""
    family = await turn.services.families.peek(turn.actor, family_of_draft(turn))
    turn.draft.signed_on = family.contract_signed_on
    return Go(S.CONTRACT_UNTIL)


async def _correct(turn: EditTurn, until: date | None) -> Outcome:
    """Save both days in place of the mistyped ones (nothing changed: nothing saved)."""
    family = await turn.services.families.peek(turn.actor, family_of_draft(turn))
    signed = turn.draft.signed_on
    if (signed, until) == (family.contract_signed_on, family.contract_valid_until):
        notice = turn.tr.gettext("Nothing changed: the contract's dates are as they were.")
        return Go(S.MENU, notice=notice)
    await turn.services.family_edits.correct_contract(turn.actor, family.id, signed, until)
    turn.draft.signed_on = None
    return Go(S.MENU, notice=saved(turn))


async def _typed_until(turn: EditTurn) -> Outcome:
    """A typed valid-until day (`31.05` is the next one), on or after the signing."""
    until = parse_date(turn.text, turn.today, YearPreference.FUTURE)
    return await _correct(turn, check_contract_until(until, turn.draft.signed_on, turn.today))


async def _until_span(turn: EditTurn) -> Outcome:
    """Half a year or a year from the signing (from today without one)."""
    until = contract_span_after(turn.draft.signed_on or turn.today, turn.arg)
    return await _correct(turn, check_contract_until(until, turn.draft.signed_on, turn.today))


async def _keep_until(turn: EditTurn) -> Outcome:
    """The valid-until day was right."""
    family = await turn.services.families.peek(turn.actor, family_of_draft(turn))
    until = family.contract_valid_until
    if until is not None:  # a signing day corrected to after it is said, with both days
        check_contract_until(until, turn.draft.signed_on, turn.today)
    return await _correct(turn, until)


async def _set_code(turn: EditTurn, code: str) -> Outcome:
    """A new code (unique); a taken one offers the nearest free one as a button."""
    try:
        await turn.services.family_edits.set_code(turn.actor, family_of_draft(turn), code)
    except DomainError as error:
        suggestion = error.details.get("suggestion")
        turn.draft.suggested = None if suggestion is None else str(suggestion)
        raise
    turn.draft.suggested = None
    return Go(S.MENU, notice=saved(turn))


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


async def _finish(turn: EditTurn) -> Outcome:
    """✔ Finish (and /cancel): every change is saved already."""
    return End(turn.tr.gettext("Done. Every change is saved."))


BACK_TO_MENU = {"back": moves(S.MENU, "⬅ Back")}
BACK_TO_MEMBERS = {"back": moves(S.MEMBERS, "⬅ Back")}
BACK_TO_MEMBER = {"back": moves(S.MEMBER, "⬅ Back")}
PICKER = FamilyPicker(at=S.FAMILY, then=S.MENU, audit="family.edit.start")
TABLE: dict[EditStep, Stage] = {
    S.FAMILY: PICKER.stage(),
    S.MENU: Stage(
        {
            "label": moves(S.LABEL, "Label"),
            "members": moves(S.MEMBERS, "Members"),
            "visits": moves(S.VISITS, "Visits a week"),
            "contract": moves(S.CONTRACT, "Renew the contract"),
            "dates": On(_open_dates, (S.CONTRACT_SIGNED,), "Correct contract dates"),
            "code": On(_open_code, (S.CODE,), "Code"),
        }
    ),
    S.LABEL: Stage(
        {"clear": On(_clear_label, (S.MENU,), "Remove the label"), **BACK_TO_MENU},
        typed=On(_label, (S.MENU,), "typed label — saved"),
    ),
    S.MEMBERS: Stage(
        {
            "member": On(members.pick_member, (S.MEMBER,), "a member"),
            "add": moves(S.MEMBER_NAME, "➕ Add a member"),
            **BACK_TO_MENU,
        },
        typed=On(members.member_name, (S.MEMBER_ROLE,), "typed name (adds a member)"),
    ),
    S.MEMBER: Stage(
        {
            "recast": On(members.recast, (S.MEMBER,), "a role — saved"),
            "born": On(members.open_born, (S.MEMBER_BORN,), "🎂 Birth year"),
            "left": On(members.open_left, (S.MEMBER_LEFT,), "🚪 Moved out"),
            **BACK_TO_MEMBERS,
        },
        typed=On(members.rename, (S.MEMBER,), "typed corrected name — saved"),
        skips_to=(S.MEMBERS,),  # no longer in the household (a restart, an older draft)
    ),
    S.MEMBER_BORN: Stage(
        {"clear": On(members.clear_born, (S.MEMBER,), "No birth year — saved"), **BACK_TO_MEMBER},
        typed=On(members.typed_born, (S.MEMBER,), "typed year — saved"),
        skips_to=(S.MEMBERS,),
    ),
    S.MEMBER_LEFT: Stage(
        {
            "confirm": On(members.confirm_left, (S.MEMBERS,), "✅ moved out — saved"),
            **BACK_TO_MEMBER,
        },
        skips_to=(S.MEMBERS,),
    ),
    S.MEMBER_NAME: Stage(
        BACK_TO_MEMBERS, typed=On(members.member_name, (S.MEMBER_ROLE,), "typed name")
    ),
    S.MEMBER_ROLE: Stage(
        {"role": picks("role", MemberRole, S.MEMBER_YEAR, "a role"), **BACK_TO_MEMBERS}
    ),
    S.MEMBER_YEAR: Stage(
        {"skip": On(members.skip_year, (S.MEMBERS,), "Skip — saved"), **BACK_TO_MEMBERS},
        typed=On(members.member_year, (S.MEMBERS,), "typed year — saved"),
    ),
    S.VISITS: Stage({"visits": On(_visits, (S.MENU,), "1 / 2 — saved"), **BACK_TO_MENU}),
    S.CONTRACT: Stage(
        {
            "span": On(_contract_span, (S.MENU,), "for half a year / a year — saved"),
            **BACK_TO_MENU,
        },
        typed=On(_contract, (S.MENU,), "typed valid-until — saved"),
    ),
    S.CONTRACT_SIGNED: Stage(
        {"keep": On(_keep_signed, (S.CONTRACT_UNTIL,), "Keep it"), **BACK_TO_MENU},
        typed=On(_typed_signed, (S.CONTRACT_UNTIL,), "typed signing day"),
    ),
    S.CONTRACT_UNTIL: Stage(
        {
            "keep": On(_keep_until, (S.MENU,), "Keep it — both saved"),
            "span": On(_until_span, (S.MENU,), "for half a year / a year — both saved"),
            "back": moves(S.CONTRACT_SIGNED, "⬅ Back"),
        },
        typed=On(_typed_until, (S.MENU,), "typed valid-until — both saved"),
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
    # Every change is saved as it is made: only a member half added, one tapped as moved out
    # and not confirmed yet, or a contract's signing day corrected without its end, waits.
    resting=frozenset(S) - {S.MEMBER_ROLE, S.MEMBER_YEAR, S.MEMBER_LEFT, S.CONTRACT_UNTIL},
)


# `/edit [code]` or the ✏️ button of a family's card.
start = PICKER.entry(WALK)


HANDLERS = WALK.handlers(
    CommandHandler(names("edit"), start),
    CallbackQueryHandler(start, pattern=rf"^{EDIT_CARD_PREFIX}:"),
)
