"""Generate revcycle's X12 implementation guides (JSON) from pyx12's public, BSD-licensed XML maps.

pyx12 (https://github.com/azoner/pyx12) publishes the HIPAA 5010 implementation guides as XML: loops, segments,
elements, usage, repeats, valid codes and syntax rules, and the X12 data element dictionary (types and lengths). This
script reads the maps of the installed pyx12 wheel (a development dependency) and writes one compact JSON file per
guide into ``src/revcycle/x12/guides/data``, with the sha256 of the map it came from. revcycle reads the JSON at run
time and never needs pyx12.

Run ``.venv/bin/python scripts/generate_x12_guides.py`` to regenerate; the output is deterministic, and
``tests/x12/test_guides.py`` checks that the committed files match what this script makes from the pinned pyx12.
Guides pyx12 has no 5010 map for (276 X212, 270/271 X279A1) are authored as data in the same format.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

OUTPUT = Path(__file__).resolve().parent.parent / "src" / "revcycle" / "x12" / "guides" / "data"

# Some maps carry the envelope loops (ISA, GS) around the transaction set: only the ST loop is kept, and the envelope
# comes from the control map, the same for every transaction.
# pyx12 map file -> (transaction label, implementation guide version, GS01 functional identifier).
MAPS = {
    "837.5010.X222.A1.xml": ("837P", "005010X222A1", "HC"),
    "837Q3.I.5010.X223.A1.xml": ("837I", "005010X223A2", "HC"),
    "835.5010.X221.A1.v2.xml": ("835", "005010X221A1", "HP"),
    "277.5010.X214.xml": ("277CA", "005010X214", "HN"),
    "277.5010.X212.xml": ("277", "005010X212", "HN"),
    "999.5010X231.A1.xml": ("999", "005010X231A1", "FA"),
}
CONTROL_MAP = "x12.control.00501.xml"
# Code lists that maps name as external and that are small and public; larger ones (RARC) come from refdata.
EXTERNAL_CODE_LISTS = ("states", "country", "currency", "pos")


def _field(node: ElementTree.Element, name: str) -> str | None:
    """An attribute (pyx12 v2 maps) or child element text (v1 maps) of a map node."""
    value = node.get(name)
    if value is None:
        child = node.find(name)
        value = child.text if child is not None else None
    return value.strip() if value is not None else None


def _repeat(text: str | None) -> int | None:
    """A repeat count; None for unbounded (``>1``)."""
    if text is None:
        return 1
    return None if text.startswith(">") else int(text)


def _codes(node: ElementTree.Element) -> tuple[list[str] | None, str | None]:
    valid = node.find("valid_codes")
    if valid is None:
        return None, None
    external = valid.get("external")
    codes = [code.text.strip() for code in valid.findall("code") if code.text is not None]
    return (codes or None), external


def _element(node: ElementTree.Element, dictionary: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data_element = _field(node, "data_ele") or ""
    spec: dict[str, Any] = {
        "id": node.get("xid"),
        "name": _field(node, "name"),
        "usage": _field(node, "usage"),
        "seq": int(_field(node, "seq") or 0),
        "data_element": data_element,
    }
    if node.tag == "composite":
        spec["composite"] = [_element(child, dictionary) for child in node.findall("element")]
    else:
        definition = dictionary.get(data_element, {})
        spec["type"] = definition.get("type")
        spec["min"] = definition.get("min")
        spec["max"] = definition.get("max")
        codes, external = _codes(node)
        if codes:
            spec["codes"] = codes
        if external:
            spec["external"] = external
        regex = _field(node, "regex")
        if regex:
            spec["regex"] = regex
    repeat = _repeat(_field(node, "repeat"))
    if repeat != 1:
        spec["repeat"] = repeat
    return spec


def _segment(node: ElementTree.Element, dictionary: dict[str, dict[str, Any]]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "segment": node.get("xid"),
        "name": _field(node, "name"),
        "usage": _field(node, "usage"),
        "max_use": _repeat(_field(node, "max_use")),
        "elements": [_element(child, dictionary) for child in node if child.tag in ("element", "composite")],
    }
    syntax = [rule.text.strip() for rule in node.findall("syntax") if rule.text]
    if syntax:
        spec["syntax"] = syntax
    return spec


def _loop(node: ElementTree.Element, dictionary: dict[str, dict[str, Any]]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "loop": node.get("xid"),
        "name": _field(node, "name"),
        "usage": _field(node, "usage"),
        "repeat": _repeat(_field(node, "repeat")),
    }
    if (node.get("type") or _field(node, "type")) == "wrapper":
        spec["wrapper"] = True
    spec["children"] = [
        _segment(child, dictionary) if child.tag == "segment" else _loop(child, dictionary)
        for child in node
        if child.tag in ("segment", "loop")
    ]
    return spec


def _without(children: list[dict[str, Any]], segment_id: str) -> list[dict[str, Any]]:
    """Children without any use of a segment id, at any depth."""
    kept = []
    for child in children:
        if child.get("segment") == segment_id:
            continue
        if "loop" in child:
            child = {**child, "children": _without(child["children"], segment_id)}
        kept.append(child)
    return kept


def _dictionary(maps: Path) -> dict[str, dict[str, Any]]:
    root = ElementTree.parse(maps / "dataele.xml").getroot()
    return {
        node.get("ele_num", ""): {
            "type": node.get("data_type"),
            "min": int(node.get("min_len", "0")),
            "max": int(node.get("max_len", "0")),
        }
        for node in root.iter("data_ele")
    }


def _code_lists(maps: Path) -> dict[str, list[str]]:
    root = ElementTree.parse(maps / "codes.xml").getroot()
    lists: dict[str, list[str]] = {}
    for codeset in root.iter("codeset"):
        name = (codeset.findtext("id") or "").strip()
        if name in EXTERNAL_CODE_LISTS:
            lists[name] = sorted({code.text.strip() for code in codeset.iter("code") if code.text})
    return lists


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def generate(maps: Path, output: Path) -> list[Path]:
    """Write every guide, the envelope guide and the external code lists; return the files written."""
    import pyx12  # a development dependency, needed only to regenerate

    dictionary = _dictionary(maps)
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, (transaction, version, functional_identifier) in MAPS.items():
        root = ElementTree.parse(maps / file_name).getroot()
        top = next((loop for loop in root.iter("loop") if loop.get("xid") == "ST_LOOP"), None)
        if top is None:
            raise SystemExit(f"{file_name}: no ST_LOOP")
        root_loop = _loop(top, dictionary)
        if not any(child.get("segment") == "SE" for child in root_loop["children"]):
            # pyx12's 277 X212 map nests its tables unevenly and leaves SE outside the ST loop's children.
            trailer = next(node for node in root.iter("segment") if node.get("xid") == "SE")
            root_loop["children"] = [*_without(root_loop["children"], "SE"), _segment(trailer, dictionary)]
        guide = {
            "transaction": transaction,
            "version": version,
            "functional_identifier": functional_identifier,
            "name": _field(root, "name"),
            "source": f"pyx12 {pyx12.__version__} map {file_name} (BSD licence), sha256 {_sha256(maps / file_name)}",
            "root": root_loop,
        }
        written.append(_write(output / f"{transaction}-{version}.json", guide))
    control = ElementTree.parse(maps / CONTROL_MAP).getroot()
    envelope = {
        "name": "X12 5010 interchange control",
        "source": f"pyx12 {pyx12.__version__} map {CONTROL_MAP} (BSD licence), sha256 {_sha256(maps / CONTROL_MAP)}",
        "segments": {
            segment["segment"]: segment for segment in (_segment(node, dictionary) for node in control.iter("segment"))
        },
    }
    written.append(_write(output / "envelope.json", envelope))
    codes = {"source": f"pyx12 {pyx12.__version__} codes.xml (BSD licence)", "lists": _code_lists(maps)}
    written.append(_write(output / "code_lists.json", codes))
    return written


def _write(path: Path, content: dict[str, Any]) -> Path:
    path.write_text(json.dumps(content, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Regenerate the guides into ``--output`` (default: the package's data folder)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args(argv)
    maps = Path(str(resources.files("pyx12") / "map"))
    for path in generate(maps, arguments.output):
        print(f"{path}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
