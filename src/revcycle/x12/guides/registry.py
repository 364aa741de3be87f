"""Which guide reads which transaction: by ST01 and the version in ST03 or GS08, errata included."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from revcycle.x12.guides.model import Guide, SegmentSpec, guide_from_json, segment_from_json

# Guide file (in data/) for each (ST01, version). Errata and addenda of a guide share its structure: the 837P
# X222A2 errata and the 837I A1 and A3 releases change labels and a few notes, not loops or segments, so they read
# with the same data (and the validator says which version it applied).
GUIDE_FILES: dict[tuple[str, str], str] = {
    ("837", "005010X222A1"): "837P-005010X222A1.json",
    ("837", "005010X222A2"): "837P-005010X222A1.json",
    ("837", "005010X222"): "837P-005010X222A1.json",
    ("837", "005010X223A2"): "837I-005010X223A2.json",
    ("837", "005010X223A1"): "837I-005010X223A2.json",
    ("837", "005010X223A3"): "837I-005010X223A2.json",
    ("837", "005010X223"): "837I-005010X223A2.json",
    ("835", "005010X221A1"): "835-005010X221A1.json",
    ("835", "005010X221"): "835-005010X221A1.json",
    ("277", "005010X214"): "277CA-005010X214.json",
    ("277", "005010X212"): "277-005010X212.json",
    ("276", "005010X212"): "276-005010X212.json",
    ("999", "005010X231A1"): "999-005010X231A1.json",
    ("999", "005010X231"): "999-005010X231A1.json",
    ("270", "005010X279A1"): "270-005010X279A1.json",
    ("270", "005010X279"): "270-005010X279A1.json",
    ("271", "005010X279A1"): "271-005010X279A1.json",
    ("271", "005010X279"): "271-005010X279A1.json",
}


def _read(name: str) -> Any:
    return json.loads(resources.files("revcycle.x12.guides").joinpath("data", name).read_text(encoding="utf-8"))


@cache
def load_guide(file_name: str) -> Guide:
    """The guide in ``data/<file_name>``, loaded once per process."""
    return guide_from_json(_read(file_name))


def guide_for(transaction_set: str, version: str) -> Guide | None:
    """The guide for ST01 ``transaction_set`` in ``version`` (ST03, else GS08); None when revcycle has none."""
    file_name = GUIDE_FILES.get((transaction_set, version))
    if file_name is None:
        return None
    if not resources.files("revcycle.x12.guides").joinpath("data", file_name).is_file():
        return None
    return load_guide(file_name)


@cache
def envelope_segments() -> dict[str, SegmentSpec]:
    """The ISA, IEA, GS, GE (and TA1) segments as the 5010 control standard defines them."""
    segments = _read("envelope.json")["segments"]
    return {segment_id: segment_from_json(spec) for segment_id, spec in segments.items()}


@cache
def external_codes(name: str) -> frozenset[str] | None:
    """An external code list the guides point to (``states``, ``country``, ``currency``, ``pos``), when bundled."""
    codes = _read("code_lists.json")["lists"].get(name)
    return frozenset(codes) if codes else None
