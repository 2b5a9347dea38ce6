"""The drafts and steps of the two short walks on the help plan: /assessment and /resources."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from bot.domain.drafts import FamilyDraft


class AssessmentStep(StrEnum):
    """Where the /assessment walk is (the values persist and travel in the buttons)."""

    FAMILY = "family"
    WHEN = "when"
    SUMMARY = "summary"


class AssessmentDraft(FamilyDraft):
    """The family and, once chosen, the day the assessment was made."""

    day: date | None = None


class ResourcesStep(StrEnum):
    """Where the /resources walk is (each resource is saved as it is typed: no draft of it)."""

    FAMILY = "family"
    RESOURCES = "resources"
    ADD = "add"
