"""How often a family is visited: the ISO-week tally and days since the last visit."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict


def week_bounds(day: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


class FamilyCadence(BaseModel):
    """One line of `/families`: visits this week against the target, days since the last."""

    model_config = ConfigDict(frozen=True)

    family_id: int
    code: str
    label: str | None
    visits_per_week: int
    visits_this_week: int
    last_visit: date | None

    def days_since_last(self, today: date) -> int | None:
        """Whole days since the last completed visit, or None if never visited."""
        return None if self.last_visit is None else (today - self.last_visit).days

    def week_done(self) -> bool:
        """Whether this week's target is met."""
        return self.visits_this_week >= self.visits_per_week
