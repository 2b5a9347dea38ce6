"""Tests proving that the offline Telegram fake enforces Telegram's rules through real PTB."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_rules import (
    TelegramRuleError,
    check_reply_markup,
    check_text,
    parse_html,
    parse_html_entities,
)
from tests.support.updates import UserSim

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
USER = 1001


def keyboard(*data: str) -> InlineKeyboardMarkup:
    """Return a one-column inline keyboard whose button texts equal their data."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d)] for d in data])


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user, echo the /start payload and offer two buttons."""
    assert update.effective_message is not None
    payload = " ".join(context.args or [])
    await update.effective_message.reply_text(
        f"<b>Cześć</b> {payload}".strip(),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard("yes", "no"),
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press and replace the keyboard message with the chosen option."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(f"Chosen: {query.data}")


@pytest.fixture
def fake() -> FakeTelegram:
    """Return a fake Telegram that knows the test user's private chat."""
    telegram = FakeTelegram()
    telegram.add_chat({"id": USER, "type": "private", "first_name": "Anna"})
    return telegram


@pytest.fixture
async def app(fake: FakeTelegram) -> AsyncIterator[AnyApplication]:
    """Return an initialized real Application whose only network is the fake."""
    application = (
        ApplicationBuilder().token("123:ABC").request(fake).get_updates_request(fake).updater(None)
    ).build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    await application.initialize()
    yield application
    await application.shutdown()


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("1 <3 you", 'Unsupported start tag "3" at byte offset 2'),
        ("Tom & Jerry", 'Unescaped "&" or unsupported HTML entity at byte offset 4'),
        ("&nbsp;", "unsupported HTML entity at byte offset 0"),
        ("ż <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 3'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<a>link</a>", 'Tag "a" must have a non-empty "href"'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
def test_bad_html_is_rejected_with_telegram_reason(html: str, reason: str) -> None:
    """Malformed or unsupported HTML raises Telegram's can't-parse-entities error."""
    with pytest.raises(TelegramRuleError) as caught:
        parse_html(html)
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")
    assert reason in caught.value.description
    assert caught.value.error_code == 400


def test_valid_html_is_decoded_to_plain_text() -> None:
    """Escaped text, all supported tags and entities parse into plain text and entities."""
    html = (
        '<b>a</b> &lt;3 &amp; &quot;q&quot; &#261;&#x142; <a href="https://x.pl/?a=1&amp;b=2">l</a>'
        ' <pre><code class="language-python">x</code></pre> <tg-spoiler>s</tg-spoiler>'
        ' <span class="tg-spoiler">t</span> <blockquote expandable>q</blockquote>'
        ' <tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> <s>z</s><u>u</u><i>i</i>'
    )
    text, entities = parse_html_entities(html)
    assert text == 'a <3 & "q" ął l x s t q 👍 zui'
    types = {e["type"] for e in entities}
    assert types >= {"bold", "text_link", "pre", "spoiler", "expandable_blockquote"}
    assert {"type": "pre", "offset": 16, "length": 1, "language": "python"} in entities
    assert parse_html("") == ""


async def test_bad_html_surfaces_as_ptb_bad_request(
    app: AnyApplication, fake: FakeTelegram
) -> None:
    """The bot sees a real telegram.error.BadRequest and the fake records the error."""
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await app.bot.send_message(USER, "2 <3 you", parse_mode=ParseMode.HTML)
    assert [call.method for call in fake.errors] == ["sendMessage"]
    await app.bot.send_message(USER, "2 &lt;3", parse_mode=ParseMode.HTML)
    await app.bot.send_message(USER, "2 <3 & plain")
    assert fake.last_text(USER) == "2 <3 & plain"
    assert len(fake.sent(USER)) == 2


def test_text_length_counts_utf16_after_parsing() -> None:
    """4096 UTF-16 units pass, 4097 fail; emoji count double; entities count once."""
    assert check_text("x" * 4096, None)[0] == "x" * 4096
    assert check_text("&lt;" * 4096, "HTML")[0] == "<" * 4096
    assert check_text("😀" * 2048, None)
    for too_long in ("x" * 4097, "😀" * 2048 + "x"):
        with pytest.raises(TelegramRuleError, match="message is too long"):
            check_text(too_long, None)
    for empty in ("", "  \n", "<b> </b>"):
        with pytest.raises(TelegramRuleError, match="message text is empty"):
            check_text(empty, "HTML")


async def test_too_long_message_via_bot(app: AnyApplication) -> None:
    """A 4097-character message raises BadRequest in PTB."""
    with pytest.raises(BadRequest, match="Message is too long"):
        await app.bot.send_message(USER, "x" * 4097)


async def test_callback_data_limit(app: AnyApplication, fake: FakeTelegram) -> None:
    """64 bytes of callback data pass (UTF-8 measured), 65 bytes are BUTTON_DATA_INVALID."""
    await app.bot.send_message(USER, "ok", reply_markup=keyboard("ą" * 32))
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await app.bot.send_message(USER, "no", reply_markup=keyboard("ą" * 32 + "a"))
    with pytest.raises(TelegramRuleError, match="BUTTON_DATA_INVALID"):
        check_reply_markup({"inline_keyboard": [[{"text": "a", "callback_data": ""}]]})
    assert len(fake.errors) == 1


def test_button_rules() -> None:
    """Too many buttons, text-only buttons and two-action buttons are rejected."""
    check_reply_markup(keyboard(*(str(i) for i in range(100))).to_dict())
    with pytest.raises(TelegramRuleError, match="reply markup is too long"):
        check_reply_markup(keyboard(*(str(i) for i in range(101))).to_dict())
    with pytest.raises(TelegramRuleError, match="Text buttons are unallowed"):
        check_reply_markup({"inline_keyboard": [[{"text": "a"}]]})
    with pytest.raises(TelegramRuleError, match="exactly one"):
        check_reply_markup(
            {"inline_keyboard": [[{"text": "a", "url": "https://x", "callback_data": "b"}]]}
        )
    with pytest.raises(TelegramRuleError, match="non-empty String"):
        check_reply_markup({"inline_keyboard": [[{"callback_data": "b"}]]})


async def test_edits(app: AnyApplication, fake: FakeTelegram) -> None:
    """Identical edits and edits of unknown messages are refused; real edits are stored."""
    sent = await app.bot.send_message(
        USER, "<b>v1</b>", parse_mode="HTML", reply_markup=keyboard("a")
    )
    with pytest.raises(BadRequest, match="Message is not modified"):
        await sent.edit_text("<b>v1</b>", parse_mode="HTML", reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await sent.edit_reply_markup(keyboard("a"))
    await sent.edit_text("v1", reply_markup=keyboard("a"))  # formatting differs: allowed
    await sent.edit_text("v1")  # keyboard removed: allowed
    assert fake.last_markup(USER) == []
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await app.bot.edit_message_text("x", chat_id=USER, message_id=999)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await app.bot.edit_message_reply_markup(chat_id=USER, message_id=999)
    await sent.delete()
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await sent.delete()
    assert [c.error for c in fake.errors if c.error and "not modified" in c.error] != []


async def test_blocked_user_raises_forbidden(app: AnyApplication, fake: FakeTelegram) -> None:
    """After block(), sends to that user raise telegram.error.Forbidden."""
    fake.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(USER, "hi")
    assert fake.errors == []
    assert [call.error_code for call in fake.rejected] == [403]


async def test_flood_raises_retry_after(
    app: AnyApplication, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    """flood(n) makes the next n sends raise RetryAfter, then sending works again."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # else PTB warns when building RetryAfter
    fake.flood(2, retry_after=7)
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await app.bot.send_message(USER, "hi")
        assert caught.value.retry_after.total_seconds() == 7  # type: ignore[union-attr]
    await app.bot.send_message(USER, "hi")
    assert [call.error_code for call in fake.rejected] == [429, 429]


async def test_unknown_chat_and_unknown_method(app: AnyApplication, fake: FakeTelegram) -> None:
    """Unknown chats are refused; unknown methods are recorded and answered with True."""
    with pytest.raises(BadRequest, match="Chat not found"):
        await app.bot.send_message(424242, "hi")
    assert await app.bot.set_chat_menu_button() is True
    assert await app.bot.do_api_request("someFutureMethod", api_kwargs={"x": 1}) is True
    assert fake.calls[-1].method == "someFutureMethod"
    assert fake.calls[-1].params == {"x": 1}


async def test_commands_and_documents(app: AnyApplication, fake: FakeTelegram) -> None:
    """Commands round-trip and uploaded document bytes are recorded."""
    await app.bot.set_my_commands([("start", "Start"), ("help", "Pomoc")])
    assert [c.command for c in await app.bot.get_my_commands()] == ["start", "help"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await app.bot.set_my_commands([("Bad-Name", "x")])
    await app.bot.send_chat_action(USER, "upload_document")
    message = await app.bot.send_document(
        USER, b"a,b\n1,2\n", filename="export.csv", caption="<i>CSV</i>", parse_mode="HTML"
    )
    assert message.document is not None
    assert message.document.file_name == "export.csv"
    assert message.caption == "CSV"
    assert fake.documents(USER) == [("export.csv", b"a,b\n1,2\n")]


async def test_start_command_through_user_sim(app: AnyApplication, fake: FakeTelegram) -> None:
    """A /start with payload sent by UserSim reaches the CommandHandler and gets an answer."""
    sim = UserSim(app, fake, USER)
    update = await sim.send("/start invite-42")
    assert update.effective_user is not None
    assert update.effective_user.language_code == "pl"
    assert fake.last_text(USER) == "Cześć invite-42"
    assert fake.last_markup(USER) == [[("yes", "yes")], [("no", "no")]]
    reply = fake.sent(USER)[-1].result
    assert reply["message_id"] == update.effective_message.message_id + 1  # type: ignore[union-attr]
    assert reply["entities"] == [{"type": "bold", "offset": 0, "length": 5}]
    assert fake.errors == []


async def test_button_press_reaches_callback_handler(
    app: AnyApplication, fake: FakeTelegram
) -> None:
    """Pressing a button the bot sent delivers its data; the edit removes the keyboard."""
    sim = UserSim(app, fake, USER)
    await sim.send("/start")
    message_id, data = fake.button(USER, "ye")
    assert data == "yes"
    update = await sim.press("yes")
    assert update.callback_query is not None
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == message_id
    assert fake.last_text(USER) == "Chosen: yes"
    assert fake.last_markup(USER) == []
    assert [c.method for c in fake.calls[-2:]] == ["answerCallbackQuery", "editMessageText"]
    with pytest.raises(BadRequest, match="Message is not modified"):
        await sim.press_data(message_id, "yes")  # stale press: same edit again
    assert len(fake.errors) == 1


async def test_handler_errors_can_be_collected_instead(
    app: AnyApplication, fake: FakeTelegram
) -> None:
    """With raise_errors=False handler exceptions are kept in sim.handler_errors."""
    sim = UserSim(app, fake, USER, raise_errors=False)
    await sim.press_data(12345, "forged")
    assert len(sim.handler_errors) == 1
    assert isinstance(sim.handler_errors[0], BadRequest)


async def test_group_message_has_group_chat(app: AnyApplication, fake: FakeTelegram) -> None:
    """group_message sends from a group chat and the command entity is set."""
    sim = UserSim(app, fake, USER)
    update = await sim.group_message("/start@family_test_bot")
    assert update.effective_chat is not None
    assert update.effective_chat.type == "group"
    assert update.effective_chat.id < 0
    assert fake.last_text(update.effective_chat.id) == "Cześć"
    assert update.update_id > 0


async def test_deletes_follow_the_48_hour_rule(app: AnyApplication, fake: FakeTelegram) -> None:
    """Own and the user's private messages go for 48 hours; later only the bot's is edited."""
    sim = UserSim(app, fake, USER)
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=UTC), tick=False) as clock:
        typed = (await sim.send("a private note")).effective_message
        assert typed is not None
        own = await app.bot.send_message(USER, "the plan")
        old = await app.bot.send_message(USER, "an old plan")
        document = await app.bot.send_document(USER, b"x", filename="a.pdf", caption="R-01")
        assert fake.chat_texts(USER) == ["a private note", "the plan", "an old plan", "R-01"]
        assert await app.bot.delete_messages(USER, [typed.message_id, own.message_id, 999])
        assert fake.chat_texts(USER) == ["an old plan", "R-01"]  # 999 was skipped
        clock.shift(timedelta(hours=48))
        with pytest.raises(BadRequest, match="can't be deleted for everyone"):
            await app.bot.delete_message(USER, old.message_id)
        with pytest.raises(BadRequest, match="can't be deleted for everyone"):
            await app.bot.delete_messages(USER, [old.message_id])
        assert fake.chat_texts(USER) == ["an old plan", "R-01"]  # nothing deleted
        await app.bot.edit_message_text("stub", USER, old.message_id)
        await app.bot.edit_message_caption(USER, document.message_id, caption="stub")
        assert fake.chat_texts(USER) == ["stub", "stub"]
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await app.bot.delete_message(USER, own.message_id)
        with pytest.raises(BadRequest, match="Too many messages to delete"):
            await app.bot.delete_messages(USER, list(range(1, 102)))


async def test_the_users_messages_can_be_deleted_not_edited(
    app: AnyApplication, fake: FakeTelegram
) -> None:
    """In a private chat the bot deletes what the user typed but cannot edit it; in a group not."""
    sim = UserSim(app, fake, USER)
    typed = (await sim.send("typed")).effective_message
    in_group = (await sim.group_message("in the group")).effective_message
    assert typed is not None
    assert in_group is not None
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await app.bot.edit_message_text("x", USER, typed.message_id)
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await app.bot.delete_message(in_group.chat_id, in_group.message_id)
    await app.bot.delete_message(USER, typed.message_id)
    assert fake.user_messages(USER) == []
