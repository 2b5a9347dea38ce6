"""Admin commands: /invite an assistant or a coordinator, /assign a family (or cover it)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain.errors import DomainError
from bot.domain.parsing import YearPreference, parse_date
from bot.domain.people import Invite, Role
from bot.domain.typed_values import plain_typed_value, typed_word
from bot.handlers.common import answer_press, show
from bot.handlers.context import BotContext
from bot.ui.callbacks import as_int, encode, pressed_data, register
from bot.ui.labels import describe_error
from bot.ui.text import esc, shorten

# to: the assistant chosen; go: for good; c7 / c14 / c28: cover for that many days
ASSIGN_PREFIX = register("as", {"to", "go", "c7", "c14", "c28"})
INVITE_PREFIX = register("iv", {role.value for role in Role})
COVER_BUTTON_DAYS = {"c7": 7, "c14": 14, "c28": 28}
# `/invite koordynator` skips the question (either language's word for either role)
ROLE_WORDS = {
    "assistant": Role.ASSISTANT,
    "asystent": Role.ASSISTANT,
    "coordinator": Role.COORDINATOR,
    "koordynator": Role.COORDINATOR,
}


async def invite(update: Update, context: BotContext) -> None:
    """Ask which role the invite is for (or take it from `/invite koordynator`)."""
    message = update.message
    if message is None:
        return
    _ = context.tr.gettext
    word = typed_word((context.args or [""])[0])
    if word in ROLE_WORDS:
        try:
            created = await context.services.membership.create_invite(
                context.actor, ROLE_WORDS[word]
            )
        except DomainError as error:
            await message.reply_text(esc(describe_error(context.tr, error)))
            return
        await message.reply_text(_invite_text(context, created))
        return
    try:
        await context.services.membership.check_may_invite(context.actor)
    except DomainError as error:
        await message.reply_text(esc(describe_error(context.tr, error)))
        return
    buttons = [
        InlineKeyboardButton(
            _("Assistant"), callback_data=encode(INVITE_PREFIX, "-", "assistant")
        ),
        InlineKeyboardButton(
            _("Coordinator"), callback_data=encode(INVITE_PREFIX, "-", "coordinator")
        ),
    ]
    await message.reply_text(
        _("Who is the invite for?"), reply_markup=InlineKeyboardMarkup([buttons])
    )


async def invite_pressed(update: Update, context: BotContext) -> None:
    """The role was chosen: the one-time link replaces the question (once per question)."""
    _ = context.tr.gettext
    press = pressed_data(update)
    query = update.callback_query
    if press is None or query is None:
        await answer_press(update, _("This button is no longer active."))
        return
    question = query.message.message_id if query.message is not None else None
    try:
        created, new = await context.services.membership.answer_invite_question(
            context.actor, Role(press.action), question
        )
    except DomainError as error:
        await answer_press(update)
        await show(update, context, esc(describe_error(context.tr, error)))
        return
    await answer_press(update, None if new else _("This invite was already made: here it is."))
    await show(update, context, _invite_text(context, created))


def _invite_text(context: BotContext, created: Invite) -> str:
    """A one-time invite as the admin forwards it."""
    _ = context.tr.gettext
    link = f"https://t.me/{context.bot.username}?start={created.code}"
    expires = esc(context.tr.fmt_datetime(_local(created.expires_at, context)))
    if created.role is Role.COORDINATOR:
        text = _(
            "Invite for a new coordinator, valid until {expires}, usable once:\n{link}\n\n"
            "Or they send me: <code>/start {code}</code>"
        )
    else:
        text = _(
            "Invite for a new assistant, valid until {expires}, usable once:\n{link}\n\n"
            "Or they send me: <code>/start {code}</code>"
        )
    return text.format(expires=expires, link=esc(link), code=esc(created.code))


async def assign(update: Update, context: BotContext) -> None:
    """`/assign R-01`: the assistants as buttons; `/assign R-01 <id>` for good at once;
    `/assign R-01 <id> 24.12`: holiday cover until that day."""
    message = update.message
    if message is None:
        return
    _ = context.tr.gettext
    args = context.args or []
    if not args:
        await message.reply_text(
            _("Type the family code: /assign R-01 (add an id and a date for a cover)")
        )
        return
    # The id as typed or pasted: marks dropped, digits ASCII ("²" is a digit to isdigit only).
    typed_id = plain_typed_value(args[1]) if len(args) >= 2 else ""
    try:
        if typed_id.isascii() and typed_id.isdigit():
            assistant_id = int(typed_id)
            if len(args) >= 3:
                until = parse_date(args[2], context.services.clock.today(), YearPreference.FUTURE)
                code = await context.services.team.cover(
                    context.actor, args[0], assistant_id, until
                )
                await message.reply_text(_covered_text(context, code, assistant_id, until))
                return
            family = await context.services.team.hand_over(context.actor, args[0], assistant_id)
            await message.reply_text(_assigned_text(context, family.code, assistant_id))
            return
        family = await context.services.families.open_to_assign(context.actor, args[0])
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
    """An assistant was chosen (then: for good, or a cover); the service re-checks everything."""
    press = pressed_data(update)
    family_id = None if press is None else as_int(press.token)
    assistant_id = None if press is None else as_int(press.arg)
    if press is None or family_id is None or assistant_id is None:
        await answer_press(update, context.tr.gettext("This button is no longer active."))
        return
    _ = context.tr.gettext
    services = context.services
    tried = {"to": "read.assign", "go": "family.assign"}.get(press.action, "family.cover")
    try:
        family = await services.families.open_to_assign(context.actor, family_id, tried)
        if press.action == "to":
            await answer_press(update)
            await show(
                update,
                context,
                _("Hand {code} over for good, or cover it for a while?").format(
                    code=esc(family.code)
                ),
                _how_long(context, family_id, assistant_id),
            )
            return
        if press.action in COVER_BUTTON_DAYS:
            until = services.clock.today() + timedelta(days=COVER_BUTTON_DAYS[press.action])
            code = await services.team.cover(context.actor, family.code, assistant_id, until)
            text = _covered_text(context, code, assistant_id, until)
        else:
            family = await services.team.hand_over(context.actor, family.code, assistant_id)
            text = _assigned_text(context, family.code, assistant_id)
    except DomainError as error:
        await answer_press(update, describe_error(context.tr, error))
        return
    await answer_press(update)
    await show(update, context, text)


def _how_long(context: BotContext, family_id: int, assistant_id: int) -> InlineKeyboardMarkup:
    """For good, or a holiday cover of one, two or four weeks."""
    _ = context.tr.gettext
    choices = [
        ("go", _("For good")),
        ("c7", _("Cover 1 week")),
        ("c14", _("Cover 2 weeks")),
        ("c28", _("Cover 4 weeks")),
    ]
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    text, callback_data=encode(ASSIGN_PREFIX, family_id, action, assistant_id)
                )
            ]
            for action, text in choices
        ]
    )


def _assigned_text(context: BotContext, code: str, assistant_id: int) -> str:
    """Confirmation of a (re)assignment."""
    return context.tr.gettext("Family {code} is now with assistant {assistant}.").format(
        code=esc(code), assistant=f"<code>{assistant_id}</code>"
    )


def _covered_text(context: BotContext, code: str, assistant_id: int, until: date) -> str:
    """Confirmation of a holiday cover."""
    return context.tr.gettext(
        "Family {code} is with {assistant} until {date}, then it goes back by itself. "
        "Both assistants are told."
    ).format(
        code=esc(code),
        assistant=f"<code>{assistant_id}</code>",
        date=esc(context.tr.fmt_date(until, "d MMM yyyy")),
    )


def _local(moment: datetime, context: BotContext) -> datetime:
    """A stored UTC time in the centre's zone."""
    return moment.astimezone(context.services.settings.tz)
