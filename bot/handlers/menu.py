"""The command menus Telegram shows, per language, and the admins' and coordinators' own."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError
from telegram.ext import Application

from bot.commands import Audience, for_audience
from bot.handlers.context import SERVICES_KEY
from bot.i18n import LOCALES, guess_locale, translator
from bot.services.registry import Services

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
# bot_data: whose own menu was looked at in this run (a release may have changed the menus)
MENUS_CHECKED_KEY = "menus_checked"


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
    application: AnyApplication,
    telegram_id: int,
    locale: str,
    *,
    coordinator: bool,
    app_locale: str | None = None,
) -> None:
    """A person's own menu: /team for a coordinator; a plain assistant's in the language chosen.

    Telegram shows a plain assistant the default menu of their app's language (`app_locale`):
    one of their own only when they chose another with /lang. Not knowing their app's language
    (a role changed by someone else), the default menus stand until they next write.
    """
    bot = application.bot
    checked: set[int] = application.bot_data.setdefault(MENUS_CHECKED_KEY, set())
    checked.discard(telegram_id)  # looked at again at their next update if unsure now
    try:
        if coordinator:
            await bot.set_my_commands(
                command_menu(locale, team_menu=True), scope=BotCommandScopeChat(telegram_id)
            )
        elif app_locale is not None and locale != app_locale:
            await bot.set_my_commands(command_menu(locale), scope=BotCommandScopeChat(telegram_id))
        else:
            await bot.delete_my_commands(scope=BotCommandScopeChat(telegram_id))
    except TelegramError as exc:
        log.info("menu for %s not set: %s", telegram_id, exc)
        return
    if coordinator or app_locale is not None:
        checked.add(telegram_id)


async def refresh_own_menu(
    application: AnyApplication,
    telegram_id: int,
    locale: str | None = None,
    app_language: str | None = None,
) -> None:
    """A person's own menu as they are now: admin, coordinator or neither, in their language.

    `locale` is the language the bot speaks with them now (when they are the one writing),
    `app_language` their Telegram app's (`User.language_code`, "" when it sends none; None
    when not known, the person not writing); else the one they chose.
    """
    services: Services = application.bot_data[SERVICES_KEY]
    actor, profile = await services.membership.identify(telegram_id)
    chosen = profile.locale if profile else None
    default_locale = services.settings.default_locale
    locale = locale or chosen or default_locale
    if actor.is_admin:
        await publish_admin_commands(application, telegram_id, locale)
        return
    app_locale = None if app_language is None else guess_locale(app_language, default_locale)
    await publish_member_commands(
        application,
        telegram_id,
        locale,
        coordinator=actor.is_coordinator,
        app_locale=app_locale if actor.is_member else None,
    )


async def follow_chosen_language(
    application: AnyApplication, telegram_id: int, locale: str, app_language: str | None
) -> None:
    """Once a run, at a plain assistant's first update: their menu in the language chosen.

    Admins' and coordinators' menus are set at start; a plain assistant's only when the
    language they chose is not their app's, which only their updates tell.
    """
    checked: set[int] = application.bot_data.setdefault(MENUS_CHECKED_KEY, set())
    if telegram_id in checked:
        return
    checked.add(telegram_id)
    default_locale = application.bot_data[SERVICES_KEY].settings.default_locale
    app_locale = guess_locale(app_language, default_locale)
    if locale != app_locale:
        await publish_member_commands(
            application, telegram_id, locale, coordinator=False, app_locale=app_locale
        )
