"""The monthly work card as PDF (to print and sign), XLSX (the centre's sheets) and CSV."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from io import BytesIO, StringIO
from typing import Protocol
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from bot.documents.pdf import Document
from bot.documents.words import contact_cells, day_text, length_text, month_text
from bot.domain.reports import WorkCard
from bot.i18n import N_, Translator

CONTACT_COLUMNS = (
    N_("Family"),
    N_("Date"),
    N_("Contact"),
    N_("Minutes"),
    N_("Place"),
    N_("Areas"),
    N_("Activities"),
)
SUMMARY_COLUMNS = (
    N_("Family assistant"),
    N_("Family"),
    N_("Visits"),
    N_("Missed visits"),
    N_("Other contacts"),
    N_("Minutes"),
    N_("Hours"),
)
FORMULA_STARTS = frozenset("=+-@")  # what makes a spreadsheet read a cell as a formula
# mm; landscape pages would not fit a signature line. "Length" needs 15 (13 broke it in two).
WIDTHS = (16, 20, 30, 15, 28, 37, 34)


def title(tr: Translator, card: WorkCard) -> str:
    """'Karta pracy asystenta rodziny — listopad 2026'."""
    return tr.gettext("Family assistant's work card — {month}").format(
        month=month_text(tr, card.month)
    )


def headings(tr: Translator) -> list[str]:
    """The columns of a contact line."""
    _ = tr.gettext
    return [
        _("Family"),
        _("Date"),
        _("Contact"),
        _("Length"),
        _("Place"),
        _("Areas"),
        _("Activities"),
    ]


def card_pdf(tr: Translator, card: WorkCard) -> bytes:
    """The card on A4: a line per contact, each family's totals, the month's, and signatures."""
    _ = tr.gettext
    pdf = Document(tr, title(tr, card), card.made_on)
    pdf.paragraph(_("Family assistant: {name}").format(name=card.assistant_name))
    pdf.paragraph(
        _("Period: {first} – {last}").format(
            first=day_text(card.month.first), last=day_text(card.month.last)
        )
    )
    pdf.ln(3)
    add_card_table(pdf, tr, card)
    pdf.paragraph(month_totals(tr, card), bold=True)
    pdf.signatures([_("Family assistant's signature"), _("Coordinator's signature")])
    return pdf.finish()


def add_card_table(pdf: Document, tr: Translator, card: WorkCard) -> None:
    """The contact lines with a totals line after each family."""
    rows: list[list[str]] = []
    for family in card.families:
        rows.extend(
            [family.family_code, day_text(contact.day), *contact_cells(tr, contact)]
            for contact in family.contacts
        )
        rows.append(
            [
                family.family_code,
                tr.gettext("Total"),
                family_summary(tr, family),
                length_text(family.minutes),
                "",
                "",
                "",
            ]
        )
    if not rows:
        pdf.paragraph(tr.gettext("No contacts recorded in this month."))
        return
    pdf.table_of(headings(tr), rows, WIDTHS)


class Tally(Protocol):
    """Anything with the three counts of a totals line (a family, a month, a team)."""

    @property
    def visits(self) -> int: ...
    @property
    def missed(self) -> int: ...
    @property
    def other(self) -> int: ...


def family_summary(tr: Translator, totals: Tally) -> str:
    """'4 visits, 1 missed' for a totals line."""
    visits, missed, other = totals.visits, totals.missed, totals.other
    parts = [tr.ngettext("{n} visit", "{n} visits", visits).format(n=visits)]
    if missed:
        parts.append(tr.ngettext("{n} missed", "{n} missed", missed).format(n=missed))
    if other:
        parts.append(tr.ngettext("{n} other contact", "{n} other contacts", other).format(n=other))
    return ", ".join(parts)


def month_totals(tr: Translator, card: WorkCard) -> str:
    """The month's totals in one sentence."""
    return tr.gettext("Month total: {hours} h in families: {families}; {summary}.").format(
        hours=length_text(card.minutes),
        families=len(card.families),
        summary=family_summary(tr, card),
    )


