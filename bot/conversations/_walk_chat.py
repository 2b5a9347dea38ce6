"""A walk's messages in the chat: the live question, the switch to another walk, the clean-up.

Kept apart from the engine (engine.py), which calls these at every step and every end.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC
from typing import TYPE_CHECKING, Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    Update,
)
from telegram.error import BadRequest

from bot.domain.chat_cleanup import MessageKind, ShownMessage
from bot.handlers.common import answer_press, show, strip_buttons
from bot.handlers.context import BotContext
from bot.reminders.chat_cleanup import sweep
from bot.ui.callbacks import encode, register
from bot.ui.keyboards import Markup, markup_json
from bot.ui.main_menu import MENU_KEY, main_menu
from bot.ui.text import esc

if TYPE_CHECKING:
    from bot.conversations.engine import Walk

log = logging.getLogger(__name__)

WALK_KEY = "walk"  # user_data: {"name", "step", "draft", "message", "shown"} of the open walk

# user_data: {"name", "token", "again"}: what a press of the walk ended last is answered
ENDED_KEY = "ended"
SWITCH_KEY = "switch"  # user_data: {"token", "update", "message"}: a start waiting for "Yes"
SWITCH_PREFIX = register("sw", {"yes", "no"})  # its buttons (conversations/_switch.py)


def abandon_walk(context: BotContext) -> None:
    """The one place a walk is abandoned: its draft is gone, its messages leave the chat.

    Called when the user confirmed dropping it for another: whatever the walk held unsaved
    is lost on purpose, what it saved stays. (A walk with nothing unsaved, resting, saved or
    unreadable, is let go without asking: `Walk.blocked`.)
    """
    context.data.pop(SWITCH_KEY, None)
    _walk_over(context, context.data.pop(WALK_KEY, None), None)


def _start_kept(update: Update) -> dict[str, Any]:
    """The start to run after "Yes", without the content of the message a button was on.

    (A family card's text names members: it is not copied into user_data.)
    """
    kept = update.to_dict()
    pressed_on = kept.get("callback_query", {}).get("message")
    if isinstance(pressed_on, dict):
        keys = ("message_id", "chat", "date")
        kept["callback_query"]["message"] = {k: pressed_on[k] for k in keys if k in pressed_on}
    kept.get("message", {}).pop("reply_to_message", None)
    return kept


async def ask_to_abandon(
    update: Update, context: BotContext, started: Walk[Any, Any], wanted: Walk[Any, Any]
) -> None:
    """A start while another walk is open: ask before dropping it; the start waits for Yes."""
    _ = context.tr.gettext
    record = context.data.get(WALK_KEY)
    token = _token_of(record) or "-"
    asked_before = context.data.get(SWITCH_KEY)
    pending: dict[str, Any] = {"token": token, "update": _start_kept(update)}
    context.data[SWITCH_KEY] = pending
    text = _("Drop {started} and start {wanted}?").format(
        started=_(started.started), wanted=_(wanted.wanted)
    )
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Yes, drop it"), callback_data=encode(SWITCH_PREFIX, token, "yes")
                ),
                InlineKeyboardButton(
                    _("No, go back"), callback_data=encode(SWITCH_PREFIX, token, "no")
                ),
            ]
        ]
    )
    await answer_press(update)
    chat = update.effective_chat
    if chat is None:
        return
    sent = await context.bot.send_message(chat.id, esc(text), reply_markup=markup)
    pending["message"] = sent.message_id  # only this message's answer counts
    older = asked_before.get("message") if isinstance(asked_before, dict) else None
    if isinstance(older, int):  # the question it replaces (another start) loses its buttons
        try:
            await strip_buttons(context, chat.id, older)
        except BadRequest as exc:  # gone, too old, or already without buttons
            log.debug("could not remove an older question's buttons: %s", exc)


async def _one_live_question(update: Update, context: BotContext, message_id: int | None) -> None:
    """Remember the message holding the question; the copy it replaces loses its buttons.

    Called with None before a new copy is sent, so the old one is stripped before it. A
    question put into another message than the live one (the "Drop …?" asked, after "No", or
    a copy sent anew when the pressed one is gone) strips the live one after: `put_question`.
    """
    await _strip_older(update, context, _take_live(update, context, message_id))


def _take_live(update: Update, context: BotContext, message_id: int | None) -> int | None:
    """Make `message_id` the live question; the copy it replaces, which must lose its buttons."""
    record = context.data.get(WALK_KEY)
    if not isinstance(record, dict) or update.effective_chat is None:
        return None
    previous = record.get("message")
    record["message"] = message_id
    return previous if isinstance(previous, int) and previous != message_id else None


async def _strip_older(update: Update, context: BotContext, older: int | None) -> None:
    """An older copy of the question loses its buttons."""
    chat = update.effective_chat
    if older is None or chat is None:
        return
    try:
        await strip_buttons(context, chat.id, older)
    except BadRequest as exc:  # gone, too old, or already without buttons
        log.debug("could not remove old buttons: %s", exc)


# --- the walk's messages leave the chat when it ends ------------------------------------------


async def _main_menu_once(update: Update, context: BotContext) -> None:
    """After a walk: the main menu under the text field, unless it is there in this language.

    The keyboard is persistent, so once sent it stays; it is sent again only to someone who
    never had it (from before it existed) or has since changed the language.
    """
    chat = update.effective_chat
    if chat is None or context.data.get(MENU_KEY) == context.tr.locale:
        return
    text = context.tr.gettext("The main menu is under the text field: ⬇")
    await context.bot.send_message(chat.id, text, reply_markup=main_menu(context.tr))
    context.data[MENU_KEY] = context.tr.locale


def _keyboard_of(message: MaybeInaccessibleMessage) -> object:
    """The pressed message's keyboard as Telegram sent it with the press (None if none)."""
    markup = message.reply_markup if isinstance(message, Message) else None
    return None if markup is None else markup.to_dict()


def live_question(context: BotContext, walk: str, token: str) -> tuple[int | None, str | None]:
    """This draft's live question: its message, and a digest of what that shows."""
    # The live question's id and its clean-up row are committed in the same transaction.
    record = context.data.get(WALK_KEY)
    if not isinstance(record, dict) or record.get("name") != walk or _token_of(record) != token:
        return None, None
    message, shown = record.get("message"), record.get("shown")
    if not isinstance(message, int):
        return None, None
    return message, shown if isinstance(shown, str) else None


async def put_question(
    update: Update,
    context: BotContext,
    token: str,
    live: tuple[int | None, str | None],
    question: tuple[str, Markup],
    *,
    fresh: bool,
) -> None:
    """Show a walk's question in the pressed message (or anew), and remember where it is."""
    remembered, before = live
    text, markup = question
    keyboard = markup_json(markup)  # made once: for the digest and for the call
    digest = hashlib.blake2b(f"{text}\x00{keyboard}".encode(), digest_size=8).hexdigest()
    query = update.callback_query
    pressed = None if fresh or query is None or query.message is None else query.message
    stored = None  # a message first made the walk's here, stored before the edit
    if pressed is None:  # a new copy is coming
        await _one_live_question(update, context, None)
    elif pressed.message_id != remembered:
        # The question goes into a message that is not the walk's yet (the "Drop …?" asked,
        # answered No): its id is known, so it is stored before the edit, and a kill while
        # Telegram edits it cannot leave it in the chat.
        stored = pressed.message_id
        _walk_messages(update, context, token, stored)
        await context.save_update_writes()
    if (
        pressed is not None
        and pressed.message_id == remembered
        and digest == before
        and _keyboard_of(pressed) == json.loads(keyboard)
    ):
        # A second tap asked the same again (a refusal, a page, a tick): the message shows
        # it already, and Telegram refuses an edit that changes nothing. Its keyboard, as
        # the press brought it, is checked too: the stored digest may be older than the chat
        # (a crash after an edit and before its commit).
        message_id: int | None = remembered
    else:
        message_id = await show(update, context, text, keyboard, fresh=fresh)
    older = _take_live(update, context, message_id)
    context.data[WALK_KEY]["shown"] = digest
    # The same message edited again is remembered for the clean-up already.
    new = None if message_id in (remembered, stored) else message_id
    _walk_messages(update, context, token, new)
    if older is not None:
        # A new message is stored before the bot's next call to Telegram, not after it.
        await context.save_update_writes()
        await _strip_older(update, context, older)


async def remove_closing_later(
    update: Update, context: BotContext, message_id: int | None
) -> None:
    """A walk's closing text that shows more than codes leaves the chat like a sensitive answer."""
    chat = update.effective_chat
    if chat is None or message_id is None:
        return
    pressed = update.callback_query.message if update.callback_query else None
    sent_at = pressed.date if pressed and pressed.message_id == message_id else None
    when = (sent_at or context.services.clock.now()).astimezone(UTC)
    shown = ShownMessage(chat.id, message_id, MessageKind.TEXT, when)
    await context.services.chat_cleanup.answer_shown([shown], context.tr.locale)


def _token_of(record: object) -> str | None:
    """The draft token of a stored walk record, read raw (also from an unreadable draft)."""
    draft = record.get("draft") if isinstance(record, dict) else None
    token = draft.get("token") if isinstance(draft, dict) else None
    return token if isinstance(token, str) else None


def ended_with(context: BotContext, name: str, token: str | None, again: str | None) -> None:
    """A walk ended: a press of its question is answered `again` until another walk moves."""
    context.data.pop(ENDED_KEY, None)
    if token is not None and again is not None:
        context.data[ENDED_KEY] = {"name": name, "token": token, "again": again}


def ended_again(context: BotContext, name: str, token: str) -> str | None:
    """What a press of the walk `name` ended last (its draft `token`) is answered, if told."""
    ended = context.data.get(ENDED_KEY)
    if not isinstance(ended, dict) or (ended.get("name"), ended.get("token")) != (name, token):
        return None
    again = ended.get("again")
    return again if isinstance(again, str) else None


def _walk_over(context: BotContext, record: object, keep: int | None) -> None:
    """A walk ended, was replaced or abandoned: its messages go once the update is handled."""
    token = _token_of(record)
    if token is not None:
        context.ended_walks.append((token, keep))


def _typed_message(update: Update) -> ShownMessage | None:
    """The text this update typed into a walk, as a message to remove (a command is none)."""
    typed = update.message
    if typed is None or not typed.text or typed.text.startswith("/"):
        return None
    return ShownMessage(
        typed.chat_id, typed.message_id, MessageKind.USER, typed.date.astimezone(UTC)
    )


async def remember_typed(update: Update, context: BotContext, token: str) -> None:
    """A text typed into the walk is stored at once, before the bot makes any call to answer it.

    PTB confirms an update to Telegram before handling it, so an update the bot is killed in
    is not delivered again: stored with the update's commit only, a note typed then stayed in
    the chat for good. The update's commit syncs it to the disk (against a power cut).
    """
    typed = _typed_message(update)
    if typed is None or context.typed_remembered:
        return
    await context.services.chat_cleanup.typed_into_walk(typed, token, context.tr.locale)
    context.typed_remembered = context.update_remembers = True


def adopt_pressed(update: Update, context: BotContext, walk: str, token: str) -> None:
    """A press on an older message of this draft: the message is the walk's, to remove with it.

    A question Telegram took as the bot was killed was never stored (its id never reached
    the bot); a press on it names it.
    """
    query = update.callback_query
    pressed = query.message.message_id if query is not None and query.message else None
    if pressed is not None and pressed != live_question(context, walk, token)[0]:
        _walk_messages(update, context, token, pressed)


def _walk_messages(update: Update, context: BotContext, token: str, shown: int | None) -> None:
    """Remember the question just shown and the text just typed, to remove them later.

    The writes go with the update's commit (`context.update_writes`).
    """
    chat = update.effective_chat
    if chat is None:
        return
    now = context.services.clock.now()
    messages = []
    if shown is not None:
        pressed = update.callback_query.message if update.callback_query else None
        sent_at = pressed.date if pressed and pressed.message_id == shown else now
        messages.append(ShownMessage(chat.id, shown, MessageKind.TEXT, sent_at.astimezone(UTC)))
    typed = None if context.typed_remembered else _typed_message(update)
    if typed is not None:
        messages.append(typed)
    cleanup = context.services.chat_cleanup
    writes = cleanup.walk_step(chat.id, token, messages, context.tr.locale)
    context.update_writes += writes
    context.update_remembers = context.update_remembers or bool(writes)


async def clean_up_ended_walks(update: object, context: BotContext) -> None:
    """After an update: the messages of the walks it ended leave the chat now.

    Typed texts and question copies go; the message holding a walk's last word (codes only)
    stays. A group of its own in app.py, so every way a walk ends goes through here.
    """
    chat = update.effective_chat if isinstance(update, Update) else None
    ended, context.ended_walks = context.ended_walks, []
    if chat is None or not ended:
        return
    cleanup = context.services.chat_cleanup
    # A step of this update is released with its walk: its writes commit first, in one trip.
    writes, context.update_writes = context.update_writes, []
    released = 0
    for token, keep in ended:
        released += await cleanup.walk_over(chat.id, token, keep, writes)
        writes = []
    if released:  # what left the chat is forgotten with the update's state
        await sweep(context.bot, cleanup, chat.id, context.update_writes)
