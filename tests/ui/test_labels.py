"""Friendly refusals: the date bounds they name in words are the bounds the domain applies."""

from __future__ import annotations

import pytest

from bot.domain.appointment import APPOINTMENT_YEARS_AHEAD
from bot.domain.errors import DomainError
from bot.domain.family import CONTRACT_YEARS_AHEAD, CONTRACT_YEARS_BACK
from bot.domain.plan import PLAN_YEARS_AHEAD
from bot.i18n import translator
from bot.ui.labels import ERROR_TEXTS, describe_error

WORDS = {2: "two", 3: "three", 10: "ten"}


def test_the_numbers_in_the_refusals_are_the_bounds() -> None:
    assert f"{WORDS[PLAN_YEARS_AHEAD]} years ahead" in ERROR_TEXTS["date_too_far"]
    assert f"{WORDS[APPOINTMENT_YEARS_AHEAD]} years ahead" in ERROR_TEXTS["date_too_far"]
    assert f"{WORDS[CONTRACT_YEARS_AHEAD]} years ahead" in ERROR_TEXTS["contract_too_far"]
    assert f"{WORDS[CONTRACT_YEARS_BACK]} years ago" in ERROR_TEXTS["contract_too_old"]


@pytest.mark.parametrize(
    "code",
    ["date_too_far", "contract_future", "contract_too_old", "contract_too_far", "text_invisible"],
)
def test_new_refusals_are_translated(code: str) -> None:
    english = describe_error(translator("en"), DomainError(code))
    polish = describe_error(translator("pl"), DomainError(code))
    assert english == ERROR_TEXTS[code]
    assert polish != english


@pytest.mark.parametrize(
    ("code", "details"),
    [
        ("task_goal_closed", {}),
        ("goal_status_same", {}),
        ("task_after_goal", {"date": "31.03.2027"}),
        ("assessment_before_registration", {"family_code": "R-01", "date": "25.11.2026"}),
        ("assessment_before_contract", {"family_code": "R-01", "date": "01.06.2026"}),
    ],
)
def test_the_plan_refusals_are_translated_with_their_details(
    code: str, details: dict[str, str]
) -> None:
    polish = describe_error(translator("pl"), DomainError(code, **details))
    assert polish != describe_error(translator("en"), DomainError(code, **details))
    assert all(value in polish for value in details.values())


@pytest.mark.parametrize(
    ("count", "polish"),
    [(1, "1 niezakończone zadanie"), (3, "3 niezakończone zadania"), (5, "5 niezakończonych")],
)
def test_a_counting_refusal_takes_the_plural_form_of_its_count(count: int, polish: str) -> None:
    error = DomainError("goal_before_tasks", count=count, date="01.03.2027", latest="20.03.2027")
    said = describe_error(translator("pl"), error)
    assert said.startswith(polish)
    assert "01.03.2027" in said
    assert "od 20.03.2027" in said
    english = describe_error(translator("en"), error)
    assert english.startswith(f"{count} open task{'s' if count > 1 else ''} of this goal")
