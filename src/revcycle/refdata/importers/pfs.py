"""Medicare Physician Fee Schedule files: PPRRVU, GPCI, locality/county, anesthesia CFs and ZIP5-to-locality.

CMS ships the relative value files quarterly (RVUyyA January, B April, C July, D October); each release carries the
whole calendar year's values with that quarter's corrections, so a release governs the dates of service of its
calendar year (January 1 to December 31). The latest release of a year is the one to load; an earlier one of the same
year, imported after it, would take its place (the store keeps one governing release per period).

Columns are found by their header text, not by position: the 2026 PPRRVU added a column (PRIC IND) in the middle.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from revcycle.domain.codes import is_cpt_code
from revcycle.errors import InputFileError
from revcycle.refdata.importers.base import Sample, register
from revcycle.refdata.release import Entry, ReleaseData, file_sha256
from revcycle.refdata.sets import PFS_ANESTHESIA, PFS_GPCI, PFS_LOCALITY, PFS_RVU, PFS_ZIP_LOCALITY

RELEASE_LETTERS = {"JANUARY": "A", "APRIL": "B", "JULY": "C", "OCTOBER": "D"}
"""CMS's letter for each quarterly release of the relative value files."""

_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?|-?\.[0-9]+")
_HCPCS = re.compile(r"[0-9A-Z]{5}")
_MAC = re.compile(r"[0-9]{4,5}")
_LOCALITY_NUMBER = re.compile(r"[0-9]{1,2}")


def locality_key(mac: str, locality_number: str) -> str:
    """A locality as the GPCI file names it, ``MAC-LL`` (e.g. ``10112-00``); some CMS files drop leading zeros."""
    return f"{mac.strip().zfill(5)}-{locality_number.strip().zfill(2)}"


def calendar_year(year: int) -> tuple[date, date]:
    """January 1 to December 31 of ``year``."""
    return date(year, 1, 1), date(year, 12, 31)


def quarter_period(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of a calendar quarter."""
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


class _Lines:
    """The lines of an open text file, counted, remembering the last one (to tell a file that was cut short)."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self.count = 0
        self.last = ""

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._handle)
        self.count += 1
        self.last = line
        return line


def text_lines(path: Path, encoding: str = "cp1252") -> Iterator[tuple[int, str]]:
    """Each line of a text file with its number, line end removed.

    Raises:
        InputFileError: the file cannot be read or decoded, or its last line has no line end (every CMS file ends
            with one, so a missing end means the file was cut short).
    """
    try:
        with path.open(encoding=encoding, newline="") as handle:
            lines = _Lines(handle)
            try:
                for line in lines:
                    yield lines.count, line.rstrip("\r\n")
            except UnicodeDecodeError as error:
                raise InputFileError(str(path), f"line {lines.count + 1}", f"is not {encoding} text: {error}") from None
    except OSError as error:
        raise InputFileError(str(path), "", f"cannot be read: {error}") from None
    _refuse_cut_short(path, lines)


def csv_records(path: Path, encoding: str = "cp1252") -> Iterator[tuple[int, list[str]]]:
    """Each record of a CSV file with the number of the line it ends on.

    Raises:
        InputFileError: the file cannot be read or decoded, a record is malformed, or the file was cut short.
    """
    try:
        with path.open(encoding=encoding, newline="") as handle:
            lines = _Lines(handle)
            reader = csv.reader(lines, strict=True)
            try:
                for fields in reader:
                    yield reader.line_num, fields
            except csv.Error as error:
                raise InputFileError(str(path), f"line {lines.count}", f"is not valid CSV: {error}") from None
            except UnicodeDecodeError as error:
                raise InputFileError(str(path), f"line {lines.count + 1}", f"is not {encoding} text: {error}") from None
    except OSError as error:
        raise InputFileError(str(path), "", f"cannot be read: {error}") from None
    _refuse_cut_short(path, lines)


def _refuse_cut_short(path: Path, lines: _Lines) -> None:
    if lines.count == 0:
        raise InputFileError(str(path), "", "is empty")
    if not lines.last.endswith("\n"):
        raise InputFileError(str(path), f"line {lines.count}", "has no line end: the file was cut short")


