"""Small helpers every handler uses: answer in place or anew, split long replies."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.domain.chat_cleanup import MessageKind, ShownMessage
from bot.domain.errors import DomainError, NotAllowed, NotFound, Settled
from bot.handlers.context import BotContext
from bot.reminders.sender import ANSWERED_ANEW, REMINDER_PREFIX, folded_families, told_reminder
from bot.ui.callbacks import as_int, decode
from bot.ui.family_views import CONTACT_CARD_PREFIX
from bot.ui.keyboards import Markup, markup_json
from bot.ui.labels import describe_error
from bot.ui.text import split_lines

log = logging.getLogger(__name__)

# A reminder's buttons about its family: those a catch-up keeps too, and 👁 Record a contact.
FAMILY_BUTTONS = ANSWERED_ANEW | {CONTACT_CARD_PREFIX}
# What a walk's entry checks of the family a pressed button names: raises its refusal.
FamilyCheck = Callable[[], Awaitable[object]]


async def show(
    update: Update,
    context: BotContext,
    text: str,
    markup: Markup | str | None = None,
    *,
    fresh: bool = False,
) -> int | None:
    """Edit the pressed message when answering a button, otherwise (or if fresh) send anew.

    `markup` may be given as its JSON already (`markup_json`).

    Returns the id of the message that now shows the text (None when there is no chat).
    """
    query = update.callback_query
    chat = update.effective_chat
    if chat is None:
        return None
    pressed = query.message if query is not None and not fresh else None
    if pressed is not None:
        try:
            where = {"chat_id": chat.id, "message_id": pressed.message_id}
            await _question_call(context, "editMessageText", where, text, markup)
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return pressed.message_id
            if "not found" not in str(exc).lower() and "can't be edited" not in str(exc).lower():
                raise
        else:
            return pressed.message_id
    sent = await _question_call(context, "sendMessage", {"chat_id": chat.id}, text, markup)
    return int(sent["message_id"])


async def _question_call(
    context: BotContext,
    method: str,
    where: dict[str, int],
    text: str,
    markup: Markup | str | None,
) -> dict[str, Any]:
    """Send or edit a walk's question through the Bot API, without building PTB objects.

    A walk answers every press with one of these. PTB's `edit_message_text` turns the
    keyboard into JSON through its generic `to_dict` and Telegram's answer back into a
    `Message` nobody reads here: together more than the rest of a press costs.
    """
    data = {key: str(value) for key, value in where.items()}
    data["text"] = text
    data["parse_mode"] = ParseMode.HTML.value
    if markup is not None:
        data["reply_markup"] = markup if isinstance(markup, str) else markup_json(markup)
    result = await _bot_call(context, method, data)
    return result if isinstance(result, dict) else {}


async def strip_buttons(context: BotContext, chat_id: int, message_id: int) -> None:
    """Take a message's buttons away (an older copy of a question), like `_question_call`."""
    await _bot_call(
        context,
        "editMessageReplyMarkup",
        {"chat_id": str(chat_id), "message_id": str(message_id)},
    )


async def _bot_call(context: BotContext, method: str, data: dict[str, str]) -> object:
    """One Bot API call whose parameters are already the text Telegram receives.

    Through the bot's own `_do_post`, a private seam: its rate limiter and error mapping
    stay, while `_post`'s defaults (none apply to text given in full) are skipped, and so
    is the encoding of each value, which PTB's request does twice for anything not text.
    Measured on a press, the two cost about 40 us of each call's 70 us in PTB.
    """
    return await context.bot._do_post(method, data)


async def send_lines(
    update: Update,
    context: BotContext,
    lines: list[str],
    markup: InlineKeyboardMarkup | None = None,
) -> list[Message]:
    """Send HTML lines as one or more messages within Telegram's limit; buttons on the last."""
    return await _send_parts(update, context, lines, markup, sensitive=False)


