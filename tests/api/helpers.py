"""Test inputs built from the bundled demo dataset."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib.resources import files
from typing import Any

DEMO = files("revcycle") / "demo_data" / "demo_dataset.json"
# Kinds a claim needs stored first.
CLAIM_PREREQUISITES = ("patients", "providers", "payers", "coverages", "encounters")


def demo_document() -> dict[str, Any]:
    """A fresh copy of the demo dataset, free to change."""
    document: dict[str, Any] = json.loads(DEMO.read_text(encoding="utf-8"))
    return document


def prerequisites_of_claims() -> dict[str, Any]:
    """The part of the demo dataset the claims refer to."""
    document = demo_document()
    return {name: document[name] for name in CLAIM_PREREQUISITES}


def total(amounts: list[str]) -> str:
    """The sum of decimal strings, as a decimal string with two places."""
    return f"{sum((Decimal(amount) for amount in amounts), Decimal('0.00')):.2f}"
