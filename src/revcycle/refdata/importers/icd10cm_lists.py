"""The flat ICD-10-CM lists distributed beside the tabular XML: chapters, sections, categories, and the code list.

They hold nothing the tabular list lacks, but they are what many tools exchange, so they import into sets of their
own (`icd10cm_chapters`, `icd10cm_sections`, `icd10cm_categories`, `icd10cm_code_list`), dated like the tabular list:
the release is named by the file (``...April-1-2026...`` is the April 1 2026 update, otherwise the October release
of the year named).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from revcycle.errors import InputFileError
from revcycle.refdata.importers.base import Sample, register
from revcycle.refdata.importers.icd10cm_tabular import release_period
from revcycle.refdata.importers.pfs import csv_records, text_lines
from revcycle.refdata.release import Entry, ReleaseData, file_sha256
from revcycle.refdata.sets import ICD10CM_CATEGORIES, ICD10CM_CHAPTERS, ICD10CM_CODE_LIST, ICD10CM_SECTIONS

_YEAR = re.compile(r"(20[0-9]{2})")
_CODE = re.compile(r"[A-Z][0-9A-Z][0-9A-Z](?:[0-9A-Z]{1,4})?")
_SECTION = re.compile(r"[A-Z][0-9A-Z]{2}-[A-Z][0-9A-Z]{2}")
_CHAPTER = re.compile(r"[1-9][0-9]?")


def _release(path: Path, code_set: str, entries: Iterable[Entry]) -> ReleaseData:
    """The release a list file belongs to, from the year its name gives (no year inside these files)."""
    year = _YEAR.search(path.name)
    if year is None:
        raise InputFileError(str(path), "", "names no year: the release of an ICD-10-CM list is told by its file name")
    period = release_period(int(year.group(1)), path.name)
    return ReleaseData(
        code_set, period.version, period.effective_from, period.effective_to, str(path), file_sha256(path), entries
    )


@dataclass(frozen=True, slots=True)
class _Layout:
    code_set: str
    header: tuple[str, ...]
    key_column: int


_LAYOUTS = (
    _Layout(ICD10CM_CATEGORIES, ("ICD10-CM-CODE", "description", "section", "chapter"), 0),
    _Layout(ICD10CM_SECTIONS, ("section_range", "chapter", "description"), 0),
    _Layout(ICD10CM_CHAPTERS, ("chapter", "description"), 0),
)


@register
class Icd10cmListCsv:
    """ICD-10-CM chapters, sections and categories as CSV.

    Recognised by the header (``chapter,description``, ``section_range,...``, ``ICD10-CM-CODE,...``); one entry per
    row, keyed by its first column.
    """

    code = "ICD10CM_LIST_CSV"
    name = "ICD-10-CM chapters, sections or categories (CSV)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file starts with one of the three headers."""
        return _layout(sample.head) is not None

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release of the list."""
        with path.open(encoding="utf-8", errors="replace") as handle:
            layout = _layout(handle.readline())
        if layout is None:  # pragma: no cover - sniff chose this importer
            raise InputFileError(str(path), "line 1", "is not an ICD-10-CM list header")
        return [_release(path, layout.code_set, _csv_entries(path, layout))]


def _layout(head: str) -> _Layout | None:
    first = head.splitlines()[0].strip().lstrip("\ufeff") if head else ""
    return next((layout for layout in _LAYOUTS if first == ",".join(layout.header)), None)


def _csv_entries(path: Path, layout: _Layout) -> Iterator[Entry]:
    for number, fields in csv_records(path, encoding="utf-8"):
        if number == 1:
            continue
        if len(fields) != len(layout.header):
            raise InputFileError(str(path), f"line {number}", f"has {len(fields)} fields, not {len(layout.header)}")
        data = dict(zip(layout.header, (field.strip() for field in fields), strict=True))
        key = fields[layout.key_column].strip()
        if not key or not fields[-1 if layout.code_set == ICD10CM_CATEGORIES else 1].strip():
            raise InputFileError(str(path), f"line {number}", "has an empty field")
        yield Entry(key, data, data.get("description"))


@register
class Icd10cmCodeList:
    """The ICD-10-CM code list.

    One code per line without dots, in tabular order (chapter numbers, section ranges, categories and every code,
    7th-character codes included), no header.
    """

    code = "ICD10CM_CODE_LIST"
    name = "ICD-10-CM code list (text)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file begins with chapter 1, its first section and category (``1``, ``A00-A09``, ``A00``)."""
        return sample.head.replace("\r\n", "\n").startswith("1\nA00-A09\nA00\n")

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release of the list."""
        return [_release(path, ICD10CM_CODE_LIST, _code_list_entries(path))]


def _code_list_entries(path: Path) -> Iterator[Entry]:
    seen: set[str] = set()
    lines = text_lines(path, encoding="ascii") if _ends_with_line_end(path) else _lines_without_final_end(path)
    pending: str | None = None
    for number, text in lines:
        kind = _kind(text)
        if kind is None:
            raise InputFileError(str(path), f"line {number}", f"{text!r} is not a chapter, section or code")
        if pending is not None:
            if text == pending:
                # A section of one category is listed by that category's code, just before the category itself.
                yield Entry(f"section:{pending}", {"code": pending, "kind": "section"})
                continue
            yield _listed(pending)
        if kind == "code" and len(text) > 3 and text[:-1] not in seen and text[:3] not in seen:
            # The list is in tabular order: a code's category always comes before it; one missing means the
            # file was cut or shuffled.
            raise InputFileError(str(path), f"line {number}", f"{text} comes before its category {text[:3]}")
        seen.add(text)
        pending = text
    if pending is not None:
        yield _listed(pending)


def _listed(text: str) -> Entry:
    """The entry of a line of the code list, keyed so chapters and sections never meet codes."""
    kind = _kind(text)
    if kind == "chapter":
        return Entry(f"chapter:{text}", {"code": text, "kind": kind})
    if kind == "section":
        return Entry(f"section:{text}", {"code": text, "kind": kind})
    display = f"{text[:3]}.{text[3:]}" if len(text) > 3 else text
    return Entry(text, {"code": display, "kind": "category" if len(text) == 3 else "code"})


def _kind(text: str) -> str | None:
    if _CHAPTER.fullmatch(text):
        return "chapter"
    if _SECTION.fullmatch(text):
        return "section"
    if _CODE.fullmatch(text):
        return "code"
    return None


def _ends_with_line_end(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(0, 2)
        if handle.tell() == 0:
            return False
        handle.seek(-1, 2)
        return handle.read(1) == b"\n"


def _lines_without_final_end(path: Path) -> Iterator[tuple[int, str]]:
    """The lines of the official list, which ends without a line end after its last code (U09.9)."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(str(path), "", f"cannot be read as ASCII text: {error}") from None
    lines = text.splitlines()
    if not lines or lines[-1] != "U099":
        # Without a line end, only the official last code shows the list is whole.
        raise InputFileError(
            str(path), f"line {len(lines)}", "is not the list's last code (U099): the file was cut short"
        )
    yield from enumerate(lines, start=1)
