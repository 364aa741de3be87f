"""The ICD-10-CM index files in CDC's XML (root ``ICD10CM.index``): Table of Drugs, Neoplasm Table, indexes.

All four nest terms the same way: a ``mainTerm`` under a ``letter``, then ``term`` elements with a ``level``, each
with a ``title`` (the term, its nonessential modifiers in ``nemod``), and either codes (``code``, or one ``cell`` per
table column) or a cross-reference (``see``, ``seeAlso``). Every term becomes one entry keyed by its normalised path
(``accident > boat, boating > striking swimmer``); a path the file repeats gets ``#2``, ``#3``... in file order.

An entry holds ``path`` (the terms joined with " > "), ``terms``, ``modifiers`` (each level's nonessential
modifiers), ``level`` (0 for a main term), ``code``, ``manifestation`` (the bracketed code of an
etiology/manifestation pair), ``see``, ``see_also``, ``see_category``, ``subcategory`` and, for the two tables,
``codes`` by column (None where the table prints a dash). Its search text is the path's words with the modifiers.

The files are told apart by content: the two tables by their first column heading (``Substance``, ``Neoplasm``),
the indexes by their title (``EXTERNAL CAUSE of INJURIES INDEX``, ``INDEX TO DISEASES and INJURIES``). Their
release is the tabular list's (fiscal year from ``<version>``, April by the file's name).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from revcycle.errors import InputFileError
from revcycle.refdata.importers.base import Sample, register
from revcycle.refdata.importers.icd10cm_tabular import element_events, fiscal_year, release_period
from revcycle.refdata.release import Entry, ReleaseData, file_sha256
from revcycle.refdata.sets import (
    ICD10CM_DRUGS,
    ICD10CM_EXTERNAL_CAUSE_INDEX,
    ICD10CM_INDEX,
    ICD10CM_NEOPLASMS,
)

ROOT = "ICD10CM.index"
TERMS = ("mainTerm", "term")
_ROOT_TAG = re.compile(r"<ICD10CM\.index[\s>]")
_FIRST_HEADING = re.compile(r"<head\s+col=\"1\"\s*>\s*([^<]*?)\s*</head>")
_TITLE = re.compile(r"<title>([^<]*)</title>")

DRUG_COLUMNS = {
    "2": "poisoning_accidental",
    "3": "poisoning_intentional",
    "4": "poisoning_assault",
    "5": "poisoning_undetermined",
    "6": "adverse_effect",
    "7": "underdosing",
}
"""Table of Drugs and Chemicals: the code columns after the substance (column 1)."""

NEOPLASM_COLUMNS = {
    "2": "malignant_primary",
    "3": "malignant_secondary",
    "4": "ca_in_situ",
    "5": "benign",
    "6": "uncertain_behavior",
    "7": "unspecified_behavior",
}
"""Neoplasm Table: the code columns after the site (column 1)."""

TERM_FIELDS = {
    "code": "code",
    "manif": "manifestation",
    "see": "see",
    "seeAlso": "see_also",
    "seecat": "see_category",
    "subcat": "subcategory",
}
"""What a term may hold besides its title, sub-terms and cells, and the entry fields that keep it."""

NO_CODE = {"--", "-", ""}
"""A table cell with no code: CDC prints a dash where a column does not apply."""


def _words(text: str) -> str:
    return " ".join(text.split())


def _title(element: ET.Element) -> tuple[str, list[str]]:
    """A term title's essential words and its nonessential modifiers (``nemod``, the parenthesised words)."""
    essential = [element.text or ""]
    modifiers = []
    for child in element:
        if child.tag == "nemod":
            modifiers.append(_words("".join(child.itertext())))
        else:
            essential.append("".join(child.itertext()))
        essential.append(child.tail or "")
    return _words(" ".join(essential)), modifiers


@dataclass(slots=True)
class _Term:
    """A main term or sub-term being read; its entry is made when its element ends."""

    line: int
    term: str = ""
    modifiers: list[str] = field(default_factory=list)
    fields: dict[str, str | None] = field(default_factory=dict)
    codes: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IndexFormat:
    """What tells one of the index files apart and how its terms carry codes.

    Attributes:
        code_set: the set its releases belong to.
        columns: for a table, its code columns by ``col`` number; None for an index (codes in ``code``).
    """

    code_set: str
    columns: dict[str, str] | None = None


