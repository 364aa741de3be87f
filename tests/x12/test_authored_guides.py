"""The guides authored as data (276 X212, 270/271 X279A1): built exactly, well formed, fitting the public samples."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from revcycle.x12.tokens import Segment, read_bytes, read_file
from tests.x12.corpus import sample_params

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_authored_x12_guides.py"
DATA = ROOT / "src" / "revcycle" / "x12" / "guides" / "data"
AUTHORED = ROOT / "src" / "revcycle" / "x12" / "guides" / "authored"
BUILT = ("276-005010X212.json", "270-005010X279A1.json", "271-005010X279A1.json")
# The guides generated from pyx12's 5010 maps, against which the authored segment directory is checked.
GENERATED = (
    "277-005010X212.json",
    "277CA-005010X214.json",
    "835-005010X221A1.json",
    "837I-005010X223A2.json",
    "837P-005010X222A1.json",
    "999-005010X231A1.json",
)
GUIDE_BY_SET = {"270": "270-005010X279A1.json", "271": "271-005010X279A1.json", "276": "276-005010X212.json"}
ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE", "TA1"})

Spec = dict[str, Any]


def _guide(name: str) -> Spec:
    content: Spec = json.loads((DATA / name).read_text(encoding="utf-8"))
    return content


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_authored_x12_guides", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script loads
    spec.loader.exec_module(module)
    return module


def _segments(node: Spec) -> Iterator[Spec]:
    """Every segment spec under a loop, in order."""
    for child in node["children"]:
        if "segment" in child:
            yield child
        else:
            yield from _segments(child)


def _loops(node: Spec) -> Iterator[Spec]:
    """A loop and every loop under it."""
    yield node
    for child in node["children"]:
        if "loop" in child:
            yield from _loops(child)


# --- built exactly from the authored source --------------------------------------------------------------------


def test_committed_guides_are_what_the_build_script_makes(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(BUILT)
    for name in BUILT:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), f"{name} is stale: rerun {SCRIPT.name}"


def test_each_guide_names_its_source_and_the_authored_file() -> None:
    for name in BUILT:
        guide = _guide(name)
        assert guide["transaction"] in name
        assert guide["version"] in name
        assert "authored/" in guide["source"]
        assert "sha256" in guide["source"]
        assert guide["root"]["children"][0]["elements"][0]["codes"] == [guide["transaction"]]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("  XYZ R 1 Unknown Segment", "not in segments-005010.txt"),
        ("  NM1 Q 1 Bad Usage", "expected 'SEG USAGE MAX_USE Name'"),
        ("  NM1 R 0 Zero Repeat", "expected a repeat count"),
        ("  NM1 R 1 Name\n    13 R Too Far", "has no element 13"),
        ("  NM1 R 1 Name\n    01.1 R Not A Composite", "is not a composite"),
        ("  NM1 R 1 Name\n    01 R Name = $missing", "no code list named"),
        ("  NM1 R 1 Name\n    01 R Name = PR PR", "listed twice"),
        ("  NM1 R 1 Name\n     01 R Odd Indent", "multiples of 2"),
    ],
)
def test_authoring_mistakes_are_reported_with_the_line(tmp_path: Path, line: str, message: str) -> None:
    builder = _builder()
    authored = tmp_path / "bad.txt"
    header = "".join(f"{key}: x\n" for key in ("transaction", "version", "functional_identifier", "name", "source"))
    authored.write_text(header + "loop ST_LOOP R >1 Transaction Set Header\n" + line + "\n", encoding="utf-8")
    directory = builder.read_segment_directory(AUTHORED / "segments-005010.txt")
    dictionary = builder.read_dictionary(builder.pyx12_dictionary())
    with pytest.raises(builder.AuthoringError, match=r"bad\.txt") as raised:
        builder.build_guide(authored, directory, dictionary)
    assert message in str(raised.value)


# --- well formed ------------------------------------------------------------------------------------------------


def _check_element(element: Spec, expected_id: str, seq: int, problems: list[str]) -> None:
    where = expected_id
    if element["id"] != expected_id or element["seq"] != seq:
        problems.append(f"{where}: id {element['id']} seq {element['seq']}")
    if element["usage"] not in ("R", "S", "N"):
        problems.append(f"{where}: usage {element['usage']}")
    if element.get("repeat", 1) is not None and element.get("repeat", 1) < 1:
        problems.append(f"{where}: repeat {element['repeat']}")
    if "composite" in element:
        components = element["composite"]
        if not components or not element["data_element"].startswith("C"):
            problems.append(f"{where}: composite without components")
        for number, component in enumerate(components, start=1):
            _check_element(component, f"{expected_id}-{number:02d}", number, problems)
        return
    if not element["data_element"].isdigit():
        problems.append(f"{where}: data element {element['data_element']}")
    if not element.get("type") or not element.get("name"):
        problems.append(f"{where}: type or name missing")
    if not isinstance(element.get("min"), int) or not isinstance(element.get("max"), int):
        problems.append(f"{where}: lengths missing")
    elif not 0 < element["min"] <= element["max"]:
        problems.append(f"{where}: lengths {element['min']}..{element['max']}")
    codes = element.get("codes")
    if codes is not None and (not codes or len(set(codes)) != len(codes)):
        problems.append(f"{where}: empty or repeated codes")
    if codes and element["usage"] == "N":
        problems.append(f"{where}: codes on a not used element")


def _check_loop(loop: Spec, problems: list[str], *, root: bool = False) -> None:
    name = loop["loop"]
    children = loop["children"]
    if not children:
        problems.append(f"loop {name}: empty")
        return
    first = children[0]
    if not loop.get("wrapper") and ("segment" not in first or first["usage"] != "R"):
        problems.append(f"loop {name}: does not start with a required segment")
    if loop["usage"] not in ("R", "S", "N") or (loop["repeat"] is not None and loop["repeat"] < 1):
        problems.append(f"loop {name}: usage {loop['usage']} repeat {loop['repeat']}")
    if root and (first.get("segment") != "ST" or children[-1].get("segment") != "SE"):
        problems.append("root: not bracketed by ST and SE")
    for child in children:
        if "loop" in child:
            _check_loop(child, problems)
            continue
        segment_id = child["segment"]
        if child["usage"] not in ("R", "S", "N") or (child["max_use"] is not None and child["max_use"] < 1):
            problems.append(f"{name} {segment_id}: usage {child['usage']} max_use {child['max_use']}")
        if not child["elements"]:
            problems.append(f"{name} {segment_id}: no elements")
        for seq, element in enumerate(child["elements"], start=1):
            _check_element(element, f"{segment_id}{seq:02d}", seq, problems)


@pytest.mark.parametrize("name", BUILT)
def test_guide_is_well_formed(name: str) -> None:
    guide = _guide(name)
    problems: list[str] = []
    _check_loop(guide["root"], problems, root=True)
    loop_ids = [loop["loop"] for loop in _loops(guide["root"]) if not loop.get("wrapper")]
    if len(loop_ids) != len(set(loop_ids)):
        problems.append(f"loop ids repeat: {loop_ids}")
    assert problems == []


@pytest.mark.parametrize("name", BUILT)
def test_hierarchical_levels_carry_their_level_codes(name: str) -> None:
    """Each HL loop names its level code (HL03), so the parser can tell the levels apart."""
    levels = {}
    for loop in _loops(_guide(name)["root"]):
        first = loop["children"][0]
        if first.get("segment") == "HL":
            codes = first["elements"][2]["codes"]
            assert len(codes) == 1, loop["loop"]
            levels[loop["loop"]] = codes[0]
    expected = {"2000A": "20", "2000B": "21"}
    assert {key: levels[key] for key in expected} == expected
    assert len(set(levels.values())) == len(levels)


@pytest.mark.parametrize("name", BUILT)
def test_segments_sharing_an_id_in_a_loop_are_told_apart_by_their_qualifier_codes(name: str) -> None:
    """Where one loop has several uses of an id (REF*1K, REF*BLT; AMT*R, AMT*PB), the qualifier codes decide."""
    problems = []
    for loop in _loops(_guide(name)["root"]):
        by_id: dict[str, list[Spec]] = {}
        for child in _flatten(loop)[1:]:
            spec = child if "segment" in child else _first_segment(child)
            by_id.setdefault(spec["segment"], []).append(spec)
        for segment_id, uses in by_id.items():
            if len(uses) < 2:
                continue
            qualifiers = [_qualifier(use) for use in uses]
            codes = [qualifier[2] for qualifier in qualifiers if qualifier is not None]
            if len(codes) != len(uses) or sum(map(len, codes)) != len(frozenset().union(*codes)):
                problems.append(f"{loop['loop']} {segment_id}: uses not told apart")
    assert problems == []


def _structures(guide: Spec) -> Iterator[tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...], tuple[str, ...]]]:
    for segment in _segments(guide["root"]):
        elements = tuple(element["data_element"] for element in segment["elements"])
        components = tuple(
            tuple(component["data_element"] for component in element.get("composite") or ())
            for element in segment["elements"]
        )
        yield segment["segment"], elements, components, tuple(segment.get("syntax") or ())


def test_segment_directory_agrees_with_pyx12s_5010_maps() -> None:
    """Segments the generated (pyx12) guides also use have the same data elements, components and syntax rules."""
    reference: dict[str, set[tuple[str, ...]]] = {}
    reference_components: dict[str, dict[int, set[tuple[str, ...]]]] = {}
    reference_syntax: dict[str, set[tuple[str, ...]]] = {}
    for name in GENERATED:
        for segment_id, elements, components, syntax in _structures(_guide(name)):
            reference.setdefault(segment_id, set()).add(elements)
            reference_syntax.setdefault(segment_id, set()).add(syntax)
            for position, parts in enumerate(components):
                if parts:
                    reference_components.setdefault(segment_id, {}).setdefault(position, set()).add(parts)
    checked = set()
    problems = []
    for name in BUILT:
        for segment_id, elements, components, syntax in _structures(_guide(name)):
            if segment_id not in reference:
                continue
            checked.add(segment_id)
            # pyx12's maps sometimes stop at the last element the guide uses: compare the common prefix.
            if not any(elements[: len(known)] == known for known in reference[segment_id]):
                problems.append(f"{name} {segment_id}: elements {elements} vs {reference[segment_id]}")
            if syntax not in reference_syntax[segment_id] and any(reference_syntax[segment_id]):
                problems.append(f"{name} {segment_id}: syntax {syntax} vs {reference_syntax[segment_id]}")
            for position, parts in enumerate(components):
                known_parts = reference_components.get(segment_id, {}).get(position, set())
                if parts and known_parts and not any(parts[: len(known)] == known for known in known_parts):
                    problems.append(f"{name} {segment_id}{position + 1:02d}: components {parts} vs {known_parts}")
    assert problems == []
    assert {"ST", "BHT", "HL", "NM1", "REF", "N3", "N4", "DMG", "DTP", "TRN", "AMT", "SVC", "SE"} <= checked


# --- every segment of the sound public samples can be placed -----------------------------------------------------


def _flatten(loop: Spec) -> list[Spec]:
    """A loop's children with wrappers (pyx12's tables) spliced in."""
    children: list[Spec] = []
    for child in loop["children"]:
        if child.get("wrapper"):
            children.extend(_flatten(child))
        else:
            children.append(child)
    return children


def _qualifier(segment: Spec) -> tuple[int, int, frozenset[str]] | None:
    """The element whose codes tell this use of a segment from others.

    The first required coded element of the first three (or the first component of a required composite), as X12
    parsers (pyx12, revcycle's walker) choose it.
    """
    for element in segment["elements"][:3]:
        if element["usage"] != "R":
            continue
        if element.get("codes"):
            return element["seq"], 0, frozenset(element["codes"])
        components = element.get("composite") or []
        if components and components[0].get("codes"):
            return element["seq"], 1, frozenset(components[0]["codes"])
    return None


def _matches(spec: Spec, segment: Segment) -> bool:
    if spec["segment"] != segment.id:
        return False
    qualifier = _qualifier(spec)
    if qualifier is None:
        return True
    position, component, codes = qualifier
    value = segment.elements[position - 1] if position <= len(segment.elements) else ""
    if component:
        value = value.split(segment.delimiters.component)[0]
    return value in codes


def _first_segment(loop: Spec) -> Spec:
    first = _flatten(loop)[0]
    return first if "segment" in first else _first_segment(first)


@dataclass
class _Open:
    """An open loop instance: its children, the walker's position in them, and how often each occurred."""

    spec: Spec
    children: list[Spec]
    position: int = 0
    counts: dict[int, int] = field(default_factory=dict)


class _Placer:
    """Places segments in a guide the way an X12 parser does: forward only, from the innermost open loop outwards.

    A segment lands on the first segment of the open loop at or after the current position whose id and qualifier
    match, or opens the first child loop there whose first segment matches; a loop's own first segment starts a new
    instance of it, found from its parent. Counts are kept to report segments and loops beyond their maximum.
    """

    def __init__(self, guide: Spec) -> None:
        self.root = guide["root"]
        self.stack: list[_Open] = []
        self.over_maximum: list[str] = []

    def place(self, segment: Segment) -> bool:
        if not self.stack:
            self.stack = [_Open(self.root, _flatten(self.root))]
            return self._land(0, 0, segment)
        for depth in range(len(self.stack) - 1, -1, -1):
            open_loop = self.stack[depth]
            start = max(open_loop.position, 1 if depth else 0)
            for index in range(start, len(open_loop.children)):
                child = open_loop.children[index]
                if "segment" in child and _matches(child, segment):
                    del self.stack[depth + 1 :]
                    return self._land(depth, index, segment)
                if "loop" in child and _matches(_first_segment(child), segment):
                    del self.stack[depth + 1 :]
                    self._count(open_loop, index, child["repeat"], f"loop {child['loop']}", segment)
                    open_loop.position = index
                    self.stack.append(_Open(child, _flatten(child)))
                    return self._land(len(self.stack) - 1, 0, segment)
        return False

    def _land(self, depth: int, index: int, segment: Segment) -> bool:
        open_loop = self.stack[depth]
        spec = open_loop.children[index]
        if "segment" not in spec:  # a loop that starts with a loop: open it too
            self.stack.append(_Open(spec, _flatten(spec)))
            return self._land(depth + 1, 0, segment)
        self._count(open_loop, index, spec["max_use"], f"{open_loop.spec['loop']} {spec['segment']}", segment)
        open_loop.position = index
        return True

    def _count(self, open_loop: _Open, index: int, maximum: int | None, what: str, segment: Segment) -> None:
        open_loop.counts[index] = open_loop.counts.get(index, 0) + 1
        if maximum is not None and open_loop.counts[index] > maximum:
            self.over_maximum.append(f"{what} over {maximum} at {segment.location}")


def _unplaceable(segments: list[Segment]) -> tuple[list[str], list[str], int]:
    """(segments that land nowhere, segments or loops over their maximum, transaction sets checked)."""
    unplaced: list[str] = []
    over: list[str] = []
    placer: _Placer | None = None
    checked = 0
    for segment in segments:
        if segment.id in ENVELOPE:
            continue
        if segment.id == "ST":
            guide_name = GUIDE_BY_SET.get(segment.elements[0] if segment.elements else "")
            placer = _Placer(_guide(guide_name)) if guide_name else None
            checked += placer is not None
        if placer is None:
            continue
        if not placer.place(segment):
            unplaced.append(f"{segment.location}: {segment.text()}")
        if segment.id == "SE":
            over.extend(placer.over_maximum)
            placer = None
    return unplaced, over, checked


def _sound_samples() -> list[object]:
    return [param for transaction in ("270", "271", "276") for param in sample_params(transaction, broken=False)]


@pytest.mark.parametrize("path", _sound_samples())
def test_every_segment_of_a_sound_sample_lands_in_a_loop(path: Path) -> None:
    unplaced, over, checked = _unplaceable(list(read_file(path)))
    assert checked >= 1, "no 270, 271 or 276 transaction set in the sample"
    assert unplaced == []
    assert over == []


SOUND_270 = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *060501*1319*^*00501*000000001*0*T*:~"
    "GS*HS*SENDER*RECEIVER*20060501*1319*1*X*005010X279A1~"
    "ST*270*1234*005010X279A1~BHT*0022*13*10001234*20060501*1319~"
    "HL*1**20*1~NM1*PR*2*ABC COMPANY*****PI*842610001~"
    "HL*2*1*21*1~NM1*1P*2*BONE AND JOINT CLINIC*****SV*2000035~"
    "HL*3*2*22*0~TRN*1*93175-012547*9877281234~NM1*IL*1*SMITH*ROBERT****MI*11122333301~DMG*D8*19430519~"
    "DTP*291*D8*20060501~EQ*30~{extra}SE*13*1234~GE*1*1~IEA*1*000000001~"
)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("", []),
        ("CLM*1*100~", ["CLM"]),  # a segment the 270 does not have
        ("NM1*PR*2*OTHER*****PI*1~", ["NM1"]),  # a payer name where no loop takes one any more
        ("DTP*999*D8*20060501~", ["DTP"]),  # a date qualifier the guide does not list
    ],
)
def test_the_placement_check_finds_stray_segments(extra: str, expected: list[str]) -> None:
    unplaced, over, checked = _unplaceable(read_bytes(SOUND_270.replace("{extra}", extra).encode()))
    assert checked == 1
    assert [line.split(": ", 1)[1].split("*", 1)[0] for line in unplaced] == expected
    assert over == []


def test_the_placement_check_counts_repeats() -> None:
    unplaced, over, _ = _unplaceable(read_bytes(SOUND_270.replace("{extra}", "DTP*291*D8*20060502~" * 2).encode()))
    assert unplaced == []
    assert len(over) == 1
    assert "2110C DTP over 1" in over[0]
