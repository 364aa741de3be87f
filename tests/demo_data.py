"""The bundled demo dataset, as a file path and as a fresh JSON document tests may change."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

DEMO_DATASET = Path(str(files("revcycle") / "demo_data" / "demo_dataset.json"))


def demo_document() -> dict[str, Any]:
    """A new copy of the demo dataset's JSON."""
    document: dict[str, Any] = json.loads(DEMO_DATASET.read_text(encoding="utf-8"))
    return document
