"""Reminder kinds and the tunables the rules are built on."""

from __future__ import annotations

from datetime import time, timedelta
from enum import StrEnum

DIGEST_TIME = time(7, 30)
MORNING_WINDOW = timedelta(hours=5)  # the morning batch goes out up to 5 hours late, not later
QUIET_START = time(20, 0)
QUIET_END = time(7, 0)
DEFAULT_TIMEZONE = "Europe/Warsaw"
EVENING_AT = time(18, 0)
SOON_BEFORE = timedelta(hours=2)
OUTCOME_AFTER = timedelta(hours=2)
OUTCOME_WINDOW = timedelta(days=14)  # then the question is stale; the agenda still lists it
URGENT_MARGIN = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=10)
OVERDUE_AFTER_DAYS = {1: 7, 2: 4}  # visits a week -> days without a visit that make it overdue
NOTICE_DAYS = 14  # assessments and contract ends are announced this many days ahead
DUE_SOON_DAYS = 7  # the digest lists goals and tasks due within a week (and overdue ones)
WORK_WEEK = frozenset(range(5))  # Monday (0) to Friday (4)
ESCALATE_AFTER_DAYS = 14  # no visit for this long reaches the coordinators (ESCALATE_AFTER_DAYS)
ASSESSMENT_ESCALATE_DAYS = 14  # an assessment overdue by more than this reaches them too
UNREACHABLE_WORKING_DAYS = 2  # an assistant out of reach this many working days, too
TEAM_CHECK_AT = time(8, 0)  # escalations are looked for once a working day from this time
TEAM_DIGEST_AT = time(8, 0)  # the weekly team digest, Mondays
TEAM_DIGEST_WINDOW = timedelta(days=2)  # a digest missed by a downtime still goes till then


class ReminderKind(StrEnum):
    """What a reminder is about."""

    DIGEST = "digest"
    OVERDUE_VISIT = "overdue_visit"
    APPOINTMENT_EVENING = "appointment_evening"
    APPOINTMENT_SOON = "appointment_soon"
    OUTCOME_QUESTION = "outcome_question"
    GOAL_DUE = "goal_due"
    TASK_DUE = "task_due"
    ASSESSMENT_DUE = "assessment_due"
    ASSESSMENT_OVERDUE = "assessment_overdue"
    CONTRACT_ENDS = "contract_ends"
    CATCH_UP = "catch_up"  # several reminders missed while the bot was down, in one message
    MONITORING_DUE = "monitoring_due"  # monthly, after a closure: record a monitoring contact
    MONITORING_ENDS = "monitoring_ends"  # the monitoring period is over: finish or extend?
    # The centre's view (bot/domain/reminders/escalation.py): to coordinators and admins,
    # and to the assistant whose family or silence was escalated.
    ESCALATION = "escalation"
    ESCALATION_TOLD = "escalation_told"
    TEAM_DIGEST = "team_digest"
    COVER_STARTS = "cover_starts"
    COVER_ENDS = "cover_ends"
    HANDED_OVER = "handed_over"  # a family moved to another assistant for good


URGENT_KINDS = frozenset({ReminderKind.APPOINTMENT_SOON})
# Daily kinds whose newer occurrence says all an older one did (a catch-up keeps the latest).
SUPERSEDED_KINDS = frozenset(
    {ReminderKind.DIGEST, ReminderKind.OVERDUE_VISIT, ReminderKind.ASSESSMENT_OVERDUE}
)


class PlanItemKind(StrEnum):
    """A goal or a task of the help plan."""

    GOAL = "goal"
    TASK = "task"
