"""A hostile sweep of a new person's first day and of the family's record.

Driven through the real Application as the admin inviting, a newcomer joining, an assistant
registering and editing a family on a phone, and a coordinator reading it.
"""

from __future__ import annotations

from tests.support.harness import BotHarness


async def test_the_polish_invite_command_is_understood(harness: BotHarness) -> None:
    admin = await harness.admin()
    await admin.send("/zaproszenie")
    assert harness.fake.last_text(admin.chat_id) == "Who is the invite for?"
    await admin.send("/zaproszenie koordynator")
    assert "Invite for a new coordinator" in harness.fake.last_text(admin.chat_id)
    code = harness.fake.last_text(admin.chat_id).split("/start ")[-1].strip()
    newcomer = harness.user(3001, language_code="pl", first_name="Ola")
    await newcomer.send(f"/start {code}")
    assert "Witaj, Ola!" in harness.fake.last_text(newcomer.chat_id)
    assert harness.fake.errors == []