async def send_sensitive(
    update: Update,
    context: BotContext,
    lines: list[str],
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Send an answer that shows family details; it leaves the chat CHAT_CLEANUP_MINUTES later.

    The one way to send a plan, a family card, the last visits or an appointment card. Each
    part is stored before the next is sent: a kill midway leaves at most the part in flight.
    """
    await _send_parts(update, context, lines, markup, sensitive=True)


async def _send_parts(
    update: Update,
    context: BotContext,
    lines: list[str],
    markup: InlineKeyboardMarkup | None,
    *,
    sensitive: bool,
) -> list[Message]:
    """`send_lines`, each `sensitive` part recorded for removal as soon as it is sent."""
    chat = update.effective_chat
    if chat is None:
        return []
    messages = split_lines(lines)
    sent = []
    for index, message in enumerate(messages):
        last = index == len(messages) - 1
        part = await context.bot.send_message(
            chat.id, message, reply_markup=markup if last else None
        )
        if sensitive:
            await remove_later(context, [part])
        sent.append(part)
    return sent


async def remove_later(context: BotContext, sent: Sequence[Message]) -> None:
    """Record sent messages (texts or documents) to leave the chat CHAT_CLEANUP_MINUTES later."""
    shown = [
        ShownMessage(
            chat_id=message.chat_id,
            message_id=message.message_id,
            kind=MessageKind.DOCUMENT if message.document is not None else MessageKind.TEXT,
            sent_at=message.date.astimezone(UTC),
        )
        for message in sent
    ]
    await context.services.chat_cleanup.answer_shown(shown, context.tr.locale)


async def answer_press(update: Update, text: str | None = None) -> None:
    """Acknowledge a button press (Telegram shows a spinner until we do)."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer(text)
    except BadRequest as exc:  # a query older than ~15 minutes cannot be answered any more
        log.debug("could not answer callback query: %s", exc)


def answer_press_soon(update: Update, context: BotContext) -> None:
    """Acknowledge a press while the update goes on; it is awaited after the update's commit.

    The answer and the edit of the pressed message then travel to Telegram side by side,
    not one round trip after the other.
    """
    query = update.callback_query
    if query is not None and context.answering is None:
        context.answering = asyncio.ensure_future(_acknowledge(context, query.id))


async def _acknowledge(context: BotContext, query_id: str) -> None:
    """The bare answer, whose failure only logs: the spinner stops by itself, the edit says more.

    Through `_bot_call` (rate limiter, error mapping) with its one parameter: PTB's
    `answer()` sends five, and encodes and checks each, at every press.
    """
    try:
        await _bot_call(context, "answerCallbackQuery", {"callback_query_id": query_id})
    except BadRequest as exc:  # a query older than ~15 minutes cannot be answered any more
        log.debug("could not answer callback query: %s", exc)
    except TelegramError as error:
        log.info("could not answer a press: %s", error)


async def settle_reminder(update: Update, note: str) -> None:
    """Answer a reminder's press with `note` and take its buttons away: it is dealt with."""
    await answer_press(update, note)
    query = update.callback_query
    # Pressed again after its buttons went (a double tap): nothing left to take away.
    if query is not None and message_buttons(pressed_message(update)):
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(None)


def pressed_message(update: Update) -> Message | None:
    """The message whose button was pressed, if Telegram still shows it to the bot."""
    query = update.callback_query
    message = None if query is None else query.message
    return message if isinstance(message, Message) else None


def message_buttons(message: Message | None) -> list[InlineKeyboardButton]:
    """The inline buttons a message carries (none for None)."""
    markup = None if message is None else message.reply_markup
    return [] if markup is None else [b for row in markup.inline_keyboard for b in row]


def pressed_rows(update: Update) -> list[tuple[InlineKeyboardButton, ...]]:
    """The rows of inline buttons the pressed message carries."""
    message = pressed_message(update)
    markup = None if message is None else message.reply_markup
    return [] if markup is None else list(markup.inline_keyboard)


def buttons_gone(update: Update) -> bool:
    """The pressed message carries no buttons any more: they were taken away since the press."""
    message = pressed_message(update)  # None when inaccessible: its buttons are not known
    return message is not None and not message_buttons(message)


def reminder_pressed_on(update: Update) -> int | None:
    """The outbox id of the reminder whose family button (a visit, a contact, an outcome) was
    pressed, read from the reminder's own ⏰ / ✔ buttons on that message; None elsewhere."""
    query = update.callback_query
    buttons = message_buttons(pressed_message(update))
    if query is None or query.data not in {button.callback_data for button in buttons}:
        return None  # not a button this message carries (forged): nothing is read from it
    return _reminder_among(buttons)


def _reminder_among(buttons: list[InlineKeyboardButton]) -> int | None:
    """The outbox id a reminder's own ⏰ / ✔ buttons carry, if these are a reminder's."""
    for button in buttons:
        press = decode(button.callback_data if isinstance(button.callback_data, str) else None)
        if press is not None and press.prefix == REMINDER_PREFIX:
            return as_int(press.token)
    return None


async def settled_reminder(update: Update, context: BotContext, refusal: DomainError) -> bool:
    """A reminder's family button refused because the family is no longer the actor's to work
    with (handed over, or its work ended; a monitoring reminder's, no longer monitored): the
    reminder is closed as its ⏰ / ✔ buttons would close it, or, on a catch-up, that family's
    buttons go (True); False for any other press. Tapped again once its buttons went, it is
    only answered (True).

    The service decides, from the reminder stored (its families, the codes it showed).
    """
    # Settled too: closing the work cancels the family's appointments, so an outcome asked
    # is refused as closed before the family is.
    if not isinstance(refusal, NotFound | NotAllowed | Settled):
        return False
    if _pressed_after_its_buttons_went(update):  # the first tap settled the reminder
        await answer_press(update, context.tr.gettext("This button is no longer active."))
        return True
    return await reminder_family_settled(update, context)


def _pressed_after_its_buttons_went(update: Update) -> bool:
    """A reminder's kind of family button pressed on a message that carries no buttons now:
    the second tap of a double tap, once the first took them all (the reminder is unknown)."""
    pressed, query = pressed_message(update), update.callback_query
    prefix = "" if query is None else str(query.data).partition(":")[0]
    return pressed is not None and not message_buttons(pressed) and prefix in FAMILY_BUTTONS


async def reminder_family_settled(
    update: Update, context: BotContext, still: FamilyCheck | None = None
) -> bool:
    """A family button pressed on a reminder or a catch-up whose family is no longer the
    actor's to work with: the reminder settles, or that family's rows go (True). Asked before
    a walk starts, so that no open walk is offered to be dropped for it.

    Read from the reminder stored, found by its own ⏰ / ✔ buttons on the pressed message (an
    escalation told has none: its 📝 carries it); the pressed button need not be there still
    (a double tap's second press on a catch-up). Once every button went, no reminder is left
    to read: `still`, the entry's own check of the family, refusing, answers it in place.
    Nor once its row was purged (False: the entry goes on, and nobody is logged as refused).
    """
    query = update.callback_query
    if query is None:
        return False
    reminders = context.services.reminders
    buttons = message_buttons(pressed_message(update))
    outbox_id = _reminder_among(buttons)
    told = told_reminder(str(query.data)) if outbox_id is None else None
    shown = outbox_id
    if told is not None and query.data in {b.callback_data for b in buttons}:
        shown = told[0]  # the 📝 is the message's own: the id is the bot's, not forged
    if shown is not None and await reminders.purged(context.actor, shown):
        # No reminder left to settle, and none refused: the entry's own check of the family
        # answers, as for a card's button (a walk, or its refusal).
        return False
    try:
        if outbox_id is not None:
            item = await reminders.item(context.actor, outbox_id)
        elif told is not None:
            item = await reminders.told(context.actor, *told)
        else:
            return await _refused_after_its_buttons_went(update, context, still)
    except Settled as settled:
        await settle_reminder(update, describe_error(context.tr, settled))
        return True
    except DomainError:
        return False
    family_buttons = folded_families(item)  # none unless a catch-up
    family_id = family_buttons.get(str(query.data))
    if family_id is None:
        return False
    try:
        await reminders.folded(context.actor, item.id, family_id)
    except Settled as settled:
        gone = {data for data, held in family_buttons.items() if held == family_id}
        await drop_buttons(update, describe_error(context.tr, settled), gone)
        return True
    except DomainError:
        return False
    return False


async def _refused_after_its_buttons_went(
    update: Update, context: BotContext, still: FamilyCheck | None
) -> bool:
    """A double tap's second press of a reminder's family button, its buttons gone with the
    first: answered in place (True) when `still` refuses the family, as the first press was."""
    if still is None or not _pressed_after_its_buttons_went(update):
        return False
    try:
        await still()
    except (NotFound, NotAllowed, Settled):
        await answer_press(update, context.tr.gettext("This button is no longer active."))
        return True
    except DomainError:
        return False
    return False


async def drop_buttons(update: Update, note: str, gone: set[str]) -> None:
    """Answer a press with `note` and take the rows holding a button of `gone` off the
    pressed message; the other rows stay to press."""
    await answer_press(update, note)
    query = update.callback_query
    rows = [] if query is None else pressed_rows(update)
    kept = [row for row in rows if not any(button.callback_data in gone for button in row)]
    if query is None or len(kept) == len(rows):
        return  # pressed again after they went (a double tap): nothing left to take away
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(InlineKeyboardMarkup(kept))


async def no_families_text(context: BotContext) -> str:
    """Why there is no family to pick: none yet, only closed ones, or a reader who holds none."""
    _ = context.tr.gettext
    if await context.services.cases.closed_families(context.actor):
        return _(
            "No family is in your caseload now. /families closed lists the closed ones; "
            "/newfamily registers a new one."
        )
    if context.actor.sees_team:  # a coordinator or an admin reads any family by its code
        return _(
            "You hold no family yourself. Read any family by its code, like /plan R-01 or "
            "/visits R-01; /team shows the whole team."
        )
    return _("You have no families yet. Add one with /newfamily.")
