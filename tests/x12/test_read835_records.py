"""The 835 reader builds its records without running their checks twice: each must equal the checked record."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from revcycle.x12.errors import X12Error
from revcycle.x12.read835 import read_835
from revcycle.x12.tokens import read_file
from tests.x12.corpus import sample_params
from tests.x12.rebuild import as_checked

FIXTURES = Path(__file__).parent / "fixtures" / "835"
DEMO = Path(str(files("revcycle") / "demo_data" / "demo.835"))


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(DEMO, id="demo.835"),
        *(pytest.param(p, id=p.name) for p in sorted(FIXTURES.glob("*.835"))),
        *sample_params("835"),
        *sample_params("835_4010"),
    ],
)
def test_every_record_read_is_what_its_own_checks_make(path: Path) -> None:
    try:
        remittances = list(read_835(read_file(path), str(path)))
    except X12Error:
        return  # refused files are the subject of test_read835.py
    for remittance in remittances:
        found, checked = as_checked(remittance)
        assert found == checked
