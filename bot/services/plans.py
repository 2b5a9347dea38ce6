"""Use cases about the family's help plan: goals, tasks, progress, assessments, resources."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import DomainError, NotFound
from bot.domain.family import Family
from bot.domain.people import Actor
from bot.domain.plan import (
    EFFECT_MAX,
    GOAL_TEXT_MAX,
    INSTITUTION_MAX,
    PROGRESS_NOTE_MAX,
    RESOURCE_MAX,
    SUMMARY_MAX,
    TASK_TEXT_MAX,
    Assessment,
    CaseStart,
    Goal,
    GoalEvent,
    GoalStatus,
    Independence,
    NewGoal,
    NewTask,
    OwnerKind,
    PlanView,
    Resource,
    Stamp,
    Task,
    TaskOwner,
    check_assessment_day,
    check_due,
    check_goal_due,
    check_level_change,
    check_optional_text,
    check_required_text,
    check_status_change,
    check_task_due,
    check_task_tick,
    next_assessment_due,
    open_goals,
    reopened_due,
)
from bot.domain.vocabulary import Area
from bot.services.clock import Clock
from bot.services.families import FamilyService, Named
from bot.storage.plans import PlanRepository

ObjectKind = Literal["goal", "task", "resource"]


class GoalDetail(BaseModel):
    """One goal with its family and whole history, for a goal's card."""

    model_config = ConfigDict(frozen=True)

    family: Family
    goal: Goal
    events: tuple[GoalEvent, ...]


