"""The fixed lists the work uses: areas, activities, places, roles, reasons."""

from __future__ import annotations

from enum import StrEnum


class Area(StrEnum):
    """Areas of a family's life, in the seeds' order of work (basic, psychological, activation)."""

    HOUSING = "housing"
    MONEY = "money"
    HEALTH = "health"
    LEGAL = "legal"
    EMOTIONS = "emotions"
    PARENTING = "parenting"
    PEERS = "peers"
    EDUCATION = "education"
    QUALIFICATIONS = "qualifications"
    EMPLOYMENT = "employment"
    SOCIAL = "social"
    CONFLICTS = "conflicts"


class Activity(StrEnum):
    """What the assistant did during a visit."""

    DOCUMENTS = "documents"
    BENEFIT = "benefit"
    ACCOMPANYING = "accompanying"
    MOTIVATION = "motivation"
    MEDIATION = "mediation"
    REFERRAL = "referral"
    SKILL = "skill"
    OTHER = "other"


class Place(StrEnum):
    """Where a visit happened."""

    HOME = "home"
    INSTITUTION = "institution"
    OFFICE = "office"
    OUTDOORS = "outdoors"
    PHONE = "phone"


class MemberRole(StrEnum):
    """A family member's role in the family."""

    MOTHER = "mother"
    FATHER = "father"
    CHILD = "child"
    GRANDPARENT = "grandparent"
    OTHER = "other"


class MissedReason(StrEnum):
    """Why a planned visit did not take place."""

    NOBODY_HOME = "nobody_home"
    REFUSED = "refused"
    CANCELLED = "cancelled"


class VisitKind(StrEnum):
    """A visit that happened, or an attempt that did not."""

    COMPLETED = "completed"
    MISSED = "missed"
