"""The access log's words: an access is allowed or denied; a denial names what was tried."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Outcome = Literal["allowed", "denied"]
DETAIL_MAX = 64  # a code, an id or a reason: anything longer is not what a denial should hold


class Denial(BaseModel):
    """One refused attempt: who, what, on which family if one is known, what was named."""

    model_config = ConfigDict(frozen=True)

    actor_id: int
    action: str
    family_id: int | None
    detail: str
