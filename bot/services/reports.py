"""The figures behind the work card and the team report (no rendering, no telegram)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import NotAllowed
from bot.domain.people import Actor, Role, check_document_name
from bot.domain.reports import (
    HalfYear,
    HalfYearFigures,
    Month,
    WorkCard,
    half_year_figures,
    work_card,
)
from bot.services.audit import AccessAudit
from bot.services.clock import Clock
from bot.storage.people import PeopleRepository
from bot.storage.reports import ReportRepository


class TeamReport(BaseModel):
    """Every assistant's work card of one month, for the coordinator."""

    model_config = ConfigDict(frozen=True)

    month: Month
    cards: tuple[WorkCard, ...]
    made_on: date

    @property
    def minutes(self) -> int:
        """The team's minutes in the month."""
        return sum(c.minutes for c in self.cards)

    @property
    def visits(self) -> int:
        """The team's visits in the month."""
        return sum(c.visits for c in self.cards)

    @property
    def missed(self) -> int:
        """The team's missed visits in the month."""
        return sum(c.missed for c in self.cards)


def sees_team(actor: Actor) -> bool:
    """Whether the actor reads the whole team's figures (coordinators and admins)."""
    return actor.sees_team


@dataclass(frozen=True)
class ReportService:
    """Work cards for their assistant, team figures for whoever sees the team; all audited."""

    reports: ReportRepository
    people: PeopleRepository
    audit: AccessAudit
    clock: Clock
    admin_ids: frozenset[int] = frozenset()

    async def work_card(
        self, actor: Actor, month: Month, assistant_id: int | None = None
    ) -> WorkCard:
        """An assistant's monthly work card: one's own, or anyone's for the team's reader."""
        actor.check_member()
        chosen = actor.telegram_id if assistant_id is None else assistant_id
        if chosen != actor.telegram_id:
            await self._check_team(actor, "read.report", f"assistant={chosen}")
        cards = await self._cards(actor, [chosen], month, "read.report")
        return cards[0]

    async def team_report(self, actor: Actor, month: Month) -> TeamReport:
        """Every assistant's work card of the month (the assistants without contacts too).

        An admin's row (made for them at their first message) is an assistant's only while
        they hold a family or recorded a contact in the month: else no empty sheet of theirs.
        """
        await self._check_team(actor, "read.team_report", f"month={month.key}")
        people = await self.people.list_assistants()
        holders = await self.reports.family_holders() if self.admin_ids else set()
        ids = [
            a.telegram_id
            for a in people
            if a.role is Role.ASSISTANT
            and (a.telegram_id not in self.admin_ids or a.telegram_id in holders)
        ]
        extra = await self.reports.assistants_with_contacts(month.first, month.last, self.clock.tz)
        ids += [a for a in extra if a not in ids]  # someone who left keeps their month
        cards = tuple(await self._cards(actor, ids, month, "read.team_report"))
        return TeamReport(month=month, cards=cards, made_on=self.clock.today())

    async def half_year(self, actor: Actor, half: HalfYear) -> HalfYearFigures:
        """The centre's figures for a half-year (up to today while it runs); the team's readers."""
        await self._check_team(actor, "read.half_year", f"half={half.key}")
        today = self.clock.today()
        last = min(half.last, today)
        counts = await self.reports.half_year(half.first, last)
        closed = counts.pop("closed")
        return half_year_figures(half, counts, closed, today)

    async def check_team_reader(self, actor: Actor, action: str) -> None:
        """Refuse anyone but the team's readers before a team document is even offered (logged)."""
        if not sees_team(actor):
            await self._check_team(actor, action, "asked")

    async def document_name(self, actor: Actor) -> str:
        """The name the actor's documents carry."""
        return await self._name(actor.telegram_id)

    async def set_document_name(self, actor: Actor, text: str | None) -> str:
        """Set (or with None, reset to the Telegram name) the name on the actor's documents."""
        actor.check_member()
        name = None if text is None else check_document_name(text)
        await self.people.set_document_name(actor.telegram_id, name)
        return await self._name(actor.telegram_id)

    async def _cards(
        self, actor: Actor, ids: list[int], month: Month, action: str
    ) -> list[WorkCard]:
        """The work cards of these assistants, in the order given.

        Each family another assistant's card shows is logged as read with `action`, so the
        family's own entries (/access R-01) tell who saw its month.
        """
        zone = self.clock.tz
        contacts = await self.reports.contacts(ids, month.first, month.last, zone)
        people = await self.people.list_assistants(with_inactive=True)  # who left, too
        names = {a.telegram_id: a.signed_name for a in people}
        today = self.clock.today()
        if actor.telegram_id in ids:
            await self.audit.allowed(actor.telegram_id, "read.work_card", None, month.key)
        others = {c.family_id for a in ids if a != actor.telegram_id for c in contacts[a]}
        await self.audit.allowed_each(actor.telegram_id, action, sorted(others))
        return [work_card(a, names.get(a, str(a)), month, contacts[a], today) for a in ids]

    async def _name(self, telegram_id: int) -> str:
        """A person's document name, or their id when they never joined as an assistant."""
        person = await self.people.get_assistant(telegram_id)
        return str(telegram_id) if person is None else person.signed_name

    async def _check_team(self, actor: Actor, action: str, subject: str) -> None:
        """Only the team's readers; the read is logged, a refusal too."""
        if not sees_team(actor):
            await self.audit.denied(actor.telegram_id, action, subject=subject)
            actor.check_member()
            raise NotAllowed("team_only")
        await self.audit.allowed(actor.telegram_id, action, None, subject)
