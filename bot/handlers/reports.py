"""/report (/raport): the monthly work card, the team report and the half-year figures."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain.errors import DomainError
from bot.domain.reports import OLDEST_YEAR, HalfYear, Month, parse_month
from bot.domain.typed_values import typed_word
from bot.handlers.common import answer_press, show
from bot.handlers.context import BotContext
from bot.handlers.documents import answered_again, documents_ready, send_document
from bot.i18n import Translator
from bot.services.reports import sees_team
from bot.ui.callbacks import encode, pressed_data, register
from bot.ui.labels import describe_error
from bot.ui.text import esc

FORMATS = ("pdf", "xlsx", "csv")
REPORT_PREFIX = register("rp", {"pick", *FORMATS})
TEAM_WORDS = {"team", "zespol", "zespół"}
HALF_WORDS = {"polrocze", "półrocze", "halfyear", "half-year", "half"}
NAME_WORDS = {"name", "nazwa", "imie", "imię"}


async def report(update: Update, context: BotContext) -> None:
    """`/report`: month buttons; `/report 10.2026 [pdf]`, `/report team`, `/report polrocze`."""
    message = update.message
    if message is None:
        return
    words = [typed_word(w) for w in context.args or []]
    half = any(w in HALF_WORDS for w in words)
    if half or any(w in TEAM_WORDS for w in words):
        try:  # said now, not after a month and a format were chosen on buttons that cannot work
            action = "read.half_year" if half else "read.team_report"
            await context.services.reports.check_team_reader(context.actor, action)
        except DomainError as error:
            await message.reply_text(esc(describe_error(context.tr, error)))
            return
    if half:
        text, markup = _half_choice(context)
        await message.reply_text(text, reply_markup=markup)
        return
    # The words in any order: "/report pdf 10.2026" as "/report 10.2026 pdf".
    scope = "t" if any(w in TEAM_WORDS for w in words) else "m"
    fmt = next((w for w in words if w in FORMATS), None)
    months = [w for w in words if w not in FORMATS and w not in TEAM_WORDS]
    if not months:
        text, markup = _month_choice(context, scope, fmt)
        await message.reply_text(text, reply_markup=markup)
        return
    try:
        month = parse_month(months[0], context.services.clock.today())
    except DomainError as error:
        await message.reply_text(esc(describe_error(context.tr, error)))
        return
    if fmt is None:
        text, markup = _format_choice(context.tr, scope, month)
        await message.reply_text(text, reply_markup=markup)
        return
    await _send(update, context, scope, month, fmt)


async def document_name(update: Update, context: BotContext) -> None:
    """`/settings name Anna Nowak`: the name the assistant's documents carry."""
    message = update.message
    if message is None or message.text is None:
        return
    _ = context.tr.gettext
    typed = message.text.split(maxsplit=2)[2:]  # the name as typed, spaces and all
    reports = context.services.reports
    if not typed:
        current = await reports.document_name(context.actor)
        await message.reply_text(
            _(
                "Your documents carry the name {name}. Type it after the command, like "
                "/settings name Anna Nowak."
            ).format(name=esc(current))
        )
        return
    try:
        name = await reports.set_document_name(context.actor, typed[0])
    except DomainError as error:
        await message.reply_text(esc(describe_error(context.tr, error)))
        return
    await message.reply_text(
        _("Saved ✅ Your work cards and assessments will carry the name {name}.").format(
            name=esc(name)
        )
    )


async def report_pressed(update: Update, context: BotContext) -> None:
    """A month or a format button (the service re-checks who may read what)."""
    press = pressed_data(update)
    parsed = None if press is None else _token(press.token, context.services.clock.today())
    if press is None or parsed is None:
        await answer_press(update, context.tr.gettext("This button is no longer active."))
        return
    scope, month = parsed
    if await answered_again(update, context):  # the document is already in the chat
        return
    await answer_press(update)
    if isinstance(month, HalfYear):
        await _send_half(update, context, month, press.action)
        return
    if press.action == "pick":
        await show(update, context, *_format_choice(context.tr, scope, month))
        return
    await _send(update, context, scope, month, press.action)


async def _send(update: Update, context: BotContext, scope: str, month: Month, fmt: str) -> None:
    """Build the document the press or the command asked for and send it."""
    await documents_ready(charts=scope == "t" and fmt == "pdf")  # the team PDF draws charts
    from bot.documents import work_card  # noqa: PLC0415 (see documents_ready)
    from bot.documents.team import team_pdf, team_xlsx  # noqa: PLC0415

    tr = context.tr
    reports = context.services.reports
    try:
        if scope == "t":
            team = await reports.team_report(context.actor, month)
            cards = list(team.cards)
            stem = tr.gettext("team-report")
            builders = {
                "pdf": lambda: team_pdf(tr, team),
                "xlsx": lambda: team_xlsx(tr, team),
                "csv": lambda: work_card.card_csv(tr, cards),
            }
        else:
            card = await reports.work_card(context.actor, month)
            stem = tr.gettext("work-card")
            builders = {
                "pdf": lambda: work_card.card_pdf(tr, card),
                "xlsx": lambda: work_card.card_xlsx(tr, card),
                "csv": lambda: work_card.card_csv(tr, [card]),
            }
    except DomainError as error:
        await show(update, context, esc(describe_error(tr, error)), fresh=True)
        return
    name = f"{stem}-{month.key}.{fmt}"
    await send_document(update, context, builders[fmt](), name, name)


