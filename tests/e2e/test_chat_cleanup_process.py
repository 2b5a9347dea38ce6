"""Chat clean-up in the real `python -m bot` process: after a save, after the minutes, 48 h."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.botprocess import BotProcess
from tests.e2e.test_bot_process import REPLY, VISIT_STEPS, join, launch, new_family, step
from tests.support.bot_api_server import LocalBotApi, SimUser

NOTE = "Rent <arrears> & a plan 🙂"  # the note VISIT_STEPS types
STUB = "Removed from the chat for privacy"


def in_chat(api: LocalBotApi, user: SimUser, text: str) -> bool:
    """Whether a message still in the chat, the user's or the bot's, contains text."""
    return any(text in shown for shown in api.fake.chat_texts(user.chat_id))


async def test_typed_note_and_answers_leave_the_chat_across_restarts(
    api: LocalBotApi, bot: BotProcess
) -> None:
    await launch(bot, api)
    _, assistant = await join(api)
    await new_family(assistant)
    for kind, arg, expect in VISIT_STEPS:
        await step(assistant, kind, arg, expect)
    assert await api.wait_until(lambda: not in_chat(api, assistant, NOTE), REPLY), bot.log()
    assert "Saved: visit to R-01" in api.fake.chat_texts(assistant.chat_id)[-1]

    await step(assistant, "send", "/visits R-01", NOTE)  # the answer repeats the note
    assert in_chat(api, assistant, NOTE)
    await api.wait_idle()  # recorded: only the instant after Telegram took it is unguarded
    bot.kill9()  # the minutes pass while the bot is down
    bot.clock_ahead = timedelta(minutes=31)
    await launch(bot, api)
    assert await api.wait_until(lambda: not in_chat(api, assistant, NOTE), REPLY), bot.log()

    await step(assistant, "send", "/visits R-01", NOTE)
    answer = api.fake.messages(assistant.chat_id)[-1]["message_id"]
    await bot.stop()  # down for more than Telegram's 48 hours
    bot.clock_ahead = timedelta(hours=50)
    await launch(bot, api)

    def stubbed() -> bool:
        message = api.fake.message(assistant.chat_id, answer)
        return message is not None and STUB in message["text"]

    assert await api.wait_until(stubbed, REPLY), bot.log()
    assert not in_chat(api, assistant, NOTE)
    assert "Saved: visit to R-01" in "\n".join(api.fake.chat_texts(assistant.chat_id))
    assert api.errors == []
