"""Buttons on reminders (snooze 1 h, tomorrow, done) and /settings (digest, quiet hours)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain.errors import DomainError, NotFound, Settled
from bot.domain.typed_values import plain_typed_value, typed_word
from bot.handlers.common import (
    answer_press,
    message_buttons,
    pressed_message,
    settle_reminder,
    show,
)
from bot.handlers.context import BotContext
from bot.handlers.language import LANGUAGE_WORDS, language_buttons, language_chosen
from bot.handlers.reports import NAME_WORDS, document_name
from bot.i18n import LOCALES
from bot.ui.callbacks import as_int, decode, encode, pressed_data, register
from bot.ui.labels import describe_error
from bot.ui.text import esc

SETTINGS_PREFIX = register("st", {"digest", "quiet", "lang"})
# user_data: the update whose answer was the settings message. Until the user's next update
# that message is the newest thing the bot asked, and a time typed then was meant for it.
SETTINGS_KEY = "settings"
DIGEST_CHOICES = ("06:30", "07:00", "07:30", "08:00", "08:30", "09:00")
QUIET_CHOICES = ("19:00-07:00", "20:00-07:00", "21:00-07:00", "22:00-06:00", "00:00-00:00")
# What a digest time or quiet hours look like typed: `08:00`, `7.30`, `22:00-06:00` (a bare
# number is not taken for one).
_TYPED_TIME = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s*[-–—]\s*\d{1,2}[:.]\d{2})?$")
_LANGUAGE_FILLERS = {"po", "in"}  # `po polsku`, `in English`


async def reminder_pressed(update: Update, context: BotContext) -> None:
    """Snooze for an hour, until tomorrow's digest time, or mark done."""
    query = update.callback_query
    press = decode(query.data if query else None)
    outbox_id = None if press is None else as_int(press.token)
    if press is None or outbox_id is None or query is None:
        await answer_press(update, context.tr.gettext("This button is no longer active."))
        return
    tr = context.tr
    reminders = context.services.reminders
    shown = {b.callback_data for b in message_buttons(pressed_message(update))}
    if query.data in shown and await reminders.purged(context.actor, outbox_id):
        # The bot's own reminder, purged since: out of date, and nobody was refused it.
        await answer_press(update, describe_error(tr, NotFound("reminder_unknown")))
        return
    try:
        if press.action == "done":
            await reminders.done(context.actor, outbox_id)
            note = tr.gettext("Done ✔")
        elif press.action == "tomorrow" and await reminders.is_digest(context.actor, outbox_id):
            # A digest sent before it lost this button: snoozed, it came beside tomorrow's own.
            await reminders.done(context.actor, outbox_id)
            note = tr.gettext("Tomorrow's digest will list what is still open ✔")
        else:
            until = await _snooze_until(context, press.action)
            await reminders.snooze(context.actor, outbox_id, until)
            local = until.astimezone(context.services.settings.tz)
            note = tr.gettext("I will remind you again at {when}.").format(
                when=tr.fmt_datetime(local, "EEE HH:mm")
            )
    except Settled as settled:  # out of date: nothing is left to press on it
        await settle_reminder(update, describe_error(tr, settled))
        return
    except DomainError as error:
        await answer_press(update, describe_error(tr, error))
        return
    await settle_reminder(update, note)


async def _snooze_until(context: BotContext, action: str) -> datetime:
    """One hour from now, or tomorrow at the assistant's digest time (local, DST-safe)."""
    now = context.services.clock.now()
    if action != "tomorrow":
        return now + timedelta(hours=1)
    prefs = await context.services.reminders.prefs(context.actor)
    zone = context.services.settings.tz
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, prefs.digest_time, tzinfo=zone)


async def settings(update: Update, context: BotContext) -> None:
    """/settings (/ustawienia): digest time, quiet hours, language; `name …`: documents' name."""
    if context.args and typed_word(context.args[0]) in NAME_WORDS:
        await document_name(update, context)
        return
    text, markup = await _settings_view(context)
    if context.args:  # "/settings 8:00", "/settings pl": a value typed where the buttons choose
        text = f"{_typed_value_note(context, context.args)}\n\n{text}"
    if update.message is not None:
        await update.message.reply_text(text, reply_markup=markup)
        _settings_shown(update, context)


async def typed_for_settings(update: Update, context: BotContext) -> bool:
    """A time or a language typed (no walk open) right after the settings were shown: they
    are drawn again under the note that their buttons choose it (True); False for anything
    else, or when another answer came since (a time means nothing there)."""
    message = update.message
    text = None if message is None else message.text
    typed = None if text is None else plain_typed_value(text).strip()
    if message is None or not typed or SETTINGS_KEY not in context.data:
        return False
    words = typed.lower().split()
    language = bool(LANGUAGE_WORDS.intersection(words)) and all(
        word in LANGUAGE_WORDS or word in _LANGUAGE_FILLERS for word in words
    )
    if not language and not _TYPED_TIME.match(typed):
        return False
    text, markup = await _settings_view(context)
    await message.reply_text(f"{_typed_value_note(context, words)}\n\n{text}", reply_markup=markup)
    _settings_shown(update, context)
    return True


