"""Medicare Code Editor (MCE) code lists and the POA-exempt diagnosis list.

* The MCE "simple code edits" tables (``MCE_Simple_Code_Edits_v37_FY2020.tsv``): one row per code and edit list,
  tab-separated, with the MCE version, section, subsection, edit type and ICD code type; one release per fiscal year.
* The official definitions text (``Definitions of Medicare Code Edits_v_43_1.txt``): chapter 1 lists the codes of
  each edit under numbered section and lettered subsection headings; the lists are read by those headings (see
  `TEXT_LISTS`), and a code under a heading revcycle does not know is an error, so a change of layout is noticed
  rather than misread.
* The POA-exempt list (``POAexemptCodes2020.txt``): ``Order2020``, code (with its dot), description.

Both sets are keyed by the code without its dot (``O0000``); MCE procedure (ICD-10-PCS) edits are keyed ``pcs:``
and the code, so they never meet a diagnosis key. An MCE entry holds ``type`` (diagnosis or procedure),
``description``, ``edits`` (the sorted names of `EDITS` that list the code), ``sections`` (the MCE sections, e.g.
``4C``), ``age`` (``category``, ``low``, ``high`` in years, or None) and ``sex`` (``female``, ``male`` or None).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from revcycle.errors import InputFileError
from revcycle.refdata.importers.base import Sample, register
from revcycle.refdata.release import Entry, ReleaseData, file_sha256
from revcycle.refdata.sets import MCE, POA_EXEMPT

DIAGNOSIS, PROCEDURE = "diagnosis", "procedure"
PROCEDURE_KEY_PREFIX = "pcs:"

ICD10CM_CODE = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}")
ICD10PCS_CODE = re.compile(r"[0-9A-HJ-NP-Z]{7}")
ICD10CM_DOTTED = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")


@dataclass(frozen=True, slots=True)
class Edit:
    """One MCE edit list: what being listed in it means for a code.

    Attributes:
        name: the edit's name in entries' ``edits``.
        code_type: whether it lists diagnoses or procedures.
        section: the MCE section and subsection, e.g. ``4C``.
        age: the age category and its range in years, for the age conflict lists.
        sex: the only sex the code fits, for the sex conflict lists.
    """

    name: str
    code_type: str
    section: str
    age: tuple[str, int, int] | None = None
    sex: str | None = None


EDITS = {
    edit.name: edit
    for edit in (
        Edit("age_newborn", DIAGNOSIS, "4A", age=("newborn", 0, 0)),
        Edit("age_pediatric", DIAGNOSIS, "4B", age=("pediatric", 0, 17)),
        Edit("age_maternity", DIAGNOSIS, "4C", age=("maternity", 12, 55)),
        Edit("age_adult", DIAGNOSIS, "4D", age=("adult", 15, 124)),
        Edit("sex_female", DIAGNOSIS, "5A", sex="female"),
        Edit("sex_female_procedure", PROCEDURE, "5B", sex="female"),
        Edit("sex_male", DIAGNOSIS, "5C", sex="male"),
        Edit("sex_male_procedure", PROCEDURE, "5D", sex="male"),
        Edit("manifestation", DIAGNOSIS, "6"),
        Edit("questionable_admission", DIAGNOSIS, "8A"),
        Edit("questionable_obstetric_admission", PROCEDURE, "8B"),
        Edit("outcome_of_delivery", DIAGNOSIS, "8B"),
        Edit("unacceptable_principal", DIAGNOSIS, "9"),
        Edit("noncovered", PROCEDURE, "11A"),
        Edit("pancreas_transplant_diagnosis", DIAGNOSIS, "11B"),
        Edit("noncovered_with_diagnosis", PROCEDURE, "11D"),
        Edit("noncovering_diagnosis", DIAGNOSIS, "11D"),
        Edit("noncovered_over_60", PROCEDURE, "11F"),
        Edit("noncovered_unless_sterilization", PROCEDURE, "11G"),
        Edit("limited_coverage", PROCEDURE, "17A"),
        Edit("wrong_procedure", DIAGNOSIS, "18"),
        Edit("inconsistent_with_los", PROCEDURE, "19"),
        Edit("unspecified_laterality", DIAGNOSIS, "20"),
    )
}
"""Every MCE edit revcycle reads. The age ranges are those of FY2019-FY2020; v43.1 states its own in its headings."""

REQUIRES_SECONDARY = "requires_secondary_diagnosis"
"""An unacceptable principal diagnosis (the asterisked Z5189) that is acceptable with a secondary diagnosis."""


def entry_key(code: str, code_type: str) -> str:
    """The key of a code in the ``mce`` set: the bare code for a diagnosis, ``pcs:`` and the code for a procedure."""
    return PROCEDURE_KEY_PREFIX + code if code_type == PROCEDURE else code


@dataclass(slots=True)
class _Listing:
    """A code's entry being gathered from every list that names it."""

    code: str
    code_type: str
    description: str
    edits: set[str] = field(default_factory=set)
    sections: set[str] = field(default_factory=set)
    age: dict[str, Any] | None = None
    sex: str | None = None

    def entry(self) -> Entry:
        data = {
            "code": self.code,
            "type": self.code_type,
            "description": self.description,
            "edits": sorted(self.edits),
            "sections": sorted(self.sections),
            "age": self.age,
            "sex": self.sex,
        }
        return Entry(entry_key(self.code, self.code_type), data)


