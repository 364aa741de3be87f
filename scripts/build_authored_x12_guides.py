"""Build the X12 implementation guides that are authored as data (276, 270, 271) into revcycle's guide JSON.

pyx12 publishes no 5010 maps for the 276 (005010X212) and the 270/271 (005010X279A1), so these three guides are
written by hand, as data, in ``src/revcycle/x12/guides/authored/``: one indented text file per guide (loops, segments,
the usage, repeat, name and codes of each used element) and one segment directory (the data elements of each segment
and composite, and its syntax rules). This script joins them with the X12 data element dictionary (types and lengths,
from pyx12's ``dataele.xml``) and writes ``src/revcycle/x12/guides/data/<transaction>-<version>.json`` in exactly the
format ``scripts/generate_x12_guides.py`` writes for the guides generated from pyx12's maps.

The notation is described in ``src/revcycle/x12/guides/authored/README.md``. Run
``.venv/bin/python scripts/build_authored_x12_guides.py`` after editing the authored files; the output is
deterministic, and ``tests/x12/test_authored_guides.py`` checks that the committed JSON is what this script makes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

GUIDES = Path(__file__).resolve().parent.parent / "src" / "revcycle" / "x12" / "guides"
AUTHORED = GUIDES / "authored"
OUTPUT = GUIDES / "data"
SEGMENT_DIRECTORY = "segments-005010.txt"
# Authored guide files, in the order they are built.
GUIDE_FILES = ("276-005010X212.txt", "270-005010X279A1.txt", "271-005010X279A1.txt")
HEADER_KEYS = ("transaction", "version", "functional_identifier", "name", "source")
INDENT = 2

_USAGES = frozenset("RSN")
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_ELEMENT_ID = re.compile(r"(\d{2})(?:\.(\d{1,2}))?")
_DATA_ELEMENT = re.compile(r"\d+|C\d{3}")
_SYNTAX_RULE = re.compile(r"[PRCLE]\d{4,}")


class AuthoringError(ValueError):
    """An authored file that does not follow the notation; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class DataElement:
    """One entry of the X12 data element dictionary."""

    type: str
    min: int
    max: int
    name: str


@dataclass(frozen=True, slots=True)
class Structure:
    """A segment or composite of the segment directory: its data elements in order, syntax rules and name."""

    elements: tuple[str, ...]
    syntax: tuple[str, ...]
    name: str


@dataclass(slots=True)
class _Line:
    """One meaningful line of an authored guide: where it is, how deep, and its text."""

    number: int
    depth: int
    text: str


@dataclass(slots=True)
class _ElementUse:
    """How a guide uses one element or component: usage, repeat, name, codes, external list."""

    usage: str
    repeat: int | None = 1
    name: str | None = None
    codes: list[str] | None = None
    external: str | None = None
    components: dict[int, _ElementUse] = field(default_factory=dict)


def read_dictionary(path: Path) -> dict[str, DataElement]:
    """The X12 data element dictionary (pyx12's ``dataele.xml``), by data element number.

    Args:
        path: the ``dataele.xml`` file.

    Returns:
        Each data element's type, minimum and maximum length, and name.
    """
    root = ElementTree.parse(path).getroot()
    return {
        node.get("ele_num", ""): DataElement(
            type=node.get("data_type", ""),
            min=int(node.get("min_len", "0")),
            max=int(node.get("max_len", "0")),
            name=node.get("name", ""),
        )
        for node in root.iter("data_ele")
    }


def read_segment_directory(path: Path) -> dict[str, Structure]:
    """The segment directory: ``ID  element element ...  [syntax rules]  Name`` per line.

    Args:
        path: the authored segment directory file.

    Returns:
        Each segment's and composite's data elements, syntax rules and name, by id.

    Raises:
        AuthoringError: a line does not follow the notation.
    """
    structures: dict[str, Structure] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        where = f"{path.name}:{number}"
        structure_id, _, rest = text.partition(" ")
        syntax: tuple[str, ...] = ()
        if "[" in rest:
            before, _, after = rest.partition("[")
            rules, _, name = after.partition("]")
            syntax = tuple(rules.split())
            elements = before.split()
        else:
            tokens = rest.split()
            count = next((i for i, token in enumerate(tokens) if not _DATA_ELEMENT.fullmatch(token)), len(tokens))
            elements, name = tokens[:count], " ".join(tokens[count:])
        if not elements or not all(_DATA_ELEMENT.fullmatch(element) for element in elements):
            raise AuthoringError(f"{where}: expected data element numbers after {structure_id!r}")
        if not all(_SYNTAX_RULE.fullmatch(rule) for rule in syntax):
            raise AuthoringError(f"{where}: bad syntax rule in {syntax}")
        if structure_id in structures:
            raise AuthoringError(f"{where}: {structure_id} is listed twice")
        structures[structure_id] = Structure(tuple(elements), syntax, " ".join(name.split()))
    return structures


