"""Where the official reference files and X12 samples are: ../shared beside the repository (never copied in)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REFDATA = SHARED / "refdata"


def shared_file(relative: str) -> Path:
    """The file at ``relative`` under ../shared, or skip the test with a clear message when it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} is absent: the official files are expected in ../shared")
    return path
