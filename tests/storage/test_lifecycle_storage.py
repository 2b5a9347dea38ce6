"""storage/lifecycle.py: periods of work, closure, reopening and monitoring contacts in SQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain.family import NewFamily
from bot.domain.lifecycle import CloseReason, Closure, ContactForm, MonitoringContact
from bot.domain.plan import GoalStatus, NewGoal, Stamp
from bot.domain.vocabulary import Area
from bot.storage.db import Database
from bot.storage.families import FamilyRepository
from bot.storage.lifecycle import CaseRepository
from bot.storage.people import PeopleRepository
from bot.storage.plans import PlanRepository

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ASSISTANT = 1001


async def _family(db: Database, code: str = "R-01") -> int:
    await PeopleRepository(db).add_assistant(ASSISTANT, "A", NOW)
    return await FamilyRepository(db).add(NewFamily(code=code), ASSISTANT, NOW)


def _stamp(day: date = date(2026, 12, 1)) -> Stamp:
    return Stamp(actor_id=ASSISTANT, day=day, at=NOW)


async def test_a_registered_family_has_one_open_period(db: Database) -> None:
    family_id = await _family(db)
    periods = await CaseRepository(db).periods_of(family_id)
    assert [(p.started_on, p.is_open) for p in periods] == [(date(2026, 12, 1), True)]
    assert await CaseRepository(db).closures_of(family_id) == []


async def test_closing_ends_the_plan_drops_open_goals_and_keeps_achieved(db: Database) -> None:
    family_id = await _family(db)
    plans = PlanRepository(db)
    open_goal = await plans.add_goal(family_id, NewGoal(area=Area.HOUSING, text="flat"), _stamp())
    done_goal = await plans.add_goal(family_id, NewGoal(area=Area.MONEY, text="debt"), _stamp())
    await plans.set_status(done_goal, GoalStatus.ACHIEVED, _stamp())
    cases = CaseRepository(db)
    closure = Closure(
        day=date(2026, 12, 1), reason=CloseReason.GOALS_ACHIEVED, summary="ok", monitor_months=3
    )
    outcome = await cases.close(family_id, closure, _stamp(), monitoring_until=date(2027, 3, 1))
    assert outcome.dropped_goals == 1
    # the plan stays readable as it was, its open goals dropped with the case
    statuses = {g.id: g.status for g in await plans.goals(family_id)}
    assert statuses == {open_goal: GoalStatus.DROPPED, done_goal: GoalStatus.ACHIEVED}
    assert await plans.current_plan(family_id) is not None
    family = await FamilyRepository(db).get(family_id)
    assert family is not None
    assert family.closed
    assert await FamilyRepository(db).count_active(ASSISTANT) == 0
    [closed] = await cases.closures_of(family_id)
    assert (closed.close_reason, closed.summary, closed.monitoring_until) == (
        CloseReason.GOALS_ACHIEVED,
        "ok",
        date(2027, 3, 1),
    )
    listed = await cases.closed_families(ASSISTANT)
    assert [(c.code, c.close_reason) for c in listed] == [("R-01", "goals_achieved")]


async def test_reopening_adds_a_period_and_a_plan_in_order(db: Database) -> None:
    family_id = await _family(db)
    cases = CaseRepository(db)
    closure = Closure(day=date(2026, 12, 1), reason=CloseReason.MOVED_AWAY, summary="gone")
    await cases.close(family_id, closure, _stamp(), monitoring_until=None)
    first_plan = await PlanRepository(db).current_plan(family_id)
    await cases.reopen(family_id, date(2026, 12, 1), _stamp())
    periods = await cases.periods_of(family_id)
    assert [p.is_open for p in periods] == [False, True]
    assert [p.id for p in await cases.reopenings_of(family_id)] == [periods[1].id]
    second_plan = await PlanRepository(db).current_plan(family_id)
    assert second_plan is not None
    assert first_plan is None or first_plan.id != second_plan.id
    assert await FamilyRepository(db).count_active(ASSISTANT) == 1
    between = await cases.closures_between(date(2026, 7, 1), date(2026, 12, 31))
    assert [p.close_reason for p in between] == [CloseReason.MOVED_AWAY]


async def test_monitoring_contacts_are_saved_once_per_draft(db: Database) -> None:
    family_id = await _family(db)
    cases = CaseRepository(db)
    closure = Closure(day=date(2026, 11, 2), reason=CloseReason.REFUSED, summary="s")
    outcome = await cases.close(family_id, closure, _stamp(), monitoring_until=date(2027, 5, 2))
    contact = MonitoringContact(
        family_id=family_id,
        period_id=outcome.period_id,
        day=date(2026, 12, 1),
        form=ContactForm.PHONE,
        note="fine",
        author_id=ASSISTANT,
    )
    first = await cases.add_contact(contact, NOW, token="t1")
    again = await cases.add_contact(contact, NOW, token="t1")
    assert first == (first[0], True)
    assert again == (first[0], False)
    listed = await cases.monitoring_contacts(family_id, outcome.period_id)
    assert [(c.form, c.note) for c in listed] == [(ContactForm.PHONE, "fine")]
    [monitored] = await cases.monitored([ASSISTANT])
    assert monitored.last_contact == date(2026, 12, 1)
    assert await cases.finish_monitoring(outcome.period_id, date(2026, 12, 1))
    assert await cases.monitored([ASSISTANT]) == []
