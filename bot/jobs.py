"""The bot's periodic jobs on PTB's job queue: a late run is coalesced, never two at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Job = Callable[[Any], Awaitable[None]]


def run_every(
    application: Any, job: Job, name: str, *, seconds: int, first: int, grace: int
) -> None:
    """Run `job` every `seconds`, first after `first`; a run late by up to `grace` still runs."""
    if application.job_queue is None:  # pragma: no cover - the job-queue extra is a dependency
        raise RuntimeError(f"python-telegram-bot[job-queue] is required for the {name} job")
    application.job_queue.run_repeating(
        job,
        interval=seconds,
        first=first,
        name=name,
        job_kwargs={"misfire_grace_time": grace, "coalesce": True, "max_instances": 1},
    )
