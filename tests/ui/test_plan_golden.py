"""`/plan` of big plans, message by message, against the fingerprints saved in golden/.

The render is tuned for speed; these pin its output byte for byte (a SHA-256 of every
message: the messages themselves would be half a megabyte). After a deliberate change of
the plan's wording or layout, rewrite the file with `python -m tests.ui.test_plan_golden`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.domain.plan import (
    GOAL_TEXT_MAX,
    TASK_TEXT_MAX,
    Assessment,
    Goal,
    GoalStatus,
    Independence,
    PlanView,
    Task,
    TaskOwner,
)
from bot.domain.vocabulary import Area
from bot.i18n import translator
from bot.ui.plan_view import plan_lines
from bot.ui.text import MESSAGE_LIMIT, split_lines, visible_length
from tests.ui.test_plan_view import FAMILY, NOW, PLAN, TODAY, hostile_view

GOLDEN = Path(__file__).parent / "golden" / "plan_60_goals.json"
CASES = [f"{v}-{loc}" for v in ("hostile-open", "hostile-all", "full") for loc in ("pl", "en")]


def _text(seed: str, limit: int) -> str:
    """A full-length text with markup-looking characters (as benchmarks/plan_render.py)."""
    base = f"{seed}: rent & bills <b>not bold</b> 🙂 "
    return (base * (limit // len(base) + 1))[:limit]


def full_view() -> PlanView:
    """The benchmark's plan: 60 open goals of full-length text, 3 full-length tasks each."""
    areas = list(Area)
    owners = [TaskOwner.member(5), TaskOwner.assistant(), TaskOwner.of_institution("PUP & MOPS")]
    due = TODAY + timedelta(days=90)
    goals = [
        Goal(
            id=n,
            family_id=1,
            area=areas[n % len(areas)],
            text=_text(f"goal {n}", GOAL_TEXT_MAX),
            expected_effect=_text("effect", GOAL_TEXT_MAX),
            due=due,
            status=GoalStatus.PLANNED,
            created_at=NOW,
            last_progress_on=TODAY,
            tasks=tuple(
                Task(
                    id=n * 3 + k,
                    goal_id=n,
                    text=_text(f"task {n}.{k}", TASK_TEXT_MAX),
                    owner=owners[k],
                    due=due,
                    independence=list(Independence)[n % len(Independence)],
                    created_at=NOW,
                )
                for k in range(3)
            ),
        )
        for n in range(60)
    ]
    return PlanView(family=FAMILY, plan=PLAN, goals=tuple(goals))


def _assessed(view: PlanView) -> PlanView:
    """The view with a last assessment that is overdue by now."""
    last = Assessment(
        id=1, family_id=1, day=date(2026, 5, 1), summary="s", author_id=1, created_at=NOW
    )
    return view.model_copy(update={"last_assessment": last})


def rendered() -> dict[str, list[str]]:
    """Every case's messages, by name (CASES)."""
    views = {
        "hostile-open": hostile_view(),
        "hostile-all": _assessed(hostile_view(include_closed=True)),
        "full": full_view(),
    }
    return {
        f"{name}-{locale}": split_lines(plan_lines(translator(locale), view, TODAY))
        for name, view in views.items()
        for locale in ("pl", "en")
    }


def fingerprints() -> dict[str, list[str]]:
    """Every case's messages as SHA-256 digests of their UTF-8 text."""
    return {
        case: [hashlib.sha256(m.encode("utf-8")).hexdigest() for m in messages]
        for case, messages in rendered().items()
    }


@pytest.fixture(scope="module")
def golden() -> dict[str, list[str]]:
    """The saved fingerprints."""
    saved: dict[str, list[str]] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return saved


@pytest.mark.parametrize("case", CASES)
def test_big_plans_render_exactly_as_saved(golden: dict[str, list[str]], case: str) -> None:
    digests = fingerprints()[case]
    assert len(digests) == len(golden[case]), "sent in another number of messages"
    differing = [n for n, (a, b) in enumerate(zip(digests, golden[case], strict=True)) if a != b]
    assert differing == [], f"messages {differing} differ from the saved ones"


@pytest.mark.parametrize("case", CASES)
def test_no_message_could_have_taken_the_next_ones_first_line(case: str) -> None:
    messages = rendered()[case]
    for message, following in itertools.pairwise(messages):
        first = following.split("\n", 1)[0]
        assert visible_length(message) + 1 + visible_length(first) > MESSAGE_LIMIT


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(fingerprints(), indent=1) + "\n", encoding="utf-8")
