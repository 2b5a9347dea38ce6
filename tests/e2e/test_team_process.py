"""The real `python -m bot`: the admin invites a coordinator, who joins and sees the team."""

from __future__ import annotations

from tests.e2e.botprocess import ADMIN_ID, BotProcess
from tests.e2e.test_bot_process import REPLY, join, launch, new_family
from tests.support.bot_api_server import LocalBotApi


async def test_the_admin_invites_a_coordinator_who_sees_the_team(
    api: LocalBotApi, bot: BotProcess
) -> None:
    await launch(bot, api)
    _, assistant = await join(api)  # an assistant with a family, through a real invite
    await new_family(assistant)
    admin = api.user(ADMIN_ID, language_code="en", first_name="Ewa")
    await admin.send("/invite")
    await admin.wait_for("Who is the invite for?", REPLY)
    await admin.press("Coordinator")
    text = await admin.wait_for("new coordinator", REPLY)
    code = text.split("?start=")[1].split()[0]
    boss = api.user(3001, language_code="en", first_name="Kasia")
    await boss.send(f"/start {code}")
    assert "For coordinators" in await boss.wait_for("Welcome", REPLY)
    await boss.send("/team")
    team = await boss.wait_for("The team at a glance", REPLY)
    assert "1/15 families" in team
    await boss.press("👥 People and roles")
    people = await boss.wait_for("People and roles", REPLY)
    assert "Kasia" in people
    assert "coordinator" in people
    await api.wait_idle(REPLY)
    assert api.errors == []
    assert await bot.stop() == 0
