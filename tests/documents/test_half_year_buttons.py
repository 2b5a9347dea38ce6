"""/raport polrocze: each button alone says which half-year and which file it sends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from tests.documents.golden import NOW
from tests.support.harness import BotHarness


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, the clock moving: the first half-year closed, the second under way."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.mark.parametrize(
    ("language", "half_years"),
    [
        ("en", ("half-year I 2026", "half-year II 2026")),
        ("pl", ("I półrocze 2026", "II półrocze 2026")),
    ],
)
async def test_every_half_year_button_names_its_half_year_and_format(
    harness: BotHarness, language: str, half_years: tuple[str, str]
) -> None:
    admin = harness.user(500, first_name="Ewa", language_code=language)
    await admin.send("/raport polrocze")
    buttons = [text for row in harness.fake.last_markup(admin.chat_id) for text, _ in row]
    assert len(buttons) == 4
    assert len(set(buttons)) == 4  # was "CSV" twice: only the row told them apart
    for half in half_years:
        assert [b for b in buttons if half in b and b.endswith("XLSX")] != []
        assert [b for b in buttons if half in b and b.endswith("CSV")] != []
    # One button a row: a phone shows the whole label, not "📊 II półrocze 2…".
    assert all(len(row) == 1 for row in harness.fake.last_markup(admin.chat_id))


async def test_each_csv_button_sends_its_own_half_year(harness: BotHarness) -> None:
    admin = await harness.admin()
    await admin.send("/raport polrocze")
    await admin.press("half-year I 2026 CSV")
    await admin.send("/raport polrocze")
    await admin.press("half-year II 2026 CSV")
    names = [name for name, _ in harness.fake.documents(admin.chat_id)]
    assert names == ["half-year-2026-H1.csv", "half-year-2026-H2.csv"]
    assert harness.fake.errors == []
