"""Families, their members and the rules about family codes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.errors import DomainError
from bot.domain.parsing import years_after
from bot.domain.typed_values import plain_typed_value
from bot.domain.visit import check_visible, clean_text
from bot.domain.vocabulary import MemberRole

CASELOAD_LIMIT = 15  # statutory maximum of families per assistant at once
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,11}$")
_TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)$")
_DIGITS = re.compile(r"\d+")
# Dashes a code arrives with instead of "-": a phone's keyboard turns "-" into an en dash, a
# code copied from a document brings a non-breaking hyphen, a spreadsheet a minus sign.
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
LABEL_MAX = 40
MEMBER_NAME_MAX = 30
MEMBERS_MAX = 20
BIRTH_YEARS_BACK = 120
# A contract is typed in when the work starts: one signed over ten years ago, or running more
# than three years ahead, is a typo in the year (1900, 2999), not a real contract.
CONTRACT_YEARS_BACK = 10  # ui/labels.py names both numbers in words in the refusals
CONTRACT_YEARS_AHEAD = 3


class Member(BaseModel):
    """A family member: first name or initials only."""

    model_config = ConfigDict(frozen=True)

    id: int = 0
    name: str = Field(min_length=1, max_length=MEMBER_NAME_MAX)
    role: MemberRole
    birth_year: int | None = None
    left_on: date | None = None  # no longer in the household: kept in history, not offered


class Family(BaseModel):
    """A family the assistant works with."""

    model_config = ConfigDict(frozen=True)

    id: int
    code: str
    label: str | None = None
    assistant_id: int | None = None
    visits_per_week: int = 1
    contract_signed_on: date | None = None
    contract_valid_until: date | None = None
    members: tuple[Member, ...] = ()  # those in the household now
    former_members: tuple[Member, ...] = ()  # those who left (named by older visits and tasks)
    active: bool = True  # in the caseload: the work goes on (False: closed)
    cover_until: date | None = None  # on holiday cover until this day, then back to cover_for
    cover_for: int | None = None  # the family's own assistant while another covers
    erased_at: datetime | None = None  # personal data and free text erased

    @property
    def everyone(self) -> tuple[Member, ...]:
        """Every member ever recorded, for naming them in history (visits, tasks, plans)."""
        return self.members + self.former_members

    @property
    def closed(self) -> bool:
        """The work with the family has ended."""
        return not self.active


class NewFamily(BaseModel):
    """What the assistant typed in `/newfamily`, before it is saved."""

    code: str
    label: str | None = None
    members: list[Member] = Field(default_factory=list)
    visits_per_week: int = Field(default=1, ge=1, le=2)
    contract_signed_on: date | None = None
    contract_valid_until: date | None = None


def normalise_code(text: str) -> str | None:
    """Return the family code in canonical upper case, or None if it is not a valid code.

    It is read as every typed value is (typed_values.py: no invisible marks, ASCII digits);
    another dash (en dash, non-breaking hyphen, minus) stands for the hyphen.
    """
    code = _DASHES.sub("-", plain_typed_value(text)).strip().upper()
    return code if CODE_PATTERN.match(code) else None


def code_key(code: str) -> str:
    """What a code is read as by someone glancing at it: R-01, R01 and r-1 are all "R1".

    Two families whose codes differ only by a dash or a leading zero are easily mixed up.
    """
    plain = code.strip().upper().replace("-", "")
    return _DIGITS.sub(lambda digits: str(int(digits.group())), plain)


def code_like(code: str, existing: Iterable[str]) -> str | None:
    """The used code that `code` would be mistaken for (itself, or one written another way)."""
    key = code_key(code)
    return next((c for c in existing if code_key(c) == key), None)


def suggest_code(existing: set[str]) -> str:
    """Suggest the first free code of the form R-01, R-02, …"""
    taken = {code_key(c) for c in existing}
    number = 1
    while code_key(f"R-{number:02d}") in taken:
        number += 1
    return f"R-{number:02d}"


def next_free_code(wanted: str, existing: set[str]) -> str:
    """The free code nearest to a taken one: R-07 → R-08, K7 → K8, ABC → ABC-2; else R-nn.

    It says nothing about who holds the taken code, only what is still free.
    """
    taken = {code_key(c) for c in existing}
    wanted = wanted.strip().upper()
    match = _TRAILING_NUMBER.match(wanted)
    stem, digits = (match.group(1), match.group(2)) if match else (f"{wanted}-", "1")
    number = int(digits) + 1
    # More tries than codes exist always reaches a free one, unless the codes grow too long.
    for candidate_number in range(number, number + len(taken) + 1):
        candidate = f"{stem}{candidate_number:0{len(digits)}d}"
        if not CODE_PATTERN.match(candidate):
            break
        if code_key(candidate) not in taken:
            return candidate
    return suggest_code(set(existing))


def check_code_free(code: str, existing: set[str], own: str | None = None) -> str:
    """A normalised code no other family uses, nor one it would be mistaken for.

    `own` is the family's own code (when it is given another): that one stays its own.
    """
    others = {c for c in existing if c.upper() != (own or "").upper()}
    like = code_like(code, others)
    if like is None:
        return code
    suggestion = next_free_code(code, existing)
    if like.upper() == code:
        raise DomainError("code_taken_free", family_code=code, suggestion=suggestion)
    raise DomainError("code_like_taken", family_code=code, taken=like, suggestion=suggestion)


def read_birth_year(text: str, today: date) -> int:
    """A typed birth year: four digits at most, then as `check_birth_year`."""
    cleaned = plain_typed_value(text).strip()
    if not (cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 4):
        raise DomainError("year_format")
    return check_birth_year(int(cleaned), today)


def check_birth_year(year: int, today: date) -> int:
    """A plausible birth year, or a refusal saying which way it is off."""
    if year > today.year:
        raise DomainError("year_future", year=year, this_year=today.year)
    if year < today.year - BIRTH_YEARS_BACK:
        raise DomainError("year_too_old", year=year, limit=BIRTH_YEARS_BACK)
    return year


def check_label(text: str | None) -> str | None:
    """A family's label: cleaned, visible, at most LABEL_MAX characters; empty means none."""
    cleaned = check_visible(clean_text(text or ""))
    if len(cleaned) > LABEL_MAX:
        raise DomainError("label_format")
    return cleaned or None


