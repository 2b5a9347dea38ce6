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
