"""build_application: the one place where handlers, persistence, limits and services are wired."""

from __future__ import annotations

import gc
import logging
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.commands import names
from bot.conversations import walk_handlers
from bot.conversations._routing import route_cancel, route_typed
from bot.conversations._switch import switch_pressed
from bot.conversations._walk_chat import SWITCH_PREFIX, clean_up_ended_walks
from bot.handlers import (
    access,
    admin,
    agenda,
    dossier,
    families,
    language,
    main_menu,
    monitoring,
    plan,
    reminders,
    reports,
    start,
    team,
)
from bot.handlers.context import SERVICES_KEY, BotContext
from bot.handlers.errors import on_error
from bot.handlers.gate import gatekeeper, persist_after_update
from bot.handlers.menu import publish_commands
from bot.handlers.presses import routed
from bot.i18n import warm_up
from bot.reminders.chat_cleanup import schedule_cleanup
from bot.reminders.job import schedule
from bot.reminders.sender import MONITORING_PREFIX, REMINDER_PREFIX, TelegramSender, tell_admins
from bot.safekeeping.job import schedule_backups, warn_if_open
from bot.services.registry import Services
from bot.storage.outbox import UnreachableNotice
from bot.storage.persistence import SQLitePersistence
from bot.ui import access_views, agenda_views, family_views, team_views
from bot.ui.document_views import DOC_PREFIX

log = logging.getLogger(__name__)

GATE_GROUP = -1
MAIN_GROUP = 0
SHOWN_GROUP = 80  # after every handler: whether the settings are still the newest answer
CLEANUP_GROUP = 90  # after every handler, before the state is persisted
PERSIST_GROUP = 100

BotApplication = Application[Any, BotContext, Any, Any, Any, Any]


def build_application(
    services: Services,
    persistence: SQLitePersistence,
    *,
    request: BaseRequest | None = None,
    rate_limited: bool = True,
) -> BotApplication:
    """Build the PTB Application; `request` replaces the network in tests."""
    settings = services.settings
    builder = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(settings.telegram_api_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz))
        .persistence(persistence)
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(False)
        .post_init(prepare)
    )
    if rate_limited:
        # PTB types the limiter by its per-call arguments; ours takes none, so any fits.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application: BotApplication = builder.build()
    application.bot_data[SERVICES_KEY] = services
    _add_handlers(application)
    _schedule_reminders(application, services)
    schedule_cleanup(application)
    if services.backups is not None:
        schedule_backups(application, services.backups)
    return application


def _schedule_reminders(application: BotApplication, services: Services) -> None:
    """The minute tick and the dispatcher that sends the outbox through this bot."""
    settings = services.settings

    async def notify_admins(notice: UnreachableNotice) -> None:
        await tell_admins(
            application.bot, settings.admin_telegram_ids, settings.default_locale, notice
        )

    dispatcher = services.reminders.dispatcher(TelegramSender(application.bot), notify_admins)
    schedule(application, dispatcher)


