"""Every walk's .mmd is drawn from its table: a walk changed without `make diagrams` fails here."""

from __future__ import annotations

import pytest

from bot.conversations import walk_modules
from bot.conversations._diagrams import diagram_path, drawn
from bot.conversations.engine import walks

walk_modules()  # importing them declares every walk


def test_every_walk_has_a_diagram_matching_its_table() -> None:
    for path, text in drawn().items():
        assert path.exists(), f"{path.name} is missing: run `make diagrams`"
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: `make diagrams`"


def test_the_diagram_names_every_step_and_move() -> None:
    for walk in walks():
        text = diagram_path(walk).read_text(encoding="utf-8")
        for step, stage in walk.table.items():
            assert f"{step.name} -->" in text or f"--> {step.name}" in text
            for on in stage.presses.values():
                assert on.label, f"{walk.name}: a move at {step} has no label"


@pytest.mark.parametrize("walk", walks(), ids=lambda walk: walk.name)
def test_moves_lead_only_to_steps_of_the_walk(walk: object) -> None:
    from bot.conversations.engine import Walk  # noqa: PLC0415

    assert isinstance(walk, Walk)
    for stage in walk.table.values():
        moves = [*stage.presses.values(), *([stage.typed] if stage.typed else [])]
        for on in moves:
            assert all(t is None or t in walk.table for t in on.to)


def test_the_engine_refuses_a_move_the_table_does_not_declare() -> None:
    from bot.conversations.record_visit import WALK  # noqa: PLC0415
    from bot.domain.visit_steps import Step  # noqa: PLC0415

    WALK._check_move(Step.PLACE, Step.PRESENT, WALK.table[Step.PLACE].presses["place"].to)
    with pytest.raises(RuntimeError, match="not in the table"):
        WALK._check_move(Step.PLACE, Step.NOTE, WALK.table[Step.PLACE].presses["place"].to)
