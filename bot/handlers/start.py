"""/start (with an invite code for newcomers), /help and /cancel outside a conversation."""

from __future__ import annotations

from telegram import Update

from bot.domain.errors import DomainError
from bot.handlers.common import answer_press
from bot.handlers.context import BotContext
from bot.i18n import Translator
from bot.ui.labels import describe_error
from bot.ui.text import esc


def help_text(tr: Translator, is_admin: bool) -> str:
    """What the bot can do, command by command."""
    _ = tr.gettext
    lines = [
        _("<b>What I can do</b>"),
        _("/visit (/wizyta) — record a visit, step by step"),
        _("/families (/rodziny) — your families and this week's visits"),
        _("/visits R-01 (/wizyty) — the last visits of a family"),
        _("/newfamily (/nowarodzina) — register a family"),
        _("/plan R-01 — the family's help plan (add “all” for closed goals)"),
        _("/goal (/cel) — add a goal or change one: status, notes, tasks"),
        _("/assessment (/ocena) — record the periodic assessment"),
        _("/resources (/zasoby) — the family's strengths"),
        _("/appointment (/termin) — an appointment at an institution"),
        _("/agenda (/terminy) — appointments in the next 7 days"),
        _("/settings (/ustawienia) — morning digest and quiet hours"),
        _("/lang (/jezyk) — change the language"),
        _("/cancel (/anuluj) — stop what you started, without saving"),
    ]
    if is_admin:
        lines += [
            "",
            _("<b>For admins</b>"),
            _("/invite — a one-time invite for a new assistant (valid 72 hours)"),
            _("/assign R-01 — hand a family to another assistant"),
        ]
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
            await message.reply_text(esc(describe_error(context.tr, error)))
            return
        actor = await context.services.membership.actor(user.id)
        context.actor = actor
        await message.reply_text(
            _("Welcome, {name}! You can now use the bot.").format(name=esc(user.first_name))
            + "\n\n"
            + help_text(context.tr, actor.is_admin)
        )
        return
    # Someone who had blocked the bot comes back through /start: their reminders resume.
    await context.services.reminders.mark_reachable(user.id)
    await message.reply_text(
        _("Hello, {name}!").format(name=esc(user.first_name))
        + "\n\n"
        + help_text(context.tr, actor.is_admin)
    )


async def help_command(update: Update, context: BotContext) -> None:
    """List the commands."""
    if update.message is not None:
        await update.message.reply_text(help_text(context.tr, context.actor.is_admin))


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