def _add_handlers(application: BotApplication) -> None:
    """Register every handler in its group."""
    application.add_handler(TypeHandler(Update, gatekeeper), group=GATE_GROUP)
    main: list[Any] = [
        *walk_handlers(),
        CommandHandler(names("start"), start.start),
        CommandHandler(names("help"), start.help_command),
        CommandHandler(names("families"), families.families),
        CommandHandler(names("visits"), families.visits),
        CommandHandler(names("plan"), plan.plan),
        CommandHandler(names("agenda"), agenda.agenda),
        CommandHandler(names("settings"), reminders.settings),
        CommandHandler(names("report"), reports.report),
        CommandHandler(names("dossier"), dossier.dossier),
        CommandHandler(names("lang"), language.choose_language),
        CommandHandler(names("invite"), admin.invite),
        CommandHandler(names("assign"), admin.assign),
        CommandHandler(names("team"), team.team),
        CommandHandler(names("access"), access.access),
        CommandHandler(names("cancel"), _cancel),
        CallbackQueryHandler(language.language_pressed, pattern=rf"^{language.LANG_PREFIX}:"),
        CallbackQueryHandler(admin.assign_pressed, pattern=rf"^{admin.ASSIGN_PREFIX}:"),
        CallbackQueryHandler(admin.invite_pressed, pattern=rf"^{admin.INVITE_PREFIX}:"),
        CallbackQueryHandler(team.team_pressed, pattern=rf"^{team_views.TEAM_PREFIX}:"),
        CallbackQueryHandler(access.access_pressed, pattern=rf"^{access_views.ACCESS_PREFIX}:"),
        CallbackQueryHandler(families.visits_pressed, pattern=rf"^{family_views.VISITS_PREFIX}:"),
        CallbackQueryHandler(families.card_pressed, pattern=rf"^{family_views.CARD_PREFIX}:"),
        CallbackQueryHandler(plan.plan_pressed, pattern=rf"^{family_views.PLAN_PREFIX}:"),
        CallbackQueryHandler(agenda.card_pressed, pattern=rf"^{agenda_views.CARD_PREFIX}:"),
        CallbackQueryHandler(agenda.cancel_pressed, pattern=rf"^{agenda_views.CANCEL_PREFIX}:"),
        CallbackQueryHandler(reminders.reminder_pressed, pattern=rf"^{REMINDER_PREFIX}:"),
        CallbackQueryHandler(reports.report_pressed, pattern=rf"^{reports.REPORT_PREFIX}:"),
        CallbackQueryHandler(dossier.document_pressed, pattern=rf"^{DOC_PREFIX}:"),
        CallbackQueryHandler(monitoring.monitoring_pressed, pattern=rf"^{MONITORING_PREFIX}:"),
        CallbackQueryHandler(
            reminders.settings_pressed, pattern=rf"^{reminders.SETTINGS_PREFIX}:"
        ),
        main_menu.handler(),  # before the typed-text router: a menu tap is never a walk's answer
        MessageHandler(~filters.COMMAND & ~filters.StatusUpdate.ALL, _typed),
        MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, start.unknown_text),
        CallbackQueryHandler(switch_pressed, pattern=rf"^{SWITCH_PREFIX}:"),
        CallbackQueryHandler(start.stale_button),
    ]
    application.add_handlers(routed(main), group=MAIN_GROUP)
    application.add_handler(
        TypeHandler(Update, reminders.forget_settings_shown), group=SHOWN_GROUP
    )
    application.add_handler(TypeHandler(Update, clean_up_ended_walks), group=CLEANUP_GROUP)
    application.add_handler(TypeHandler(Update, persist_after_update), group=PERSIST_GROUP)
    application.add_error_handler(on_error)


async def _typed(update: Update, context: BotContext) -> None:
    """Typed text: to the open walk, else the settings just shown, else "I did not understand"."""
    await route_typed(update, context, _typed_outside_walks)


async def _typed_outside_walks(update: Update, context: BotContext) -> None:
    """Text no walk waits for: a time meant for the settings just shown, or not understood."""
    if not await reminders.typed_for_settings(update, context):
        await start.unknown_text(update, context)


async def _cancel(update: Update, context: BotContext) -> None:
    """/cancel: the open walk ends its own way, else "nothing to cancel"."""
    await route_cancel(update, context, start.cancel_nothing)


async def start_up(application: BotApplication) -> None:
    """Run the builder's post_init: we drive initialize/start ourselves, not run_polling."""
    if application.post_init is not None:
        await application.post_init(application)


async def prepare(application: BotApplication) -> None:
    """After initialize(): load the recently processed updates, publish the command menus.

    A BACKUP_DIR open to other users is warned about here, in the log IT reads (the data
    folder open to them stopped the start already, in `python -m bot`).
    """
    services: Services = application.bot_data[SERVICES_KEY]
    warn_if_open(services.backups)
    persistence = application.persistence
    if isinstance(persistence, SQLitePersistence):
        await persistence.load_recent_updates(services.clock.now())
    await publish_commands(application)
    settle_heap()


def settle_heap() -> None:
    """Load what the first answers would, then take it all out of the garbage collector's way.

    The catalogs, Babel's locale data (`i18n.warm_up`), PTB's objects and the handlers live
    as long as the process; scanning them made each full collection 15-30 ms, a pause any
    update could meet (a `/plan` of 60 goals met one about every hundred renders).
    """
    warm_up()
    gc.collect()
    gc.freeze()
