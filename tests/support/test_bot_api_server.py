"""Tests proving over real loopback HTTP that the local Bot API server behaves like Telegram."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.support.bot_api_server import DEFAULT_TOKEN, LocalBotApi
from tests.support.fake_telegram import BOT_USER

USER = 1001
REPO = Path(__file__).resolve().parents[2]


def keyboard(*data: str) -> InlineKeyboardMarkup:
    """Return a one-column inline keyboard whose button texts equal their data."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d)] for d in data])


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    """Return a running server that knows the test user's chat."""
    async with LocalBotApi() as server:
        server.user(USER)
        yield server


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    """Return an initialised PTB Bot (default HTTPXRequest, no rate limiter) on the server."""
    async with Bot(DEFAULT_TOKEN, base_url=api.base_url) as telegram_bot:
        yield telegram_bot


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """Return a raw HTTP session bounded by a short timeout."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        yield session


async def test_binds_loopback_and_answers_get_me(api: LocalBotApi, bot: Bot) -> None:
    """The server listens on 127.0.0.1 only and getMe returns the test bot."""
    assert api.base_url.startswith("http://127.0.0.1:")
    assert api.base_url.endswith("/bot")
    me = await bot.get_me()
    assert me.username == BOT_USER["username"]
    assert [call.method for call in api.calls] == ["getMe", "getMe"]


async def test_send_message_with_escaped_html(api: LocalBotApi, bot: Bot) -> None:
    """Escaped HTML is accepted, decoded to plain text with entities, and stored per chat."""
    message = await bot.send_message(
        USER, "<b>a &lt; b</b> &amp; <i>c</i>", parse_mode=ParseMode.HTML
    )
    assert message.text == "a < b & c"
    assert [entity.type for entity in message.entities] == ["bold", "italic"]
    assert api.user(USER).last_text() == "a < b & c"
    assert api.errors == []


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"text": "Tom & Jerry", "parse_mode": ParseMode.HTML}, "can't parse entities"),
        ({"text": "x" * 4097}, "message is too long"),
        ({"text": "x", "reply_markup": keyboard("d" * 65)}, "button_data_invalid"),
        (
            {"text": "x", "reply_markup": keyboard(*(str(n) for n in range(101)))},
            "reply markup is too long",
        ),
    ],
)
async def test_invalid_messages_raise_bad_request(
    api: LocalBotApi, bot: Bot, kwargs: dict[str, Any], reason: str
) -> None:
    """Bad HTML, 4097 characters, 65-byte callback data and 101 buttons are refused."""
    with pytest.raises(BadRequest, match=f"(?i){reason}"):
        await bot.send_message(USER, **kwargs)
    assert [call.error_code for call in api.errors] == [400]


async def test_identical_edit_is_not_modified(api: LocalBotApi, bot: Bot) -> None:
    """Editing a message to the same text and keyboard is refused like Telegram does."""
    message = await bot.send_message(USER, "hello", reply_markup=keyboard("a"))
    await bot.edit_message_text("hello!", USER, message.message_id, reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("hello!", USER, message.message_id, reply_markup=keyboard("a"))
    await bot.edit_message_reply_markup(USER, message.message_id)
    assert api.user(USER).last_markup() == []


async def test_blocked_user_raises_forbidden(api: LocalBotApi, bot: Bot) -> None:
    """A user who blocked the bot makes sends fail with 403."""
    api.block(USER)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(USER, "hi")
    assert api.errors == []
    assert [call.error_code for call in api.rejected] == [403]


async def test_thirty_one_messages_in_a_second_hit_the_rate_limit(
    api: LocalBotApi, bot: Bot
) -> None:
    """The 31st send within one second answers 429 with retry_after."""
    for number in range(30):
        await bot.send_message(USER, f"m{number}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "one too many")
    assert caught.value.retry_after == dt.timedelta(seconds=1)
    assert [call.error_code for call in api.rejected] == [429]


async def test_documents_and_commands_survive_multipart_and_json_encoding(
    api: LocalBotApi, bot: Bot
) -> None:
    """An uploaded file arrives via multipart; nested command lists via JSON strings."""
    await bot.send_document(USER, b"a,b\n1,2\n", filename="export.csv", caption="<b>x</b>")
    assert api.fake.documents(USER) == [("export.csv", b"a,b\n1,2\n")]
    await bot.set_my_commands([BotCommand("start", "Start")], language_code="pl")
    assert [c.command for c in await bot.get_my_commands(language_code="pl")] == ["start"]
    await bot.send_chat_action(USER, "typing")
    assert await bot.leave_chat(USER) is True
    assert api.errors == []


async def test_long_poll_wakes_when_a_user_sends(api: LocalBotApi, bot: Bot) -> None:
    """An empty getUpdates waits for its timeout, but returns at once when a user acts."""
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    started = time.monotonic()
    await api.user(USER).send("/start abc")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1
    assert [u.message.text for u in updates if u.message] == ["/start abc"]
    assert updates[0].message is not None
    assert updates[0].message.entities[0].type == "bot_command"


async def test_offset_confirms_and_limit_caps(api: LocalBotApi, bot: Bot) -> None:
    """Updates below offset are dropped for good; limit caps the batch."""
    sim = api.user(USER)
    for text in ("one", "two", "three"):
        await sim.send(text)
    first, second, third = await bot.get_updates()
    assert first.update_id < second.update_id < third.update_id
    assert len(await bot.get_updates(limit=2)) == 2
    assert [u.update_id for u in await bot.get_updates(offset=second.update_id)] == [
        second.update_id,
        third.update_id,
    ]
    assert api.pending_updates() == 2
    assert await bot.get_updates(offset=third.update_id + 1) == ()
    assert api.pending_updates() == 0
    assert await bot.get_updates() == ()


async def test_unconfirmed_updates_are_redelivered_to_a_new_bot(api: LocalBotApi) -> None:
    """A bot that dies before confirming gets the same updates again after a restart."""
    sim = api.user(USER)
    await sim.send("/start")
    await sim.send("hello")
    async with Bot(DEFAULT_TOKEN, base_url=api.base_url) as first:
        delivered = [u.update_id for u in await first.get_updates()]
    async with Bot(DEFAULT_TOKEN, base_url=api.base_url) as second:
        assert [u.update_id for u in await second.get_updates()] == delivered
        await second.get_updates(offset=delivered[-1] + 1)
    assert api.pending_updates() == 0


async def test_wrong_token_is_unauthorized(api: LocalBotApi, http: aiohttp.ClientSession) -> None:
    """A wrong token answers 401 and PTB raises InvalidToken."""
    with pytest.raises(InvalidToken):
        async with Bot("123456:WRONG", base_url=api.base_url):
            pass
    async with http.post(f"{api.base_url}654321:NOPE/getMe") as response:
        assert response.status == 401
        assert await response.json() == {
            "ok": False,
            "error_code": 401,
            "description": "Unauthorized",
        }
    assert api.calls == []


async def test_json_body_requests_are_accepted(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """A client posting JSON (not a form) gets the same answers."""
    url = f"{api.base_url}{DEFAULT_TOKEN}/sendMessage"
    async with http.post(url, json={"chat_id": USER, "text": "<b>hi</b>", "parse_mode": "HTML"}):
        pass
    async with http.post(url, json={"chat_id": USER, "text": "<b>hi"}) as response:
        assert response.status == 200
    async with http.post(url, json={"chat_id": USER, "text": "<b>hi", "parse_mode": "HTML"}) as r:
        assert r.status == 400
        assert "can't parse entities" in (await r.json())["description"]
    assert [api.user(USER).last_text()] == ["<b>hi"]


async def test_control_api_drives_users_from_another_process(
    api: LocalBotApi, bot: Bot, http: aiohttp.ClientSession
) -> None:
    """Control send/press/block/sent/errors work over HTTP and feed getUpdates."""
    async with http.post(f"{api.url}/control/send", json={"user_id": 2002, "text": "/start"}) as r:
        sent_id = (await r.json())["result"]
    (update,) = await bot.get_updates()
    assert update.update_id == sent_id
    assert update.message is not None
    assert update.message.text == "/start"
    assert update.message.from_user is not None
    assert update.message.from_user.id == 2002
    await bot.get_updates(offset=sent_id + 1)

    await bot.send_message(2002, "Pick", reply_markup=keyboard("yes", "no"))
    async with http.get(f"{api.url}/control/sent", params={"chat_id": "2002"}) as r:
        (message,) = (await r.json())["result"]
    assert message["text"] == "Pick"
    assert message["buttons"][0] == [{"text": "yes", "callback_data": "yes"}]
    async with http.post(f"{api.url}/control/press", json={"user_id": 2002, "button": "no"}):
        pass
    (press,) = await bot.get_updates(offset=sent_id + 1)
    assert press.callback_query is not None
    assert press.callback_query.data == "no"
    async with http.post(f"{api.url}/control/press", json={"user_id": 2002, "button": "x"}) as r:
        assert r.status == 400

    async with http.post(f"{api.url}/control/block", json={"user_id": 2002}):
        pass
    with pytest.raises(Forbidden):
        await bot.send_message(2002, "still there?")
    async with http.get(f"{api.url}/control/errors") as r:
        assert [e["error_code"] for e in (await r.json())["result"]] == [403]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet with two buttons."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "<b>Cześć</b>", parse_mode=ParseMode.HTML, reply_markup=keyboard("yes", "no")
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press and replace the keyboard message with the choice."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(f"Chosen: {update.callback_query.data}")


async def test_real_application_polls_and_answers(api: LocalBotApi) -> None:
    """A real PTB Application polling the server answers /start and a button press."""
    application = ApplicationBuilder().token(DEFAULT_TOKEN).base_url(api.base_url).build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    sim = api.user(USER)
    async with asyncio.timeout(15), application:
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        await application.start()
        try:
            await sim.send("/start")
            assert await sim.reply(timeout=5) == "Cześć"
            assert sim.last_markup() == [[("yes", "yes")], [("no", "no")]]
            await sim.press("no")
            assert await sim.wait_for("Chosen", timeout=5) == "Chosen: no"
            await api.wait_idle(5)
        finally:
            await application.updater.stop()
            await application.stop()
    assert api.pending_updates() == 0
    assert api.errors == []


async def test_reply_timeout_explains_what_happened(api: LocalBotApi) -> None:
    """Without a bot, reply() fails fast with the user's action and the queue state."""
    sim = api.user(USER)
    await sim.send("/start")
    with pytest.raises(TimeoutError, match=r"after sending '/start'.*1 update\(s\) unconfirmed"):
        await sim.reply(timeout=0.2)
    with pytest.raises(TimeoutError, match="not idle"):
        await api.wait_idle(0.2)


async def test_standalone_server_prints_its_url_and_stops_on_sigint(
    http: aiohttp.ClientSession,
) -> None:
    """`python -m tests.support.bot_api_server` prints the base URL and serves until SIGINT."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.support.bot_api_server",
        "--port",
        "0",
        "--token",
        "42:ABC",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        base_url = (await asyncio.wait_for(process.stdout.readline(), 10)).decode().strip()
        assert base_url.startswith("http://127.0.0.1:")
        async with http.get(f"{base_url}42:ABC/getMe") as response:
            assert (await response.json())["result"]["username"] == BOT_USER["username"]
        process.send_signal(signal.SIGINT)  # as Ctrl+C
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
