"""`/plan` rendering: empty plans, huge and hostile plans within Telegram's limits, languages."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.family import Family, Member
from bot.domain.plan import (
    Assessment,
    Goal,
    GoalStatus,
    Independence,
    Plan,
    PlanView,
    Resource,
    Task,
    TaskOwner,
)
from bot.domain.vocabulary import Area, MemberRole
from bot.i18n import translator
from bot.ui.plan_view import independence_bar, plan_lines
from bot.ui.text import MESSAGE_LIMIT, split_lines, telegram_length, visible_length
from tests.support.telegram_rules import check_text

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
HOSTILE = [
    "<b>not bold</b>",
    "rent & bills < income",
    "x" * 5000,
    "🙂" * 3000,
    "a & b <i> c </b> &amp; <script>",
    "line\nbreaks\tand  spaces",
]
FAMILY = Family(
    id=1,
    code="R-07",
    label="<i>Kowalscy</i> & co",
    contract_signed_on=date(2026, 9, 1),
    contract_valid_until=date(2027, 8, 31),
    members=(Member(id=5, name="<Anna>", role=MemberRole.MOTHER),),
)
PLAN = Plan(id=1, family_id=1, started_on=date(2026, 9, 1), created_at=NOW)


def hostile_view(goals: int = 60, *, include_closed: bool = False) -> PlanView:
    """A plan with many goals of three tasks each, every text chosen to break things."""
    areas = list(Area)
    statuses = list(GoalStatus)
    owners = [TaskOwner.member(5), TaskOwner.assistant(), TaskOwner.of_institution("P&U<P" * 20)]
    built = []
    for n in range(goals):
        text = HOSTILE[n % len(HOSTILE)]
        tasks = tuple(
            Task(
                id=n * 3 + k,
                goal_id=n,
                text=HOSTILE[(n + k + 1) % len(HOSTILE)],
                owner=owners[k],
                due=TODAY + timedelta(days=k * 10 - 10),
                done=k == 1,
                independence=list(Independence)[n % 4] if k != 1 else None,
                created_at=NOW,
            )
            for k in range(3)
        )
        built.append(
            Goal(
                id=n,
                family_id=1,
                area=areas[n % len(areas)],
                text=f"{n}: {text}",
                expected_effect=HOSTILE[(n + 2) % len(HOSTILE)],
                due=TODAY + timedelta(days=n - 30),
                status=statuses[n % len(statuses)],
                created_at=NOW,
                tasks=tasks,
                last_progress_on=TODAY - timedelta(days=n) if n % 2 else None,
            )
        )
    return PlanView(
        family=FAMILY,
        plan=PLAN,
        goals=tuple(built),
        resources=tuple(
            Resource(id=i, family_id=1, text=t, added_at=NOW) for i, t in enumerate(HOSTILE)
        ),
        include_closed=include_closed,
    )


def _plain(messages: list[str]) -> str:
    """What the user sees: every message checked like Telegram does, then joined."""
    return "\n".join(check_text(m, "HTML")[0] for m in messages)


@pytest.mark.parametrize("locale", ["pl", "en"])
@pytest.mark.parametrize("include_closed", [False, True])
def test_a_60_goal_hostile_plan_splits_into_valid_messages(
    locale: str, include_closed: bool
) -> None:
    view = hostile_view(include_closed=include_closed)
    lines = plan_lines(translator(locale), view, TODAY)
    assert max(telegram_length(line) for line in lines) <= 2000
    messages = split_lines(lines)
    assert len(messages) > 1
    assert "\n".join(messages) == "\n".join(lines)  # no line was cut as a last resort
    for message in messages:
        assert visible_length(message) <= MESSAGE_LIMIT
        check_text(message, "HTML")
    plain = _plain(messages)
    assert "<b>not bold</b>" in plain
    assert "rent & bills < income" in plain
    assert "<Anna>" in plain
    assert "<i>Kowalscy</i> & co" in plain
    assert "x" * 5000 not in plain
    shown = [g for g in view.goals if include_closed or g.is_open]
    for goal in shown:
        assert f"{goal.id}: " in plain
    for goal in view.goals:
        if goal not in shown:
            assert f"\n{goal.id}: " not in plain


def test_areas_come_in_the_order_of_work_and_closed_goals_fold() -> None:
    tr = translator("en")
    view = hostile_view(12)
    plain = _plain(split_lines(plan_lines(tr, view, TODAY)))
    assert plain.index("Housing") < plain.index("Money") < plain.index("Peer group")
    assert "Emotions" not in plain  # its only goal is dropped, so the heading is left out
    assert "Closed goals not shown: 2 achieved · 2 not achieved · 2 dropped." in plain
    assert "/plan R-07 all" in plain
    everything = _plain(
        split_lines(plan_lines(tr, view.model_copy(update={"include_closed": True}), TODAY))
    )
    assert "Closed goals not shown" not in everything
    assert everything.index("Housing") < everything.index("Emotions") < everything.index("Work")
    assert "achieved" in everything
    assert everything.count("✅") == 2


def test_english_details_overdue_marks_and_bars() -> None:
    tr = translator("en")
    plain = _plain(split_lines(plan_lines(tr, hostile_view(8), TODAY)))
    assert "Help plan: R-07" in plain
    assert "Contract: signed 1 Sep 2026, valid until 31 Aug 2027" in plain
    assert "Plan started 1 Sep 2026" in plain
    assert "Next assessment: 1 Mar 2027, in 96 days" in plain
    assert "No assessment recorded yet." in plain
    assert "Family's resources" in plain
    assert "⚠️ was due" in plain
    assert "📅 due" in plain
    assert "●○○○ shown by the assistant" in plain
    assert "●●○○ done together" in plain
    assert "— assistant" in plain
    assert "no progress notes yet" in plain
    assert "last progress note" in plain
    assert independence_bar(Independence.ALONE) == "●●●●"


def test_polish_output() -> None:
    tr = translator("pl")
    view = hostile_view(8).model_copy(
        update={
            "last_assessment": Assessment(
                id=1, family_id=1, day=date(2026, 5, 1), summary="s", author_id=1, created_at=NOW
            )
        }
    )
    plain = _plain(split_lines(plan_lines(tr, view, TODAY)))
    assert "Plan pracy z rodziną: R-07" in plain
    assert "Mieszkanie" in plain
    assert "robimy razem" in plain
    assert "pokazuje asystent" in plain
    assert "Ocena okresowa po terminie" in plain
    assert "24 dni temu" in plain
    assert "Ostatnia ocena okresowa: 1 maj 2026" in plain
    assert "Zasoby rodziny" in plain
    assert "/plan R-07 all" in plain


@pytest.mark.parametrize(("locale", "command"), [("pl", "/cel"), ("en", "/goal")])
def test_an_empty_plan_says_how_to_add_a_goal(locale: str, command: str) -> None:
    view = PlanView(family=Family(id=2, code="R-02"), plan=PLAN)
    messages = split_lines(plan_lines(translator(locale), view, TODAY))
    assert len(messages) == 1
    plain = _plain(messages)
    assert command in plain
    assert "R-02" in plain


def test_only_closed_goals_and_a_plan_not_started() -> None:
    tr = translator("en")
    closed = hostile_view(5).goals[2:5]  # achieved, not achieved, dropped
    view = PlanView(family=Family(id=2, code="R-02"), plan=None, goals=closed)
    plain = _plain(split_lines(plan_lines(tr, view, TODAY)))
    assert "The plan has not been started yet." in plain
    assert "No open goals. Add one with /goal." in plain
    assert "Contract: no dates recorded" in plain
    assert "1 achieved · 1 not achieved · 1 dropped" in plain


def test_assessment_due_today_and_tomorrow() -> None:
    tr = translator("en")
    view = PlanView(
        family=Family(id=2, code="R-02"),
        plan=Plan(id=1, family_id=2, started_on=date(2026, 5, 25), created_at=NOW),
    )
    today = _plain(split_lines(plan_lines(tr, view, TODAY)))
    assert "Next assessment: due today, 25 Nov 2026" in today
    earlier = _plain(split_lines(plan_lines(tr, view, TODAY - timedelta(days=1))))
    assert "in 1 day" in earlier
    late = _plain(split_lines(plan_lines(tr, view, TODAY + timedelta(days=1))))
    assert "Assessment overdue: it was due 25 Nov 2026, 1 day ago" in late
    assert html.escape("&") not in late


# Characters that change a text's length on screen or in HTML: entities, tags, astral emoji
# (two UTF-16 units), Polish letters, spaces a shortening collapses, a zero-width joiner.
_PIECES = [*"a ąŁ&;<>/b\n\t", "🙂", "👩‍👧", "&amp;", "&lt;", "\u200d"]
_TRICKY = st.lists(st.sampled_from(_PIECES), max_size=300).map("".join)


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(_TRICKY, min_size=4, max_size=4),
    name=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6).map("".join),
    institution=_TRICKY.filter(bool),
    done=st.booleans(),
    locale=st.sampled_from(["pl", "en"]),
)
def test_every_plan_line_carries_its_visible_length(
    texts: list[str], name: str, institution: str, done: bool, locale: str
) -> None:
    """The lengths a plan's lines are built with are the ones split_lines would count."""
    family = FAMILY.model_copy(
        update={"members": (Member(id=5, name=name, role=MemberRole.MOTHER),)}
    )
    owners = [TaskOwner.member(5), TaskOwner.assistant(), TaskOwner.of_institution(institution)]
    goal = Goal(
        id=1,
        family_id=1,
        area=Area.HOUSING,
        text=texts[0] or "x",
        expected_effect=texts[1] or None,
        due=TODAY - timedelta(days=3),
        created_at=NOW,
        last_progress_on=TODAY if done else None,
        tasks=tuple(
            Task(
                id=k,
                goal_id=1,
                text=texts[2 + k % 2] or "y",
                owner=owners[k],
                due=TODAY + timedelta(days=k - 1) if k else None,
                done=done,
                independence=list(Independence)[k] if k != 1 else None,
                created_at=NOW,
            )
            for k in range(3)
        ),
    )
    view = PlanView(family=family, plan=PLAN, goals=(goal,))
    lines = plan_lines(translator(locale), view, TODAY)
    assert lines.lengths == [visible_length(line) for line in lines]
