"""Group -1 and group 100: who may pass, in which language; persist after each update."""

from __future__ import annotations

import hashlib
import json
import logging

from telegram import Chat, Message, Update, User
from telegram.error import Forbidden
from telegram.ext import ApplicationHandlerStop

from bot.domain.people import Assistant
from bot.handlers.common import answer_press
from bot.handlers.context import BotContext
from bot.handlers.menu import follow_chosen_language, publish_admin_commands
from bot.i18n import Translator, guess_locale, translator
from bot.services.registry import Services
from bot.storage.persistence import SQLitePersistence
from bot.ui.text import esc

log = logging.getLogger(__name__)


async def gatekeeper(update: object, context: BotContext) -> None:
    """Drop replays, answer groups and strangers politely, resolve the actor and language."""
    if not isinstance(update, Update):
        raise ApplicationHandlerStop
    if _is_replay(update, context):
        raise ApplicationHandlerStop
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        await _finish(update, context)
        raise ApplicationHandlerStop
    services = context.services
    actor, profile = await services.membership.identify(user.id)
    context.tr = _translator(services, user, profile)
    locale = context.tr.locale
    if chat.type != Chat.PRIVATE:
        await _refuse_group(update, context)
        await _finish(update, context)
        raise ApplicationHandlerStop
    if update.callback_query is not None and chat.id != user.id:
        # A private chat's id is the user's: a press "from" another chat is forged.
        log.warning("refused a press by %s on a message of chat %s", user.id, chat.id)
        await answer_press(update, context.tr.gettext("That button does not belong to you."))
        await _finish(update, context)
        raise ApplicationHandlerStop
    if not actor.is_member:
        if _is_start_with_code(update):
            context.actor = actor
            return
        if services.membership.refuse_stranger_now(user.id):
            log.warning("refused Telegram user %s (not invited; quiet for an hour)", user.id)
            await _refuse_stranger(update, context, user.id)
        elif update.callback_query is not None:
            await answer_press(update)  # stop the spinner; nothing more to say this hour
        await _finish(update, context)
        raise ApplicationHandlerStop
    if profile is not None and profile.locale is None:
        # Reminders are written without a chat to guess from: remember the first guess.
        await services.membership.set_locale(actor, locale)
    if actor.is_admin and not actor.is_assistant:
        await services.membership.ensure_admin_profile(actor, user.full_name)
        actor = await services.membership.actor(user.id)
        await publish_admin_commands(context.application, user.id, locale)
    elif not actor.sees_team:  # a coordinator's own menu is set at every start
        await follow_chosen_language(context.application, user.id, locale, user.language_code)
    context.actor = actor


async def translator_for(services: Services, user: User) -> Translator:
    """The translator for a user, looked up afresh (for contexts the gate did not see)."""
    return _translator(services, user, await services.membership.profile(user.id))


def _translator(services: Services, user: User, profile: Assistant | None) -> Translator:
    """The language a member chose, else their Telegram language if we speak it, else default."""
    chosen = profile.locale if profile else None
    return translator(chosen or guess_locale(user.language_code, services.settings.default_locale))


async def persist_after_update(update: object, context: BotContext) -> None:
    """Write the conversation state and draft now, so a crash right after loses nothing."""
    if isinstance(update, Update):
        await _finish(update, context)


async def _finish(update: Update, context: BotContext) -> None:
    """Save the update's work, then wait for the press's answer, even if the save failed."""
    try:
        await _save(update, context)
    finally:
        await _answered(context)


async def _save(update: Update, context: BotContext) -> None:
    """Save the user's data with the update's writes, remember the update as processed."""
    application = context.application
    user = update.effective_user
    persistence = application.persistence
    if isinstance(persistence, SQLitePersistence):
        now = context.services.clock.now()
        digest = context.update_fingerprint or fingerprint(update)
        writes, context.update_writes = context.update_writes, []
        # Walk state and update ids need not wait for the disk: a power cut can only take a
        # walk a step back, or bring back a draft whose record was saved (its own commit
        # waited), which the draft's token marks as saved, as after a crash between the two
        # commits. A message remembered for the clean-up must not be lost (it would stay):
        # then the log is synced at once, in the log syncer's thread (storage/log_sync.py).
        durable = context.update_remembers
        # Only this user's data can have changed (no handler touches another's), so it is
        # written here directly: PTB's update_persistence deep-copies every marked user's
        # data and gathers a task per write, a sixth of a press; the statement's JSON is the
        # copy. PTB's own minute-by-minute save and the one at shutdown still run.
        async with persistence.batch(update.update_id, digest, now, writes, durable=durable):
            if user is not None:
                await persistence.update_user_data(user.id, application.user_data.get(user.id, {}))
    else:
        if user is not None:
            application.mark_data_for_update_persistence(user_ids=user.id)
        await application.update_persistence()
        await context.save_update_writes()


