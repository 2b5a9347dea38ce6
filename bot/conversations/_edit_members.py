"""The members part of /edit: a member added, corrected in place or marked as moved out.

A correction keeps the member's id, so the visits, plan and appointments that name them name
them still, with the corrected name. What every /edit step shares (`saved`, the draft's
family) is here too; the table is in edit_family.py.
"""

from __future__ import annotations

from collections.abc import Awaitable

from bot.conversations._table import Go, Outcome, Turn
from bot.domain.errors import DomainError, NotFound
from bot.domain.family import MEMBERS_MAX, Family, check_member_name, read_birth_year
from bot.domain.lifecycle_steps import EditDraft, EditStep
from bot.domain.vocabulary import MemberRole
from bot.ui.callbacks import as_int

S = EditStep
EditTurn = Turn[EditDraft, EditStep]


def saved(turn: EditTurn) -> str:
    """The notice above the menu after a change."""
    return turn.tr.gettext("✅ Saved.")


def family_of_draft(turn: EditTurn) -> int:
    """The draft's family (chosen before any change)."""
    if turn.draft.family_id is None:
        raise DomainError("draft_incomplete")
    return turn.draft.family_id


async def _in_household(change: Awaitable[Family]) -> None:
    """A change to a member; one who moved out meanwhile is said, and the list asked again."""
    try:
        await change
    except NotFound as error:
        if error.code != "member_unknown":
            raise  # the family itself is gone from the actor: the walk ends
        raise DomainError("member_unknown") from None


async def pick_member(turn: EditTurn) -> Outcome:
    """A member tapped in the list: their card, to correct them or mark them as moved out."""
    family = await turn.services.families.peek(turn.actor, family_of_draft(turn))
    member_id = as_int(turn.arg)
    if member_id not in {m.id for m in family.members}:
        return Go(S.MEMBERS)
    turn.draft.member_id = member_id
    return Go(S.MEMBER)


def _card_member(turn: EditTurn, arg: str) -> int | None:
    """The member a card's button names, if it is the card open now (an older card's is not)."""
    member_id = as_int(arg)
    return member_id if member_id is not None and member_id == turn.draft.member_id else None


async def rename(turn: EditTurn) -> Outcome:
    """The corrected name typed at the member's card (the same checks as a new member's)."""
    member_id = turn.draft.member_id
    if member_id is None:
        return Go(S.MEMBERS)
    try:
        name = check_member_name(turn.text)
    except DomainError as error:
        if error.code != "name_letters":
            raise
        raise DomainError("rename_letters") from None  # "2015" here is no name, nor a count
    await _in_household(
        turn.services.family_edits.rename_member(
            turn.actor, family_of_draft(turn), member_id, name
        )
    )
    return Go(S.MEMBER, notice=saved(turn))


async def recast(turn: EditTurn) -> Outcome:
    """A role pressed at the member's card: `<member id>-<role>`."""
    member, _, value = turn.arg.partition("-")
    member_id = _card_member(turn, member)
    if member_id is None or value not in MemberRole._value2member_map_:
        return Go(S.MEMBER)
    await _in_household(
        turn.services.family_edits.set_member_role(
            turn.actor, family_of_draft(turn), member_id, MemberRole(value)
        )
    )
    return Go(S.MEMBER, notice=saved(turn))


async def open_born(turn: EditTurn) -> Outcome:
    """🎂 Birth year at the member's card."""
    return Go(S.MEMBER_BORN if _card_member(turn, turn.arg) is not None else S.MEMBER)


async def open_left(turn: EditTurn) -> Outcome:
    """🚪 Moved out at the member's card: ask to confirm."""
    return Go(S.MEMBER_LEFT if _card_member(turn, turn.arg) is not None else S.MEMBER)


async def set_born(turn: EditTurn, year: int | None) -> Outcome:
    """Save the member's birth year (None: not recorded)."""
    member_id = turn.draft.member_id
    if member_id is None:
        return Go(S.MEMBERS)
    await _in_household(
        turn.services.family_edits.set_member_birth_year(
            turn.actor, family_of_draft(turn), member_id, year
        )
    )
    return Go(S.MEMBER, notice=saved(turn))


async def typed_born(turn: EditTurn) -> Outcome:
    """A corrected birth year; a refusal says which way it is off (there is no Skip here)."""
    try:
        year = read_birth_year(turn.text, turn.today)
    except DomainError as error:
        if not error.code.startswith("year_"):
            raise
        raise DomainError(f"born_{error.code[5:]}", **error.details) from None
    return await set_born(turn, year)


async def clear_born(turn: EditTurn) -> Outcome:
    """No birth year recorded."""
    return await set_born(turn, None)


async def confirm_left(turn: EditTurn) -> Outcome:
    """The member moved out: kept in history, no longer offered."""
    if turn.draft.member_id is None:
        return Go(S.MEMBERS)
    await _in_household(
        turn.services.family_edits.member_left(
            turn.actor, family_of_draft(turn), turn.draft.member_id
        )
    )
    turn.draft.member_id = None
    return Go(S.MEMBERS, notice=saved(turn))


async def member_name(turn: EditTurn) -> Outcome:
    """The new member's name (typed at the list too), while the family has room for one."""
    family = await turn.services.families.peek(turn.actor, family_of_draft(turn))
    if len(family.members) >= MEMBERS_MAX:
        raise DomainError("members_full", limit=MEMBERS_MAX)
    turn.draft.name = check_member_name(turn.text)
    return Go(S.MEMBER_ROLE)


async def add_member(turn: EditTurn, year: int | None) -> Outcome:
    """Save the new member."""
    draft = turn.draft
    if draft.name is None or draft.role is None:
        return Go(S.MEMBER_NAME)
    await turn.services.family_edits.add_member(
        turn.actor, family_of_draft(turn), draft.name, draft.role, year
    )
    draft.name, draft.role = None, None
    return Go(S.MEMBERS, notice=saved(turn))


async def member_year(turn: EditTurn) -> Outcome:
    """A plausible birth year (a refusal says which way it is off)."""
    return await add_member(turn, read_birth_year(turn.text, turn.today))


async def skip_year(turn: EditTurn) -> Outcome:
    """No birth year."""
    return await add_member(turn, None)
