"""Mermaid state diagrams drawn from the walks' tables (`make diagrams` writes them)."""

from __future__ import annotations

import importlib
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.conversations import walk_modules
from bot.conversations.engine import Walk, walks

HERE = Path(__file__).resolve().parent


def _node(step: StrEnum | None) -> str:
    """A step's node name (the end is [*])."""
    return "[*]" if step is None else step.name


def diagram(walk: Walk[Any, Any], title: str) -> str:
    """The walk as a mermaid stateDiagram: entries, every declared move, the exits."""
    lines = [
        f"%% {title}",
        "%% Generated from the walk's table by `make diagrams`; a test fails when they differ.",
        "%% Any step also takes /cancel; a press from an older message re-asks the current step.",
        "stateDiagram-v2",
    ]
    edges: list[str] = []
    for label, targets in walk.starts.items():
        edges += [f"    [*] --> {_node(t)}: {label}" for t in targets]
    for step, stage in walk.table.items():
        moves = [*stage.presses.values(), *([stage.typed] if stage.typed else [])]
        for on in moves:
            targets = on.to or (step,)
            edges += [f"    {_node(step)} --> {_node(t)}: {on.label}" for t in targets]
        edges += [f"    {_node(step)} --> {_node(t)}: (nothing to ask)" for t in stage.skips_to]
    exits = sorted({on.label for on in walk.anywhere.values()})
    if exits:
        lines.append("%% From any step: " + ", ".join(exits) + ".")
    lines += list(dict.fromkeys(edges))
    return "\n".join(lines) + "\n"


def diagram_path(walk: Walk[Any, Any]) -> Path:
    """Where the walk's diagram lives: beside its module."""
    return HERE / f"{walk.name}.mmd"


def drawn() -> dict[Path, str]:
    """Every walk's diagram, by file."""
    found = {}
    for walk in walks():
        module = importlib.import_module(f"bot.conversations.{walk.name}")
        title = (module.__doc__ or walk.name).strip().splitlines()[0]
        found[diagram_path(walk)] = diagram(walk, title)
    return found


def main() -> None:
    """Write every walk's diagram."""
    walk_modules()  # importing them declares every walk
    for path, text in drawn().items():
        path.write_text(text, encoding="utf-8")
        print(path.relative_to(HERE.parent.parent))


if __name__ == "__main__":
    main()
