"""revcycle's verdicts agree with pyx12's wherever pyx12 can read a sample and has its map; docs list the rest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from revcycle.services.x12 import validate_paths
from tests.x12.corpus import X12_SAMPLES, samples
from tests.x12.pyx12_peer import pyx12_verdict

DOC = Path(__file__).resolve().parents[2] / "docs" / "x12-conformance.md"


def listed_disagreements() -> dict[str, tuple[str, str]]:
    """The disagreements docs/x12-conformance.md lists: sample -> (pyx12's verdict, revcycle's verdict)."""
    section = DOC.read_text(encoding="utf-8").split("## Disagreements", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (\w+) \| (\w+) \|", section, flags=re.MULTILINE)
    return {path: (pyx12, ours) for path, pyx12, ours in rows}


def test_verdicts_agree_with_pyx12_or_the_disagreement_is_documented() -> None:
    paths = [path for folder in sorted(X12_SAMPLES.iterdir()) if folder.is_dir() for path in samples(folder.name)]
    if not paths:
        pytest.skip(f"no samples under {X12_SAMPLES}")
    compared = 0
    disagreements = {}
    for path in paths:
        theirs, _ = pyx12_verdict(path)
        if theirs == "unreadable":
            continue  # pyx12 cannot read it (text before the ISA, not ASCII) or has no map for it
        compared += 1
        status = validate_paths([path])[0].status
        ours = "valid" if status == "valid" else "invalid"  # a file revcycle cannot read is not valid either
        if ours != theirs:
            disagreements[str(path.relative_to(X12_SAMPLES))] = (theirs, ours)
    assert compared >= 70
    assert disagreements == listed_disagreements()
