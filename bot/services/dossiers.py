"""A family's documentation and its periodic assessment as documents (read, audited)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.dossier import AssessmentDocument, FamilyRecord, assessment_period
from bot.domain.errors import NotFound
from bot.domain.family import Family
from bot.domain.people import Actor
from bot.services.clock import Clock
from bot.services.families import FamilyService
from bot.storage.dossiers import DossierRepository
from bot.storage.lifecycle import CaseRepository
from bot.storage.people import PeopleRepository


@dataclass(frozen=True)
class DossierService:
    """Reads for the family's assistant and the team's readers, through the access check."""

    dossiers: DossierRepository
    families: FamilyService
    people: PeopleRepository
    cases: CaseRepository
    clock: Clock

    async def dossier(self, actor: Actor, family: int | str) -> FamilyRecord:
        """The family's whole record (by id or code); the read is logged."""
        opened = await self._open(actor, family, "read.dossier")
        return await self._record(opened)

    async def chart(self, actor: Actor, family_id: int) -> FamilyRecord:
        """The record behind the family's chart of visits per week; logged as that read."""
        return await self._record(await self._open(actor, family_id, "read.chart"))

    async def assessment_document(self, actor: Actor, family: int | str) -> AssessmentDocument:
        """The family's latest periodic assessment with its period; NotFound if none yet."""
        opened = await self._open(actor, family, "read.assessment_document")
        record = await self._record(opened)
        if not record.assessments:
            raise NotFound("assessment_none", family_code=opened.code)
        latest = max(record.assessments, key=lambda a: (a.day, a.id))
        return AssessmentDocument(
            record=record, assessment=latest, period=assessment_period(record, latest)
        )

    async def _open(self, actor: Actor, family: int | str, action: str) -> Family:
        """The family, if the actor may read it."""
        if isinstance(family, str):
            return await self.families.open_by_code(actor, family, action)
        return await self.families.open_family(actor, family, action)

    async def _record(self, family: Family) -> FamilyRecord:
        """Everything about the family, oldest first."""
        repo = self.dossiers
        name = ""
        if family.assistant_id is not None:
            person = await self.people.get_assistant(family.assistant_id)
            name = str(family.assistant_id) if person is None else person.signed_name
        return FamilyRecord(
            family=family,
            assistant_name=name,
            plan_started_on=await repo.plan_started_on(family.id),
            visits=tuple(await repo.visits(family.id)),
            goals=tuple(await repo.goals(family.id)),
            events=tuple(await repo.events(family.id)),
            appointments=tuple(await repo.appointments(family.id)),
            assessments=tuple(await repo.assessments(family.id)),
            periods=tuple(await self.cases.periods_of(family.id)),
            monitoring=tuple(await self.cases.monitoring_contacts(family.id)),
            made_on=self.clock.today(),
        )
