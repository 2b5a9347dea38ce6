"""Use cases of a family's case: close the work, list closed families, monitor, reopen.

Every one goes through FamilyService's one access path (`acting`, `open_family`, `peek`):
the assigned assistant changes, readers read (each read audited), nobody else anything.
The reads other parts build on: `history` (periods and monitoring contacts, for documents).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import DomainError, NotAllowed, Settled
from bot.domain.family import CASELOAD_LIMIT, Family
from bot.domain.lifecycle import (
    EXTEND_MONTHS,
    CasePeriod,
    Closure,
    ContactForm,
    MonitoringContact,
    check_closure,
    check_contact_day,
    check_contact_note,
    check_monitor_months,
    check_reopen_day,
    monitoring_end,
    months_after,
    shown_for_earlier,
)
from bot.domain.people import Actor
from bot.domain.plan import Stamp
from bot.services.clock import Clock
from bot.services.families import FamilyService
from bot.storage.lifecycle import CaseRepository, ClosedFamily, ClosureOutcome


class CaseHistory(BaseModel):
    """A family's case in order: its periods of work and the monitoring contacts after each."""

    model_config = ConfigDict(frozen=True)

    family: Family
    periods: tuple[CasePeriod, ...]
    contacts: tuple[MonitoringContact, ...]


