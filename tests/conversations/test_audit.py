"""Refusals through the real Application leave 'denied' rows in the access log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.domain.audit import Denial
from bot.ui.family_views import PLAN_PREFIX
from tests.conversations.test_new_family import register_family
from tests.conversations.test_record_visit import assistant_with_family, saved_visits
from tests.support.harness import BotHarness

WEDNESDAY = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning."""
    with time_machine.travel(WEDNESDAY, tick=True):
        yield


async def denials(harness: BotHarness, user_id: int) -> list[Denial]:
    """What this person was refused, oldest first."""
    assert harness.services is not None
    return await harness.services.families.audit.denials_by(user_id)


async def test_forged_buttons_for_another_assistants_family_are_audited(
    harness: BotHarness,
) -> None:
    await assistant_with_family(harness)
    other = await harness.assistant(2002, language_code="en")
    await register_family(other, code="Z-9")
    await register_family(other, code="Z-8")  # two families: /visit shows the picker
    assert harness.services is not None
    family = await harness.services.families.families.by_code("R-01")
    assert family is not None
    await other.send("/visit")
    message_id, data = harness.fake.button(other.chat_id, "Z-9")
    await other.press_data(message_id, data.rsplit(":", 1)[0] + f":{family.id}")
    await other.press_data(message_id, f"{PLAN_PREFIX}:-:f:{family.id}")
    await other.send("/visits R-01")
    assert "do not know that family" in harness.fake.last_text(other.chat_id)
    assert [(d.action, d.family_id, d.detail) for d in await denials(harness, 2002)] == [
        ("visit.start", family.id, ""),
        ("read.plan", family.id, ""),
        ("read.visits", family.id, "code=R-01"),
    ]
    assert await saved_visits(harness) == []
    log = await harness.services.families.audit.entries(family.id)
    assert all(actor != 2002 for actor, _ in log)  # no row says the other one got in


async def test_a_strangers_bad_start_code_is_audited(harness: BotHarness) -> None:
    stranger = harness.user(4242, language_code="en")
    await stranger.send("/start nonsense")
    assert "not valid" in harness.fake.last_text(stranger.chat_id)
    assert await denials(harness, 4242) == [
        Denial(actor_id=4242, action="invite.join", family_id=None, detail="invite_unknown")
    ]
    admin = await harness.admin()
    await admin.send("/invite assistant")
    code = harness.fake.last_text(admin.chat_id).split("/start ")[-1].strip()
    await stranger.send(f"/start {code}")
    assert "Welcome" in harness.fake.last_text(stranger.chat_id)
    assert len(await denials(harness, 4242)) == 1  # getting in is not a refusal
