"""The half-year figures for the ministry's report, as a workbook and as CSV."""

from __future__ import annotations

import csv
from io import StringIO

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.documents.words import day_text
from bot.documents.work_card import save
from bot.domain.lifecycle import CloseReason
from bot.domain.reports import HalfYearFigures
from bot.i18n import Translator
from bot.ui.case_questions import reason_name


def title(tr: Translator, figures: HalfYearFigures) -> str:
    """'Dane za II półrocze 2026 (01.07.2026 – 31.12.2026)'."""
    half = figures.half
    text = tr.gettext("Figures for half-year {half} of {year} ({first} – {last})")
    return text.format(
        half="I" if half.half == 1 else "II",
        year=half.year,
        first=day_text(half.first),
        last=day_text(half.last),
    )


def lines(tr: Translator, figures: HalfYearFigures) -> list[tuple[str, str | int | float]]:
    """(what, value) pairs in the order a clerk copies them."""
    _ = tr.gettext
    found: list[tuple[str, str | int | float]] = [
        (_("Families the assistants worked with"), figures.families),
        (_("Children in those families"), figures.children),
        (_("New families (work begun in the half-year)"), figures.new_families),
        (_("Cases reopened in the half-year"), figures.reopened),
        (_("Families whose cooperation ended"), figures.closed),
    ]
    for reason in CloseReason:
        label = _("— of which: {reason}").format(reason=reason_name(tr, reason))
        found.append((label, figures.closed_by_reason.get(reason.value, 0)))
    days = figures.average_days
    found += [
        (
            _("Average length of the cooperation ended (days)"),
            "—" if days is None else round(days, 1),
        ),
        (_("Visits"), figures.visits),
        (_("Missed visits"), figures.missed),
        (_("Hours of visits"), round(figures.minutes / 60, 2)),
        (_("Minutes of visits"), figures.minutes),
        (_("Monitoring contacts after closure"), figures.monitoring_contacts),
        (_("Assistants who recorded visits"), figures.assistants),
    ]
    return found


def half_year_xlsx(tr: Translator, figures: HalfYearFigures) -> bytes:
    """One sheet: the title, then one line per figure."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = tr.gettext("Half-year")[:31]
    sheet.append([title(tr, figures)])
    sheet["A1"].font = Font(bold=True)
    sheet.append([tr.gettext("Made on {day}").format(day=day_text(figures.made_on))])
    sheet.append([])
    for label, value in lines(tr, figures):
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 12
    return save(book)


def half_year_csv(tr: Translator, figures: HalfYearFigures) -> bytes:
    """The same lines as CSV (semicolons, BOM), every figure one Excel opens as a number."""
    out = StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([tr.gettext("Figure"), tr.gettext("Value")])
    for label, value in lines(tr, figures):
        writer.writerow([label, csv_figure(value)])
    return out.getvalue().encode("utf-8-sig")


def csv_figure(value: str | int | float) -> str:
    """A figure as the Polish spreadsheet this CSV is made for reads a number: '8,58'.

    The file is laid out for it (semicolons, since the comma is its decimal mark), in either
    language: '12.5' would open as 12 May there, and '12:30' as a time of day anywhere.
    """
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)