@dataclass(frozen=True, slots=True)
class Record:
    """One record of a file, with what is needed to say where a bad value is.

    Attributes:
        path: the file.
        line: the line number (``line N``) or spreadsheet row (``row N``) the record comes from.
        fields: its fields as text, stripped.
    """

    path: Path
    line: str
    fields: list[str]

    def error(self, reason: str) -> InputFileError:
        """An `InputFileError` naming this record's place."""
        return InputFileError(str(self.path), self.line, reason)

    def text(self, index: int) -> str:
        """The field at ``index`` ('' when the record is shorter)."""
        return self.fields[index] if index < len(self.fields) else ""

    def decimal(self, index: int, name: str) -> str:
        """The field at ``index`` as a canonical decimal string (RVUs, GPCIs, conversion factors).

        Raises:
            InputFileError: the field is not a plain decimal number.
        """
        value = self.text(index)
        if not _DECIMAL.fullmatch(value):
            raise self.error(f"{name} {value!r} is not a decimal number")
        return str(Decimal(value))

    def matching(self, index: int, pattern: re.Pattern[str], name: str) -> str:
        """The field at ``index``, which must match ``pattern``.

        Raises:
            InputFileError: it does not.
        """
        value = self.text(index)
        if not pattern.fullmatch(value):
            raise self.error(f"{name} {value!r} is not valid")
        return value


def record(path: Path, number: int, fields: list[str]) -> Record:
    """A CSV record, its fields stripped of the padding CMS leaves in them."""
    return Record(path, f"line {number}", [field.strip() for field in fields])


def is_blank(fields: list[str]) -> bool:
    """Whether every field is empty or spaces (CMS separates groups of rows with such lines)."""
    return not any(field.strip() for field in fields)


def _release(
    code_set: str, version: str, period: tuple[date, date], path: Path, entries: Iterable[Entry]
) -> ReleaseData:
    return ReleaseData(code_set, version, period[0], period[1], str(path), file_sha256(path), entries)


def _first_match(path: Path, pattern: re.Pattern[str], what: str) -> re.Match[str]:
    """The first line of a CSV banner matching ``pattern`` (searched in the first 20 lines)."""
    for number, fields in csv_records(path):
        found = pattern.search(",".join(fields))
        if found:
            return found
        if number >= 20:
            break
    raise InputFileError(str(path), "", f"does not say {what} in its first lines")


# PPRRVU


@dataclass(frozen=True, slots=True)
class _Column:
    field: str
    kind: str  # "decimal", "text" or "flag" (the "NA" indicators)
    required: bool = True


# The PPRRVU header spans five rows; a column is named by its cells read top to bottom.
_PPRRVU_COLUMNS = {
    "HCPCS": _Column("code", "text"),
    "MOD": _Column("modifier", "text"),
    "DESCRIPTION": _Column("description", "text"),
    "STATUS CODE": _Column("status", "text"),
    "NOT USED FOR MEDICARE PAYMENT": _Column("not_used_for_medicare", "text"),
    "WORK RVU": _Column("work_rvu", "decimal"),
    "NON-FAC PE RVU": _Column("pe_rvu_non_facility", "decimal"),
    "NON-FAC NA INDICATOR": _Column("non_facility_na", "flag"),
    "FACILITY PE RVU": _Column("pe_rvu_facility", "decimal"),
    "FACILITY NA INDICATOR": _Column("facility_na", "flag"),
    "MP RVU": _Column("mp_rvu", "decimal"),
    "NON-FACILITY TOTAL": _Column("total_non_facility", "decimal"),
    "FACILITY TOTAL": _Column("total_facility", "decimal"),
    "PCTC IND": _Column("pctc", "text"),
    "GLOB DAYS": _Column("global_days", "text"),
    "PRE OP": _Column("pre_op", "decimal"),
    "INTRA OP": _Column("intra_op", "decimal"),
    "POST OP": _Column("post_op", "decimal"),
    "MULT PROC": _Column("multiple_procedure", "text"),
    "BILAT SURG": _Column("bilateral", "text"),
    "ASST SURG": _Column("assistant", "text"),
    "CO- SURG": _Column("co_surgeon", "text"),
    "TEAM SURG": _Column("team", "text"),
    "PRIC IND": _Column("pricing_indicator", "text", required=False),
    "ENDO BASE": _Column("endoscopic_base", "text"),
    "CONV FACTOR": _Column("conversion_factor", "decimal"),
    "PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES": _Column("supervision", "text"),
    "CALCULATION FLAG": _Column("calculation_flag", "text"),
    "DIAGNOSTIC IMAGING FAMILY INDICATOR": _Column("imaging_family", "text"),
    "NON-FACILITY PE USED FOR OPPS PAYMENT AMOUNT": _Column("opps_pe_non_facility", "decimal"),
    "FACILITY PE USED FOR OPPS PAYMENT AMOUNT": _Column("opps_pe_facility", "decimal"),
    "MP USED FOR OPPS PAYMENT AMOUNT": _Column("opps_mp", "decimal"),
}
_PPRRVU_TITLE = re.compile(r"(\d{4}) National Physician Fee Schedule Relative Value File (\w+) Release", re.I)
_STATUS = re.compile(r"[A-Z]")
_GLOBAL_DAYS = re.compile(r"000|010|090|MMM|XXX|YYY|ZZZ")
_MODIFIER = re.compile(r"[0-9A-Z]{2}")