@dataclass(frozen=True)
class PlanService:
    """Reading and changing a family's plan; every call checks the actor may touch the family.

    Reads are open to the family's assistant and to admins; changes only to the assistant.
    An id of a goal, task, resource or visit that is not the actor's raises NotFound, the
    same as one that does not exist: callback data is client input and may be forged.
    """

    plans: PlanRepository
    families: FamilyService
    clock: Clock

    # Reading

    async def plan_for(
        self, actor: Actor, family: int | str, *, include_closed: bool = False
    ) -> PlanView:
        """The whole current plan of a family (by id or code); the read is logged."""
        opened, access = await self.families.read_access(actor, family, "read.plan")
        contents = await self.plans.contents(opened.id, access)
        plan = contents.plan
        if plan is None and self._may_write(actor, opened):
            # The plan starts the first time its assistant uses it; an admin's look starts nothing.
            plan = await self.plans.ensure_plan(opened.id, self._stamp(actor))
        return PlanView(
            family=opened,
            plan=plan,
            last_assessment=contents.last_assessment,
            goals=tuple(contents.goals),
            resources=tuple(contents.resources),
            include_closed=include_closed,
        )

    async def open_goals(self, actor: Actor, family_id: int) -> list[Goal]:
        """The family's planned and in-progress goals in plan order, for a change walk."""
        family = await self.families.peek(actor, family_id, "plan.goals.open")
        return open_goals(await self.plans.goals(family.id))

    async def goals(self, actor: Actor, family_id: int) -> list[Goal]:
        """All the family's goals, closed ones too, in plan order, for a change walk."""
        family = await self.families.peek(actor, family_id, "plan.goals.all")
        return await self.plans.goals(family.id)

    async def goal(self, actor: Actor, goal_id: int) -> GoalDetail:
        """One goal with its tasks and whole history; the read is logged."""
        family = await self.families.open_family(
            actor,
            await self.plans.family_of_goal(goal_id),
            "read.goal",
            subject=Named("goal", goal_id),
        )
        goal = await self._goal(goal_id)
        events = await self.plans.events(goal_id)
        return GoalDetail(family=family, goal=goal, events=tuple(events))

    async def resources(self, actor: Actor, family_id: int) -> list[Resource]:
        """The family's current resources, for the add-or-remove walk."""
        family = await self.families.peek(actor, family_id, "plan.resources")
        return await self.plans.resources(family.id)

    async def assessments(self, actor: Actor, family_id: int) -> list[Assessment]:
        """Every periodic assessment of the family, the latest first; the read is logged."""
        family = await self.families.open_family(actor, family_id, "read.assessments")
        return await self.plans.assessments(family.id)

    async def next_assessment(self, actor: Actor, family_id: int) -> date:
        """When the family's next periodic assessment is due (starting the plan if needed)."""
        family = await self.families.peek(actor, family_id, "plan.assessment.next")
        plan = await self.plans.ensure_plan(family.id, self._stamp(actor))
        last = await self.plans.last_assessment(family.id)
        return next_assessment_due(plan.started_on, last.day if last else None)

    async def case_start(self, actor: Actor, family_id: int) -> CaseStart | None:
        """When the work with the family began, the bound of an assessment's day."""
        family = await self.families.peek(actor, family_id, "plan.case_start")
        return await self.plans.case_start(family.id)

    # Goals

    async def add_goal(
        self,
        actor: Actor,
        family_id: int,
        area: Area,
        text: str,
        *,
        expected_effect: str | None = None,
        due: date | None = None,
        token: str | None = None,
    ) -> Goal:
        """Add a planned goal to the family's plan; its due date may not be in the past.

        A walk's item `token` saves one goal however often the same save comes (a crash).
        """
        goal = NewGoal(
            area=area,
            text=check_required_text(text, GOAL_TEXT_MAX),
            expected_effect=check_optional_text(expected_effect, EFFECT_MAX),
            due=check_due(due, self.clock.today()),
        )
        async with self.families.acting(actor, family_id, "plan.goal.add") as family:
            goal_id = await self.plans.add_goal(family.id, goal, self._stamp(actor), token)
        return await self._goal(goal_id)

    async def change_status(
        self,
        actor: Actor,
        goal_id: int,
        status: GoalStatus,
        *,
        confirm_open_tasks: bool = False,
    ) -> Goal:
        """Move a goal to another status; achieving one with open tasks needs confirming.

        Raises DomainError("goal_open_tasks", count=N) when confirmation is needed, and
        DomainError("goal_status_same") for the status it has (nothing written, not logged).
        """
        async with self._changing(actor, "goal", goal_id, "plan.goal.status"):
            goal = await self._goal(goal_id)
            check_status_change(goal, status, confirm_open_tasks=confirm_open_tasks)
            await self.plans.set_status(goal_id, status, self._stamp(actor))
        return await self._goal(goal_id)

    async def add_progress_note(
        self,
        actor: Actor,
        goal_id: int,
        text: str,
        visit_id: int | None = None,
        *,
        token: str | None = None,
    ) -> Goal:
        """Add a dated progress note to a goal, optionally linked to one of the family's visits.

        A walk's item `token` saves one note however often the same save comes (a crash).
        """
        note = check_required_text(text, PROGRESS_NOTE_MAX)
        async with self._changing(actor, "goal", goal_id, "plan.goal.progress") as family:
            if visit_id is not None and await self.plans.family_of_visit(visit_id) != family.id:
                raise NotFound("visit_unknown")
            await self.plans.add_progress(goal_id, note, self._stamp(actor), visit_id, token)
        return await self._goal(goal_id)

    async def change_due_date(self, actor: Actor, goal_id: int, due: date | None) -> Goal:
        """Set, move or clear an open goal's due date (not a past day, nor before a task's)."""
        check_due(due, self.clock.today())
        async with self._changing(actor, "goal", goal_id, "plan.goal.due"):
            goal = await self._goal(goal_id)
            if not goal.is_open:
                raise DomainError("goal_closed")
            check_goal_due(due, goal)
            await self.plans.set_due(goal_id, due, self._stamp(actor))
        return await self._goal(goal_id)

    async def record_visit_progress(
        self,
        actor: Actor,
        family_id: int,
        goal_ids: list[int],
        visit_id: int,
        *,
        day: date,
        text: str = "",
    ) -> list[int]:
        """Link a saved visit to the goals worked on: one progress entry dated `day` per goal.

        Goals of other families are ignored, and a goal already linked to this visit gets no
        second entry (a replayed save); returns the goals that got an entry.
        """
        note = check_optional_text(text, PROGRESS_NOTE_MAX) or ""
        async with self.families.acting(actor, family_id, "plan.visit_progress") as family:
            if await self.plans.family_of_visit(visit_id) != family.id:
                raise NotFound("visit_unknown")
            stamp = self._stamp(actor).model_copy(update={"day": day})
            return await self.plans.add_visit_progress(family.id, goal_ids, visit_id, note, stamp)

    # Tasks

    async def add_task(
        self,
        actor: Actor,
        goal_id: int,
        text: str,
        owner: TaskOwner,
        *,
        due: date | None = None,
        independence: Independence | None = None,
        token: str | None = None,
    ) -> Task:
        """Add a task to an open goal, due by the goal's date (a walk's `token` saves it once).

        A task a family member does starts at "shown by the assistant" unless a level is given;
        for the assistant's and institutions' tasks the level stays unset unless given.
        """
        task_text = check_required_text(text, TASK_TEXT_MAX)
        check_due(due, self.clock.today())
        async with self._changing(actor, "goal", goal_id, "plan.task.add") as family:
            if owner.kind is OwnerKind.MEMBER:
                if owner.member_id not in {m.id for m in family.members}:
                    raise NotFound("member_unknown")
                independence = independence or Independence.SHOWN
            elif owner.kind is OwnerKind.INSTITUTION:
                owner = TaskOwner.of_institution(
                    check_required_text(owner.institution or "", INSTITUTION_MAX)
                )
            goal = await self._goal(goal_id)
            if not goal.is_open:
                raise DomainError("goal_closed")
            check_task_due(due, goal)
            task = NewTask(text=task_text, owner=owner, due=due, independence=independence)
            task_id = await self.plans.add_task(goal_id, task, self._stamp(actor), token)
        return await self._task(task_id)

    async def set_task_done(self, actor: Actor, task_id: int, done: bool) -> Task:
        """Tick a task as done, or reopen it, while its goal is open.

        A task reopened after its goal's date moved before its own is due by the goal's date.
        """
        async with self._changing(actor, "task", task_id, "plan.task.done"):
            task = await self._task(task_id)
            goal = await self._goal(task.goal_id)
            check_task_tick(goal)
            due = None if done else reopened_due(task, goal)
            await self.plans.set_task_done(task_id, done, self._stamp(actor), due=due)
        return await self._task(task_id)

    async def change_independence(self, actor: Actor, task_id: int, level: Independence) -> Task:
        """Move a task to another level of the independence scale (either way), goal open."""
        async with self._changing(actor, "task", task_id, "plan.task.independence"):
            check_level_change(await self._goal((await self._task(task_id)).goal_id))
            await self.plans.set_independence(task_id, level, self._stamp(actor))
        return await self._task(task_id)

    # Assessments and resources

    async def record_assessment(
        self, actor: Actor, family_id: int, day: date, summary: str, token: str | None = None
    ) -> date:
        """Record an assessment made on `day` (a walk's draft only once); when is the next due.

        The day is not before the work with the family began (registration or first contract).
        """
        text = check_required_text(summary, SUMMARY_MAX)
        stamp = self._stamp(actor)
        check_assessment_day(day, stamp.day)
        async with self.families.acting(actor, family_id, "plan.assessment") as family:
            check_assessment_day(day, stamp.day, await self.plans.case_start(family.id))
            await self.plans.add_assessment(family.id, day, text, stamp, token)
        plan = await self.plans.current_plan(family.id)
        assert plan is not None  # add_assessment starts the plan when there is none
        last = await self.plans.last_assessment(family.id)
        return next_assessment_due(plan.started_on, last.day if last else day)

    async def assessment_saved(self, actor: Actor, token: str) -> bool:
        """Whether the actor's assessment draft with this token was saved already (a crash)."""
        return await self.plans.assessment_saved(token, actor.telegram_id)

    async def add_resource(
        self, actor: Actor, family_id: int, text: str, *, token: str | None = None
    ) -> Resource:
        """Record one of the family's resources (a walk's item `token` saves it once)."""
        cleaned = check_required_text(text, RESOURCE_MAX)
        async with self.families.acting(actor, family_id, "plan.resource.add") as family:
            return await self.plans.add_resource(family.id, cleaned, self._stamp(actor), token)

    async def item_saved(self, actor: Actor, token: str) -> bool:
        """Whether the actor saved a goal, task, note or resource with this item token."""
        return await self.plans.item_saved(token, actor.telegram_id)

    async def remove_resource(self, actor: Actor, resource_id: int) -> None:
        """Take a resource off the family's list (the record of it is kept)."""
        async with self._changing(actor, "resource", resource_id, "plan.resource.remove"):
            if not await self.plans.remove_resource(resource_id, self._stamp(actor)):
                raise NotFound("resource_unknown")

    # Helpers

    @asynccontextmanager
    async def _changing(
        self, actor: Actor, kind: ObjectKind, object_id: int, action: str
    ) -> AsyncIterator[Family]:
        """The family of a goal, task or resource the actor changes; logged once it is done.

        An id that is not the actor's raises NotFound("<kind>_unknown"), like a missing one.
        """
        family_of = {
            "goal": self.plans.family_of_goal,
            "task": self.plans.family_of_task,
            "resource": self.plans.family_of_resource,
        }[kind]
        async with self.families.acting(
            actor,
            await family_of(object_id),
            action,
            subject=Named(kind, object_id),
        ) as family:
            yield family

    async def _goal(self, goal_id: int) -> Goal:
        """A goal already checked to exist."""
        goal = await self.plans.goal(goal_id)
        if goal is None:  # pragma: no cover - checked just before, goals are never deleted
            raise NotFound("goal_unknown")
        return goal

    async def _task(self, task_id: int) -> Task:
        """A task already checked to exist."""
        task = await self.plans.task(task_id)
        if task is None:  # pragma: no cover - checked just before, tasks are never deleted
            raise NotFound("task_unknown")
        return task

    def _may_write(self, actor: Actor, family: Family) -> bool:
        """Whether the actor may change this family's plan."""
        try:
            self.families.check_access(actor, family, write=True)
        except DomainError:
            return False
        return True

    def _stamp(self, actor: Actor) -> Stamp:
        """Who and when, for a change."""
        return Stamp(actor_id=actor.telegram_id, day=self.clock.today(), at=self.clock.now())