class _Listings:
    """The codes of one release, gathered list by list; a code in two age or sex lists that disagree is an error."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.by_key: dict[str, _Listing] = {}

    def add(self, where: str, code: str, description: str, edit: Edit, age: tuple[str, int, int] | None) -> None:
        pattern = ICD10PCS_CODE if edit.code_type == PROCEDURE else ICD10CM_CODE
        if not pattern.fullmatch(code):
            raise InputFileError(str(self.path), where, f"{code!r} is not an ICD-10 {edit.code_type} code")
        key = entry_key(code, edit.code_type)
        listing = self.by_key.setdefault(key, _Listing(code, edit.code_type, description))
        listing.edits.add(edit.name)
        listing.sections.add(edit.section)
        if age is not None:
            self._set(where, listing, "age", {"category": age[0], "low": age[1], "high": age[2]})
        if edit.sex is not None:
            self._set(where, listing, "sex", edit.sex)

    def _set(self, where: str, listing: _Listing, name: str, value: Any) -> None:
        current = getattr(listing, name)
        if current is not None and current != value:
            raise InputFileError(str(self.path), where, f"{listing.code} is in two {name} lists: {current} and {value}")
        setattr(listing, name, value)

    def entries(self) -> list[Entry]:
        return [listing.entry() for listing in self.by_key.values()]


def _fiscal_year(year: int) -> tuple[date, date]:
    """Federal fiscal year ``year``: October 1 of the year before to September 30."""
    return date(year - 1, 10, 1), date(year, 9, 30)


def _read_text(path: Path) -> str:
    """The file as text; CMS writes Windows-1252 (curly quotes), and a byte it lacks falls back to Latin-1."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputFileError(str(path), "", f"cannot be read: {error}") from None
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


# The simple code edits tables

