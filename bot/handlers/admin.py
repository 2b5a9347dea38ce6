"""Admin commands: /invite a new assistant, /assign a family to an assistant."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain.errors import DomainError
from bot.handlers.common import answer_press, show
from bot.handlers.context import BotContext
from bot.ui.callbacks import as_int, encode, pressed_data, register
from bot.ui.labels import describe_error
from bot.ui.text import esc, shorten

ASSIGN_PREFIX = register("as", {"to"})


async def invite(update: Update, context: BotContext) -> None:
    """Answer with a one-time invite code and its deep link."""
    message = update.message
    if message is None:
        return
    _ = context.tr.gettext
    try:
        created = await context.services.membership.create_invite(context.actor)
    except DomainError as error:
        await message.reply_text(esc(describe_error(context.tr, error)))
        return
    link = f"https://t.me/{context.bot.username}?start={created.code}"
    expires = _local(created.expires_at, context)
    await message.reply_text(
        _(
            "Invite for a new assistant, valid until {expires}, usable once:\n{link}\n\n"
            "Or they send me: <code>/start {code}</code>"
        ).format(
            expires=esc(context.tr.fmt_datetime(expires)), link=esc(link), code=esc(created.code)
        )
    )


async def assign(update: Update, context: BotContext) -> None:
    """`/assign R-01` shows the assistants as buttons; `/assign R-01 <id>` assigns at once."""
    message = update.message
    if message is None:
        return
    _ = context.tr.gettext
    args = context.args or []
    if not args:
        await message.reply_text(_("Type the family code: /assign R-01"))
        return
    try:
        if len(args) >= 2 and args[1].isdigit():
            family = await context.services.families.assign(context.actor, args[0], int(args[1]))
            await message.reply_text(_assigned_text(context, family.code, int(args[1])))
            return
        family = await context.services.families.open_by_code(
            context.actor, args[0], "read.assign"
        )
        people = await context.services.membership.assistants(context.actor)
    except DomainError as error:
        await message.reply_text(esc(describe_error(context.tr, error)))
        return
    gone = _("⚠ unreachable")
    rows = [
        [
            InlineKeyboardButton(
                shorten(p.display_name, 40)
                + (" ✓" if p.telegram_id == family.assistant_id else "")
                + (f" · {gone}" if p.unreachable else ""),
                callback_data=encode(ASSIGN_PREFIX, family.id, "to", p.telegram_id),
            )
        ]
        for p in people[:90]
    ]
    text = _("Who should work with {code}?").format(code=esc(family.code))
    if any(p.unreachable for p in people[:90]):
        text += "\n" + _(
            "⚠ unreachable: blocked the bot, gets no reminders until they send /start again."
        )
    await message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows))


async def assign_pressed(update: Update, context: BotContext) -> None:
    """An assistant was chosen for a family; the service re-checks everything."""
    press = pressed_data(update)
    family_id = None if press is None else as_int(press.token)
    assistant_id = None if press is None else as_int(press.arg)
    if family_id is None or assistant_id is None:
        await answer_press(update, context.tr.gettext("This button is no longer active."))
        return
    try:
        family = await context.services.families.open_family(
            context.actor, family_id, "read.assign"
        )
        family = await context.services.families.assign(context.actor, family.code, assistant_id)
    except DomainError as error:
        await answer_press(update, describe_error(context.tr, error))
        return
    await answer_press(update)
    await show(update, context, _assigned_text(context, family.code, assistant_id))


def _assigned_text(context: BotContext, code: str, assistant_id: int) -> str:
    """Confirmation of a (re)assignment."""
    return context.tr.gettext("Family {code} is now with assistant {assistant}.").format(
        code=esc(code), assistant=f"<code>{assistant_id}</code>"
    )


def _local(moment: datetime, context: BotContext) -> datetime:
    """A stored UTC time in the centre's zone."""
    return moment.astimezone(context.services.settings.tz)
