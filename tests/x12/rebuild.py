"""Rebuilding a record through its checking constructors, to prove a reader's records are what the checks make."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from revcycle.domain.interchange import record_to_json


def rebuilt(value: Any) -> Any:
    """``value`` made again, innermost records first, by each record's own constructor (so every check runs)."""
    if is_dataclass(value) and not isinstance(value, type):
        return type(value)(**{item.name: rebuilt(getattr(value, item.name)) for item in fields(value) if item.init})
    if isinstance(value, tuple):
        return tuple(rebuilt(item) for item in value)
    return value


def as_checked(record: Any) -> tuple[Any, Any]:
    """The record and its rebuilt twin, both as JSON: equal only when every value has the checked form too.

    (Decimals compare equal whatever their exponent, so ``==`` alone would not see ``10`` where ``10.00`` belongs.)
    """
    return record_to_json(record), record_to_json(rebuilt(record))