TSV_HEADER = [
    "MCE_Version",
    "ICD_Version",
    "MCE_Section",
    "MCE_Subsection",
    "MCE_Edit_Type",
    "ICD_Code_Type",
    "ICD_Code",
    "ICD_Desc",
]
TSV_EDITS = {
    ("4", "A", "Newborn_Only", "D"): "age_newborn",
    ("4", "B", "Pediatric_Only", "D"): "age_pediatric",
    ("4", "C", "Maternity_Only", "D"): "age_maternity",
    ("4", "D", "Adult_Only", "D"): "age_adult",
    ("5", "A", "Female_Only", "D"): "sex_female",
    ("5", "B", "Female_Only", "P"): "sex_female_procedure",
    ("5", "C", "Male_Only", "D"): "sex_male",
    ("5", "D", "Male_Only", "P"): "sex_male_procedure",
    ("6", "_", "Principal_Manifestation", "D"): "manifestation",
    ("8", "A", "Principal_Questionable_Admit", "D"): "questionable_admission",
    ("8", "_", "Principal_Questionable_Admit", "D"): "questionable_admission",
    ("9", "_", "Principal_Unacceptable", "D"): "unacceptable_principal",
    ("11", "A", "Noncovered_Always", "P"): "noncovered",
    ("11", "F", "Noncovered_Over60", "P"): "noncovered_over_60",
    ("17", "A", "Limited_Coverage", "P"): "limited_coverage",
    ("18", "_", "Wrong_Performed", "D"): "wrong_procedure",
    ("19", "_", "Noncovered_LOS_96hr", "P"): "inconsistent_with_los",
}
"""(section, subsection, edit type, code type) as the tables write them, to the edit. Section 8 has no
subsection before FY2019."""
FIRST_FISCAL_YEAR_VERSION = (33, 2016)
"""MCE versions follow the MS-DRG grouper's, one per fiscal year since ICD-10: v33 is FY2016, v37 FY2020."""


