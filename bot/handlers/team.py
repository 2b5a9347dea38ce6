"""/team: the team at a glance, a person's caseload, people and roles (coordinators, admins)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.domain.errors import DomainError
from bot.domain.people import Role
from bot.handlers.common import answer_press, send_lines, show
from bot.handlers.context import BotContext
from bot.handlers.menu import refresh_own_menu
from bot.ui.callbacks import Press, as_int, pressed_data
from bot.ui.labels import describe_error
from bot.ui.team_views import (
    caseload_buttons,
    caseload_lines,
    member_buttons,
    member_lines,
    overview_buttons,
    overview_lines,
    people_buttons,
    people_lines,
)
from bot.ui.text import esc, split_lines


async def team(update: Update, context: BotContext) -> None:
    """The team at a glance, a button per person (their caseload) and one for the people."""
    try:
        lines, markup = await _overview(context)
    except DomainError as error:
        await send_lines(update, context, [esc(describe_error(context.tr, error))])
        return
    await send_lines(update, context, lines, markup)


async def team_pressed(update: Update, context: BotContext) -> None:
    """A button of the team view; the service re-checks every right."""
    press = pressed_data(update)
    if press is None:
        await answer_press(update, context.tr.gettext("This button is no longer active."))
        return
    try:
        lines, markup = await _answer(press, context)
    except DomainError as error:
        await answer_press(update, describe_error(context.tr, error))
        return
    await answer_press(update)
    messages = split_lines(lines)
    if len(messages) == 1:
        await show(update, context, messages[0], markup)
    else:  # too long to replace the pressed message: send it anew, split
        await send_lines(update, context, lines, markup)


async def _answer(press: Press, context: BotContext) -> tuple[list[str], InlineKeyboardMarkup]:
    """The lines and buttons a press leads to."""
    services, tr, actor = context.services, context.tr, context.actor
    today, zone = services.clock.today(), services.settings.tz
    person = as_int(press.arg) if press.arg else None
    if press.action == "o":
        return await _overview(context)
    if press.action == "p":
        members = await services.team.members(actor)
        return people_lines(tr, members, today, zone), people_buttons(
            tr, members, admin=actor.is_admin
        )
    if person is None:
        raise DomainError("not_found")
    if press.action == "c":
        member, rows = await services.team.caseload_of(actor, person)
        return caseload_lines(tr, member, rows), caseload_buttons(tr, rows)
    if press.action == "r":
        if press.token not in {role.value for role in Role}:
            raise DomainError("not_found")
        member = await services.team.set_role(actor, person, Role(press.token))
        await refresh_own_menu(context.application, person)  # in the person's language
    elif press.action == "d":
        member = await services.team.deactivate(actor, person)
        await refresh_own_menu(context.application, person)  # no /team left for a stranger
    elif press.action == "a":
        member = await services.team.reactivate(actor, person)
        await refresh_own_menu(context.application, person)
    else:  # "m": the person's card
        actor.check_admin()
        found = [m for m in await services.team.members(actor) if m.telegram_id == person]
        if not found:
            raise DomainError("assistant_unknown")
        member = found[0]
    return member_lines(tr, member), member_buttons(tr, member)


async def _overview(context: BotContext) -> tuple[list[str], InlineKeyboardMarkup]:
    """The team at a glance with its buttons."""
    figures = await context.services.team.overview(context.actor)
    lines = overview_lines(
        context.tr, figures, context.services.clock.today(), context.services.settings.tz
    )
    return lines, overview_buttons(context.tr, figures)
