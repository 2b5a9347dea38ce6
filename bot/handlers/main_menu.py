"""A tap on the main menu (ui/main_menu.py): the command it stands for, as if typed."""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.conversations import record_visit
from bot.handlers import agenda, families, start
from bot.handlers.context import BotContext
from bot.ui.main_menu import MENU_KEY, main_menu, menu_texts


async def menu_pressed(update: Update, context: BotContext) -> None:
    """📝 Visit, 👪 Families, 📅 Appointments or ⋯ More."""
    message = update.message
    if message is None:
        return
    action = menu_texts().get(message.text or "")
    context.args = []
    if action == "visit":
        await record_visit.start(update, context)  # another walk open: it asks first
    elif action == "families":
        await families.families(update, context)
    elif action == "agenda":
        await agenda.agenda(update, context)
    else:
        await show_menu(update, context, start.help_text(context.tr, context.actor))


async def show_menu(update: Update, context: BotContext, text: str) -> None:
    """Send `text` with the main menu under the text field (and remember its language)."""
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_message(chat.id, text, reply_markup=main_menu(context.tr))
    context.data[MENU_KEY] = context.tr.locale


def handler() -> MessageHandler[BotContext, None]:
    """The menu's taps, placed before the walks' typed-text router in app.py."""
    return MessageHandler(filters.Text(list(menu_texts())), menu_pressed)
