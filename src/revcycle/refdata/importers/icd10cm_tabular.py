"""The ICD-10-CM tabular list: CDC/NCHS's XML (root ``ICD10CM.tabular``), every code with every note.

The file nests chapters, sections and ``diag`` elements (category, subcategory, code); each carries its own
instructional notes (inclusion terms, includes, excludes1/2, code first, use additional code, code also) and, at
some levels, the 7th characters that codes below it take. Each chapter, section and code becomes one entry with its
OWN notes and the keys of its ancestors (``inherited``), so a lookup gathers what applies from above, as the
ICD-10-CM conventions say notes at a chapter, section or category do.

A code's entry (key ``E1122``) holds: ``code`` (``E11.22``), ``description``, ``kind`` (``category`` for 3
characters, ``subcategory`` with codes below it, else ``code``), ``leaf``, ``requires_seventh`` (a 7th character is
defined at or above it and it has fewer than 7 characters), ``billable`` (a leaf that needs no 7th character),
``parent``, ``section``, ``chapter``, ``chapter_description``, ``inherited`` (ancestor keys, outermost first), the
note lists ``inclusion_terms``, ``includes``, ``excludes1``, ``excludes2``, ``code_first``, ``use_additional_code``,
``code_also``, ``notes`` and, only where the file has them, ``seven_chr_def`` (character to meaning),
``seven_chr_def_notes``, ``seven_chr_note`` and ``visual_impairment`` (the H54 table). Chapters (``chapter:4``) and
sections (``section:E08-E13``) are entries of kind ``chapter`` and ``section`` with their notes and no search text.

The XML names only the fiscal year (``<version>2026</version>``). FY2026 has two releases, October 1 2025 and the
April 1 2026 update, which the file itself does not tell apart; CDC names the update's files "...April-1-2026...",
so a name naming April of that fiscal year marks the April release, and anything else is the October one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from revcycle.errors import InputFileError
from revcycle.refdata.importers.base import SAMPLE_BYTES, Sample, register
from revcycle.refdata.release import Entry, ReleaseData, file_sha256
from revcycle.refdata.sets import ICD10CM

ROOT = "ICD10CM.tabular"
_ROOT_TAG = re.compile(r"<ICD10CM\.tabular[\s>]")
_FISCAL_YEAR = re.compile(r"<version>\s*(\d{4})\s*</version>")
_APRIL_IN_NAME = re.compile(r"(?<![a-z])apr(?:il)?(?![a-z])\D{0,3}(?:\d{1,2}\D{1,3})?(?P<year>\d{4})", re.IGNORECASE)
# The second character is a digit in every code but the QA0 category new in April 2026, hence [0-9A-Z].
_CODE = re.compile(r"[A-Z][0-9A-Z][0-9A-Z](?:\.[0-9A-Z]{1,4})?")

FRAMES = ("chapter", "section", "diag")
"""The elements that become entries."""

NOTE_FIELDS = {
    "inclusionTerm": "inclusion_terms",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "useAdditionalCode": "use_additional_code",
    "codeAlso": "code_also",
    "notes": "notes",
}
"""Note elements of the XML and the entry fields that keep them (``notes`` is the general, untitled kind)."""

CHAPTER_PREFIX = "chapter:"
SECTION_PREFIX = "section:"
"""Chapters and sections are keyed apart from codes (``chapter:4``, ``section:E08-E13``) so they never collide."""

SEVENTH_CHARACTER_LENGTH = 7


def _text(element: ET.Element) -> str:
    """An element's text with its whitespace normalised (the XML indents and sometimes tabs inside notes)."""
    return " ".join("".join(element.itertext()).split())


def code_key(code: str) -> str:
    """The store key of a code: without its dot (``E11.22`` is ``E1122``)."""
    return code.replace(".", "")


# Streaming


def xml_events(path: Path, source: str | None = None) -> Iterator[tuple[int, str, ET.Element]]:
    """Stream (line, event, element) for the start and end of every element of an XML file.

    The file is fed to the parser a line at a time, so each event knows the line it was read on and an error in the
    file names its line; the caller clears what it has used, so memory stays bounded by the depth of the tree.

    Raises:
        InputFileError: the file cannot be read, is not well-formed, or ends before its root element closes.
    """
    where = source or str(path)
    parser = ET.XMLPullParser(events=("start", "end"))
    number = 0
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                parser.feed(line)
                for event in parser.read_events():
                    # With only start and end events asked for, every event is (name, element).
                    name, element = event[0], event[-1]
                    assert isinstance(element, ET.Element)
                    yield number, name, element
            parser.close()
    except ET.ParseError as error:
        line_number = error.position[0] if error.position[0] else number
        raise InputFileError(where, f"line {line_number}", f"is not well-formed XML: {error}") from None
    except OSError as error:
        raise InputFileError(where, "", f"cannot be read: {error}") from None


# Release period


