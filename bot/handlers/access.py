"""/access (/dostepy): the access log of a family, or of every family, for the centre's admins."""

from __future__ import annotations

from telegram import Update

from bot.domain.errors import DomainError
from bot.handlers.common import answer_press, show
from bot.handlers.context import BotContext
from bot.services.access_log import AccessPage
from bot.ui.access_views import access_buttons, access_lines
from bot.ui.callbacks import as_int, pressed_data
from bot.ui.labels import describe_error
from bot.ui.text import esc, split_lines

PAGES_MAX = 10_000  # a page number beyond any real log is a forged button


async def access(update: Update, context: BotContext) -> None:
    """`/access R-01`: the family's log, newest first; `/access`: every family's."""
    message = update.message
    if message is None:
        return
    code = context.args[0] if context.args else None
    try:
        page = await context.services.access_log.page(context.actor, code=code)
    except DomainError as error:
        await message.reply_text(esc(describe_error(context.tr, error)))
        return
    await _show(update, context, page)


async def access_pressed(update: Update, context: BotContext) -> None:
    """Newer or older: the service re-checks that the presser is an admin."""
    press = pressed_data(update)
    token = None if press is None else as_int(press.token)
    number = None if press is None else as_int(press.arg)
    if token is None or number is None or number > PAGES_MAX:
        await answer_press(update, context.tr.gettext("This button is no longer active."))
        return
    try:
        page = await context.services.access_log.page(
            context.actor, family_id=token or None, number=number
        )
    except DomainError as error:
        await answer_press(update, describe_error(context.tr, error))
        return
    await answer_press(update)
    await _show(update, context, page)


async def _show(update: Update, context: BotContext, page: AccessPage) -> None:
    """The page in one message (in place of the pressed one), with its buttons."""
    lines = access_lines(context.tr, page, context.services.settings.tz)
    text = split_lines(lines)[0]  # 15 short lines always fit; the split is a guard only
    await show(update, context, text, access_buttons(context.tr, page))
