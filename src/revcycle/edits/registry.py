"""The edits revcycle ships: every module of `revcycle.edits.rules`, one edit each, found by its code."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from revcycle.edits import rules
from revcycle.edits.edit import Edit


@cache
def builtin_edits() -> tuple[type[Edit], ...]:
    """The edit classes of `revcycle.edits.rules`, by code: module ``PTP01`` holds the edit whose code is PTP01."""
    found: list[type[Edit]] = []
    for module_info in sorted(pkgutil.iter_modules(rules.__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{rules.__name__}.{module_info.name}")
        edits = [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Edit) and value.__module__ == module.__name__
        ]
        if len(edits) != 1 or edits[0].code != module_info.name:
            raise TypeError(f"{module.__name__} must define exactly one edit, whose code is {module_info.name}")
        found.append(edits[0])
    return tuple(found)
