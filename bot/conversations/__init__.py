"""The walks: each public module here (all but engine.py and the _private ones) is one walk."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

NOT_WALKS = {"engine"}


def walk_modules() -> list[Any]:
    """Every walk module, imported (importing one declares its walk), by name."""
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_") and info.name not in NOT_WALKS
    )
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def walk_handlers() -> list[Any]:
    """The entries and buttons of every walk, for app.py."""
    return [handler for module in walk_modules() for handler in module.HANDLERS]