@dataclass(frozen=True)
class CaseService:
    """Closing, monitoring and reopening a family's case."""

    cases: CaseRepository
    families: FamilyService
    clock: Clock
    default_monitor_months: int

    def _stamp(self, actor: Actor) -> Stamp:
        """Who changes what, now."""
        return Stamp(actor_id=actor.telegram_id, day=self.clock.today(), at=self.clock.now())

    async def _period(self, family_id: int) -> CasePeriod:
        """The family's newest period (every family has one since migration 0013)."""
        period = await self.cases.current_period(family_id)
        if period is None:  # pragma: no cover - registration always opens one
            raise DomainError("family_unknown")
        return period

    # Reads

    async def open_period(self, actor: Actor, family_id: int) -> CasePeriod:
        """The newest period of a family the actor works with (for a walk's question)."""
        family = await self.families.peek(actor, family_id, closed_ok=True)
        return await self._period(family.id)

    async def closed_period(self, actor: Actor, family_id: int) -> CasePeriod:
        """The last closed period of a closed family the actor works with (for /reopen).

        An erased family cannot be reopened: refused here, at the walk's first question.
        """
        family = await self.families.peek(actor, family_id, closed_ok=True)
        if family.erased_at is not None:
            raise NotAllowed("family_erased")
        period = await self._period(family.id)
        if period.is_open:
            raise NotAllowed("family_open")
        return period

    async def last_period(self, family: Family) -> CasePeriod | None:
        """The newest period of a family the caller has opened (its access was checked)."""
        return await self.cases.current_period(family.id)

    async def history(self, actor: Actor, family_id: int) -> CaseHistory:
        """The whole case of a family, read (and audited) like any family's file."""
        family = await self.families.open_family(actor, family_id, "read.case")
        periods = await self.cases.periods_of(family.id)
        contacts = await self.cases.monitoring_contacts(family.id)
        return CaseHistory(family=family, periods=tuple(periods), contacts=tuple(contacts))

    async def closed_families(self, actor: Actor) -> list[ClosedFamily]:
        """The actor's closed families, newest closure first."""
        actor.check_member()
        return await self.cases.closed_families(actor.telegram_id)

    async def monitored_families(self, actor: Actor) -> list[Family]:
        """The actor's closed families still monitored (for the monitoring walk's picker)."""
        actor.check_member()
        today = self.clock.today()
        found = []
        for item in await self.cases.monitored([actor.telegram_id]):
            if item.period.monitoring_on(today):
                family = await self.families.families.get(item.period.family_id)
                if family is not None:
                    found.append(family)
        return sorted(found, key=lambda f: f.code)

    # Closing

    async def close(self, actor: Actor, family_id: int, closure: Closure) -> ClosureOutcome:
        """Close the work: the family leaves the caseload (see CaseRepository.close)."""
        async with self.families.acting(actor, family_id, "family.close") as family:
            period = await self._period(family.id)
            checked = check_closure(closure, period, self.clock.today())
            until = monitoring_end(checked.day, checked.monitor_months)
            return await self.cases.close(
                family.id, checked, self._stamp(actor), monitoring_until=until
            )

    # Reopening

    async def reopen(self, actor: Actor, family_id: int, day: date) -> bool:
        """Start the work again from `day`; True if the caseload is now over the limit."""
        async with self.families.acting(
            actor, family_id, "family.reopen", closed_ok=True
        ) as family:
            if family.erased_at is not None:
                raise NotAllowed("family_erased")
            if family.active:
                raise NotAllowed("family_open")
            period = await self._period(family.id)
            checked = check_reopen_day(day, period, self.clock.today())
            await self.cases.reopen(family.id, checked, self._stamp(actor))
        held = await self.families.families.count_active(actor.telegram_id)
        return held > CASELOAD_LIMIT

    # Monitoring

    async def _monitored(self, family: Family, *, finished_ok: bool = False) -> CasePeriod:
        """The closed period being monitored; NotAllowed otherwise (a walk on it ends).

        A monitoring finished already passes only with `finished_ok` (finishing it again).
        """
        period = await self._period(family.id)
        if period.closed_on is None or family.active:
            raise NotAllowed("family_open")
        if period.monitoring_until is None or family.erased_at is not None:
            raise NotAllowed("not_monitored")
        if period.monitoring_ended_on is not None and not finished_ok:
            # Finished while a contact walk was open (the reminder's ✔): no contact after it.
            raise NotAllowed(
                "monitoring_finished",
                family_code=family.code,
                date=f"{period.monitoring_ended_on:%d.%m.%Y}",
            )
        return period

    async def check_monitored(self, actor: Actor, family_id: int) -> CasePeriod:
        """A family the actor may record a monitoring contact for, and its closed period."""
        family = await self.families.peek(actor, family_id, "monitoring.contact", closed_ok=True)
        return await self._monitored(family)

    async def record_contact(
        self,
        actor: Actor,
        family_id: int,
        day: date,
        form: ContactForm,
        note: str,
        *,
        token: str | None = None,
    ) -> MonitoringContact:
        """Save a monitoring contact (once per draft token)."""
        async with self.families.acting(
            actor, family_id, "monitoring.contact", closed_ok=True
        ) as family:
            period = await self._monitored(family)
            contact = MonitoringContact(
                family_id=family.id,
                period_id=period.id,
                day=check_contact_day(day, period, self.clock.today()),
                form=form,
                note=check_contact_note(note),
                author_id=actor.telegram_id,
            )
            contact_id, _ = await self.cases.add_contact(contact, self.clock.now(), token=token)
        return contact.model_copy(update={"id": contact_id})

    async def contact_saved(self, actor: Actor, token: str) -> bool:
        """Whether the monitoring-contact draft with this token was saved already."""
        return await self.cases.contact_saved(token, actor.telegram_id)

    async def extend_monitoring(
        self,
        actor: Actor,
        family_id: int,
        months: int = EXTEND_MONTHS,
        *,
        shown_until: date | None = None,
        shown_period: int | None = None,
    ) -> date:
        """Monitor `months` longer (from the current end); the new end.

        `shown_until` is the end the pressed button was shown with, `shown_period` the period
        it was of: once the end is another (the same button pressed twice), nothing is
        extended again and the end is returned; an earlier period's monitoring (closed and
        monitored anew since, even to the same end) is refused (Settled), nothing extended.
        Without `shown_period` (a button sent before it carried one) the end tells them apart.
        """
        check_monitor_months(months)
        async with self.families.acting(
            actor, family_id, "monitoring.extend", closed_ok=True
        ) as family:
            period = await self._monitored(family, finished_ok=True)
            if period.monitoring_ended_on is not None:
                raise NotAllowed("not_monitored")
            assert period.monitoring_until is not None
            until = period.monitoring_until
            if shown_period not in {None, period.id}:
                raise _earlier(
                    family,
                    until,
                    shown_until,
                    "monitoring_not_extended",
                    "monitoring_not_extended_earlier",
                )
            if shown_until is not None and until != shown_until:
                if shown_period is None and await self._shown_for_earlier(
                    period, shown_until, months
                ):
                    raise Settled(
                        "monitoring_not_extended",
                        family_code=family.code,
                        date=f"{until:%d.%m.%Y}",
                        shown=f"{shown_until:%d.%m.%Y}",
                    )
                return until
            until = months_after(max(until, self.clock.today()), months)
            await self.cases.extend_monitoring(period.id, until)
        return until

    async def _shown_for_earlier(self, period: CasePeriod, shown: date, months: int) -> bool:
        """Whether the end a ➕ was shown with was an earlier period's monitoring's."""
        periods = await self.cases.periods_of(period.family_id)
        earlier = {p.monitoring_until for p in periods if p.id != period.id}
        extended = months_after(max(shown, self.clock.today()), months)
        return shown_for_earlier(period, shown, earlier, extended)

    async def finish_monitoring(
        self,
        actor: Actor,
        family_id: int,
        *,
        shown_until: date | None = None,
        shown_period: int | None = None,
    ) -> bool:
        """End the monitoring today; False if it was finished already (a second press).

        `shown_until` is the end the pressed button was shown with, `shown_period` the period
        it was of: a monitoring of another period (the family closed and monitored anew, even
        to the same end) or one that ends on another day now (a later one, or this one
        extended since) is not the one the button was about, and is refused (Settled).
        """
        async with self.families.acting(
            actor, family_id, "monitoring.finish", closed_ok=True
        ) as family:
            period = await self._monitored(family, finished_ok=True)
            running = period.monitoring_ended_on is None
            until = period.monitoring_until
            if running and until is not None and shown_period not in {None, period.id}:
                raise _earlier(
                    family,
                    until,
                    shown_until,
                    "monitoring_not_shown",
                    "monitoring_not_shown_earlier",
                )
            if running and until is not None and shown_until not in {None, until}:
                raise Settled(
                    "monitoring_not_shown",
                    family_code=family.code,
                    date=f"{until:%d.%m.%Y}",
                    shown=f"{shown_until:%d.%m.%Y}",
                )
            return await self.cases.finish_monitoring(period.id, self.clock.today())


def _earlier(family: Family, until: date, shown: date | None, code: str, same: str) -> Settled:
    """A reminder's button of an earlier period's monitoring: what it was about, by `code`,
    or by `same` when it showed the running one's end (told apart by the reopening)."""
    if shown is None or shown == until:
        return Settled(same, family_code=family.code, shown=f"{until:%d.%m.%Y}")
    return Settled(
        code, family_code=family.code, date=f"{until:%d.%m.%Y}", shown=f"{shown:%d.%m.%Y}"
    )