def _tsv_rows(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    lines = text.split("\n")
    if lines[0].rstrip("\r").split("\t") != TSV_HEADER:
        raise InputFileError(str(path), "line 1", f"is not the MCE table header ({', '.join(TSV_HEADER)})")
    for number, line in enumerate(lines[1:], start=2):
        if line.strip():
            yield number, line.rstrip("\r").split("\t")


def _read_tsv(path: Path) -> tuple[int, list[Entry]]:
    text = _read_text(path)
    listings = _Listings(path)
    version: str | None = None
    seen: set[str] = set()
    for number, cells in _tsv_rows(path, text):
        where = f"line {number}"
        if len(cells) != len(TSV_HEADER):
            raise InputFileError(str(path), where, f"has {len(cells)} fields, expected {len(TSV_HEADER)}")
        mce_version, icd_version, section, subsection, edit_type, code_type, code, description = cells
        if not mce_version.isdigit():
            raise InputFileError(str(path), where, f"MCE version {mce_version!r} is not a whole number")
        version = version or mce_version
        if mce_version != version:
            raise InputFileError(str(path), where, f"MCE version {mce_version} differs from the first row's {version}")
        if icd_version != "10":
            raise InputFileError(str(path), where, f"ICD version {icd_version!r}: only ICD-10 tables are read")
        edit_name = TSV_EDITS.get((section, subsection, edit_type, code_type))
        if edit_name is None:
            raise InputFileError(str(path), where, f"edit {section}{subsection} {edit_type} ({code_type}) is unknown")
        edit = EDITS[edit_name]
        listings.add(where, code.strip(), description.strip(), edit, edit.age)
        seen.add(edit_name)
    # The published tables end without a newline, so a cut-off file shows only by the lists it lacks.
    missing = sorted(set(TSV_EDITS.values()) - seen)
    if version is None or missing:
        last = text.count("\n") + 1
        raise InputFileError(str(path), f"line {last}", f"the lists {missing} are missing: the file is truncated")
    return int(version), listings.entries()


@register
class MceSimpleEditsTsv:
    """MCE simple code edits table, tab-separated (``MCE_Simple_Code_Edits_v37_FY2020.tsv``), one fiscal year.

    Code set ``mce``: each ICD-10-CM code's (and, keyed ``pcs:``, ICD-10-PCS code's) edits, age category and range,
    and sex. Version ``v37``; the release governs its fiscal year (v37 is FY2020, 2019-10-01 to 2020-09-30).
    """

    code = "mce-simple-edits-tsv"
    name = "Medicare Code Editor simple code edits (TSV)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file opens with the table's header."""
        return sample.head.startswith("\t".join(TSV_HEADER))

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release the table holds.

        Raises:
            InputFileError: a row is malformed or the file is truncated, naming the line.
        """
        version, entries = _read_tsv(path)
        first_version, first_year = FIRST_FISCAL_YEAR_VERSION
        if version < first_version:
            reason = f"MCE v{version} is an ICD-9 release, which revcycle does not read"
            raise InputFileError(str(path), "line 2", reason)
        start, end = _fiscal_year(first_year + version - first_version)
        return [ReleaseData(MCE, f"v{version}", start, end, str(path), file_sha256(path), entries)]


# The definitions text

TEXT_TITLE = "Definitions of Medicare Code Edits"
TEXT_VERSION = re.compile(r"^v(\d+(?:\.\d+)?) (January|April|July|October) (\d{4})\s*$", re.MULTILINE)
TEXT_MONTHS = {"January": 1, "April": 4, "July": 7, "October": 10}
CHAPTER_1 = "Chapter 1: Edit code lists"
CHAPTER_2 = "Chapter 2: Code list changes"
SECTIONS = {
    1: "Invalid diagnosis or procedure code",
    2: "External causes of morbidity codes as principal diagnosis",
    3: "Duplicate of PDX",
    4: "Age conflict",
    5: "Sex conflict",
    6: "Manifestation code as principal diagnosis",
    7: "Non-specific principal diagnosis",
    8: "Questionable admission",
    9: "Unacceptable principal diagnosis",
    10: "Non-specific O.R. procedure",
    11: "Non-covered procedure",
    12: "Open biopsy check",
    13: "Bilateral procedure",
    14: "Invalid age",
    15: "Invalid sex",
    16: "Invalid discharge status",
    17: "Limited coverage",
    18: "Wrong procedure performed",
    19: "Procedure inconsistent with LOS",
    20: "Unspecified code",
}
"""The numbered sections of chapter 1, by the start of their heading; a numbered line that is not one of these
(``1. Cesarean section procedure codes``) opens a list inside a subsection."""
TEXT_LISTS = {
    ("4", "A", ""): "age_newborn",
    ("4", "B", ""): "age_pediatric",
    ("4", "C", ""): "age_maternity",
    ("4", "D", ""): "age_adult",
    ("5", "A", ""): "sex_female",
    ("5", "B", ""): "sex_female_procedure",
    ("5", "C", ""): "sex_male",
    ("5", "D", ""): "sex_male_procedure",
    ("6", "", ""): "manifestation",
    ("8", "A", ""): "questionable_admission",
    ("8", "B", "1"): "questionable_obstetric_admission",
    ("8", "B", "2"): "questionable_obstetric_admission",
    ("8", "B", "3"): "outcome_of_delivery",
    ("9", "", ""): "unacceptable_principal",
    ("11", "A", "Procedure"): "noncovered",
    ("11", "B", "Diagnoses list"): "pancreas_transplant_diagnosis",
    ("11", "D", "Procedures"): "noncovered_with_diagnosis",
    ("11", "D", "Diagnoses"): "noncovering_diagnosis",
    ("11", "F", "Procedure"): "noncovered_over_60",
    ("11", "G", "Procedure"): "noncovered_unless_sterilization",
    ("17", "A", ""): "limited_coverage",
    ("18", "", ""): "wrong_procedure",
    ("19", "", ""): "inconsistent_with_los",
    ("20", "", ""): "unspecified_laterality",
}
"""Where a code line sits (section, subsection, list heading within it) to the edit it belongs to."""
LIST_HEADINGS = {"Procedure", "Procedures", "Diagnoses", "Diagnoses list"}

SECTION_LINE = re.compile(r"^(\d{1,2})\. ([^\t]+?)\s*$")
SUBSECTION_LINE = re.compile(r"^([A-H])\. ([^\t]+?)\s*$")
CODE_LINE = re.compile(r"^(\*?)([A-Z0-9]{3,7})\s*\t+\s*(\S.*?)\s*$")
AGE_RANGE = re.compile(r"\(age (\d+) through (\d+)\)")


@dataclass(slots=True)
class _Place:
    """Where the reader is in chapter 1, and the age range the current age heading states."""

    section: str = ""
    subsection: str = ""
    heading: str = ""
    age_range: tuple[int, int] | None = None

    def enter_section(self, number: str) -> None:
        self.section, self.subsection, self.heading, self.age_range = number, "", "", None

    def enter_subsection(self, letter: str, title: str) -> None:
        self.subsection, self.heading = letter, ""
        stated = AGE_RANGE.search(title)
        self.age_range = (int(stated.group(1)), int(stated.group(2))) if stated else None


def _text_period(path: Path, text: str) -> tuple[str, date, date]:
    """Version and period from the title page (``v43.1 April 2026``): to the end of that fiscal year."""
    stated = TEXT_VERSION.search(text[:4096])
    if stated is None:
        raise InputFileError(str(path), "", "has no version line (e.g. 'v43.1 April 2026') on its title page")
    version, month, year = stated.group(1), TEXT_MONTHS[stated.group(2)], int(stated.group(3))
    start = date(year, month, 1)
    return f"v{version}", start, date(year + 1 if month >= 10 else year, 9, 30)


def _text_age(edit: Edit, place: _Place) -> tuple[str, int, int] | None:
    """The age category of an age list with the range its heading states (newborn: "age 0 years only")."""
    if edit.age is None:
        return None
    low, high = place.age_range or edit.age[1:]
    return edit.age[0], low, high


class _TextReader:
    """Reads chapter 1 of the definitions text line by line, placing each code line under its headings."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.listings = _Listings(path)
        self.place = _Place()

    def read(self, lines: list[str]) -> list[Entry]:
        in_chapter = False
        for number, line in enumerate(lines, start=1):
            stripped = line.rstrip("\r")
            if stripped == CHAPTER_2:
                if not in_chapter:
                    break
                return self.listings.entries()
            if stripped == CHAPTER_1:
                in_chapter = True
            elif in_chapter:
                self.line(number, stripped)
        where = f"line {len(lines)}"
        raise InputFileError(str(self.path), where, f"ends before '{CHAPTER_2}': the file is truncated")

    def line(self, number: int, line: str) -> None:
        code_line = CODE_LINE.match(line)
        if code_line:
            self.code(f"line {number}", *code_line.groups())
            return
        section = SECTION_LINE.match(line)
        if section:
            section_number, title = section.groups()
            if title.startswith(SECTIONS.get(int(section_number), "\0")):
                self.place.enter_section(section_number)
            else:
                self.place.heading = section_number
            return
        subsection = SUBSECTION_LINE.match(line)
        if subsection and self.place.section:
            self.place.enter_subsection(subsection.group(1), subsection.group(2))
        elif line.strip() in LIST_HEADINGS:
            self.place.heading = line.strip()

    def code(self, where: str, asterisk: str, code: str, description: str) -> None:
        place = self.place
        edit_name = TEXT_LISTS.get((place.section, place.subsection, place.heading))
        if edit_name is None:
            listed = f"{place.section}{place.subsection} {place.heading}".strip()
            raise InputFileError(str(self.path), where, f"{code} is listed under {listed!r}, an MCE list not known")
        edit = EDITS[edit_name]
        self.listings.add(where, code, description, edit, _text_age(edit, place))
        if asterisk:
            self.listings.by_key[entry_key(code, edit.code_type)].edits.add(REQUIRES_SECONDARY)


@register
class MceDefinitionsText:
    """The official "Definitions of Medicare Code Edits" text (``Definitions of Medicare Code Edits_v_43_1.txt``).

    Code set ``mce``, the same entries as `MceSimpleEditsTsv`, read from every code list of chapter 1: age
    (with the ranges the headings state), sex (when the release has the edit), manifestation, questionable
    admission and questionable obstetric admission, unacceptable principal diagnosis (with the asterisked code
    that a secondary diagnosis makes acceptable), non-covered procedures and their diagnosis lists, limited
    coverage, wrong procedure, LOS and unspecified laterality. External cause codes as principal diagnosis (section
    2) is a rule on V-Y codes with no list, and 11B's pancreas transplant procedures are named in prose only; both
    are left to the scrubber. Version ``v43.1``; the release governs from its month to the end of that fiscal year.
    """

    code = "mce-definitions-text"
    name = "Medicare Code Editor definitions (official text)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file opens with the document's title and a version line."""
        head = sample.head[:4096]
        return TEXT_TITLE in head and CHAPTER_1 in sample.head and TEXT_VERSION.search(head) is not None

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release the text holds.

        Raises:
            InputFileError: a code sits under an unknown heading or the file is truncated, naming the line.
        """
        text = _read_text(path)
        version, start, end = _text_period(path, text)
        entries = _TextReader(path).read(text.split("\n"))
        return [ReleaseData(MCE, version, start, end, str(path), file_sha256(path), entries)]


# POA-exempt codes

POA_HEADER = re.compile(r"^Order(\d{4})\tPOAexemptCode\tDescription\r?$")
POA_FIELDS = 3


def _poa_entries(path: Path, text: str) -> Iterator[Entry]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    next(reader)
    for cells in reader:
        where = f"line {reader.line_num}"
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != POA_FIELDS:
            raise InputFileError(str(path), where, f"has {len(cells)} fields, expected {POA_FIELDS}")
        order, code, description = (cell.strip() for cell in cells)
        if not order.isdigit():
            raise InputFileError(str(path), where, f"order {order!r} is not a number")
        if not ICD10CM_DOTTED.fullmatch(code):
            raise InputFileError(str(path), where, f"{code!r} is not an ICD-10-CM code")
        if not description:
            raise InputFileError(str(path), where, f"{code} has no description")
        bare = code.replace(".", "")
        yield Entry(bare, {"code": bare, "description": description, "order": int(order)})


@register
class PoaExemptList:
    """CMS's list of diagnosis codes exempt from present-on-admission reporting (``POAexemptCodes2020.txt``).

    Code set ``poa_exempt``, keyed by ICD-10-CM code without its dot: ``code``, ``description``, ``order`` (CMS's
    row number). Version ``FY2020`` (from the ``Order2020`` header); the release governs that fiscal year.
    """

    code = "poa-exempt-list"
    name = "POA-exempt diagnosis codes"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file opens with the ``OrderYYYY, POAexemptCode, Description`` header."""
        return POA_HEADER.match(sample.head.split("\n", 1)[0]) is not None

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release the list holds.

        Raises:
            InputFileError: a row is malformed or the file is truncated, naming the line.
        """
        text = _read_text(path)
        header = POA_HEADER.match(text.split("\n", 1)[0])
        if header is None:
            raise InputFileError(str(path), "line 1", "is not the POA-exempt header (OrderYYYY, POAexemptCode, ...)")
        if not text.endswith("\n"):
            last = text.count("\n") + 1
            raise InputFileError(str(path), f"line {last}", "has no end of line: the file is truncated")
        try:
            entries = list(_poa_entries(path, text))
        except csv.Error as error:
            raise InputFileError(str(path), "", f"is not valid tab-separated text: {error}") from None
        year = int(header.group(1))
        start, end = _fiscal_year(year)
        return [ReleaseData(POA_EXEMPT, f"FY{year}", start, end, str(path), file_sha256(path), entries)]
