"""Errors the domain and the services raise; adapters turn them into friendly words."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the work was broken; `code` names which, for the adapter to translate."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


class NotAllowed(DomainError):
    """The actor may not touch this family or do this action."""

    def __init__(self, code: str = "not_allowed", **details: object) -> None:
        super().__init__(code, **details)


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the actor)."""

    def __init__(self, code: str = "not_found", **details: object) -> None:
        super().__init__(code, **details)


class Settled(DomainError):
    """The thing is already done or closed (or not yet due): asking again cannot help."""