def check_member_name(text: str) -> str:
    """A member's first name or initials: cleaned, visible, 1 to MEMBER_NAME_MAX characters."""
    cleaned = check_visible(clean_text(text))
    if not cleaned:
        raise DomainError("text_empty")
    if len(cleaned) > MEMBER_NAME_MAX:
        raise DomainError("name_format")
    if not any(c.isalpha() for c in cleaned):  # "2" at the list is a count, not a person
        raise DomainError("name_letters")
    return cleaned


def check_contract_signed(day: date, today: date) -> date:
    """A contract is entered once signed: not in the future, not over ten years back."""
    if day > today:
        raise DomainError("contract_future")
    if day < years_after(today, -CONTRACT_YEARS_BACK):
        raise DomainError("contract_too_old")
    return day


def check_contract_until(day: date, signed: date | None, today: date) -> date:
    """A contract ends on or after its signing, within ten years back and three years ahead."""
    if signed is not None and day < signed:
        raise DomainError("contract_order", signed=f"{signed:%d.%m.%Y}", date=f"{day:%d.%m.%Y}")
    if day < years_after(today, -CONTRACT_YEARS_BACK):
        raise DomainError("contract_too_old")
    if day > years_after(today, CONTRACT_YEARS_AHEAD):
        raise DomainError("contract_too_far")
    return day


def check_new_family(family: NewFamily, today: date) -> NewFamily:
    """The typed parts of a new family cleaned and within their bounds, before it is saved."""
    signed = family.contract_signed_on
    if signed is not None:
        check_contract_signed(signed, today)
    if family.contract_valid_until is not None:
        check_contract_until(family.contract_valid_until, signed, today)
    members = [m.model_copy(update={"name": check_member_name(m.name)}) for m in family.members]
    return family.model_copy(update={"label": check_label(family.label), "members": members})