def element_events(path: Path, source: str, root: str) -> Iterator[tuple[int, str, ET.Element, str]]:
    """The (line, event, element, parent tag) of an ICD-10-CM XML file, whose root element must be ``root``.

    Raises:
        InputFileError: the root is another element, or the XML is malformed, naming the line.
    """
    open_tags: list[str] = []
    for line, event, element in xml_events(path, source):
        if event == "start":
            if not open_tags and element.tag != root:
                raise InputFileError(source, f"line {line}", f"the root element is <{element.tag}>, not <{root}>")
            yield line, event, element, open_tags[-1] if open_tags else ""
            open_tags.append(element.tag)
        else:
            open_tags.pop()
            yield line, event, element, open_tags[-1] if open_tags else ""


def fiscal_year(path: Path, source: str | None = None) -> int:
    """The fiscal year the XML names in its ``<version>`` element, read from the start of the file.

    Raises:
        InputFileError: the file cannot be read or names no year.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES).decode("utf-8", errors="replace")
    except OSError as error:
        raise InputFileError(source or str(path), "", f"cannot be read: {error}") from None
    found = _FISCAL_YEAR.search(head)
    if found is None:
        raise InputFileError(source or str(path), "", "has no <version> element naming the fiscal year")
    return int(found.group(1))


@dataclass(frozen=True, slots=True)
class ReleasePeriod:
    """The release an ICD-10-CM file belongs to.

    Attributes:
        version: ``YYYY-MM`` of its first day, e.g. ``2026-04`` for the April 1 2026 update.
        effective_from: the first date of service it governs (October 1 or April 1).
        effective_to: the last (March 31 or September 30), after which the next release takes over.
    """

    version: str
    effective_from: date
    effective_to: date


def release_period(year: int, file_name: str) -> ReleasePeriod:
    """The release of fiscal year ``year`` a file named ``file_name`` holds: the April update if named so."""
    april = _APRIL_IN_NAME.search(file_name)
    is_april = april is not None and int(april.group("year")) == year
    start = date(year, 4, 1) if is_april else date(year - 1, 10, 1)
    # Each release runs six months: October to March, April to September.
    next_start = date(start.year + (start.month + 6 - 1) // 12, (start.month + 6 - 1) % 12 + 1, 1)
    return ReleasePeriod(f"{start:%Y-%m}", start, next_start - timedelta(days=1))


# The tabular list


@dataclass(slots=True)
class _Frame:
    """A chapter, section or diag being read; its entry is made when its element ends."""

    tag: str
    line: int
    name: str = ""
    description: str = ""
    notes: dict[str, list[str]] = field(default_factory=dict)
    seven_chr_def: dict[str, str] | None = None
    seven_chr_def_notes: dict[str, list[str]] = field(default_factory=dict)
    seven_chr_note: str | None = None
    visual_impairment: list[dict[str, Any]] | None = None
    has_children: bool = False

    @property
    def key(self) -> str:
        if self.tag == "chapter":
            return CHAPTER_PREFIX + self.name
        if self.tag == "section":
            return SECTION_PREFIX + self.name
        return code_key(self.name)


def _seven_character_definition(element: ET.Element, frame: _Frame) -> None:
    """Read a ``sevenChrDef``: each extension's meaning, and notes that follow an extension (its inclusions)."""
    definition: dict[str, str] = {}
    last = ""
    for child in element:
        if child.tag == "extension":
            last = child.get("char", "")
            definition[last] = _text(child)
        elif child.tag == "note" and last:
            frame.seven_chr_def_notes.setdefault(last, []).append(_text(child))
    frame.seven_chr_def = definition


def _child_text(element: ET.Element, *tags: str) -> str:
    """The text of the first of ``tags`` found among ``element``'s children, or empty."""
    for tag in tags:
        child = element.find(tag)
        if child is not None:
            return _text(child)
    return ""


def _visual_impairment(element: ET.Element) -> list[dict[str, Any]]:
    """The table of visual impairment categories (H54): each category's value and its acuity ranges."""
    return [
        {
            "category": _child_text(category, "heading", "value"),
            "ranges": [
                {"max": _child_text(vis_range, "visMax"), "min": _child_text(vis_range, "visMin")}
                for vis_range in category.iter("visRange")
            ],
        }
        for category in element.iter("visCategory")
    ]