def card_xlsx(tr: Translator, card: WorkCard) -> bytes:
    """The card as a workbook: the contact lines, then a summary sheet with the totals."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = tr.gettext("Contacts")[:31]
    fill_card_sheet(sheet, tr, card)
    fill_summary_sheet(book.create_sheet(tr.gettext("Summary")[:31]), tr, [card])
    return save(book)


def fill_card_sheet(sheet: Worksheet, tr: Translator, card: WorkCard) -> None:
    """One row per contact (minutes as a number, for the centre's own sums)."""
    _ = tr.gettext
    sheet.append([title(tr, card)])
    sheet.append([_("Family assistant: {name}").format(name=card.assistant_name)[:200]])
    sheet.append([])
    _bold_row(sheet, [_(name) for name in CONTACT_COLUMNS])
    for family in card.families:
        for contact in family.contacts:
            kind, _length, place, areas, activities = contact_cells(tr, contact)
            sheet.append(
                [
                    family.family_code,
                    contact.day,
                    kind,
                    contact.duration_min,
                    place,
                    areas,
                    activities,
                ]
            )
            sheet.cell(sheet.max_row, 2).number_format = "DD.MM.YYYY"
    for column, width in zip("ABCDEFG", (10, 12, 26, 9, 22, 40, 40), strict=True):
        sheet.column_dimensions[column].width = width


def _bold_row(sheet: Worksheet, cells: Sequence[object]) -> None:
    """Append a row in bold (a header or the totals)."""
    sheet.append(cells)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def fill_summary_sheet(sheet: Worksheet, tr: Translator, cards: list[WorkCard]) -> None:
    """Per assistant and family: visits, missed, other contacts, minutes, hours; then totals."""
    _ = tr.gettext
    _bold_row(sheet, [_(name) for name in SUMMARY_COLUMNS])
    for card in cards:
        for family in card.families:
            sheet.append(
                [
                    card.assistant_name,
                    family.family_code,
                    family.visits,
                    family.missed,
                    family.other,
                    family.minutes,
                    round(family.minutes / 60, 2),
                ]
            )
    minutes = sum(c.minutes for c in cards)
    totals = (sum(c.visits for c in cards), sum(c.missed for c in cards))
    _bold_row(
        sheet,
        [_("Total"), "", *totals, sum(c.other for c in cards), minutes, round(minutes / 60, 2)],
    )
    for column, width in zip("ABCDEFG", (28, 10, 8, 14, 14, 9, 8), strict=True):
        sheet.column_dimensions[column].width = width


def card_csv(tr: Translator, cards: list[WorkCard]) -> bytes:
    """One line per contact; semicolons and a BOM, as a Polish spreadsheet opens it."""
    _ = tr.gettext
    out = StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Family assistant"),
            _("Family"),
            _("Date"),
            _("Contact"),
            _("Minutes"),
            _("Place"),
            _("Areas"),
            _("Activities"),
        ]
    )
    for card in cards:
        for family in card.families:
            for contact in family.contacts:
                kind, _length, place, areas, activities = contact_cells(tr, contact)
                minutes = "" if contact.duration_min is None else str(contact.duration_min)
                writer.writerow(
                    [
                        csv_text(card.assistant_name),
                        family.family_code,
                        contact.day.isoformat(),
                        kind,
                        minutes,
                        place,
                        areas,
                        activities,
                    ]
                )
    return out.getvalue().encode("utf-8-sig")


def save(book: Workbook) -> bytes:
    """A workbook's bytes, written in memory (every sheet too: see _InMemoryWriter)."""
    for sheet in book.worksheets:
        text_cells(sheet)
    buffer = BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        _InMemoryWriter(book, archive).save()
    return buffer.getvalue()


class _InMemoryWriter(ExcelWriter):  # type: ignore[misc]  # openpyxl has no type hints
    """openpyxl's writer, with each sheet's XML kept in memory.

    `Workbook.save` writes every sheet (names, codes, dates) to a file in /tmp first and
    deletes it afterwards: plain text on the disk, left there by a crash in between.
    """

    def write_worksheet(self, ws: Worksheet) -> None:
        """As ExcelWriter.write_worksheet (openpyxl 3.1) for a workbook that is not write-only."""
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def text_cells(sheet: Worksheet) -> None:
    """Make every text that could pass for a formula ('=…', '+…', '-…', '@…') a text cell.

    openpyxl stores a string that begins with '=' as a formula (Excel would compute a typed
    "=Anna"), and Excel turns '+…', '-…' or '@…' into one when the clerk edits the cell. A
    text cell with Excel's quote prefix shows the text as typed, with no apostrophe, and stays
    text when edited. The bot writes no formulas of its own.
    """
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value[:1] in FORMULA_STARTS:
                cell.data_type = "s"
                cell.quotePrefix = True


def csv_text(text: str) -> str:
    """Typed text for a CSV, where a spreadsheet must not read it as a formula.

    A CSV field carries no type: the usual defence is a leading apostrophe, which Excel and
    LibreOffice show, so the text is read as text and never run ('=…' prints as "'=…").
    """
    return f"'{text}" if text[:1] in FORMULA_STARTS else text
