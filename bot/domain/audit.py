"""The access log's words: an access is allowed or denied; a denial names what was tried."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

Outcome = Literal["allowed", "denied"]
AccessKind = Literal["read", "change", "refused"]
DETAIL_MAX = 64  # a code, an id or a reason: anything longer is not what a denial should hold


class Denial(BaseModel):
    """One refused attempt: who, what, on which family if one is known, what was named."""

    model_config = ConfigDict(frozen=True)

    actor_id: int
    action: str
    family_id: int | None
    detail: str


class AccessEntry(BaseModel):
    """One row of the access log as people read it: codes and ids, never content."""

    model_config = ConfigDict(frozen=True)

    id: int
    at: datetime
    actor_id: int
    action: str
    family_code: str | None
    outcome: Outcome
    detail: str

    @property
    def kind(self) -> AccessKind:
        """Opened, changed or refused: what a reader of the log asks first."""
        if self.outcome == "denied":
            return "refused"
        return "read" if self.action.startswith("read") else "change"