def _settings_shown(update: Update, context: BotContext) -> None:
    """This update answered with the settings message: it is the newest thing asked."""
    context.data[SETTINGS_KEY] = update.update_id


async def forget_settings_shown(update: object, context: BotContext) -> None:
    """After every update: the settings stay the newest thing asked only if it showed them."""
    data = context.user_data
    if (
        isinstance(update, Update)
        and data is not None
        and data.get(SETTINGS_KEY) != update.update_id
    ):
        data.pop(SETTINGS_KEY, None)


def _typed_value_note(context: BotContext, args: list[str]) -> str:
    """Why a value typed after /settings changed nothing: its buttons (drawn below) choose it."""
    _ = context.tr.gettext
    # The language row is the settings' last one; /lang is named too, for next time.
    if any(typed_word(arg) in LANGUAGE_WORDS for arg in args):
        return _(
            "The language is chosen with the buttons at the bottom, or with /lang: "
            "nothing was changed."
        )
    return _("Times are chosen with the buttons below: nothing was changed.")


async def settings_pressed(update: Update, context: BotContext) -> None:
    """A digest time, quiet-hours or language choice; the settings are shown again."""
    press = pressed_data(update)
    if press is not None and press.action == "lang" and press.arg in LOCALES:
        await language_chosen(update, context, press.arg, _settings_view)
        _settings_shown(update, context)
        return
    reminders = context.services.reminders
    try:
        if press is not None and press.action == "digest" and press.arg in _keys(DIGEST_CHOICES):
            await reminders.set_digest_time(context.actor, _time(press.arg))
        elif press is not None and press.action == "quiet" and press.arg in _keys(QUIET_CHOICES):
            start, end = press.arg.split("-")
            await reminders.set_quiet_hours(context.actor, _time(start), _time(end))
        else:
            await answer_press(update, context.tr.gettext("This button is no longer active."))
            return
    except DomainError as error:
        await answer_press(update, describe_error(context.tr, error))
        return
    await answer_press(update, context.tr.gettext("Saved ✅"))
    text, markup = await _settings_view(context)
    await show(update, context, text, markup)
    _settings_shown(update, context)


async def _settings_view(
    context: BotContext, answered: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """The current settings and the buttons to change them (`answered`: by a language press)."""
    tr = context.tr
    _ = tr.gettext
    prefs = await context.services.reminders.prefs(context.actor)
    quiet = (
        _("Quiet hours: none")
        if prefs.quiet_start == prefs.quiet_end
        else _("Quiet hours: {hours} (reminders wait until they end)").format(
            hours=f"{prefs.quiet_start:%H:%M}–{prefs.quiet_end:%H:%M}"
        )
    )
    text = "\n".join(
        [
            _("<b>Reminder settings</b>"),
            _("Morning digest on working days at {time}").format(
                time=f"{prefs.digest_time:%H:%M}"
            ),
            quiet,
            _("Language: the buttons at the bottom, or /lang"),
            "",
            _("Name on your documents: {name} (to change it: /settings name Anna Nowak)").format(
                name=esc(await context.services.reports.document_name(context.actor))
            ),
        ]
    )
    digest = [
        InlineKeyboardButton(
            ("✅ " if _time(c.replace(":", "")) == prefs.digest_time else "") + c,
            callback_data=encode(SETTINGS_PREFIX, "-", "digest", c.replace(":", "")),
        )
        for c in DIGEST_CHOICES
    ]
    quiet_buttons = [
        InlineKeyboardButton(
            ("✅ " if _is_quiet_choice(c, prefs.quiet_start, prefs.quiet_end) else "")
            + (_("no quiet hours") if c == "00:00-00:00" else c.replace("-", "–")),
            callback_data=encode(SETTINGS_PREFIX, "-", "quiet", c.replace(":", "")),
        )
        for c in QUIET_CHOICES
    ]
    languages = language_buttons(tr.locale, SETTINGS_PREFIX, "lang", answered=answered)
    rows = [
        digest[:3],
        digest[3:],
        quiet_buttons[:2],
        quiet_buttons[2:4],
        quiet_buttons[4:],
        languages,
    ]
    return text, InlineKeyboardMarkup(rows)


def _is_quiet_choice(choice: str, start: time, end: time) -> bool:
    """Whether a quiet-hours button is the active setting (any empty span is "none")."""
    first, last = (_time(part.replace(":", "")) for part in choice.split("-"))
    if first == last:
        return start == end
    return (first, last) == (start, end)


def _keys(choices: tuple[str, ...]) -> set[str]:
    """Choices as they travel in callback data (no colons)."""
    return {c.replace(":", "") for c in choices}


def _time(hhmm: str) -> time:
    """'0730' → 07:30."""
    return time(int(hhmm[:2]), int(hhmm[2:4]))
