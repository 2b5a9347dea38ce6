"""Visits: the draft being filled in by chat, the saved record, and the rules between them."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.drafts import FamilyDraft
from bot.domain.errors import DomainError
from bot.domain.vocabulary import Activity, Area, MissedReason, Place, VisitKind

NOTE_MAX = 3500
NEXT_STEPS_MAX = 1000
OLDEST_VISIT_DAYS = 366  # a typed date older than a year is almost surely a typo

# Right-to-left and left-to-right embeddings, overrides, isolates and marks: stored as typed,
# one of them in a label reverses the rest of the line it is shown in (a family code, a date).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Letters and marks that render as nothing on their own (Hangul fillers, the blank braille
# pattern, variation selectors, the grapheme joiner); zero-width characters are format (Cf)
# characters and need no list. Inside visible text, as in emoji sequences, they are kept.
BLANK_LOOKING = frozenset(
    "\u034f\u115f\u1160\u2800\u3164\uffa0" + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)


class VisitDraft(FamilyDraft):
    """A visit being recorded step by step; lives in the conversation's user_data as JSON."""

    kind: VisitKind = VisitKind.COMPLETED
    visit_date: date | None = None
    duration_min: int | None = None
    place: Place | None = None
    present: list[int] = Field(default_factory=list)
    areas: list[Area] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    goals: list[int] = Field(default_factory=list)  # plan goals worked on (progress entries)
    missed_reason: MissedReason | None = None
    date_kept: bool = False  # missed, found at who was present: its date was chosen already
    note: str = ""
    next_steps: str = ""
    editing: bool = False
    resume_at: str | None = None  # the step an unfinished draft waited at, while asked to resume
    like_visit: date | None = None  # the day of the last visit its choices were pre-selected from
    # Whether the family's plan has open goals to link, learned once the family is known and
    # again at the goals step and ✏️ Change (the counter leaves the step out when not); None:
    # not learned yet, a draft resumed, or a draft from before.
    has_open_goals: bool | None = None


class Visit(BaseModel):
    """A saved visit (or a missed attempt)."""

    model_config = ConfigDict(frozen=True)

    id: int
    family_id: int
    assistant_id: int
    kind: VisitKind
    visit_date: date
    duration_min: int | None
    place: Place | None
    present: tuple[int, ...] = ()
    areas: tuple[Area, ...] = ()
    activities: tuple[Activity, ...] = ()
    missed_reason: MissedReason | None = None
    note: str = ""
    next_steps: str = ""
    created_at: datetime


LIKE_LAST_DAYS = 30  # areas and activities are carried over only from a recent visit


def attempt_only(draft: VisitDraft) -> VisitDraft:
    """A missed visit's draft without the length, place, people, areas, activities, goals."""
    # A draft pre-selected like the last visit has them; an attempt that failed keeps none.
    if draft.kind is not VisitKind.MISSED:
        return draft
    return draft.model_copy(
        update={
            "duration_min": None,
            "place": None,
            "present": [],
            "areas": [],
            "activities": [],
            "goals": [],
        }
    )


def like_last(draft: VisitDraft, last: Visit, members: set[int], today: date) -> None:
    """Pre-select what the family's last visit had: people (still members), place, length;
    areas and activities too when that visit was at most LIKE_LAST_DAYS ago."""
    draft.like_visit = last.visit_date
    draft.duration_min = last.duration_min
    draft.place = last.place
    draft.present = [m for m in last.present if m in members]
    if (today - last.visit_date).days <= LIKE_LAST_DAYS:
        draft.areas = list(last.areas)
        draft.activities = list(last.activities)


def check_past_day(day: date, today: date, oldest_days: int, future: str) -> date:
    """A day something took place: not in the future (refused as `future`), nor too long ago."""
    if day > today:
        raise DomainError(future)
    if day < today - timedelta(days=oldest_days):
        raise DomainError("date_too_old")
    return day


def check_visit_date(day: date, today: date) -> date:
    """A visit date is not in the future and not more than a year back."""
    return check_past_day(day, today, OLDEST_VISIT_DAYS, "date_future")


def clean_text(text: str) -> str:
    """Drop control characters and bidi controls that no keyboard types; keep lines and tabs."""
    return "".join(
        c
        for c in text
        if (c in "\n\t" or unicodedata.category(c) != "Cc") and c not in BIDI_CONTROLS
    ).strip()


def shows_nothing(text: str) -> bool:
    """Whether the text is blank on screen: only whitespace and invisible characters."""
    return all(c.isspace() or unicodedata.category(c) == "Cf" or c in BLANK_LOOKING for c in text)


def check_visible(text: str) -> str:
    """Refuse text that is not empty yet shows nothing (zero-width characters, fillers)."""
    if text and shows_nothing(text):
        raise DomainError("text_invisible")
    return text


def check_note(text: str, limit: int = NOTE_MAX) -> str:
    """Notes are kept as typed (trimmed, without control characters), visible, within the limit."""
    cleaned = check_visible(clean_text(text))
    if len(cleaned) > limit:
        raise DomainError("text_too_long", limit=limit, length=len(cleaned))
    return cleaned


def check_complete(draft: VisitDraft) -> None:
    """Refuse to save a draft with a required step missing."""
    if draft.family_id is None or draft.visit_date is None:
        raise DomainError("draft_incomplete")
    if draft.kind is VisitKind.COMPLETED and (draft.duration_min is None or draft.place is None):
        raise DomainError("draft_incomplete")
    if draft.kind is VisitKind.MISSED and draft.missed_reason is None:
        raise DomainError("draft_incomplete")


def check_someone_present(draft: VisitDraft, members: set[int]) -> None:
    """A visit took place with someone from the family: with nobody there it was missed.

    A family without members has nobody to tick, so nothing is asked of it.
    """
    if draft.kind is VisitKind.COMPLETED and members and not members.intersection(draft.present):
        raise DomainError("nobody_present")
