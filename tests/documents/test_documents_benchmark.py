"""benchmarks/documents.py builds visits the product would save: someone from the family there."""

from __future__ import annotations

from benchmarks.documents import ASSISTANTS, FAMILIES_EACH, VISITS, build
from bot.config import Settings
from bot.domain.visit import VisitDraft, check_someone_present
from bot.domain.vocabulary import VisitKind
from bot.services.registry import Services
from bot.storage.db import Database


async def test_the_benchmark_saves_every_visit_it_reports_with_someone_present(
    settings: Settings, db: Database
) -> None:
    services = Services.build(settings, db)
    await build(services, db)  # built once (2 s): both checks read the same world
    codes = [f"R-{a:02d}{f:02d}" for a in range(ASSISTANTS) for f in range(FAMILIES_EACH)]
    for code in codes:
        family = await services.families.families.by_code(code)
        assert family is not None
        members = {m.id for m in family.members}
        assert members  # the rule has someone to ask for
        visits = await services.visits.visits.recent(family.id, 1000)
        assert visits, code
        for visit in visits:
            assert visit.kind is VisitKind.COMPLETED
            assert visit.present, code
            # the service's own check, as VisitService.record runs it before saving
            check_someone_present(VisitDraft(token="t", present=list(visit.present)), members)
        if code == "R-0000":  # the dossier's family has the visits the JSON line reports
            assert len(visits) == VISITS
