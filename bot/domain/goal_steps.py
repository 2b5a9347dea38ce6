"""The steps of the /goal walk and its draft (shared by the walk and its ui)."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.drafts import ItemsDraft
from bot.domain.plan import GoalStatus, TaskOwner
from bot.domain.vocabulary import Area


class Step(StrEnum):
    """Where the goal walk is (strings, so they persist as readable JSON)."""

    FAMILY = "family"
    MENU = "menu"
    AREA = "area"
    TEXT = "text"
    EFFECT = "effect"
    DUE = "due"
    GOAL = "goal"
    STATUS = "status"
    CONFIRM = "confirm"
    NOTE = "note"
    NEW_DUE = "new_due"
    TASK_TEXT = "task_text"
    TASK_OWNER = "task_owner"
    TASK_INSTITUTION = "task_institution"
    TASK_DUE = "task_due"
    TICK = "tick"
    LEVEL_TASK = "level_task"
    LEVEL = "level"


class GoalDraft(ItemsDraft):
    """Where the walk is: the family, the goal, and what is being typed in."""

    goal_id: int | None = None
    area: Area | None = None
    text: str = ""
    effect: str | None = None
    task_text: str = ""
    task_owner: TaskOwner | None = None
    task_id: int | None = None
    pending_status: GoalStatus | None = None