class _IndexReader:
    """Turns the event stream of one index file into entries, one per term."""

    def __init__(self, path: Path, source: str, form: IndexFormat) -> None:
        self.path = path
        self.source = source
        self.form = form
        self.terms: list[_Term] = []
        self.seen: dict[str, int] = {}

    def fail(self, line: int, reason: str) -> InputFileError:
        return InputFileError(self.source, f"line {line}", reason)

    def entries(self) -> Iterator[Entry]:
        for line, event, element, parent in element_events(self.path, self.source, ROOT):
            if event == "start":
                if element.tag in TERMS:
                    self.terms.append(_Term(line))
                continue
            if element.tag in TERMS:
                yield self.close_term()
                element.clear()
            elif parent in TERMS:
                self.term_child(line, element)
                element.clear()
            elif parent in {ROOT, "letter"}:
                element.clear()

    def term_child(self, line: int, element: ET.Element) -> None:
        term = self.terms[-1]
        if element.tag == "title":
            term.term, term.modifiers = _title(element)
        elif element.tag == "cell":
            self.cell(line, element, term)
        elif element.tag in TERM_FIELDS:
            name = TERM_FIELDS[element.tag]
            value = _words("".join(element.itertext()))
            # A field the file repeats is kept whole rather than refused: nothing of the index is dropped.
            earlier = term.fields.get(name)
            term.fields[name] = f"{earlier}; {value}" if earlier else value
        else:
            raise self.fail(line, f"<{element.tag}> in a term is not part of the ICD-10-CM index format")

    def cell(self, line: int, element: ET.Element, term: _Term) -> None:
        column = element.get("col", "")
        if self.form.columns is None:
            raise self.fail(line, "a <cell> in an index that has no table columns")
        if column not in self.form.columns:
            raise self.fail(line, f"a <cell> in column {column!r}, which the table does not have")
        value = _words("".join(element.itertext()))
        term.codes[self.form.columns[column]] = None if value in NO_CODE else value

    def close_term(self) -> Entry:
        term = self.terms[-1]
        if not term.term:
            raise self.fail(term.line, "a term has no title")
        words = [frame.term for frame in self.terms]
        path = " > ".join(words)
        key = self.unique_key(path.casefold())
        data: dict[str, Any] = {
            "path": path,
            "terms": words,
            "modifiers": [frame.modifiers for frame in self.terms],
            "level": len(self.terms) - 1,
        }
        data |= {name: term.fields.get(name) for name in TERM_FIELDS.values()}
        if self.form.columns is not None:
            data["codes"] = {name: term.codes.get(name) for name in self.form.columns.values()}
        search_text = " ".join(word for frame in self.terms for word in (frame.term, *frame.modifiers))
        self.terms.pop()
        return Entry(key, data, search_text)

    def unique_key(self, path: str) -> str:
        """The normalised path, with ``#n`` when the file has already given this path n - 1 times."""
        count = self.seen.get(path, 0) + 1
        self.seen[path] = count
        return path if count == 1 else f"{path} #{count}"


def read_index(path: Path, form: IndexFormat, source: str | None = None) -> ReleaseData:
    """The release an index XML file holds, its entries streamed when iterated.

    Raises:
        InputFileError: the file names no fiscal year (malformed content is reported while iterating).
    """
    where = source or str(path)
    period = release_period(fiscal_year(path, where), path.name)
    return ReleaseData(
        code_set=form.code_set,
        version=period.version,
        effective_from=period.effective_from,
        effective_to=period.effective_to,
        source=where,
        sha256=file_sha256(path),
        entries=_IndexReader(path, where, form).entries(),
    )


def _first_heading(sample: Sample) -> str | None:
    if not _ROOT_TAG.search(sample.head):
        return None
    found = _FIRST_HEADING.search(sample.head)
    return found.group(1).casefold() if found else None


def _index_title(sample: Sample) -> str | None:
    """The index's own title: the first ``title`` before the first letter (each letter has a title too)."""
    if not _ROOT_TAG.search(sample.head):
        return None
    found = _TITLE.search(sample.head.partition("<letter")[0])
    return found.group(1).casefold() if found else None


@register
class Icd10cmDrugTable:
    """ICD-10-CM Table of Drugs and Chemicals XML: poisoning, adverse effect and underdosing codes by substance."""

    code = "ICD10CM_DRUGS"
    name = "ICD-10-CM Table of Drugs and Chemicals (XML)"
    form = IndexFormat(ICD10CM_DRUGS, DRUG_COLUMNS)

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is an ICD-10-CM index whose first column is the substance."""
        return _first_heading(sample) == "substance"

    def read(self, path: Path) -> list[ReleaseData]:
        """The one release the file holds."""
        return [read_index(path, self.form)]


@register
class Icd10cmNeoplasmTable:
    """ICD-10-CM Neoplasm Table XML: malignant, in situ, benign, uncertain and unspecified codes by site."""

    code = "ICD10CM_NEOPLASMS"
    name = "ICD-10-CM Neoplasm Table (XML)"
    form = IndexFormat(ICD10CM_NEOPLASMS, NEOPLASM_COLUMNS)

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is an ICD-10-CM index whose first column is the neoplasm site."""
        return _first_heading(sample) == "neoplasm"

    def read(self, path: Path) -> list[ReleaseData]:
        """The one release the file holds."""
        return [read_index(path, self.form)]


@register
class Icd10cmExternalCauseIndex:
    """ICD-10-CM External Cause of Injuries Index XML: terms, codes and see / see also references."""

    code = "ICD10CM_EXTERNAL_CAUSE_INDEX"
    name = "ICD-10-CM External Cause of Injuries Index (XML)"
    form = IndexFormat(ICD10CM_EXTERNAL_CAUSE_INDEX)

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is an ICD-10-CM index titled the external cause index."""
        title = _index_title(sample)
        return title is not None and "external cause" in title

    def read(self, path: Path) -> list[ReleaseData]:
        """The one release the file holds."""
        return [read_index(path, self.form)]


@register
class Icd10cmAlphabeticIndex:
    """ICD-10-CM Alphabetic Index to Diseases and Injuries XML: terms, nonessential modifiers, codes, see / see also."""

    code = "ICD10CM_INDEX"
    name = "ICD-10-CM Index to Diseases and Injuries (XML)"
    form = IndexFormat(ICD10CM_INDEX)

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is an ICD-10-CM index titled the index to diseases and injuries."""
        title = _index_title(sample)
        return title is not None and "index to diseases" in title

    def read(self, path: Path) -> list[ReleaseData]:
        """The one release the file holds."""
        return [read_index(path, self.form)]