class _TabularReader:
    """Turns the event stream of one tabular file into entries."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self.frames: list[_Frame] = []

    def fail(self, line: int, reason: str) -> InputFileError:
        return InputFileError(self.source, f"line {line}", reason)

    def entries(self) -> Iterator[Entry]:
        for line, event, element, parent in element_events(self.path, self.source, ROOT):
            if event == "start":
                if element.tag in FRAMES:
                    self.open_frame(line, element)
                continue
            if element.tag in FRAMES:
                yield self.close_frame()
                element.clear()
            elif parent in FRAMES:
                self.frame_child(line, element)
                element.clear()
            elif parent == ROOT:
                element.clear()

    def open_frame(self, line: int, element: ET.Element) -> None:
        if self.frames and element.tag == "diag":
            self.frames[-1].has_children = True
        frame = _Frame(element.tag, line)
        if element.tag == "section":
            frame.name = element.get("id", "")
        self.frames.append(frame)

    def frame_child(self, line: int, element: ET.Element) -> None:
        frame = self.frames[-1]
        if element.tag == "name":
            frame.name = _text(element)
        elif element.tag == "desc":
            frame.description = _text(element)
        elif element.tag in NOTE_FIELDS:
            notes = frame.notes.setdefault(NOTE_FIELDS[element.tag], [])
            notes += [_text(note) for note in element.iter("note")]
        elif element.tag == "sevenChrDef":
            _seven_character_definition(element, frame)
        elif element.tag == "sevenChrNote":
            frame.seven_chr_note = " ".join(_text(note) for note in element.iter("note"))
        elif element.tag == "visualImpairment":
            frame.visual_impairment = _visual_impairment(element)
        elif element.tag not in {"sectionIndex"}:
            # sectionIndex repeats the chapter's sections, which are read as sections; anything else is new.
            raise self.fail(line, f"<{element.tag}> in a <{frame.tag}> is not part of the ICD-10-CM tabular format")

    def close_frame(self) -> Entry:
        frame = self.frames[-1]
        if not frame.name or not frame.description:
            raise self.fail(frame.line, f"a <{frame.tag}> has no name or no description")
        if frame.tag == "diag" and not _CODE.fullmatch(frame.name):
            raise self.fail(frame.line, f"{frame.name!r} is not an ICD-10-CM code")
        if frame.tag == "diag" and not self.frames[:-1]:
            raise self.fail(frame.line, f"{frame.name} is outside any chapter")
        entry = self.code_entry(frame) if frame.tag == "diag" else self.grouping_entry(frame)
        self.frames.pop()
        return entry

    def common_fields(self, frame: _Frame) -> dict[str, Any]:
        chapter = self.frames[0]
        data: dict[str, Any] = {
            "description": frame.description,
            "chapter": chapter.name,
            "chapter_description": chapter.description,
            "inherited": [ancestor.key for ancestor in self.frames[:-1]],
        }
        data |= {name: frame.notes.get(name, []) for name in NOTE_FIELDS.values()}
        if frame.seven_chr_def is not None:
            data["seven_chr_def"] = frame.seven_chr_def
        if frame.seven_chr_def_notes:
            data["seven_chr_def_notes"] = frame.seven_chr_def_notes
        if frame.seven_chr_note is not None:
            data["seven_chr_note"] = frame.seven_chr_note
        if frame.visual_impairment is not None:
            data["visual_impairment"] = frame.visual_impairment
        return data

    def grouping_entry(self, frame: _Frame) -> Entry:
        data = {"kind": frame.tag, "code": frame.name if frame.tag == "section" else None}
        # No search text: a search finds codes, and a chapter's title would outrank them on its own words.
        return Entry(frame.key, data | self.common_fields(frame))

    def code_entry(self, frame: _Frame) -> Entry:
        key = frame.key
        codes = [ancestor for ancestor in self.frames if ancestor.tag == "diag"]
        requires_seventh = len(key) < SEVENTH_CHARACTER_LENGTH and any(
            ancestor.seven_chr_def is not None for ancestor in codes
        )
        kind = "category" if len(key) == 3 else "subcategory" if frame.has_children else "code"
        section = next((ancestor.name for ancestor in self.frames if ancestor.tag == "section"), None)
        data: dict[str, Any] = {
            "code": frame.name,
            "kind": kind,
            "billable": not frame.has_children and not requires_seventh,
            "leaf": not frame.has_children,
            "requires_seventh": requires_seventh,
            "parent": codes[-2].key if len(codes) > 1 else None,
            "section": section,
        }
        data |= self.common_fields(frame)
        # Inclusion terms and "includes" notes are other names of the condition ("high blood pressure" for I10).
        phrases = [frame.description, *frame.notes.get("inclusion_terms", []), *frame.notes.get("includes", [])]
        search_text = "\n".join(phrases)
        return Entry(key, data, search_text)


def read_tabular(path: Path, source: str | None = None) -> ReleaseData:
    """The release a tabular XML file holds, its entries streamed when iterated.

    Args:
        path: the file.
        source: what the release names as its source; the path by default.

    Raises:
        InputFileError: the file names no fiscal year (malformed content is reported while iterating).
    """
    where = source or str(path)
    period = release_period(fiscal_year(path, where), path.name)
    return ReleaseData(
        code_set=ICD10CM,
        version=period.version,
        effective_from=period.effective_from,
        effective_to=period.effective_to,
        source=where,
        sha256=file_sha256(path),
        entries=_TabularReader(path, where).entries(),
    )


@register
class Icd10cmTabular:
    """ICD-10-CM tabular list XML (CDC/NCHS, root ``ICD10CM.tabular``): codes, descriptions and every note."""

    code = "ICD10CM_TABULAR"
    name = "ICD-10-CM tabular list (XML)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file's root element is ``ICD10CM.tabular``."""
        return bool(_ROOT_TAG.search(sample.head))

    def read(self, path: Path) -> list[ReleaseData]:
        """The one release the file holds."""
        return [read_tabular(path)]