async def _answered(context: BotContext) -> None:
    """Wait for the press's answer sent meanwhile (common.answer_press_soon)."""
    answering, context.answering = context.answering, None
    if answering is not None:
        await answering


def fingerprint(update: Update) -> str:
    """A short digest of the update's content: a redelivery has the same one, a new update not.

    Telegram gives every press (its query id) and every message (chat, id, edit time) an
    identity of its own, so those stand for the content; digesting the whole update instead
    cost more than the rest of the gate. Rarer updates are digested whole.
    """
    query = update.callback_query
    if query is not None:
        return _digest(("callback_query", query.id, query.data or ""))
    for kind in _MESSAGE_KINDS:
        message: Message | None = getattr(update, kind)
        if message is not None:
            edited = message.edit_date.timestamp() if message.edit_date else 0
            when = (message.date.timestamp(), edited)
            return _digest((kind, message.chat_id, message.message_id, *when, message.text or ""))
    return _digest(json.dumps(update.to_dict(), sort_keys=True, ensure_ascii=False))


_MESSAGE_KINDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)


def _digest(content: object) -> str:
    """Sixteen hex digits of SHA-256 over the content's text."""
    return hashlib.sha256(str(content).encode()).hexdigest()[:16]


def _is_replay(update: Update, context: BotContext) -> bool:
    """An update processed before a crash comes again; one with an id seen but new content not."""
    persistence = context.application.persistence
    if not isinstance(persistence, SQLitePersistence):
        return False
    recent = persistence.recent
    context.update_fingerprint = fingerprint(update)
    if recent.is_replay(update.update_id, context.update_fingerprint):
        log.info("skipping update %s: already processed before a restart", update.update_id)
        return True
    if recent.went_back(update.update_id):
        log.warning(
            "Telegram restarted its update numbering (%s after %s): processing as new",
            update.update_id,
            recent.highest,
        )
    return False


def _is_start_with_code(update: Update) -> bool:
    """`/start <code>`: the one thing a stranger may send."""
    message = update.message
    if message is None or not message.text:
        return False
    parts = message.text.split()
    return len(parts) == 2 and parts[0].split("@")[0] == "/start"


async def _refuse_stranger(update: Update, context: BotContext, user_id: int) -> None:
    """A short, polite refusal that tells the person their id, and nothing else."""
    _ = context.tr.gettext
    text = _(
        "Hello! This bot is only for the family assistants of the social-welfare centre.\n"
        "Your Telegram id is <code>{user_id}</code>. If you work with us, give it to your "
        "coordinator and ask for an invite."
    ).format(user_id=esc(user_id))
    try:
        if update.callback_query is not None:
            await answer_press(update, _("This bot is only for invited assistants."))
            return
        if update.message is not None:
            await update.message.reply_text(text)
    except Forbidden:  # they blocked the bot meanwhile: there is no one to tell
        log.info("Telegram user %s (not invited) blocked the bot", user_id)


async def _refuse_group(update: Update, context: BotContext) -> None:
    """In a group: say we work only in private chats; leave if we were just added."""
    _ = context.tr.gettext
    text = _("I work only in private chats. Please write to me directly.")
    chat = update.effective_chat
    assert chat is not None
    if update.callback_query is not None:
        await answer_press(update, text)
    elif update.message is not None and update.message.text and update.message.text[:1] == "/":
        await update.message.reply_text(text)
    elif update.my_chat_member is not None and update.my_chat_member.new_chat_member.status in (
        "member",
        "administrator",
    ):
        await context.bot.send_message(chat.id, text)
        await context.bot.leave_chat(chat.id)
