"""Families, their members and the rules about family codes."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.vocabulary import MemberRole

CASELOAD_LIMIT = 15  # statutory maximum of families per assistant at once
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,11}$")
_TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)$")
LABEL_MAX = 40
MEMBER_NAME_MAX = 30
MEMBERS_MAX = 20


class Member(BaseModel):
    """A family member: first name or initials only."""

    model_config = ConfigDict(frozen=True)

    id: int = 0
    name: str = Field(min_length=1, max_length=MEMBER_NAME_MAX)
    role: MemberRole
    birth_year: int | None = None


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
    members: tuple[Member, ...] = ()


class NewFamily(BaseModel):
    """What the assistant typed in `/newfamily`, before it is saved."""

    code: str
    label: str | None = None
    members: list[Member] = Field(default_factory=list)
    visits_per_week: int = Field(default=1, ge=1, le=2)
    contract_signed_on: date | None = None
    contract_valid_until: date | None = None


def normalise_code(text: str) -> str | None:
    """Return the family code in canonical upper case, or None if it is not a valid code."""
    code = text.strip().upper()
    return code if CODE_PATTERN.match(code) else None


def suggest_code(existing: set[str]) -> str:
    """Suggest the first free code of the form R-01, R-02, …"""
    taken = {c.upper() for c in existing}
    number = 1
    while f"R-{number:02d}" in taken:
        number += 1
    return f"R-{number:02d}"


def next_free_code(wanted: str, existing: set[str]) -> str:
    """The free code nearest to a taken one: R-07 → R-08, K7 → K8, ABC → ABC-2; else R-nn.

    It says nothing about who holds the taken code, only what is still free.
    """
    taken = {c.upper() for c in existing}
    wanted = wanted.strip().upper()
    match = _TRAILING_NUMBER.match(wanted)
    stem, digits = (match.group(1), match.group(2)) if match else (f"{wanted}-", "1")
    number = int(digits) + 1
    # More tries than codes exist always reaches a free one, unless the codes grow too long.
    for candidate_number in range(number, number + len(taken) + 1):
        candidate = f"{stem}{candidate_number:0{len(digits)}d}"
        if not CODE_PATTERN.match(candidate):
            break
        if candidate not in taken:
            return candidate
    return suggest_code(taken)


def valid_birth_year(year: int, today: date) -> bool:
    """A plausible birth year: not in the future, not older than 120 years."""
    return today.year - 120 <= year <= today.year
