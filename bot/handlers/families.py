"""/families: the caseload at a glance, a family's card; /visits: a family's last visits."""

from __future__ import annotations

from telegram import Update

from bot.domain.errors import DomainError
from bot.domain.family import Family
from bot.domain.typed_values import typed_word
from bot.handlers.common import answer_press, no_families_text, send_lines, send_sensitive
from bot.handlers.context import BotContext
from bot.ui import labels
from bot.ui.callbacks import as_int, pressed_data
from bot.ui.family_views import (
    CARD_PREFIX,
    VISITS_PREFIX,
    caseload_lines,
    closed_lines,
    family_buttons,
    family_card,
    visit_lines,
)
from bot.ui.text import esc

CLOSED_WORDS = frozenset({"closed", "zamknięte", "zamkniete"})


async def families(update: Update, context: BotContext) -> None:
    """One line per family, and a button per family that opens its card; `closed`: the closed."""
    if context.args and typed_word(context.args[0]) in CLOSED_WORDS:
        await closed_families(update, context)
        return
    caseload = await context.services.families.caseload(context.actor)
    if not caseload.families:
        await send_lines(update, context, [await no_families_text(context)])
        return
    today = context.services.clock.today()
    lines = caseload_lines(context.tr, caseload.families, caseload.over_limit, today)
    await send_lines(update, context, lines, family_buttons(caseload.families, CARD_PREFIX))


async def closed_families(update: Update, context: BotContext) -> None:
    """`/families closed`: the closed families with the day and reason, a card button each."""
    closed = await context.services.cases.closed_families(context.actor)
    lines = closed_lines(context.tr, closed)
    markup = family_buttons(closed, CARD_PREFIX) if closed else None
    await send_lines(update, context, lines, markup)


async def card_pressed(update: Update, context: BotContext) -> None:
    """A family's card (the service checks the family is the actor's)."""
    family = await _pressed_family(update, context, "read.card")
    if family is None:
        return
    caseload = await context.services.families.caseload(context.actor)
    cadence = next((r for r in caseload.families if r.family_id == family.id), None)
    period = await context.services.cases.last_period(family)
    changes = context.services.families.may_change(context.actor, family)
    lines, markup = family_card(context.tr, family, cadence, period, changes=changes)
    await send_sensitive(update, context, lines, markup)


async def visits(update: Update, context: BotContext) -> None:
    """`/visits R-01`: the last ten visits; without a code, a button per family."""
    message = update.message
    if message is None:
        return
    _ = context.tr.gettext
    if not context.args:
        own = await context.services.families.own_families(context.actor)
        if not own:
            await message.reply_text(await no_families_text(context))
            return
        await message.reply_text(
            _("Which family?"), reply_markup=family_buttons(own, VISITS_PREFIX)
        )
        return
    await _send_visits(update, context, context.args[0])


async def visits_pressed(update: Update, context: BotContext) -> None:
    """A family picked for /visits (or a card's 🕘): its visits, read once."""
    press = pressed_data(update)
    family_id = None if press is None else as_int(press.arg)
    await answer_press(update)
    if family_id is not None:
        await _send_visits(update, context, family_id)


async def _pressed_family(update: Update, context: BotContext, action: str) -> Family | None:
    """The family a press names, opened for `action`; a refusal is answered here."""
    press = pressed_data(update)
    family_id = None if press is None else as_int(press.arg)
    await answer_press(update)
    if family_id is None:
        return None
    try:
        return await context.services.families.open_family(context.actor, family_id, action)
    except DomainError as error:
        await send_lines(update, context, [esc(labels.describe_error(context.tr, error))])
        return None


async def _send_visits(update: Update, context: BotContext, family: int | str) -> None:
    """Render a family's last visits (by id or typed code); the service logs the read."""
    try:
        opened, recent = await context.services.visits.recent(context.actor, family)
    except DomainError as error:
        await send_lines(update, context, [esc(labels.describe_error(context.tr, error))])
        return
    own = opened.assistant_id == context.actor.telegram_id
    await send_sensitive(update, context, visit_lines(context.tr, opened, recent, own=own))
