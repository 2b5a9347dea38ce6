"""MembershipService: a Telegram name is kept without bidi controls, never blank."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.config import Settings
from bot.domain.errors import DomainError
from bot.domain.people import INVITE_LIFETIME, Actor, Invite
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


async def test_new_invite_codes_are_in_one_case_and_unguessable(
    settings: Settings, db: Database
) -> None:
    services = Services.build(settings, db)
    codes = {(await services.membership.create_invite(ADMIN)).code for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert code.isascii()
        assert code.isalnum()
        assert code == code.lower()
        assert len(code) >= 14  # 36 signs: 72 bits, as the 12 URL-safe characters before


async def test_a_code_made_in_mixed_case_before_is_taken_in_any_case(
    settings: Settings, db: Database
) -> None:
    services = Services.build(settings, db)
    people = services.membership.people
    for code in ("Ab3-dE_fGh1J", "ab3-de_fgh1j", "XyZ_0123abcd"):
        invite = Invite(
            code=code,
            created_by=ADMIN_ID,
            created_at=NOW,
            expires_at=NOW + INVITE_LIFETIME,
        )
        await people.add_invite(invite)
    await services.membership.join(" xyz_0123ABCD ", 1001, "Ola")  # one code in any case
    await services.membership.join("Ab3-dE_fGh1J", 1002, "Ela")  # the very code: that one
    # Two codes that differ only in case: only the exact one is taken.
    with pytest.raises(DomainError) as refused:
        await services.membership.join("AB3-DE_FGH1J", 1003, "Iza")
    assert refused.value.code == "invite_unknown"
    await services.membership.join("ab3-de_fgh1j", 1004, "Iza")
    used = {r["code"]: r["used_by"] for r in await db.fetch_all("SELECT * FROM invites")}
    assert used == {"Ab3-dE_fGh1J": 1002, "ab3-de_fgh1j": 1004, "XyZ_0123abcd": 1001}
