"""A walk's questions reach the Bot API as text encoded once, the keyboard as its JSON object."""

from __future__ import annotations

import json
from typing import Any

from telegram import InlineKeyboardButton
from telegram.request import RequestData

from bot.ui.keyboards import Key, Keyboard, markup_json
from tests.conversations.test_record_visit import assistant_with_family
from tests.support.harness import BotHarness


def test_a_keyboard_is_the_bot_api_s_json_object() -> None:
    markup = Keyboard(
        [
            [Key("Żółć & <b>", "v:t.date:tog:1"), Key("✅ Done", "v:t.date:done:")],
            [InlineKeyboardButton("Help", url="https://example.org/help")],
        ]
    )
    text = markup_json(markup)
    assert json.loads(text) == {
        "inline_keyboard": [
            [
                {"text": "Żółć & <b>", "callback_data": "v:t.date:tog:1"},
                {"text": "✅ Done", "callback_data": "v:t.date:done:"},
            ],
            [{"text": "Help", "url": "https://example.org/help"}],
        ]
    }
    assert "Żółć" in text  # UTF-8 text, as Telegram takes it, not \u escapes


async def test_questions_and_answers_go_out_as_text(harness: BotHarness) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []
    receive = harness.fake.do_request

    async def recording(
        url: str, method: str, request_data: RequestData | None = None, **timeouts: Any
    ) -> tuple[int, bytes]:
        params = dict(request_data.parameters) if request_data else {}
        sent.append((url.rsplit("/", 1)[-1], params))
        return await receive(url, method, request_data, **timeouts)

    sim = await assistant_with_family(harness)
    harness.fake.do_request = recording  # type: ignore[method-assign]
    await sim.send("/visit")
    await sim.press("Today")
    calls = dict(sent)  # the last call of each method
    question, edit = calls["sendMessage"], calls["editMessageText"]
    # Every value is already the text Telegram receives: PTB encodes none of them again.
    for params in (question, edit, calls["answerCallbackQuery"]):
        assert all(isinstance(value, str) for value in params.values()), params
    assert question["chat_id"] == str(sim.chat_id)
    assert question["parse_mode"] == "HTML"
    assert edit["message_id"] == str(harness.fake.messages(sim.chat_id)[-1]["message_id"])
    rows = json.loads(edit["reply_markup"])["inline_keyboard"]
    assert [button["text"] for button in rows[0]] == ["60 min", "90 min", "120 min"]
    assert set(calls["answerCallbackQuery"]) == {"callback_query_id"}