def _header_names(rows: list[list[str]]) -> list[str]:
    width = max(len(row) for row in rows)
    return [
        " ".join(" ".join(row[index].split()) for row in rows if index < len(row) and row[index].strip())
        for index in range(width)
    ]


def _pprrvu_columns(path: Path, line: int, names: list[str]) -> dict[int, _Column]:
    found = {index: _PPRRVU_COLUMNS[name] for index, name in enumerate(names) if name in _PPRRVU_COLUMNS}
    missing = {name for name, column in _PPRRVU_COLUMNS.items() if column.required} - {names[i] for i in found}
    if missing:
        raise InputFileError(str(path), f"line {line}", f"the header lacks the columns {sorted(missing)}")
    return found


def _pprrvu_entry(row: Record, columns: dict[int, _Column]) -> Entry:
    data: dict[str, object] = {}
    for index, column in columns.items():
        if column.kind == "decimal":
            data[column.field] = row.decimal(index, column.field)
        elif column.kind == "flag":
            data[column.field] = row.text(index) == "NA"
        else:
            data[column.field] = row.text(index)
    code = row.matching(0, _HCPCS, "HCPCS code")
    modifier = str(data.pop("modifier"))
    if modifier and not _MODIFIER.fullmatch(modifier):
        raise row.error(f"modifier {modifier!r} is not valid")
    row.matching(_index_of(columns, "status"), _STATUS, "status code")
    row.matching(_index_of(columns, "global_days"), _GLOBAL_DAYS, "global days")
    if is_cpt_code(code):
        # The PPRRVU descriptions of CPT codes are AMA text, licensed separately (see the CPT descriptor import).
        del data["description"]
    del data["code"]
    return Entry(f"{code}:{modifier}" if modifier else code, dict(data))


def _index_of(columns: dict[int, _Column], field: str) -> int:
    return next(index for index, column in columns.items() if column.field == field)


@register
class PprrvuImporter:
    """PPRRVU: the physician fee schedule's relative value units and payment policy indicators, one row per code.

    Keys are ``CODE`` or ``CODE:MOD`` (``71046:26``, ``71046:TC``, ``45378:53``); data holds the status, work, PE
    (non-facility and facility, with their NA flags) and malpractice RVUs, totals, PC/TC, global days, pre/intra/post
    percentages, multiple-procedure, bilateral, assistant, co-surgeon and team indicators and the conversion factor,
    every number as a decimal string. CPT codes carry no description (AMA text).
    """

    code = "pfs-pprrvu"
    name = "Medicare PFS relative value file (PPRRVU, CSV)"

    def sniff(self, sample: Sample) -> bool:
        """A CSV whose banner names the National Physician Fee Schedule Relative Value File."""
        return _PPRRVU_TITLE.search(sample.head) is not None and "\nHCPCS,MOD,DESCRIPTION," in sample.head

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """One release: ``RVUyyX`` for the calendar year, X the quarter's letter."""
        title = _first_match(path, _PPRRVU_TITLE, "which release it is")
        year, month = int(title.group(1)), title.group(2).upper()
        if month not in RELEASE_LETTERS:
            raise InputFileError(str(path), "", f"names an unknown release month {title.group(2)!r}")
        version = f"RVU{year % 100:02d}{RELEASE_LETTERS[month]}"
        return [_release(PFS_RVU, version, calendar_year(year), path, self._entries(path))]

    def _entries(self, path: Path) -> Iterator[Entry]:
        header: list[list[str]] = []
        columns: dict[int, _Column] | None = None
        for number, fields in csv_records(path):
            if columns is None:
                header = [*header[-4:], fields]
                if fields and fields[0].strip() == "HCPCS":
                    columns = _pprrvu_columns(path, number, _header_names(header))
                continue
            if is_blank(fields):
                continue
            if len(fields) < max(columns) + 1:
                raise record(path, number, fields).error(f"has {len(fields)} fields, the header {max(columns) + 1}")
            yield _pprrvu_entry(record(path, number, fields), columns)
        if columns is None:
            raise InputFileError(str(path), "", "has no header row starting with HCPCS")


