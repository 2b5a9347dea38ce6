"""What every walk's draft has: its token, and for most the family once it is chosen."""

from __future__ import annotations

from pydantic import BaseModel


class Draft(BaseModel):
    """A walk's draft; its token ties the buttons to it and the saved record to the draft."""

    token: str


class FamilyDraft(Draft):
    """A walk that starts by picking the family: its token and the family once chosen."""

    family_id: int | None = None
