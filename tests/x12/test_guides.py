from __future__ import annotations

import importlib.resources
import importlib.util
import sys
from pathlib import Path

import pytest

from revcycle.x12.guides import GUIDE_FILES, LoopSpec, SegmentSpec, guide_for, load_guide
from revcycle.x12.guides.registry import envelope_segments, external_codes

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "revcycle" / "x12" / "guides" / "data"
GENERATOR = ROOT / "scripts" / "generate_x12_guides.py"


def _generator() -> object:
    spec = importlib.util.spec_from_file_location("generate_x12_guides", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_committed_guides_are_what_the_generator_makes(tmp_path: Path) -> None:
    generator = _generator()
    maps = Path(str(importlib.resources.files("pyx12") / "map"))
    written = generator.generate(maps, tmp_path)  # type: ignore[attr-defined]
    assert len(written) == 8
    for path in written:
        assert path.read_bytes() == (DATA / path.name).read_bytes(), f"{path.name} differs: run {GENERATOR.name}"


@pytest.mark.parametrize("file_name", sorted(set(GUIDE_FILES.values())))
def test_every_guide_loads_with_loops_that_start_with_a_segment(file_name: str) -> None:
    guide = load_guide(file_name)
    assert guide.root.id == "ST_LOOP"
    assert guide.root.first.id == "ST"
    assert guide.root.children[-1].id == "SE"
    assert guide.source

    def walk(loop: LoopSpec) -> int:
        assert isinstance(loop.children[0], SegmentSpec), f"loop {loop.id} starts with a loop"
        count = 0
        for child in loop.children:
            if isinstance(child, LoopSpec):
                count += walk(child)
            else:
                count += 1
                positions = [element.position for element in child.elements]
                assert positions == sorted(positions), f"{child.id} elements out of order"
        return count

    assert walk(guide.root) > 5


@pytest.mark.parametrize(
    ("transaction_set", "version", "label"),
    [
        ("837", "005010X222A1", "837P"),
        ("837", "005010X222A2", "837P"),  # the errata reads with the same guide
        ("837", "005010X223A2", "837I"),
        ("837", "005010X223A3", "837I"),
        ("835", "005010X221A1", "835"),
        ("277", "005010X214", "277CA"),
        ("277", "005010X212", "277"),
        ("276", "005010X212", "276"),
        ("999", "005010X231A1", "999"),
        ("270", "005010X279A1", "270"),
        ("271", "005010X279A1", "271"),
    ],
)
def test_guides_are_found_by_transaction_set_and_version(transaction_set: str, version: str, label: str) -> None:
    guide = guide_for(transaction_set, version)
    assert guide is not None
    assert guide.transaction == label


def test_4010_and_unknown_versions_have_no_guide() -> None:
    assert guide_for("837", "004010X098A1") is None
    assert guide_for("834", "005010X220A1") is None


def test_wrapper_tables_are_flattened_and_loops_are_where_the_guide_puts_them() -> None:
    guide = guide_for("835", "005010X221A1")
    assert guide is not None
    top = [child.id for child in guide.root.children]
    assert top[:3] == ["ST", "BPR", "TRN"]
    assert {"1000A", "2000", "PLB"} <= set(top)
    claim_loop = next(child for child in guide.root.children if child.id == "2000")
    assert isinstance(claim_loop, LoopSpec)
    assert [child.id for child in claim_loop.children if isinstance(child, LoopSpec)] == ["2100"]


def test_segment_uses_are_told_apart_by_their_qualifier() -> None:
    guide = guide_for("837", "005010X222A1")
    assert guide is not None
    billing = next(loop for loop in _loops(guide.root) if loop.id == "2010AA")
    name = billing.first
    assert name.matches("NM1", ["85", "2", "CLINIC"], ":")
    assert not name.matches("NM1", ["87", "2", "CLINIC"], ":")
    diagnosis = next(
        child
        for loop in _loops(guide.root)
        if loop.id == "2300"
        for child in loop.children
        if isinstance(child, SegmentSpec) and child.id == "HI"
    )
    assert diagnosis.matches("HI", ["ABK:E119"], ":")


def _loops(loop: LoopSpec) -> list[LoopSpec]:
    found = [loop]
    for child in loop.children:
        if isinstance(child, LoopSpec):
            found += _loops(child)
    return found


def test_envelope_and_external_code_lists() -> None:
    envelope = envelope_segments()
    assert set(envelope) >= {"ISA", "IEA", "GS", "GE"}
    assert len(envelope["ISA"].elements) == 16
    states = external_codes("states")
    assert states is not None
    assert "TX" in states
    assert external_codes("no such list") is None