def _month_choice(
    context: BotContext, scope: str, fmt: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """This month, last month, or a typed one; a month pressed then asks the format (or `fmt`)."""
    action = fmt or "pick"
    tr = context.tr
    _ = tr.gettext
    this = Month.of(context.services.clock.today())
    last = this.previous()
    rows = [
        [
            InlineKeyboardButton(
                tr.fmt_date(m.first, "LLLL y"),
                callback_data=encode(REPORT_PREFIX, _key(scope, m), action),
            )
            for m in (this, last)
        ]
    ]
    if scope == "m" and sees_team(context.actor):
        rows.append(
            [
                InlineKeyboardButton(
                    _("Team: {month}").format(month=tr.fmt_date(m.first, "LLLL y")),
                    callback_data=encode(REPORT_PREFIX, _key("t", m), action),
                )
                for m in (this, last)
            ]
        )
    heading = _("<b>Team report</b>") if scope == "t" else _("<b>Monthly work card</b>")
    hint = _("Which month? Or type it, like /report 10.2026.")
    if scope == "m" and sees_team(context.actor):
        hint += "\n" + _("Team figures for the ministry's half-year report: /report halfyear.")
    return f"{heading}\n{hint}", InlineKeyboardMarkup(rows)


def _format_choice(tr: Translator, scope: str, month: Month) -> tuple[str, InlineKeyboardMarkup]:
    """PDF to print and sign, XLSX for the centre's sheets, CSV on request."""
    _ = tr.gettext
    what = _("Team report") if scope == "t" else _("Monthly work card")
    text = _(
        "<b>{what}, {month}</b>\nPDF to print and sign, XLSX for the centre's sheets."
    ).format(what=esc(what), month=esc(tr.fmt_date(month.first, "LLLL y")))
    key = _key(scope, month)
    row = [
        InlineKeyboardButton("📄 PDF", callback_data=encode(REPORT_PREFIX, key, "pdf")),
        InlineKeyboardButton("📊 XLSX", callback_data=encode(REPORT_PREFIX, key, "xlsx")),
        InlineKeyboardButton("CSV", callback_data=encode(REPORT_PREFIX, key, "csv")),
    ]
    return text, InlineKeyboardMarkup([row])


def _half_choice(context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    """The half-year the ministry's report is about next, and the one under way.

    Each button names its half-year and its file, one a row: two side by side would not show
    "II półrocze 2026" whole on a phone, and a bare "CSV" said only by its row which it was.
    """
    _ = context.tr.gettext
    today = context.services.clock.today()
    rows = []
    for half in (HalfYear.last_closed(today), HalfYear.of(today)):
        name = half_name(context.tr, half)
        key = f"h{half.year:04d}{half.half}"
        rows += [
            [
                InlineKeyboardButton(
                    f"📊 {name} XLSX", callback_data=encode(REPORT_PREFIX, key, "xlsx")
                )
            ],
            [InlineKeyboardButton(f"{name} CSV", callback_data=encode(REPORT_PREFIX, key, "csv"))],
        ]
    text = _(
        "<b>Half-year figures</b>\nFor the ministry's half-year report on family support "
        "(families, children, closures, visits). The half-year under way counts up to today."
    )
    return text, InlineKeyboardMarkup(rows)


async def _send_half(update: Update, context: BotContext, half: HalfYear, fmt: str) -> None:
    """The half-year figures as XLSX or CSV (coordinators and admins)."""
    tr = context.tr
    try:
        figures = await context.services.reports.half_year(context.actor, half)
    except DomainError as error:
        await show(update, context, esc(describe_error(tr, error)), fresh=True)
        return
    await documents_ready()
    from bot.documents.half_year import half_year_csv, half_year_xlsx  # noqa: PLC0415

    content = half_year_csv(tr, figures) if fmt == "csv" else half_year_xlsx(tr, figures)
    stem = tr.gettext("half-year")
    name = f"{stem}-{half.key}.{'csv' if fmt == 'csv' else 'xlsx'}"
    await send_document(update, context, content, name, name)


def half_name(tr: Translator, half: HalfYear) -> str:
    """'I półrocze 2026'."""
    return tr.gettext("half-year {half} {year}").format(
        half="I" if half.half == 1 else "II", year=half.year
    )


def _key(scope: str, month: Month) -> str:
    """'m202611': whose document and which month, as a button carries it."""
    return f"{scope}{month.year:04d}{month.month:02d}"


def _token(token: str, today: date) -> tuple[str, Month | HalfYear] | None:
    """A button's scope and month (or half-year), or None when it is not one of ours.

    The bot offers only periods begun already, since OLDEST_YEAR: any other is forged (year 0
    makes no date, December 9999 no month after it).
    """
    scope, digits = token[:1], token[1:]
    # ASCII digits only: "²⁰²⁴" is digits to isdigit, not to int
    if not (digits.isascii() and digits.isdigit()) or int(digits[:4]) < OLDEST_YEAR:
        return None
    period: Month | HalfYear
    if scope == "h" and len(digits) == 5 and digits[4] in "12":
        period = HalfYear(year=int(digits[:4]), half=int(digits[4]))
    elif scope in {"m", "t"} and len(digits) == 6:
        if not 1 <= int(digits[4:]) <= 12:
            return None
        period = Month(year=int(digits[:4]), month=int(digits[4:]))
    else:
        return None
    return (scope, period) if period.first <= today else None
