"""The centre's view of its team: figures per assistant and per family, from plain snapshots.

Everything here is codes, counts and dates: no member names, labels or notes, so whatever a
coordinator is shown from it carries none.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from bot.domain.cadence import week_bounds
from bot.domain.family import CASELOAD_LIMIT
from bot.domain.people import Role
from bot.domain.reminders.snapshots import FamilySnapshot

NOT_SEEN_DAYS = 7  # a family with no visit for this long is listed as not seen
ASSESSMENT_NOTICE_DAYS = 14  # the team view lists assessments due within this many days
DIGEST_NOTICE_DAYS = 30  # the weekly digest lists assessments and contracts this far ahead
_ASSESSMENT_NOTICE = timedelta(days=ASSESSMENT_NOTICE_DAYS)


class TeamFamily(FamilySnapshot):
    """One active family as the team view sees it: the reminder snapshot and a few counts."""

    visits_this_week: int = 0
    open_appointments: int = 0
    overdue_items: int = 0  # open goals and tasks of the current plan past their due date
    cover_until: date | None = None  # on holiday cover until this day (then back to cover_for)
    cover_for: int | None = None

    def not_seen(self, today: date) -> bool:
        """No completed visit (or registration) for NOT_SEEN_DAYS or more."""
        return self.days_without_visit(today) >= NOT_SEEN_DAYS

    def assessment_pressing(self, today: date) -> bool:
        """The periodic assessment is overdue or due within ASSESSMENT_NOTICE_DAYS."""
        due = self.assessment_due()
        return due is not None and due <= today + _ASSESSMENT_NOTICE


class TeamMember(BaseModel):
    """A registered person as the team list shows them."""

    model_config = ConfigDict(frozen=True)

    telegram_id: int
    display_name: str
    role: Role
    active: bool = True
    unreachable: bool = False
    is_admin: bool = False  # from ADMIN_TELEGRAM_IDS
    last_activity: datetime | None = None  # their last recorded access or change


class AssistantFigures(BaseModel):
    """One line of the team at a glance."""

    model_config = ConfigDict(frozen=True)

    member: TeamMember
    families: int
    visits_this_week: int
    target_this_week: int
    not_seen: tuple[str, ...]  # codes
    assessments: tuple[str, ...]  # codes: overdue or due within 14 days
    overdue_items: int

    @property
    def over_limit(self) -> bool:
        """More active families than the statute allows."""
        return self.families > CASELOAD_LIMIT


class FamilyFigures(BaseModel):
    """One family of an assistant's caseload as a coordinator sees it."""

    model_config = ConfigDict(frozen=True)

    family_id: int
    code: str
    visits_this_week: int
    target: int
    days_since_visit: int | None  # None: never visited
    next_assessment: date | None
    open_appointments: int
    cover_until: date | None = None


def assistant_figures(
    member: TeamMember, families: list[TeamFamily], today: date
) -> AssistantFigures:
    """The figures of one person's active families on `today`."""
    # One pass over the families (the team view runs this for every family of the centre).
    visits = target = overdue = 0
    not_seen: list[str] = []
    assessments: list[str] = []
    for family in sorted(families, key=lambda f: f.code):
        visits += family.visits_this_week
        target += family.visits_per_week
        overdue += family.overdue_items
        if family.not_seen(today):
            not_seen.append(family.code)
        if family.assessment_pressing(today):
            assessments.append(family.code)
    return AssistantFigures(
        member=member,
        families=len(families),
        visits_this_week=visits,
        target_this_week=target,
        not_seen=tuple(not_seen),
        assessments=tuple(assessments),
        overdue_items=overdue,
    )


def team_overview(
    members: list[TeamMember], families: list[TeamFamily], today: date
) -> list[AssistantFigures]:
    """Per active person who holds families (or is an assistant), their figures, by name."""
    held: dict[int, list[TeamFamily]] = {}
    for family in families:
        held.setdefault(family.assistant_id, []).append(family)
    return [
        assistant_figures(m, held.get(m.telegram_id, []), today)
        for m in members
        if m.active and (m.telegram_id in held or (m.role is Role.ASSISTANT and not m.is_admin))
    ]


def named_family_ids(
    figures: list[AssistantFigures], families: list[TeamFamily], reader_id: int
) -> list[int]:
    """The families whose codes the overview names, but the reader's own (a read of each)."""
    named = {
        (row.member.telegram_id, code)
        for row in figures
        if row.member.telegram_id != reader_id
        for code in (*row.not_seen, *row.assessments)
    }
    return sorted(f.family_id for f in families if (f.assistant_id, f.code) in named)


def family_figures(family: TeamFamily, today: date) -> FamilyFigures:
    """One family's line in a caseload opened from the team view."""
    last = family.last_visit
    return FamilyFigures(
        family_id=family.family_id,
        code=family.code,
        visits_this_week=family.visits_this_week,
        target=family.visits_per_week,
        days_since_visit=None if last is None else (today - last).days,
        next_assessment=family.assessment_due(),
        open_appointments=family.open_appointments,
        cover_until=family.cover_until,
    )


def last_week(today: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week before the one holding `today`."""
    monday, _ = week_bounds(today)
    return monday - timedelta(days=7), monday - timedelta(days=1)