# GPCI


_GPCI_TITLE = re.compile(r"CY\s*(\d{4}) GEOGRAPHIC PRACTICE COST INDICES", re.I)
_STATE = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True, slots=True)
class _GpciColumns:
    work: int
    pe: int
    mp: int


def _gpci_columns(header: Record) -> _GpciColumns:
    def find(marker: str) -> int:
        for index, name in enumerate(header.fields):
            if marker in name.upper():
                return index
        raise header.error(f"the header has no {marker} column")

    return _GpciColumns(find("PW GPCI"), find("PE GPCI"), find("MP GPCI"))


def _is_note(fields: list[str]) -> bool:
    """A footnote line: text in the first field only, not starting with a digit (data rows start with a MAC)."""
    first = fields[0].strip() if fields else ""
    return bool(first) and not first[0].isdigit() and is_blank(fields[1:])


def _gpci_entry(row: Record, columns: _GpciColumns) -> Entry:
    mac = row.matching(0, _MAC, "MAC")
    number = row.matching(2, _LOCALITY_NUMBER, "locality number")
    return Entry(
        locality_key(mac, number),
        {
            "mac": mac.zfill(5),
            "state": row.matching(1, _STATE, "state"),
            "locality_number": number.zfill(2),
            # Asterisks point at the file's footnotes (the Alaska and frontier floors), not part of the name.
            "locality_name": row.text(3).rstrip("*").strip(),
            "work_gpci": row.decimal(columns.work, "work GPCI"),
            "pe_gpci": row.decimal(columns.pe, "PE GPCI"),
            "mp_gpci": row.decimal(columns.mp, "MP GPCI"),
        },
    )


@register
class GpciImporter:
    """GPCI (Addendum E): the work, practice-expense and malpractice cost indices of each Medicare locality.

    Keys are ``MAC-LL`` (``10112-00``); data holds the MAC, state, locality number and name and the three GPCIs.
    """

    code = "pfs-gpci"
    name = "Medicare PFS geographic practice cost indices (GPCI, CSV)"

    def sniff(self, sample: Sample) -> bool:
        """A CSV titled as the GPCIs by state and Medicare locality."""
        return _GPCI_TITLE.search(sample.head) is not None and "Locality Number" in sample.head

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """One release, ``GPCIyyyy``, governing its calendar year."""
        year = int(_first_match(path, _GPCI_TITLE, "its year").group(1))
        return [_release(PFS_GPCI, f"GPCI{year}", calendar_year(year), path, self._entries(path))]

    def _entries(self, path: Path) -> Iterator[Entry]:
        columns: _GpciColumns | None = None
        for number, fields in csv_records(path):
            row = record(path, number, fields)
            if columns is None:
                if row.text(0).startswith("Medicare Administrative Contractor"):
                    columns = _gpci_columns(row)
                continue
            if is_blank(fields) or _is_note(fields):
                continue
            if len(fields) < 7:
                raise row.error(f"has {len(fields)} fields, a locality row 7")
            yield _gpci_entry(row, columns)
        if columns is None:
            raise InputFileError(str(path), "", "has no header row naming the Medicare Administrative Contractor")


# Locality / county


_LOCCO_TITLE = re.compile(r"COUNTIES INCLUDED IN (\d{4}) LOCALITIES", re.I)


