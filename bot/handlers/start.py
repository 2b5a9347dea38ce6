"""/start (with an invite code for newcomers), /help and /cancel outside a conversation."""

from __future__ import annotations

from telegram import Message, Update

from bot.commands import Audience, for_audience
from bot.domain.errors import DomainError
from bot.domain.people import Actor
from bot.handlers.common import answer_press
from bot.handlers.context import BotContext
from bot.handlers.menu import refresh_own_menu
from bot.i18n import Translator
from bot.ui.labels import describe_error
from bot.ui.main_menu import MENU_KEY, main_menu
from bot.ui.text import esc


def help_text(tr: Translator, actor: Actor) -> str:
    """What the bot can do for this person, command by command (from the command registry)."""
    _ = tr.gettext
    lines = [_("<b>What I can do</b>")]
    lines += [_(c.help) for c in for_audience(Audience.MEMBER) if c.help]
    if actor.sees_team:
        lines += ["", _("<b>For coordinators</b>")]
        lines += [_(c.help) for c in for_audience(Audience.TEAM) if c.help]
    if actor.is_admin:
        lines += ["", _("<b>For admins</b>")]
        lines += [_(c.help) for c in for_audience(Audience.ADMIN) if c.help]
    return "\n".join(lines)


async def start(update: Update, context: BotContext) -> None:
    """Welcome a member, or register a newcomer who brings an invite code."""
    message = update.message
    user = update.effective_user
    if message is None or user is None:
        return
    _ = context.tr.gettext
    actor = context.actor
    if not actor.is_member:
        code = (context.args or [""])[0]
        try:
            await context.services.membership.join(code, user.id, user.full_name)
        except DomainError as error:
            # Too many wrong codes: said once an hour at most, like a stranger's refusal.
            quiet = error.code == "invite_tries"
            if not quiet or context.services.membership.tell_tries_now(user.id):
                await message.reply_text(esc(describe_error(context.tr, error)))
            return
        actor = await context.services.membership.actor(user.id)
        context.actor = actor
        # Someone back in another role than before keeps no menu of the old one.
        app_language = user.language_code or ""  # none sent: the menus without a language
        await refresh_own_menu(context.application, user.id, context.tr.locale, app_language)
        welcome = _("Welcome, {name}! You can now use the bot.").format(name=esc(user.first_name))
        await _reply_with_menu(message, context, welcome + "\n\n" + help_text(context.tr, actor))
        return
    # Someone who had blocked the bot comes back through /start: their reminders resume.
    await context.services.reminders.mark_reachable(user.id)
    hello = _("Hello, {name}!").format(name=esc(user.first_name))
    await _reply_with_menu(message, context, hello + "\n\n" + help_text(context.tr, actor))


async def help_command(update: Update, context: BotContext) -> None:
    """List the commands."""
    if update.message is not None:
        await _reply_with_menu(update.message, context, help_text(context.tr, context.actor))


async def _reply_with_menu(message: Message, context: BotContext, text: str) -> None:
    """Reply with the main menu under the text field (and remember its language)."""
    await message.reply_text(text, reply_markup=main_menu(context.tr))
    context.data[MENU_KEY] = context.tr.locale


async def cancel_nothing(update: Update, context: BotContext) -> None:
    """/cancel when no conversation is running."""
    if update.message is not None:
        await update.message.reply_text(context.tr.gettext("There is nothing to cancel."))


async def unknown_text(update: Update, context: BotContext) -> None:
    """Text that no conversation is waiting for."""
    if update.message is not None:
        await update.message.reply_text(
            context.tr.gettext("I did not understand that. /help lists what I can do.")
        )


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from a finished conversation or an old message."""
    await answer_press(
        update, context.tr.gettext("This button is no longer active. Start again with a command.")
    )
