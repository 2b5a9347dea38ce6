"""A Hebrew or Arabic task on a dossier's chart is handed to matplotlib as typed.

matplotlib 3.11 lays text out itself (libraqm: the bidi algorithm and HarfBuzz), so a label
reversed beforehand was reversed twice: the chart's legend showed the task backwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

import bot.documents.charts
from bot.domain.plan import Independence, TaskOwner
from tests.documents.golden import ASSISTANT, NOW
from tests.documents.test_sweep_documents_dec4_text import MUHAMMAD, SARAH, hostile
from tests.support.harness import BotHarness


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """1 December 2026, the clock moving."""
    with time_machine.travel(NOW, tick=True):
        yield


async def test_a_right_to_left_task_is_drawn_on_the_chart_as_typed(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, r04 = await hostile(harness)
    assert harness.services is not None
    goal = (await harness.services.plans.goals(ASSISTANT, r04))[0]
    tasks = [f"Pismo (dla {SARAH})", f"{MUHAMMAD} do szkoły"]
    for text in tasks:
        await harness.services.plans.add_task(
            ASSISTANT, goal.id, text, TaskOwner.assistant(), independence=Independence.TOGETHER
        )
    drawn: list[Any] = []
    png = bot.documents.charts._png

    def keep(figure: Any) -> bytes:
        drawn.append(figure)
        return png(figure)

    monkeypatch.setattr(bot.documents.charts, "_png", keep)
    await sim.send("/dossier R-04")
    legend = [t.get_text() for t in drawn[-1].axes[0].get_legend().get_texts()]
    # Was "Pismo (dla הרש)" and "دمحم do szkoły": matplotlib reversed them back to front again.
    assert legend[1:] == tasks