@dataclass
class _Locality:
    mac: str
    number: str
    state: str
    area: str
    counties: list[str]


@register
class LocalityCountyImporter:
    """Locality/county crosswalk (``yyLOCCO``): which counties each Medicare payment locality covers.

    Keys are ``MAC-LL``; data holds the MAC, locality number, state, fee schedule area and the counties. The state is
    printed on a state's first row only, and a locality serviced by two carriers appears twice: its rows are merged.
    """

    code = "pfs-locco"
    name = "Medicare PFS localities and counties (LOCCO, CSV)"

    def sniff(self, sample: Sample) -> bool:
        """A CSV titled as the counties included in the year's localities."""
        return _LOCCO_TITLE.search(sample.head) is not None

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """One release, ``LOCCOyyyy``, governing its calendar year."""
        year = int(_first_match(path, _LOCCO_TITLE, "its year").group(1))
        localities = self._localities(path)
        entries = [
            Entry(
                locality_key(item.mac, item.number),
                {
                    "mac": item.mac,
                    "locality_number": item.number,
                    "state": item.state,
                    "fee_schedule_area": item.area,
                    "counties": item.counties,
                },
            )
            for item in localities.values()
        ]
        return [_release(PFS_LOCALITY, f"LOCCO{year}", calendar_year(year), path, entries)]

    def _localities(self, path: Path) -> dict[str, _Locality]:
        localities: dict[str, _Locality] = {}
        state = ""
        header_seen = False
        for number, fields in csv_records(path):
            row = record(path, number, fields)
            if not header_seen:
                header_seen = row.text(0).startswith("Medicare Adm")
                continue
            if is_blank(fields) or _is_note(fields):
                continue
            if len(fields) < 5:
                raise row.error(f"has {len(fields)} fields, a locality row 5")
            state = row.text(2) or state
            if not state:
                raise row.error("names no state, and no row above it does")
            self._add(localities, row, state)
        if not header_seen:
            raise InputFileError(str(path), "", "has no header row naming the Medicare Administrative Contractor")
        return localities

    @staticmethod
    def _add(localities: dict[str, _Locality], row: Record, state: str) -> None:
        mac = row.matching(0, _MAC, "MAC").zfill(5)
        number = row.matching(1, _LOCALITY_NUMBER, "locality number").zfill(2)
        counties = row.text(4)
        known = localities.get(locality_key(mac, number))
        if known is None:
            localities[locality_key(mac, number)] = _Locality(mac, number, state, row.text(3), [counties])
        elif counties not in known.counties:
            known.counties.append(counties)


# Anesthesia conversion factors


_ANES_HEADER = re.compile(r"^Contractor,Locality,Locality Name,National Anes CF of ([0-9.]+)", re.M)
_YEAR_IN_NAME = re.compile(r"(20[0-9]{2})")


@register
class AnesthesiaImporter:
    """Anesthesia conversion factors (``ANESyyyy``): each locality's CF, and the national CF.

    Keys are ``MAC-LL`` with the locality name and ``anesthesia_cf``, and ``national`` with the national CF. The file
    does not print its year, so the year is taken from the file name CMS gives it (``ANES2025.csv``).
    """

    code = "pfs-anes"
    name = "Medicare PFS anesthesia conversion factors (ANES, CSV)"

    def sniff(self, sample: Sample) -> bool:
        """A CSV whose header names the national anesthesia CF."""
        return _ANES_HEADER.search(sample.head) is not None

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """One release, ``ANESyyyy``, governing its calendar year.

        Raises:
            InputFileError: the file name does not carry the year.
        """
        year = _YEAR_IN_NAME.search(path.name)
        if year is None:
            raise InputFileError(str(path), "", "the anesthesia file does not print its year; name it ANESyyyy.csv")
        return [
            _release(
                PFS_ANESTHESIA, f"ANES{year.group(1)}", calendar_year(int(year.group(1))), path, self._entries(path)
            )
        ]

    def _entries(self, path: Path) -> Iterator[Entry]:
        header_seen = False
        for number, fields in csv_records(path):
            row = record(path, number, fields)
            if not header_seen:
                national = _ANES_HEADER.search(",".join(row.fields))
                if national is None:
                    raise row.error("is not the anesthesia header (Contractor,Locality,Locality Name,National Anes CF)")
                header_seen = True
                yield Entry("national", {"anesthesia_cf": str(Decimal(national.group(1)))})
                continue
            if is_blank(fields):
                continue
            if len(fields) < 4:
                raise row.error(f"has {len(fields)} fields, a locality row 4")
            mac = row.matching(0, _MAC, "MAC")
            number_text = row.matching(1, _LOCALITY_NUMBER, "locality number")
            yield Entry(
                locality_key(mac, number_text),
                {"locality_name": row.text(2).rstrip("*").strip(), "anesthesia_cf": row.decimal(3, "anesthesia CF")},
            )