def _repeat(text: str, where: str) -> int | None:
    """A repeat count or maximum use: a number, or ``>1`` for unbounded (None)."""
    if text == ">1":
        return None
    if not text.isdigit() or int(text) < 1:
        raise AuthoringError(f"{where}: expected a repeat count or >1, got {text!r}")
    return int(text)


def _lines(path: Path) -> tuple[dict[str, str], dict[str, list[str]], list[_Line]]:
    """Split an authored guide into header keys, named code lists and the indented structure lines."""
    header: dict[str, str] = {}
    code_lists: dict[str, list[str]] = {}
    body: list[_Line] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        where = f"{path.name}:{number}"
        indent = len(raw) - len(raw.lstrip(" "))
        if indent % INDENT or "\t" in raw[: indent + 1]:
            raise AuthoringError(f"{where}: indent by multiples of {INDENT} spaces")
        if indent == 0 and stripped.startswith("codes "):
            list_name, colon, codes = stripped[len("codes ") :].partition(":")
            if not colon or not list_name.strip().isidentifier():
                raise AuthoringError(f"{where}: expected 'codes NAME: CODE CODE ...'")
            code_lists.setdefault(list_name.strip(), []).extend(codes.split())
            continue
        key, colon, value = stripped.partition(":")
        if indent == 0 and colon and key in HEADER_KEYS:
            header[key] = value.strip()
            continue
        body.append(_Line(number, indent // INDENT, stripped))
    missing = [key for key in HEADER_KEYS if key not in header]
    if missing:
        raise AuthoringError(f"{path.name}: missing header keys {missing}")
    return header, code_lists, body


class _GuideBuilder:
    """Turns the structure lines of one authored guide into the guide JSON tree."""

    def __init__(
        self,
        file_name: str,
        code_lists: dict[str, list[str]],
        directory: dict[str, Structure],
        dictionary: dict[str, DataElement],
    ) -> None:
        self.file_name = file_name
        self.code_lists = code_lists
        self.directory = directory
        self.dictionary = dictionary

    def where(self, line: _Line) -> str:
        return f"{self.file_name}:{line.number}"

    def build(self, lines: list[_Line]) -> dict[str, Any]:
        if not lines or lines[0].depth != 0 or not lines[0].text.startswith("loop "):
            raise AuthoringError(f"{self.file_name}: the structure must start with the ST_LOOP loop at column 0")
        root, end = self.loop(lines, 0)
        if end != len(lines):
            raise AuthoringError(f"{self.where(lines[end])}: only one root loop is allowed")
        return root

    def loop(self, lines: list[_Line], start: int) -> tuple[dict[str, Any], int]:
        """The loop (or wrapper) on ``lines[start]`` and its children; returns it and the index after it."""
        line = lines[start]
        words = line.text.split(maxsplit=4)
        if len(words) < 5 or words[0] not in ("loop", "wrapper") or words[2] not in _USAGES:
            raise AuthoringError(f"{self.where(line)}: expected 'loop|wrapper ID USAGE REPEAT Name'")
        kind, loop_id, usage, repeat, name = words
        spec: dict[str, Any] = {
            "loop": loop_id,
            "name": name,
            "usage": usage,
            "repeat": _repeat(repeat, self.where(line)),
        }
        if kind == "wrapper":
            spec["wrapper"] = True
        children: list[dict[str, Any]] = []
        index = start + 1
        while index < len(lines) and lines[index].depth > line.depth:
            child = lines[index]
            if child.depth != line.depth + 1:
                raise AuthoringError(f"{self.where(child)}: indented too deep")
            if child.text.split(maxsplit=1)[0] in ("loop", "wrapper"):
                nested, index = self.loop(lines, index)
                children.append(nested)
            else:
                segment, index = self.segment(lines, index)
                children.append(segment)
        if not children:
            raise AuthoringError(f"{self.where(line)}: loop {loop_id} has no segments")
        spec["children"] = children
        return spec, index

    def segment(self, lines: list[_Line], start: int) -> tuple[dict[str, Any], int]:
        """The segment on ``lines[start]`` with its element lines; returns it and the index after it."""
        line = lines[start]
        words = line.text.split(maxsplit=3)
        if len(words) < 4 or not _SEGMENT_ID.fullmatch(words[0]) or words[1] not in _USAGES:
            raise AuthoringError(f"{self.where(line)}: expected 'SEG USAGE MAX_USE Name'")
        segment_id, usage, max_use, name = words
        structure = self.directory.get(segment_id)
        if structure is None:
            raise AuthoringError(f"{self.where(line)}: {segment_id} is not in {SEGMENT_DIRECTORY}")
        uses: dict[int, _ElementUse] = {}
        index = start + 1
        while index < len(lines) and lines[index].depth > line.depth:
            element_line = lines[index]
            if element_line.depth != line.depth + 1:
                raise AuthoringError(f"{self.where(element_line)}: element lines sit one level under their segment")
            self.element_use(element_line, segment_id, structure, uses)
            index += 1
        spec: dict[str, Any] = {
            "segment": segment_id,
            "name": name,
            "usage": usage,
            "max_use": _repeat(max_use, self.where(line)),
            "elements": [
                self.element(segment_id, position, data_element, uses.get(position))
                for position, data_element in enumerate(structure.elements, start=1)
            ],
        }
        if structure.syntax:
            spec["syntax"] = list(structure.syntax)
        return spec, index

    def element_use(self, line: _Line, segment_id: str, structure: Structure, uses: dict[int, _ElementUse]) -> None:
        """Record one element line (``NN USAGE[*REPEAT] [Name] [= codes] [@external]``) of a segment."""
        where = self.where(line)
        reference, _, rest = line.text.partition(" ")
        match = _ELEMENT_ID.fullmatch(reference)
        if match is None:
            raise AuthoringError(f"{where}: expected an element position such as 03 or 01.2, got {reference!r}")
        position = int(match.group(1))
        if not 1 <= position <= len(structure.elements):
            raise AuthoringError(f"{where}: {segment_id} has no element {position:02d}")
        rest, _, code_text = rest.partition(" = ")
        words = rest.split()
        external = None
        if words and words[-1].startswith("@"):
            external = words.pop()[1:]
        if code_text and code_text.split()[-1].startswith("@"):
            *code_words, external_word = code_text.split()
            code_text, external = " ".join(code_words), external_word[1:]
        if not words:
            raise AuthoringError(f"{where}: missing usage")
        usage_text, *name_words = words
        usage, star, repeat_text = usage_text.partition("*")
        if usage not in _USAGES:
            raise AuthoringError(f"{where}: usage must be R, S or N, got {usage!r}")
        use = _ElementUse(
            usage=usage,
            repeat=_repeat(repeat_text, where) if star else 1,
            name=" ".join(name_words) or None,
            codes=self.codes(code_text, where) if code_text else None,
            external=external,
        )
        data_element = structure.elements[position - 1]
        if match.group(2) is None:
            if position in uses:
                raise AuthoringError(f"{where}: element {position:02d} is listed twice")
            uses[position] = use
            return
        composite = self.directory.get(data_element)
        component = int(match.group(2))
        if composite is None or not data_element.startswith("C"):
            raise AuthoringError(f"{where}: {segment_id}{position:02d} is not a composite")
        if not 1 <= component <= len(composite.elements):
            raise AuthoringError(f"{where}: composite {data_element} has no component {component}")
        parent = uses.get(position)
        if parent is None:
            raise AuthoringError(f"{where}: list the composite {segment_id}{position:02d} before its components")
        if component in parent.components:
            raise AuthoringError(f"{where}: component {reference} is listed twice")
        parent.components[component] = use

    def codes(self, text: str, where: str) -> list[str]:
        """The codes of ``= ...``: literal codes and ``$name`` lists, in the order given, without duplicates."""
        codes: list[str] = []
        for word in text.split():
            if word.startswith("$"):
                named = self.code_lists.get(word[1:])
                if named is None:
                    raise AuthoringError(f"{where}: no code list named {word[1:]!r}")
                codes.extend(named)
            else:
                codes.append(word)
        unique = list(dict.fromkeys(codes))
        if len(unique) != len(codes):
            raise AuthoringError(f"{where}: a code is listed twice")
        return unique

    def element(self, parent_id: str, position: int, data_element: str, use: _ElementUse | None) -> dict[str, Any]:
        """The JSON of one element (or component) at ``position``, filled from the dictionaries."""
        element_id = f"{parent_id}{position:02d}"  # NM101; a component's parent_id ends in "-": SVC01-01
        if use is None:
            use = _ElementUse(usage="N")
        spec: dict[str, Any] = {"id": element_id}
        if data_element.startswith("C"):
            composite = self.directory[data_element]
            spec.update(
                name=use.name or composite.name,
                usage=use.usage,
                seq=position,
                data_element=data_element,
            )
            component_uses = use.components if use.usage != "N" else {}
            spec["composite"] = [
                self.element(f"{element_id}-", number, component_element, component_uses.get(number))
                for number, component_element in enumerate(composite.elements, start=1)
            ]
        else:
            definition = self.dictionary.get(data_element)
            if definition is None:
                raise AuthoringError(f"{self.file_name}: data element {data_element} is not in the dictionary")
            if use.components:
                raise AuthoringError(f"{self.file_name}: {element_id} is not a composite")
            spec.update(
                name=use.name or definition.name,
                usage=use.usage,
                seq=position,
                data_element=data_element,
                type=definition.type,
                min=definition.min,
                max=definition.max,
            )
            if use.codes:
                spec["codes"] = use.codes
            if use.external:
                spec["external"] = use.external
        if use.repeat != 1:
            spec["repeat"] = use.repeat
        return spec


def build_guide(path: Path, directory: dict[str, Structure], dictionary: dict[str, DataElement]) -> dict[str, Any]:
    """One guide's JSON content from its authored file.

    Args:
        path: the authored guide file.
        directory: the segment directory (`read_segment_directory`).
        dictionary: the data element dictionary (`read_dictionary`).

    Returns:
        The guide, in the format of the guides generated from pyx12's maps.

    Raises:
        AuthoringError: the file does not follow the notation or names unknown segments or elements.
    """
    header, code_lists, body = _lines(path)
    root = _GuideBuilder(path.name, code_lists, directory, dictionary).build(body)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {
        "transaction": header["transaction"],
        "version": header["version"],
        "functional_identifier": header["functional_identifier"],
        "name": header["name"],
        "source": f"{header['source']} (authored/{path.name}, sha256 {digest})",
        "root": root,
    }


def build(authored: Path, dataele: Path, output: Path) -> list[Path]:
    """Build every authored guide into ``output``.

    Args:
        authored: the folder of authored guides and the segment directory.
        dataele: the X12 data element dictionary (pyx12's ``dataele.xml``).
        output: the folder to write ``<transaction>-<version>.json`` files into.

    Returns:
        The files written.
    """
    dictionary = read_dictionary(dataele)
    directory = read_segment_directory(authored / SEGMENT_DIRECTORY)
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name in GUIDE_FILES:
        guide = build_guide(authored / file_name, directory, dictionary)
        target = output / f"{guide['transaction']}-{guide['version']}.json"
        target.write_text(json.dumps(guide, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def pyx12_dictionary() -> Path:
    """Where the installed pyx12 (a development dependency) keeps the X12 data element dictionary.

    Returns:
        The path of ``dataele.xml``.
    """
    return Path(str(resources.files("pyx12") / "map" / "dataele.xml"))


def main(argv: list[str] | None = None) -> int:
    """Build the authored guides into ``--output`` (default: the package's data folder).

    Args:
        argv: the command line arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 when built, 1 when an authored file is wrong.
    """
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--authored", type=Path, default=AUTHORED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args(argv)
    try:
        written = build(arguments.authored, pyx12_dictionary(), arguments.output)
    except AuthoringError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"{path}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
