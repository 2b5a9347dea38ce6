"""/access (/dostepy): the access log an admin reads, paginated, codes and ids, no content."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.ui.access_views import ACCESS_PREFIX
from bot.ui.callbacks import encode
from tests.conversations.test_new_family import register_family
from tests.support.harness import ADMIN_ID, BotHarness


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=True):
        yield


async def test_an_admin_pages_through_a_familys_log_without_any_content(
    harness: BotHarness,
) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim, members=(("Zenobia", "mother"),))
    for _ in range(20):
        await sim.send("/plan R-01")
    stranger = await harness.assistant(1002, language_code="en")
    await stranger.send("/plan R-01")  # another assistant's family: refused
    admin = harness.user(ADMIN_ID, first_name="Ewa", language_code="en")
    await admin.send("/access R-01")
    first = harness.fake.last_text(admin.chat_id)
    assert "Access log of R-01" in first
    assert "page 1" in first
    assert "⛔ refused" in first
    assert "1002" in first
    assert "read.plan" in first
    assert "Zenobia" not in first
    await admin.press("Older ▶")
    second = harness.fake.last_text(admin.chat_id)
    assert "page 2" in second
    assert f"{sim.user_id}" in second
    assert "family.create" in second
    await admin.press("◀ Newer")
    assert "page 1" in harness.fake.last_text(admin.chat_id)
    await admin.send("/dostepy")
    assert "every family" in harness.fake.last_text(admin.chat_id)
    assert harness.fake.errors == []


async def test_an_assistant_is_refused_and_the_attempt_is_logged(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await register_family(sim)
    await sim.send("/access R-01")
    assert "Only the centre's admins" in harness.fake.last_text(sim.chat_id)
    forged = encode(ACCESS_PREFIX, 1, "pg", 0)
    message_id = harness.fake.calls[-1].result["message_id"]
    await sim.press_data(message_id, forged)
    assert harness.services is not None
    denials = await harness.services.families.audit.denials_by(sim.user_id)
    assert [(d.action, d.detail) for d in denials] == [
        ("read.access", "code=R-01"),
        ("read.access", "family=1"),
    ]
    admin = harness.user(ADMIN_ID, first_name="Ewa", language_code="en")
    await admin.send("/access R-99")
    assert "do not know that family" in harness.fake.last_text(admin.chat_id)
    assert harness.fake.errors == []


async def test_an_assistants_invite_attempt_is_logged(harness: BotHarness) -> None:
    sim = await harness.assistant(language_code="en")
    await sim.send("/invite")
    assert harness.services is not None
    denials = await harness.services.families.audit.denials_by(sim.user_id)
    assert [d.action for d in denials] == ["invite.create"]
