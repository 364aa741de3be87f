"""The specification records of an implementation guide, and how they are read from the guide JSON.

Wrapper loops of the source maps (pyx12's HEADER, DETAIL and FOOTER tables) are not loops of the guide: they are
flattened into their parent when the guide is loaded, so a loop's children are exactly the segments and loops the
implementation guide lists in it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ElementSpec:
    """One element (or one component of a composite) as the guide defines it.

    Attributes:
        id: the reference designator, e.g. ``CLM05`` or ``CLM05-01``.
        name: the guide's name for it.
        usage: ``R`` required, ``S`` situational, ``N`` not used.
        position: its 1-based position in the segment (or in the composite).
        data_element: the X12 data element number, e.g. ``782`` (``C023`` for a composite).
        type: the X12 data type: ``AN``, ``ID``, ``N0``..``N9``, ``R``, ``DT``, ``TM``, ``B``; None for a composite.
        min_length: the minimum length.
        max_length: the maximum length.
        codes: the values the guide allows, when it lists them.
        external: the name of an external code list (``states``, ``pos``, ...), when the guide points to one.
        pattern: a regular expression the value must match, when the guide gives one.
        repeat: how many times the element may repeat; None for unbounded.
        components: the components of a composite element; empty for a simple element.
    """

    id: str
    name: str
    usage: str
    position: int
    data_element: str
    type: str | None = None
    min_length: int = 0
    max_length: int = 0
    codes: frozenset[str] | None = None
    external: str | None = None
    pattern: str | None = None
    repeat: int | None = 1
    components: tuple[ElementSpec, ...] = ()

    @property
    def is_composite(self) -> bool:
        """Whether the element is a composite of components."""
        return bool(self.components)


@dataclass(frozen=True, slots=True, eq=False)
class SegmentSpec:
    """One segment of a loop as the guide defines it.

    Attributes:
        id: the segment id, e.g. ``NM1``.
        name: the guide's name for this use of it, e.g. ``Billing Provider Name``.
        usage: ``R``, ``S`` or ``N``.
        max_use: how many times it may occur in one loop instance; None for unbounded.
        elements: its elements in order.
        syntax: the X12 syntax rules, e.g. ``P0304`` (paired), ``R0203`` (at least one), ``C0605`` (conditional),
            ``L010203`` (list conditional), ``E0204`` (exclusion).
        syntax_rules: the same rules parsed: (rule text, kind letter, element positions).
        qualifier: (position, component, codes) of the element whose value tells this use of the segment from
            others with the same id (NM101, HL03, REF01, HI01-1, ...); None when the id alone identifies it.
    """

    id: str
    name: str
    usage: str
    max_use: int | None
    elements: tuple[ElementSpec, ...]
    syntax: tuple[str, ...] = ()
    qualifier: tuple[int, int, frozenset[str]] | None = None
    syntax_rules: tuple[tuple[str, str, tuple[int, ...]], ...] = ()

    def matches(self, segment_id: str, elements: list[str], component_separator: str) -> bool:
        """Whether a segment with these elements is this use of the segment (id and qualifier code)."""
        if segment_id != self.id:
            return False
        if self.qualifier is None:
            return True
        position, component, codes = self.qualifier
        value = elements[position - 1] if position <= len(elements) else ""
        if component:
            value = value.split(component_separator, component)[component - 1] if value else ""
        return value in codes


@dataclass(frozen=True, slots=True, eq=False)
class LoopSpec:
    """One loop of the guide.

    Attributes:
        id: the loop id, e.g. ``2300`` (``ST_LOOP`` for the transaction set itself).
        name: the guide's name, e.g. ``Claim Information``.
        usage: ``R``, ``S`` or ``N``.
        repeat: how many times it may occur under one parent; None for unbounded.
        children: its segments and loops, in order; the first is the segment that starts the loop.
    """

    id: str
    name: str
    usage: str
    repeat: int | None
    children: tuple[SegmentSpec | LoopSpec, ...] = field(default=())

    @property
    def first(self) -> SegmentSpec:
        """The segment that starts the loop."""
        first = self.children[0]
        if isinstance(first, LoopSpec):
            return first.first
        return first


@dataclass(frozen=True, slots=True, eq=False)
class Guide:
    """A transaction's implementation guide.

    Attributes:
        transaction: revcycle's label for it: ``837P``, ``837I``, ``835``, ``277CA``, ``277``, ``276``, ``999``,
            ``270``, ``271``.
        version: the guide's version, as in GS08 and ST03 (``005010X222A1``).
        functional_identifier: the GS01 of groups carrying it (``HC``, ``HP``, ...).
        name: the guide's title.
        source: where the data came from (file, licence, checksum).
        root: the transaction set loop, from ST to SE.
    """

    transaction: str
    version: str
    functional_identifier: str
    name: str
    source: str
    root: LoopSpec

    @property
    def transaction_set(self) -> str:
        """The ST01 of the transaction (``837`` for both 837P and 837I)."""
        return self.transaction.rstrip("PICA") if self.transaction != "277CA" else "277"


def element_from_json(data: Mapping[str, Any]) -> ElementSpec:
    """An element specification from its guide JSON."""
    components = tuple(element_from_json(component) for component in data.get("composite") or ())
    codes = data.get("codes")
    repeat = data.get("repeat", 1)
    return ElementSpec(
        id=str(data["id"]),
        name=str(data.get("name") or ""),
        usage=str(data.get("usage") or "S"),
        position=int(data["seq"]),
        data_element=str(data.get("data_element") or ""),
        type=data.get("type"),
        min_length=int(data.get("min") or 0),
        max_length=int(data.get("max") or 0),
        codes=frozenset(codes) if codes else None,
        external=data.get("external"),
        pattern=data.get("regex"),
        repeat=None if repeat is None else int(repeat),
        components=components,
    )


def _qualifier(elements: tuple[ElementSpec, ...]) -> tuple[int, int, frozenset[str]] | None:
    """The element whose codes identify this use of a segment: the first of the first three with codes."""
    for element in elements[:3]:
        if element.codes and element.usage == "R":
            return element.position, 0, element.codes
        if element.components and element.usage == "R":
            first = element.components[0]
            if first.codes:
                return element.position, first.position, first.codes
    return None


_SYNTAX = re.compile(r"([PRCLE])((?:[0-9]{2})+)")


def _parse_syntax(rules: tuple[str, ...]) -> tuple[tuple[str, str, tuple[int, ...]], ...]:
    parsed = []
    for rule in rules:
        match = _SYNTAX.fullmatch(rule)
        if match:
            kind, digits = match.groups()
            parsed.append((rule, kind, tuple(int(digits[i : i + 2]) for i in range(0, len(digits), 2))))
    return tuple(parsed)


def segment_from_json(data: Mapping[str, Any]) -> SegmentSpec:
    """A segment specification from its guide JSON."""
    elements = tuple(element_from_json(element) for element in data.get("elements") or ())
    max_use = data.get("max_use", 1)
    syntax = tuple(data.get("syntax") or ())
    return SegmentSpec(
        id=str(data["segment"]),
        name=str(data.get("name") or ""),
        usage=str(data.get("usage") or "S"),
        max_use=None if max_use is None else int(max_use),
        elements=elements,
        syntax=syntax,
        qualifier=_qualifier(elements),
        syntax_rules=_parse_syntax(syntax),
    )


def _children(items: list[Mapping[str, Any]]) -> list[SegmentSpec | LoopSpec]:
    children: list[SegmentSpec | LoopSpec] = []
    for item in items:
        if "segment" in item:
            children.append(segment_from_json(item))
        elif item.get("wrapper"):
            children.extend(_children(item.get("children") or []))
        else:
            children.append(loop_from_json(item))
    return children


def loop_from_json(data: Mapping[str, Any]) -> LoopSpec:
    """A loop specification (wrappers flattened) from its guide JSON."""
    repeat = data.get("repeat", 1)
    return LoopSpec(
        id=str(data["loop"]),
        name=str(data.get("name") or ""),
        usage=str(data.get("usage") or "S"),
        repeat=None if repeat is None else int(repeat),
        children=tuple(_children(list(data.get("children") or []))),
    )


def _without_trailer(loop: LoopSpec) -> tuple[LoopSpec, SegmentSpec | None]:
    """The loop without any SE inside it, and the SE found."""
    found: SegmentSpec | None = None
    children: list[SegmentSpec | LoopSpec] = []
    for child in loop.children:
        if isinstance(child, LoopSpec):
            child, inner = _without_trailer(child)
            found = found or inner
        elif child.id == "SE":
            found = found or child
            continue
        children.append(child)
    return LoopSpec(loop.id, loop.name, loop.usage, loop.repeat, tuple(children)), found


def _trailer_last(root: LoopSpec) -> LoopSpec:
    """The root with SE as its last child: some source maps nest SE inside the last loop of the transaction."""
    stripped, trailer = _without_trailer(root)
    if trailer is None:
        return root
    return LoopSpec(stripped.id, stripped.name, stripped.usage, stripped.repeat, (*stripped.children, trailer))


def guide_from_json(data: Mapping[str, Any]) -> Guide:
    """A guide from its JSON file's content."""
    return Guide(
        transaction=str(data["transaction"]),
        version=str(data["version"]),
        functional_identifier=str(data["functional_identifier"]),
        name=str(data.get("name") or ""),
        source=str(data.get("source") or ""),
        root=_trailer_last(loop_from_json(data["root"])),
    )
