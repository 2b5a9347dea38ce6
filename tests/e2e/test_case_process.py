"""Closing a family in the real `python -m bot` process, then restarting it."""

from __future__ import annotations

from tests.e2e.botprocess import BotProcess
from tests.e2e.test_bot_process import _connect, join, launch, new_family, own_reply, step
from tests.support.bot_api_server import LocalBotApi


def case_rows(bot: BotProcess) -> list[tuple[int, str | None, str, int | None]]:
    """(families.active, close_reason, summary, monitor_months) straight from the file."""
    conn = _connect(bot.database, bot.env.get("DATABASE_KEY"))
    try:
        return list(
            conn.execute(
                "SELECT f.active, p.close_reason, p.summary, p.monitor_months "
                "FROM families f JOIN case_periods p ON p.family_id = f.id ORDER BY p.id"
            )
        )
    finally:
        conn.close()


async def test_close_a_family_then_restart_it_stays_closed(
    api: LocalBotApi, bot: BotProcess
) -> None:
    await launch(bot, api)
    _, assistant = await join(api)
    await new_family(assistant)
    await step(assistant, "send", "/close R-01", "On which day")
    await step(assistant, "press", "Today", "Why does the work end")
    await step(assistant, "press", "Goals achieved", "closing summary")
    await step(assistant, "send", "Rent paid <b>& on time", "monitor the family")
    await api.wait_idle()  # the step is stored once the update is done
    bot.kill9()  # a crash in the middle of the walk: it resumes where it was
    await launch(bot, api)
    await step(assistant, "press", "⭐ 6 months", "Close the work?")
    await step(assistant, "press", "Close the work", "is closed on")
    await bot.stop()
    assert case_rows(bot) == [(0, "goals_achieved", "Rent paid <b>& on time", 6)]
    await launch(bot, api)
    await assistant.send("/families")
    assert "No family is in your caseload now" in await own_reply(assistant)
    await step(assistant, "send", "/families closed", "Goals achieved")
    await step(assistant, "send", "/reopen R-01", "From which day")
    await step(assistant, "press", "Today", "Reopen?")
    await step(assistant, "press", "Reopen", "back in your caseload")
    await bot.stop()
    assert [row[0] for row in case_rows(bot)] == [1, 1]
    assert api.errors == []
