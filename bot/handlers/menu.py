"""The command menus Telegram shows, per language, and the admins' and coordinators' own."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError
from telegram.ext import Application

from bot.commands import Audience, for_audience
from bot.handlers.context import SERVICES_KEY
from bot.i18n import LOCALES, translator
from bot.services.registry import Services

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def command_menu(
    locale: str, *, admin_menu: bool = False, team_menu: bool = False
) -> list[BotCommand]:
    """The command menu in one language; Polish shows the Polish aliases.

    `team_menu` adds /team (coordinators); `admin_menu` adds it and the admins' commands.
    """
    _ = translator(locale).gettext
    shown = for_audience(Audience.MEMBER)
    if team_menu or admin_menu:
        shown += for_audience(Audience.TEAM)
    if admin_menu:
        shown += for_audience(Audience.ADMIN)
    return [BotCommand(c.shown_name(locale), _(c.menu)) for c in shown if c.menu]


async def publish_commands(application: AnyApplication) -> None:
    """set_my_commands per language, the admins' and the coordinators' menus in their chats.

    Again at every start: a new release may have changed what the menus hold.
    """
    bot = application.bot
    services: Services = application.bot_data[SERVICES_KEY]
    default_locale = services.settings.default_locale
    await bot.set_my_commands(command_menu(default_locale), scope=BotCommandScopeDefault())
    for locale in LOCALES:
        await bot.set_my_commands(
            command_menu(locale), scope=BotCommandScopeDefault(), language_code=locale
        )
    for admin_id in services.settings.admin_telegram_ids:
        profile = await services.membership.profile(admin_id)
        if profile is not None:  # before their first message the chat does not exist yet
            await publish_admin_commands(application, admin_id, profile.locale or default_locale)
    for person in await services.membership.coordinators():
        if person.telegram_id not in services.settings.admin_telegram_ids:
            locale = person.locale or default_locale
            await publish_member_commands(
                application, person.telegram_id, locale, coordinator=True
            )


async def publish_admin_commands(application: AnyApplication, admin_id: int, locale: str) -> None:
    """The admin's own menu, with /invite and /assign, in their private chat."""
    try:
        await application.bot.set_my_commands(
            command_menu(locale, admin_menu=True), scope=BotCommandScopeChat(admin_id)
        )
    except TelegramError as exc:
        log.info("admin menu for %s not set: %s", admin_id, exc)


async def publish_member_commands(
    application: AnyApplication, telegram_id: int, locale: str, *, coordinator: bool
) -> None:
    """A person's own menu after a role change: /team for a coordinator, the default else."""
    bot = application.bot
    try:
        if coordinator:
            await bot.set_my_commands(
                command_menu(locale, team_menu=True), scope=BotCommandScopeChat(telegram_id)
            )
        else:
            await bot.delete_my_commands(scope=BotCommandScopeChat(telegram_id))
    except TelegramError as exc:
        log.info("menu for %s not set: %s", telegram_id, exc)


async def refresh_own_menu(
    application: AnyApplication, telegram_id: int, locale: str | None = None
) -> None:
    """A person's own menu as they are now: admin, coordinator or neither, in their language.

    `locale` is the language the bot speaks with them now (when they are the one writing);
    else the one they chose. A plain assistant has none: the default menus are theirs.
    """
    services: Services = application.bot_data[SERVICES_KEY]
    actor, profile = await services.membership.identify(telegram_id)
    chosen = profile.locale if profile else None
    locale = locale or chosen or services.settings.default_locale
    if actor.is_admin:
        await publish_admin_commands(application, telegram_id, locale)
    else:
        await publish_member_commands(
            application, telegram_id, locale, coordinator=actor.is_coordinator
        )
