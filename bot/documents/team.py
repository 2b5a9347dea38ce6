"""The team report: a workbook with one sheet per assistant and a summary; a PDF summary."""

from __future__ import annotations

from datetime import timedelta

from openpyxl import Workbook

from bot.documents.charts import team_weeks_png
from bot.documents.pdf import Document
from bot.documents.words import length_text, month_text
from bot.documents.work_card import (
    family_summary,
    fill_card_sheet,
    fill_summary_sheet,
    save,
)
from bot.domain.reports import ContactKind, WorkCard, week_starts
from bot.i18n import Translator
from bot.services.reports import TeamReport

_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
SHEET_NAME_MAX = 31  # Excel's limit, in UTF-16 code units
RESERVED_SHEET_NAMES = frozenset({"history"})  # Excel's own (the change history), any case


def title(tr: Translator, team: TeamReport) -> str:
    """'Raport zespołu asystentów — listopad 2026'."""
    return tr.gettext("Family assistants' team report — {month}").format(
        month=month_text(tr, team.month)
    )


def team_xlsx(tr: Translator, team: TeamReport) -> bytes:
    """The summary sheet first, then one sheet per assistant with their contacts."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = tr.gettext("Summary")[:31]
    fill_summary_sheet(summary, tr, list(team.cards))
    taken = {summary.title.lower(), *RESERVED_SHEET_NAMES}
    for card in team.cards:
        fill_card_sheet(book.create_sheet(_sheet_name(card, taken)), tr, card)
    return save(book)


def _sheet_name(card: WorkCard, taken: set[str]) -> str:
    """A sheet title Excel accepts (31 characters, no []:*?/\\), unique in the workbook.

    Nor may it begin or end with an apostrophe, or be "History" in any case (Excel keeps that
    name for itself): it "repairs" such a file, dropping the sheet. Names are compared as
    Excel does, regardless of case; a taken one gets " (2)", " (3)"….
    """
    allowed = card.assistant_name.translate(_SHEET_FORBIDDEN).strip(" '")
    base = _fit(allowed or str(card.assistant_id), SHEET_NAME_MAX)
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = _fit(base, SHEET_NAME_MAX - len(suffix)) + suffix, number + 1
    taken.add(name.lower())
    return name


def _fit(text: str, room: int) -> str:
    """The text cut to `room` characters as Excel counts them (UTF-16 units: an emoji is 2)."""
    while len(text.encode("utf-16-le")) // 2 > room:
        text = text[:-1]
    return text.rstrip(" '")


def team_pdf(tr: Translator, team: TeamReport) -> bytes:
    """Per assistant: families, visits, missed, hours; the chart of visits and hours by week."""
    _ = tr.gettext
    pdf = Document(tr, title(tr, team), team.made_on)
    rows = [
        [
            card.assistant_name,
            str(len(card.families)),
            str(card.visits),
            str(card.missed),
            str(card.other),
            length_text(card.minutes),
        ]
        for card in team.cards
    ]
    total = [
        _("Total"),
        str(sum(len(c.families) for c in team.cards)),
        str(team.visits),
        str(team.missed),
        str(sum(c.other for c in team.cards)),
        length_text(team.minutes),
    ]
    headings = [
        _("Family assistant"),
        _("Families"),
        _("Visits"),
        _("Missed visits"),
        _("Other contacts"),
        _("Hours"),
    ]
    pdf.table_of(headings, rows, (60, 20, 20, 26, 26, 28), total=total, size=9)
    pdf.paragraph(family_summary(tr, _TeamTally(team)))
    if team.cards:
        pdf.add_page()
        pdf.picture(_weeks_chart(tr, team))
    return pdf.finish()


class _TeamTally:
    """The team's three counts, for the totals sentence."""

    def __init__(self, team: TeamReport) -> None:
        self.visits = team.visits
        self.missed = team.missed
        self.other = sum(c.other for c in team.cards)


def _weeks_chart(tr: Translator, team: TeamReport) -> bytes:
    """Visits and hours per assistant per ISO week of the month."""
    weeks = week_starts(team.month.first, team.month.last)
    visits: list[list[int]] = []
    minutes: list[list[int]] = []
    for card in team.cards:
        counts = [0] * len(weeks)
        lengths = [0] * len(weeks)
        for family in card.families:
            for contact in family.contacts:
                week = (contact.day - weeks[0]) // timedelta(days=7)
                counts[week] += contact.kind is ContactKind.VISIT
                lengths[week] += contact.duration_min or 0
        visits.append(counts)
        minutes.append(lengths)
    return team_weeks_png(
        tr.gettext("Visits · hours per assistant, by week (from Monday)"),
        names=[c.assistant_name for c in team.cards],
        weeks=weeks,
        visits=visits,
        minutes=minutes,
        legend=tr.gettext("hours"),
    )
