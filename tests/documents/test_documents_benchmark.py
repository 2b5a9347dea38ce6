"""benchmarks/documents.py builds visits the product would save: someone from the family there."""

from __future__ import annotations

from benchmarks.documents import ASSISTANTS, FAMILIES_EACH, build
from bot.config import Settings
from bot.domain.visit import VisitDraft, check_someone_present
from bot.domain.vocabulary import VisitKind
from bot.services.registry import Services
from bot.storage.db import Database


async def test_every_benchmark_visit_has_someone_from_the_family_present(
    settings: Settings, db: Database
) -> None:
    services = Services.build(settings, db)
    await build(services, db)
    codes = [f"R-{a:02d}{f:02d}" for a in range(ASSISTANTS) for f in range(FAMILIES_EACH)]
    counted = 0
    for code in codes:
        family = await services.families.families.by_code(code)
        assert family is not None
        members = {m.id for m in family.members}
        assert members  # the rule has someone to ask for
        for visit in await services.visits.visits.recent(family.id, 1000):
            assert visit.kind is VisitKind.COMPLETED
            assert visit.present, code
            # the service's own check, as VisitService.record runs it before saving
            check_someone_present(VisitDraft(token="t", present=list(visit.present)), members)
            counted += 1
    assert counted > 0
