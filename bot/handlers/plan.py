"""/plan R-01 [all]: the family's whole help plan as one clear message (split when long)."""

from __future__ import annotations

from telegram import Update

from bot.domain.errors import DomainError
from bot.domain.typed_values import typed_word
from bot.handlers.common import answer_press, no_families_text, send_lines, send_sensitive
from bot.handlers.context import BotContext
from bot.ui.callbacks import as_int, pressed_data
from bot.ui.family_views import PLAN_PREFIX, family_buttons
from bot.ui.labels import describe_error
from bot.ui.plan_view import plan_lines
from bot.ui.text import esc

ALL_WORDS = {"all", "wszystko", "wszystkie"}


async def plan(update: Update, context: BotContext) -> None:
    """`/plan R-01` shows the plan; `/plan R-01 all` adds closed goals; no code: pick one."""
    message = update.message
    if message is None:
        return
    args = context.args or []
    if not args:
        own = await context.services.families.own_families(context.actor)
        if not own:
            # A reader (coordinator, admin) reads any family by its code, holding none.
            said = (
                context.tr.gettext("Which family's plan? Type its code, like /plan R-01.")
                if context.actor.sees_team
                else await no_families_text(context)
            )
            await message.reply_text(said)
            return
        await message.reply_text(
            context.tr.gettext("Which family's plan?"),
            reply_markup=family_buttons(own, PLAN_PREFIX),
        )
        return
    include_closed = any(typed_word(a) in ALL_WORDS for a in args[1:])
    await send_plan(update, context, args[0], include_closed=include_closed)


async def plan_pressed(update: Update, context: BotContext) -> None:
    """A family picked for /plan (from the picker or a family card)."""
    press = pressed_data(update)
    family_id = None if press is None else as_int(press.arg)
    await answer_press(update)
    if family_id is not None:
        await send_plan(
            update, context, family_id, include_closed=press is not None and press.action == "a"
        )


async def send_plan(
    update: Update, context: BotContext, family: int | str, *, include_closed: bool
) -> None:
    """Render and send the plan; the service checks who may read it."""
    try:
        view = await context.services.plans.plan_for(
            context.actor, family, include_closed=include_closed
        )
    except DomainError as error:
        await send_lines(update, context, [esc(describe_error(context.tr, error))])
        return
    today = context.services.clock.today()
    await send_sensitive(update, context, plan_lines(context.tr, view, today))
