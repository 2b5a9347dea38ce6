"""kill -9 of the real process right after /goal and /resources saved an item: saved once."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.botprocess import BotProcess
from tests.e2e.test_bot_process import REPLY, _connect, join, launch, new_family, own_reply
from tests.support.bot_api_server import LocalBotApi, SimUser


def counts_in(database: Path, key: str | None) -> tuple[int, int, int]:
    """Goals, progress notes and resources in the file (the bot must be stopped)."""
    conn = _connect(database, key)
    try:
        goals = conn.execute("SELECT count(*) FROM goals").fetchone()[0]
        notes = conn.execute("SELECT count(*) FROM goal_events WHERE kind = 'progress'")
        resources = conn.execute("SELECT count(*) FROM resources").fetchone()[0]
        return int(goals), int(notes.fetchone()[0]), int(resources)
    finally:
        conn.close()


async def _restart_at_once(bot: BotProcess, api: LocalBotApi) -> None:
    """At once after "Saved": the walk's next state may not be written yet."""
    bot.kill9()
    await launch(bot, api)


async def _nothing_offered_again(assistant: SimUser, button: str, question: str) -> None:
    """A button of what the save showed: never the saved item's question again."""
    await assistant.press(button)
    reply = await own_reply(assistant)
    assert question not in reply, f"the saved item was offered again: {reply}"
    await assistant.send("/cancel")
    await own_reply(assistant)


async def test_kill9_right_after_saving_plan_items_saves_each_once(
    api: LocalBotApi, bot: BotProcess
) -> None:
    await launch(bot, api)
    _, assistant = await join(api)
    await new_family(assistant)
    attempts, retyped = 2, 0
    for _ in range(attempts):
        await assistant.send("/goal R-01")
        await assistant.wait_for("help plan", REPLY)
        await assistant.press("New goal")
        await assistant.wait_for("Which area", REPLY)
        await assistant.press("Housing")
        await assistant.wait_for("want to reach", REPLY)
        await assistant.send("Keep the flat")
        await assistant.wait_for("expected effect", REPLY)
        await assistant.press("Skip")
        await assistant.wait_for("By when", REPLY)
        await assistant.press("Skip")
        await assistant.wait_for("Saved", REPLY)
        await _restart_at_once(bot, api)
        await _nothing_offered_again(assistant, "Progress note", "By when")

        await assistant.send("/resources R-01")
        await assistant.wait_for("resources", REPLY)
        await assistant.press("Add a resource")
        await assistant.wait_for("resource", REPLY)
        await assistant.send("Grandmother helps")
        await assistant.wait_for("Saved", REPLY)
        await _restart_at_once(bot, api)
        await assistant.send("Grandmother helps")  # the reply was not seen: typed once more
        reply = await own_reply(assistant)
        # Killed before the walk moved on, the bot knows the draft's item as saved; killed
        # after, it is at the next item, and the text typed again is a new one, said so.
        # Either way nothing is saved that the assistant was not told of.
        assert "Saved ✅" in reply or "saved already" in reply, reply  # never an apology
        retyped += "Saved ✅" in reply
        await assistant.send("/cancel")
        await own_reply(assistant)
    await api.wait_idle(REPLY)
    assert await bot.stop() == 0
    goals, _, resources = counts_in(bot.database, bot.env.get("DATABASE_KEY"))
    assert goals == attempts
    assert resources == attempts + retyped
    assert api.errors == []
