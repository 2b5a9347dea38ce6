"""MembershipService: a Telegram name is kept without bidi controls, never blank."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.config import Settings
from bot.domain.people import Actor
from bot.services.registry import Services
from bot.storage.db import Database
from tests.support.harness import ADMIN_ID

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
ADMIN = Actor(telegram_id=ADMIN_ID, is_admin=True)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\u202eAnna Nowak\u202c", "Anna Nowak"),
        ("Ola 👩\u200d👧", "Ola 👩\u200d👧"),
        ("\u200b\u3164", "1001"),  # a name that shows nothing: the id instead
    ],
)
async def test_names_drop_bidi_controls_and_are_never_blank(
    settings: Settings, db: Database, typed: str, kept: str
) -> None:
    services = Services.build(settings, db)
    invite = await services.membership.create_invite(ADMIN)
    await services.membership.join(invite.code, 1001, typed)
    await services.membership.ensure_admin_profile(ADMIN, "\u2067Admin\u2069")
    names = {p.telegram_id: p.display_name for p in await services.membership.assistants(ADMIN)}
    assert names == {1001: kept, ADMIN_ID: "Admin"}