# ZIP5 to locality

# CMS ZIP5 record layout (ZIP5lyout.txt, 80-byte records), as (field, first column, last column), 1-based.
_ZIP5_LAYOUT = (
    ("state", 1, 2),
    ("zip5", 3, 7),
    ("carrier", 8, 12),
    ("locality_number", 13, 14),
    ("rural", 15, 15),  # blank urban, R rural, B super rural
    ("lab_cb_locality", 16, 17),  # lab competitive bidding: Z1, Z2, Z9 (not a demonstration locality)
    ("rural_2006", 18, 18),
    ("plus_four", 21, 21),  # 1: the ZIP spans localities, and the ZIP9 file must be used
    ("part_b_payment_indicator", 23, 23),
    ("year_quarter", 76, 80),
)
_ZIP5_RECORD = re.compile(r"[A-Z]{2}[0-9]{5}[0-9]{5}[0-9]{2}[ RB][ 0-9A-Z]{2}.{3}[01].{54}[0-9]{4}[1-4]")


def _zip5_fields(line: str) -> dict[str, str]:
    return {name: line[first - 1 : last].strip() for name, first, last in _ZIP5_LAYOUT}


@register
class Zip5LocalityImporter:
    """ZIP5 to carrier and pricing locality (``ZIP5_MMMyyyy.txt``): fixed-width 80-byte records, one per ZIP code.

    Keys are the ZIP codes; data holds the state, carrier, locality number, the locality as ``MAC-LL``, the rural
    indicator, the lab competitive-bidding locality, the plus-four flag and the Part B payment indicator. Layout:
    state 1-2, ZIP 3-7, carrier 8-12, locality 13-14, rural 15, lab CB locality 16-17, rural (2006) 18, plus-four
    flag 21, Part B payment indicator 23, year and quarter (YYYYQ) 76-80.
    """

    code = "pfs-zip5"
    name = "Medicare ZIP5 to locality (fixed width)"

    def sniff(self, sample: Sample) -> bool:
        """Fixed-width 80-byte lines in the ZIP5 record layout."""
        first = sample.head.split("\n", 1)[0].rstrip("\r")
        return len(first) == 80 and _ZIP5_RECORD.fullmatch(first) is not None

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """One release, ``ZIP5-yyyyQq``, governing its quarter."""
        first = next(text_lines(path, "ascii"), None)
        if first is None or not _ZIP5_RECORD.fullmatch(first[1]):
            raise InputFileError(str(path), "line 1", "is not a ZIP5 record")
        year_quarter = first[1][75:80]
        year, quarter = int(year_quarter[:4]), int(year_quarter[4])
        period = quarter_period(year, quarter)
        return [_release(PFS_ZIP_LOCALITY, f"ZIP5-{year}Q{quarter}", period, path, self._entries(path, year_quarter))]

    @staticmethod
    def _entries(path: Path, year_quarter: str) -> Iterator[Entry]:
        for number, line in text_lines(path, "ascii"):
            if len(line) != 80 or not _ZIP5_RECORD.fullmatch(line):
                raise InputFileError(str(path), f"line {number}", "is not an 80-byte ZIP5 record")
            fields = _zip5_fields(line)
            if fields["year_quarter"] != year_quarter:
                raise InputFileError(
                    str(path), f"line {number}", f"is for {fields['year_quarter']}, not {year_quarter}"
                )
            zip5 = fields.pop("zip5")
            del fields["year_quarter"]
            data: dict[str, object] = dict(fields)
            data["locality"] = locality_key(fields["carrier"], fields["locality_number"])
            data["plus_four"] = fields["plus_four"] == "1"
            yield Entry(zip5, data)
