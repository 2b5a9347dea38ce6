"""The figures behind the centre's documents: months, contacts and their totals (no rendering)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import DomainError
from bot.domain.typed_values import plain_typed_value
from bot.domain.vocabulary import Activity, Area, MissedReason, Place

_MONTH_TYPED = re.compile(r"^\s*(\d{1,2})[./-](\d{4})\s*$")
_MONTH_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
OLDEST_YEAR = 2000


class Month(BaseModel):
    """A calendar month of the centre's reporting."""

    model_config = ConfigDict(frozen=True)

    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        """The month a day falls in."""
        return cls(year=day.year, month=day.month)

    @property
    def first(self) -> date:
        """Its first day."""
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        """Its last day."""
        return self.next().first - timedelta(days=1)

    def next(self) -> Month:
        """The month after."""
        return Month(year=self.year + self.month // 12, month=self.month % 12 + 1)

    def previous(self) -> Month:
        """The month before."""
        return Month.of(self.first - timedelta(days=1))

    @property
    def key(self) -> str:
        """'2026-11': in file names, callback data and the CLI."""
        return f"{self.year:04d}-{self.month:02d}"


def parse_month(text: str, today: date) -> Month:
    """A typed month: '10.2026', '10/2026' or '2026-10'; not after this month, not before 2000."""
    text = plain_typed_value(text)
    typed = _MONTH_TYPED.match(text)
    iso = _MONTH_ISO.match(text)
    if typed:
        month, year = int(typed.group(1)), int(typed.group(2))
    elif iso:
        year, month = int(iso.group(1)), int(iso.group(2))
    else:
        raise DomainError("month_format")
    if not 1 <= month <= 12 or year < OLDEST_YEAR:  # before its first day: year 0 is no date
        raise DomainError("month_format")
    chosen = Month(year=year, month=month)
    if chosen.first > today:
        raise DomainError("month_future")
    return chosen


class HalfYear(BaseModel):
    """A reporting half-year: January–June (1) or July–December (2)."""

    model_config = ConfigDict(frozen=True)

    year: int
    half: int

    @classmethod
    def last_closed(cls, today: date) -> HalfYear:
        """The half-year the next ministry report is about (the one that ended last)."""
        return (
            cls(year=today.year, half=1) if today.month > 6 else cls(year=today.year - 1, half=2)
        )

    @classmethod
    def of(cls, day: date) -> HalfYear:
        """The half-year a day falls in."""
        return cls(year=day.year, half=1 if day.month <= 6 else 2)

    @property
    def first(self) -> date:
        """Its first day."""
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def last(self) -> date:
        """Its last day."""
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    @property
    def key(self) -> str:
        """'2026-H2'."""
        return f"{self.year:04d}-H{self.half}"


class ContactKind(StrEnum):
    """What a line of the work card records."""

    VISIT = "visit"
    MISSED = "missed"
    ACCOMPANYING = "accompanying"  # an appointment at an institution the assistant went to
    MONITORING = "monitoring"  # a contact after the work with the family ended


class Contact(BaseModel):
    """One contact of an assistant with a family: a line of the work card."""

    model_config = ConfigDict(frozen=True)

    family_id: int  # whose figures a reader saw (the access log), never shown
    family_code: str
    kind: ContactKind
    day: date
    duration_min: int | None = None
    place: Place | None = None
    areas: tuple[Area, ...] = ()
    activities: tuple[Activity, ...] = ()
    missed_reason: MissedReason | None = None
    institution: str | None = None  # an Institution value, for accompanying
    form: str | None = None  # a ContactForm value, for monitoring


class FamilyTotals(BaseModel):
    """One family's contacts in the month and their sums."""

    model_config = ConfigDict(frozen=True)

    family_code: str
    contacts: tuple[Contact, ...]

    @property
    def minutes(self) -> int:
        """Minutes of every contact with a length."""
        return sum(c.duration_min or 0 for c in self.contacts)

    @property
    def visits(self) -> int:
        """Visits that took place."""
        return sum(c.kind is ContactKind.VISIT for c in self.contacts)

    @property
    def missed(self) -> int:
        """Visits that did not take place."""
        return sum(c.kind is ContactKind.MISSED for c in self.contacts)

    @property
    def other(self) -> int:
        """Accompanying and monitoring contacts."""
        return len(self.contacts) - self.visits - self.missed


class WorkCard(BaseModel):
    """An assistant's monthly work card: every contact per family, and the month's totals."""

    model_config = ConfigDict(frozen=True)

    assistant_id: int
    assistant_name: str
    month: Month
    families: tuple[FamilyTotals, ...]
    made_on: date

    @property
    def minutes(self) -> int:
        """Minutes of the month."""
        return sum(f.minutes for f in self.families)

    @property
    def visits(self) -> int:
        """Visits of the month."""
        return sum(f.visits for f in self.families)

    @property
    def missed(self) -> int:
        """Missed visits of the month."""
        return sum(f.missed for f in self.families)

    @property
    def other(self) -> int:
        """Accompanying and monitoring contacts of the month."""
        return sum(f.other for f in self.families)


def work_card(
    assistant_id: int, name: str, month: Month, contacts: list[Contact], made_on: date
) -> WorkCard:
    """Group the month's contacts by family (codes in order), each family's by day."""
    by_family: dict[str, list[Contact]] = {}
    for contact in contacts:
        if month.first <= contact.day <= month.last:
            by_family.setdefault(contact.family_code, []).append(contact)
    families = tuple(
        FamilyTotals(
            family_code=code,
            contacts=tuple(sorted(by_family[code], key=lambda c: (c.day, c.kind.value))),
        )
        for code in sorted(by_family, key=_code_order)
    )
    return WorkCard(
        assistant_id=assistant_id,
        assistant_name=name,
        month=month,
        families=families,
        made_on=made_on,
    )


def _code_order(code: str) -> tuple[str, int, str]:
    """R-2 before R-10: the code's stem, then its number."""
    match = re.match(r"^(.*?)(\d+)$", code)
    return (match.group(1), int(match.group(2)), code) if match else (code, -1, code)


def hours_text(minutes: int) -> str:
    """Minutes as hours and minutes, the way a clerk writes them: '12:05'."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def week_starts(first: date, last: date) -> list[date]:
    """The Mondays of the ISO weeks that touch a period."""
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


class HalfYearFigures(BaseModel):
    """The centre's figures for one half-year, as the ministry's half-year report asks them."""

    model_config = ConfigDict(frozen=True)

    half: HalfYear
    families: int  # worked with: a period of work overlapping the half-year
    children: int  # members with the role child in those families
    new_families: int  # a first period of work begun in the half-year
    reopened: int  # a later period (the case reopened) begun in the half-year
    closed_by_reason: dict[str, int]  # CloseReason value -> periods closed in the half-year
    average_days: float | None  # mean length of the cooperation ended in the half-year
    visits: int
    missed: int
    minutes: int
    monitoring_contacts: int
    assistants: int  # who recorded a visit in the half-year
    made_on: date

    @property
    def closed(self) -> int:
        """Periods of work closed in the half-year."""
        return sum(self.closed_by_reason.values())


def half_year_figures(
    half: HalfYear, counts: dict[str, Any], closed: list[tuple[str, date, date]], made_on: date
) -> HalfYearFigures:
    """The figures from the counts and the periods closed in the half-year (reason, start, end)."""
    by_reason: dict[str, int] = {}
    for reason, _started, _ended in closed:
        by_reason[reason] = by_reason.get(reason, 0) + 1
    lengths = [(ended - started).days for _reason, started, ended in closed]
    return HalfYearFigures(
        half=half,
        families=int(counts["families"]),
        children=int(counts["children"]),
        new_families=int(counts["new_families"]),
        reopened=int(counts["reopened"]),
        closed_by_reason=by_reason,
        average_days=sum(lengths) / len(lengths) if lengths else None,
        visits=int(counts["visits"]),
        missed=int(counts["missed"]),
        minutes=int(counts["minutes"]),
        monitoring_contacts=int(counts["monitoring_contacts"]),
        assistants=int(counts["assistants"]),
        made_on=made_on,
    )
