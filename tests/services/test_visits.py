"""VisitService.record: dates and notes checked by the service, not only by the walk."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.config import Settings
from bot.domain.errors import DomainError
from bot.domain.family import Member, NewFamily
from bot.domain.people import Actor
from bot.domain.visit import VisitDraft
from bot.domain.vocabulary import MemberRole, MissedReason, Place, VisitKind
from bot.services.registry import Services
from bot.storage.db import Database
from bot.storage.people import PeopleRepository

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
OWNER = Actor(telegram_id=1001, is_assistant=True)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """A fixed Wednesday morning in Warsaw."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
async def world(settings: Settings, db: Database) -> tuple[Services, int]:
    """The services and the owner's family R-01."""
    await PeopleRepository(db).add_assistant(OWNER.telegram_id, "Owner", NOW)
    services = Services.build(settings, db)
    family_id, _ = await services.families.register(OWNER, NewFamily(code="R-01"))
    return services, family_id


def draft(family_id: int, day: date, **changes: object) -> VisitDraft:
    """A completed hour at home."""
    values: dict[str, object] = {
        "token": f"t-{day.isoformat()}-{len(changes)}",
        "family_id": family_id,
        "visit_date": day,
        "duration_min": 60,
        "place": Place.HOME,
    }
    values.update(changes)
    return VisitDraft.model_validate(values)


@pytest.mark.parametrize(
    ("day", "code"), [(date(1800, 1, 1), "date_too_old"), (date(2026, 11, 26), "date_future")]
)
async def test_a_forged_date_is_refused(world: tuple[Services, int], day: date, code: str) -> None:
    services, family_id = world
    with pytest.raises(DomainError) as refused:
        await services.visits.record(OWNER, draft(family_id, day))
    assert refused.value.code == code
    assert (await services.visits.recent(OWNER, "R-01"))[1] == []


async def test_notes_that_show_nothing_are_refused(world: tuple[Services, int]) -> None:
    services, family_id = world
    for changes in ({"note": "\u200b\u200b"}, {"next_steps": "\ufeff \u2060"}):
        with pytest.raises(DomainError) as refused:
            await services.visits.record(OWNER, draft(family_id, date(2026, 11, 24), **changes))
        assert refused.value.code == "text_invisible"
    assert (await services.visits.recent(OWNER, "R-01"))[1] == []
    saved = await services.visits.record(
        OWNER, draft(family_id, date(2026, 11, 24), note="\u202eRent paid 👍")
    )
    assert saved.visit.note == "Rent paid 👍"


async def test_a_visit_nobody_from_the_family_attended_is_refused(
    world: tuple[Services, int],
) -> None:
    services, _ = world
    family_id, _ = await services.families.register(
        OWNER, NewFamily(code="R-02", members=[Member(name="Anna", role=MemberRole.MOTHER)])
    )
    anna = (await services.families.peek(OWNER, family_id)).members[0].id
    day = date(2026, 11, 24)
    for present in ([], [anna + 1000]):  # nobody, or only someone who is not a member
        with pytest.raises(DomainError) as refused:
            await services.visits.record(OWNER, draft(family_id, day, present=present))
        assert refused.value.code == "nobody_present"
    assert (await services.visits.recent(OWNER, "R-02"))[1] == []
    missed = draft(
        family_id,
        day,
        token="t-missed",
        kind=VisitKind.MISSED,
        missed_reason=MissedReason.NOBODY_HOME,
    )
    assert (await services.visits.record(OWNER, missed)).visit.kind is VisitKind.MISSED
    saved = await services.visits.record(OWNER, draft(family_id, day, present=[anna]))
    assert saved.visit.present == (anna,)


async def test_a_family_without_members_still_records_a_visit(
    world: tuple[Services, int],
) -> None:
    services, family_id = world  # R-01 has no members: nobody to tick
    saved = await services.visits.record(OWNER, draft(family_id, date(2026, 11, 24)))
    assert saved.visit.present == ()
    assert saved.visit.kind is VisitKind.COMPLETED
