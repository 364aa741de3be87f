"""The public X12 samples of ../shared/x12, by transaction, and which of them are deliberately broken."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_files import SHARED

X12_SAMPLES = SHARED / "x12"
# Words that mark a sample as deliberately broken by the project it came from.
BROKEN_MARKERS = ("fail", "bad", "missing", "errors")
NOT_X12 = (".md", ".json", ".csv", ".xml")


def is_deliberately_broken(path: Path) -> bool:
    """Whether the sample's name says it was made broken on purpose."""
    name = path.name.lower()
    return any(marker in name for marker in BROKEN_MARKERS)


def samples(transaction: str) -> list[Path]:
    """Every sample file of one transaction folder (``837P``, ``835``, ``277CA``, ``835_4010`` ...), sorted."""
    folder = X12_SAMPLES / transaction
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file() and not path.name.endswith(NOT_X12))


def sample_params(transaction: str, *, broken: bool | None = None) -> list[object]:
    """Samples as pytest parameters with readable ids; ``broken`` keeps only the broken (True) or sound (False) ones.

    When ../shared is absent the list holds one parameter that skips, so the test says why it did not run.
    """
    found = [path for path in samples(transaction) if broken is None or is_deliberately_broken(path) == broken]
    if not found:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no {transaction} samples under {X12_SAMPLES}"))]
    return [pytest.param(path, id=str(path.relative_to(X12_SAMPLES))) for path in found]
