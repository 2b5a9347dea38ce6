"""What every walk's draft has: its token, and for most the family once it is chosen."""

from __future__ import annotations

import secrets

from pydantic import BaseModel


class Draft(BaseModel):
    """A walk's draft; its token ties the buttons to it and the saved record to the draft."""

    token: str


class FamilyDraft(Draft):
    """A walk that starts by picking the family: its token and the family once chosen."""

    family_id: int | None = None


class ItemsDraft(FamilyDraft):
    """A walk that saves item after item (/goal, /resources): each item has a token of its own.

    `item` is the token the next saved item will carry ("" for the first: the draft's own);
    the walk draws a new one after each save, so an item saved just before a crash is known
    by the token the stored draft still holds.
    """

    item: str = ""

    @property
    def item_token(self) -> str:
        """The token the next saved item carries."""
        return self.item or self.token


def new_token() -> str:
    """A random token tying buttons to one draft, and the saved record to the draft.

    Saved visits, families, appointments and assessments keep it as a unique key, so it is
    long enough (64 bits) that two drafts never share one.
    """
    return secrets.token_hex(8)


def next_item(draft: ItemsDraft) -> None:
    """After a walk saved an item: the next item it saves gets a token of its own."""
    draft.item = new_token()
