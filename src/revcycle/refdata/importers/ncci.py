"""NCCI edits: procedure-to-procedure pairs, medically unlikely edits and add-on code edits, in CMS's layouts.

* PTP pairs (``ccipra-v322r0-f1.TXT`` practitioner, ``ccioph-...`` outpatient hospital): tab-separated text after a
  six-line preamble; column 1, column 2, ``*`` when the pair existed before 1996, effective date, deletion date (``*``
  for none), modifier indicator (0 not allowed, 1 allowed, 9 not applicable) and the edit's rationale. The content
  does not say which setting, version or part it is, so those come from CMS's file name; a file named otherwise is
  refused rather than guessed. Each pair carries its own dates, so the release governs its quarter only as a container.
* MUE tables (``MCR_MUE_PractitionerServices_Eff_04-01-2026.csv`` and the outpatient hospital and DME supplier
  twins): CSV after a quoted AMA notice; the setting is named by the header, the effective date by the file name.
* Add-on code edits (``AOC_V2026Q2-MCR.xlsx``): one row per add-on and primary code, Julian dates (``CCYYDDD``).
* The bundled default: the outpatient hospital pairs that pyoce's I/OCE database carries (the I/OCE applies the
  hospital outpatient NCCI edits), one release covering every I/OCE quarter it holds.

Every PTP entry is keyed ``COLUMN1:COLUMN2`` and holds ``periods``: the pair's spells in force, each with its
``effective`` and ``deletion`` dates (ISO; the deletion date is the last date of service the edit applies to, as
CMS's quarter-end deletion dates read), ``modifier_indicator``, ``prior_1996`` and ``rationale`` (the last two absent
from pyoce's pairs, which lack them). A pair listed twice (deleted, then added again) is one entry with two periods.
"""

from __future__ import annotations

import calendar
import csv
import io
import marshal
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from revcycle.errors import InputFileError
from revcycle.refdata.importers.base import SAMPLE_BYTES, Sample, register
from revcycle.refdata.release import Entry, ReleaseData, file_sha256
from revcycle.refdata.sets import (
    ADD_ON_CODES,
    MUE_DME,
    MUE_HOSPITAL,
    MUE_PRACTITIONER,
    NCCI_PTP_HOSPITAL,
    NCCI_PTP_PRACTITIONER,
)

HCPCS_CODE = re.compile(r"[A-Z0-9]{5}")
"""A CPT or HCPCS Level II code as NCCI files write it: five characters, no modifier."""

# PTP pairs

PTP_TITLE = "Column1/Column2 Edits"
PTP_HEADER = re.compile(r"^Column 1\tColumn 2\t", re.MULTILINE)
PTP_ROW = re.compile(r"^[A-Z0-9]{5}\t[A-Z0-9]{5}\t")
PTP_FIELDS = 7
PTP_PREAMBLE_LINES = 12
"""CMS opens the file with six lines of notice and column titles; more than this before a pair is not a PTP file."""

PTP_FILE_NAME = re.compile(
    r"(?P<setting>ccipra|ccioph)-v(?P<major>\d{2})(?P<minor>\d)r(?P<revision>\d+)(?:-f(?P<part>\d+))?", re.IGNORECASE
)
"""``ccipra-v322r0-f1``: practitioner (``pra``) or outpatient hospital (``oph``), version 32.2, revision 0, part 1."""
PTP_SETTINGS = {"ccipra": NCCI_PTP_PRACTITIONER, "ccioph": NCCI_PTP_HOSPITAL}
NCCI_FIRST_YEAR = 1994
"""NCCI numbers its versions by year and quarter: version 32.2 is 1994 + 32 = 2026, quarter 2 + 1 = Q3."""

MODIFIER_INDICATORS = {"0": "not allowed", "1": "allowed", "9": "not applicable"}
ASTERISK = "*"
"""CMS's mark in two columns: "no data" as a deletion date, "in existence prior to 1996" in the flag's column."""

# MUE tables

MUE_SETTINGS = {
    "practitioner services mue values": MUE_PRACTITIONER,
    "outpatient hospital services mue values": MUE_HOSPITAL,
    "dme supplier services mue values": MUE_DME,
}
"""The header of the values column names the setting."""
MUE_ADJUDICATION = {"1": "Line Edit", "2": "Date of Service Edit: Policy", "3": "Date of Service Edit: Clinical"}
MUE_FIELDS = 4
MUE_HEADER = re.compile(r'^"?HCPCS/\s*CPT Code"?,[^,\r\n]*MUE Values,MUE Adjudication Indicator', re.MULTILINE)
"""The header row; CMS breaks its first cell over two lines inside the quotes (``"HCPCS/`` newline ``CPT Code"``)."""
MUE_EFFECTIVE_IN_NAME = re.compile(r"Eff_(\d{2})-(\d{2})-(\d{4})", re.IGNORECASE)

# Add-on code edits

AOC_HEADER = (
    "AOC_Edit_Type",
    "Add-On_Code",
    "AOC_DelDT",
    "Primary_Code",
    "Primary_Code_DelDT",
    "AOC_Edit_EffDT",
    "AOC_Edit_DelDT",
    "Special_Instruction_Notes",
)
AOC_EDIT_TYPES = {"1", "2", "3"}
AOC_QUARTER = re.compile(r"AOC_V(\d{4})Q([1-4])", re.IGNORECASE)
CONTRACTOR_DEFINED = "CCCCC"
"""The primary code CMS writes for edit type 2: the contractor defines the primary codes."""

# pyoce

PYOCE_PAIRS_TABLE = b"map_ncci"
PYOCE_VERSIONS_TABLE = "version_range"


def quarter_period(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of calendar quarter ``quarter`` (1-4) of ``year``."""
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def _quarter_of(day: date) -> tuple[date, date]:
    return quarter_period(day.year, (day.month - 1) // 3 + 1)


def _decode(raw: bytes) -> str:
    """CMS writes these files in Windows-1252 (the ® of the AMA notice); a byte it lacks falls back to Latin-1."""
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _ccyymmdd(path: Path, where: str, text: str, name: str) -> str:
    """A CCYYMMDD date as ISO text."""
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError(text)
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])).isoformat()
    except ValueError:
        raise InputFileError(str(path), where, f"{name} {text!r} is not a date (CCYYMMDD)") from None


# PTP pairs: reading


@dataclass(frozen=True, slots=True)
class _PtpRow:
    key: str
    period: dict[str, Any]


class _PtpEntries:
    """The pairs of one PTP file, read again on each iteration so the file never sits whole in memory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[Entry]:
        key: str | None = None
        periods: list[dict[str, Any]] = []
        for row in self._rows():
            if row.key != key:
                if key is not None:
                    yield Entry(key, {"periods": periods})
                key, periods = row.key, []
            periods.append(row.period)
        if key is None:
            raise InputFileError(str(self.path), "", "holds no PTP edit pairs")
        yield Entry(key, {"periods": periods})

    def _rows(self) -> Iterator[_PtpRow]:
        started = False
        try:
            with self.path.open("rb") as handle:
                for number, raw in enumerate(handle, start=1):
                    line = _decode(raw).rstrip("\r\n")
                    if not started and not PTP_ROW.match(line):
                        if number > PTP_PREAMBLE_LINES:
                            raise self._fail(number, "no PTP edit pair follows the column titles")
                        continue
                    started = True
                    if not line.strip():
                        continue
                    if not raw.endswith(b"\n"):
                        raise self._fail(number, "the last row has no end of line: the file is truncated")
                    yield self._row(number, line)
        except OSError as error:
            raise InputFileError(str(self.path), "", f"cannot be read: {error}") from None

    def _fail(self, number: int, reason: str) -> InputFileError:
        return InputFileError(str(self.path), f"line {number}", reason)

    def _row(self, number: int, line: str) -> _PtpRow:
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) != PTP_FIELDS:
            raise self._fail(number, f"has {len(fields)} fields, expected {PTP_FIELDS}")
        column1, column2, prior, effective, deletion, modifier, rationale = fields
        for code in (column1, column2):
            if not HCPCS_CODE.fullmatch(code):
                raise self._fail(number, f"{code!r} is not a CPT/HCPCS code")
        if prior not in {"", ASTERISK}:
            raise self._fail(number, f"the prior-1996 flag {prior!r} is neither '*' nor blank")
        if modifier not in MODIFIER_INDICATORS:
            raise self._fail(number, f"modifier indicator {modifier!r} is not 0, 1 or 9")
        where = f"line {number}"
        period = {
            "effective": _ccyymmdd(self.path, where, effective, "effective date"),
            "deletion": None if deletion == ASTERISK else _ccyymmdd(self.path, where, deletion, "deletion date"),
            "modifier_indicator": modifier,
            "prior_1996": prior == ASTERISK,
            "rationale": rationale or None,
        }
        return _PtpRow(f"{column1}:{column2}", period)


def _ptp_release(path: Path) -> ReleaseData:
    named = PTP_FILE_NAME.search(path.name)
    if named is None:
        raise InputFileError(
            str(path),
            "",
            "is an NCCI PTP file, but only CMS's file name (e.g. ccipra-v322r0-f1.TXT, ccioph-v322r0-f1.TXT) says "
            "its setting and version: keep that name",
        )
    major, minor = int(named["major"]), int(named["minor"])
    start, end = quarter_period(NCCI_FIRST_YEAR + major, minor + 1)
    # The version leaves out the revision, so a corrected file (r1) replaces the one it corrects.
    version = f"v{major}.{minor}" + (f"-f{named['part']}" if named["part"] else "")
    code_set = PTP_SETTINGS[named["setting"].lower()]
    return ReleaseData(code_set, version, start, end, str(path), file_sha256(path), _PtpEntries(path))


@register
class NcciPtpText:
    """NCCI procedure-to-procedure edits, CMS tab-separated text (``ccipra-v322r0-f1.TXT``, ``ccioph-...``).

    Code set ``ncci_ptp_practitioner`` or ``ncci_ptp_hospital`` (from the file name, which alone says so), keyed
    ``COLUMN1:COLUMN2``; each entry's ``periods`` give effective and deletion dates, modifier indicator, the
    prior-1996 flag and the rationale. Version ``v32.2-f1`` (NCCI version and part); the release governs the
    version's quarter (v32.2 is 2026 Q3).
    """

    code = "ncci-ptp-text"
    name = "NCCI PTP edits (CMS text layout)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file opens with the PTP title and column headings and then a pair."""
        head = sample.head[:4096]
        return PTP_TITLE in head and PTP_HEADER.search(head) is not None

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release the file holds; its pairs are read as the store imports them.

        Raises:
            InputFileError: the name does not say the setting and version, or (while importing) a row is
                malformed or the file is truncated, naming the line.
        """
        return [_ptp_release(path)]


# MUE tables


def _mue_effective(path: Path) -> date:
    named = MUE_EFFECTIVE_IN_NAME.search(path.name)
    if named is None:
        raise InputFileError(
            str(path),
            "",
            "is an MUE table, but only CMS's file name (e.g. MCR_MUE_PractitionerServices_Eff_04-01-2026.csv) says "
            "its effective date: keep that name",
        )
    month, day, year = (int(part) for part in named.groups())
    try:
        return date(year, month, day)
    except ValueError:
        reason = f"the effective date in the name, {named.group(0)}, is not a date"
        raise InputFileError(str(path), "", reason) from None


def _mue_setting(cells: list[str]) -> str | None:
    """The code set a header row names, None when the row is not the header."""
    if len(cells) < 2 or not cells[0].replace("\n", "").strip().upper().startswith("HCPCS/"):
        return None
    return MUE_SETTINGS.get(" ".join(cells[1].split()).lower())


def _mue_entry(path: Path, line: int, cells: list[str]) -> Entry:
    where = f"line {line}"
    if len(cells) != MUE_FIELDS:
        raise InputFileError(str(path), where, f"has {len(cells)} fields, expected {MUE_FIELDS}")
    code, value, adjudication, rationale = (cell.strip() for cell in cells)
    if not HCPCS_CODE.fullmatch(code):
        raise InputFileError(str(path), where, f"{code!r} is not a CPT/HCPCS code")
    if not value.isdigit():
        raise InputFileError(str(path), where, f"MUE value {value!r} is not a whole number of units")
    indicator, _, text = adjudication.partition(" ")
    if MUE_ADJUDICATION.get(indicator) != text:
        raise InputFileError(str(path), where, f"MUE adjudication indicator {adjudication!r} is not one CMS defines")
    if not rationale:
        raise InputFileError(str(path), where, "has no MUE rationale")
    data = {"mue": int(value), "mai": int(indicator), "mai_text": text, "rationale": rationale}
    return Entry(code, data)


def _read_mue(path: Path) -> tuple[str, list[Entry]]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputFileError(str(path), "", f"cannot be read: {error}") from None
    text = _decode(raw)
    if not text.endswith("\n"):
        raise InputFileError(str(path), f"line {text.count(chr(10)) + 1}", "has no end of line: the file is truncated")
    reader = csv.reader(io.StringIO(text, newline=""))
    code_set: str | None = None
    entries: list[Entry] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if code_set is None:
                # The AMA notice (one quoted multi-line record) comes before the header; skip to the header.
                code_set = _mue_setting(cells)
                continue
            entries.append(_mue_entry(path, reader.line_num, cells))
    except csv.Error as error:
        raise InputFileError(str(path), f"line {reader.line_num}", f"is not valid CSV: {error}") from None
    if code_set is None:
        raise InputFileError(str(path), "", "has no MUE header row (HCPCS/CPT Code, ... MUE Values, ...)")
    if not entries:
        raise InputFileError(str(path), "", "holds no MUE rows")
    return code_set, entries


@register
class MueCsv:
    """NCCI medically unlikely edits, CMS CSV (``MCR_MUE_PractitionerServices_Eff_04-01-2026.csv`` and twins).

    Code set ``mue_practitioner``, ``mue_hospital`` or ``mue_dme`` (named by the values column's header), keyed by
    HCPCS/CPT code: ``mue`` (units), ``mai`` (1 line edit, 2 date of service policy, 3 date of service clinical),
    ``mai_text`` and ``rationale``. Version ``2026-04``; the release governs its quarter, dated by the file name.
    """

    code = "ncci-mue-csv"
    name = "NCCI MUE table (CMS CSV)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is CSV with an ``HCPCS/CPT Code`` header and an MUE values column."""
        return not sample.zip_names and MUE_HEADER.search(sample.head) is not None

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release the file holds.

        Raises:
            InputFileError: a row is malformed or the file truncated (naming the line), or the name lacks the date.
        """
        code_set, entries = _read_mue(path)
        start, end = _quarter_of(_mue_effective(path))
        return [ReleaseData(code_set, f"{start:%Y-%m}", start, end, str(path), file_sha256(path), entries)]


# Add-on code edits


def _cell_text(value: Any) -> str | None:
    """A cell as text: openpyxl gives numbers for cells Excel typed as numbers, which CMS's codes must not become."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _julian(path: Path, where: str, value: Any, name: str) -> str | None:
    """A CCYYDDD (year and day of year) date as ISO text, None when blank."""
    text = _cell_text(value)
    if text is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if len(text) != 7 or not text.isdigit():
        raise InputFileError(str(path), where, f"{name} {text!r} is not a date (CCYYDDD)")
    year, day_of_year = int(text[:4]), int(text[4:])
    if not 1 <= day_of_year <= (366 if calendar.isleap(year) else 365):
        raise InputFileError(str(path), where, f"{name} {text!r} is not a date (CCYYDDD)")
    return (date(year, 1, 1) + timedelta(days=day_of_year - 1)).isoformat()


def _aoc_edit(path: Path, where: str, cells: tuple[Any, ...]) -> tuple[str, dict[str, Any]]:
    if len(cells) < len(AOC_HEADER):
        raise InputFileError(str(path), where, f"has {len(cells)} cells, expected {len(AOC_HEADER)}")
    edit_type, add_on, add_on_deleted, primary, primary_deleted, effective, deleted, note = cells[: len(AOC_HEADER)]
    edit_type, add_on, primary = _cell_text(edit_type), _cell_text(add_on), _cell_text(primary)
    if edit_type not in AOC_EDIT_TYPES:
        raise InputFileError(str(path), where, f"edit type {edit_type!r} is not 1, 2 or 3")
    if add_on is None or not HCPCS_CODE.fullmatch(add_on):
        raise InputFileError(str(path), where, f"add-on code {add_on!r} is not a CPT/HCPCS code")
    if primary is None or not HCPCS_CODE.fullmatch(primary):
        raise InputFileError(str(path), where, f"primary code {primary!r} is not a CPT/HCPCS code")
    edit = {
        "edit_type": edit_type,
        "primary": primary,
        "effective": _julian(path, where, effective, "AOC_Edit_EffDT"),
        "deleted": _julian(path, where, deleted, "AOC_Edit_DelDT"),
        "add_on_deleted": _julian(path, where, add_on_deleted, "AOC_DelDT"),
        "primary_deleted": _julian(path, where, primary_deleted, "Primary_Code_DelDT"),
        "note": _cell_text(note),
    }
    if edit["effective"] is None:
        raise InputFileError(str(path), where, "has no AOC_Edit_EffDT")
    return add_on, edit


def _aoc_rows(path: Path) -> tuple[str, list[tuple[str, tuple[Any, ...]]]]:
    """The workbook's only sheet name and its rows after the header, each with the place it came from."""
    # Imported here: only add-on code workbooks need it. It ships no type hints (types-openpyxl is not pinned).
    import openpyxl  # type: ignore[import-untyped]

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows: list[tuple[str, tuple[Any, ...]]] = []
            header_seen = False
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                if not header_seen:
                    header_seen = tuple(_cell_text(cell) for cell in cells[: len(AOC_HEADER)]) == AOC_HEADER
                    continue
                if any(cell is not None for cell in cells):
                    rows.append((f"sheet {sheet.title} row {number}", tuple(cells)))
            title = sheet.title
        finally:
            workbook.close()
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, EOFError) as error:
        reason = f"is not a readable xlsx workbook (damaged or truncated): {error}"
        raise InputFileError(str(path), "", reason) from None
    if not header_seen:
        raise InputFileError(str(path), f"sheet {title}", "has no add-on code header row (AOC_Edit_Type, ...)")
    return title, rows


def _aoc_version(path: Path, sheet_title: str) -> tuple[date, date]:
    # The workbook names its quarter in the sheet title; the file name is the fallback.
    named = AOC_QUARTER.search(sheet_title) or AOC_QUARTER.search(path.name)
    if named is None:
        raise InputFileError(str(path), f"sheet {sheet_title}", "names no quarter (AOC_V2026Q2) in sheet or file name")
    return quarter_period(int(named.group(1)), int(named.group(2)))


@register
class AddOnCodeXlsx:
    """NCCI add-on code edits, CMS workbook (``AOC_V2026Q2-MCR.xlsx``).

    Code set ``add_on_codes``, keyed by add-on code; ``edits`` lists each primary code row (``edit_type`` 1, 2 or
    3, ``primary`` code or ``CCCCC`` when the contractor defines them, ``effective``, ``deleted``, the add-on and
    primary codes' own deletion dates, ``note``), and ``edit_types`` the distinct types. Dates ISO. Version
    ``2026-04``; the release governs its quarter.
    """

    code = "ncci-add-on-xlsx"
    name = "NCCI add-on code edits (CMS workbook)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is a workbook whose strings include the add-on code header."""
        if "xl/workbook.xml" not in sample.zip_names:
            return False
        try:
            with zipfile.ZipFile(sample.path) as archive:
                for member in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"):
                    if member in sample.zip_names:
                        with archive.open(member) as handle:
                            if b"AOC_Edit_Type" in handle.read(SAMPLE_BYTES):
                                return True
        except (OSError, zipfile.BadZipFile, EOFError):
            return False
        return False

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release the workbook holds.

        Raises:
            InputFileError: the workbook is damaged, or a row is malformed, naming the sheet and row.
        """
        title, rows = _aoc_rows(path)
        start, end = _aoc_version(path, title)
        edits: dict[str, list[dict[str, Any]]] = {}
        for where, cells in rows:
            add_on, edit = _aoc_edit(path, where, cells)
            edits.setdefault(add_on, []).append(edit)
        if not edits:
            raise InputFileError(str(path), f"sheet {title}", "holds no add-on code edits")
        entries = [
            Entry(code, {"edit_types": sorted({edit["edit_type"] for edit in listed}), "edits": listed})
            for code, listed in edits.items()
        ]
        return [ReleaseData(ADD_ON_CODES, f"{start:%Y-%m}", start, end, str(path), file_sha256(path), entries)]


# The bundled default: pyoce's outpatient pairs


def _pyoce_archive() -> Path:
    """The compressed database pyoce ships, whose digest identifies the bundled data."""
    import pyoce

    return Path(pyoce.__file__).parent / "data" / "pyoce.mdb.xz"


def _iso(ccyymmdd: int) -> date:
    text = str(ccyymmdd)
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


@dataclass(frozen=True, slots=True)
class _Quarter:
    """One I/OCE version: the quarter it governs."""

    start: date
    end: date


class _PyoceEntries:
    """pyoce's pairs, read from its database on each iteration (1.5 million of them need not sit in memory)."""

    def __init__(self, quarters: dict[int, _Quarter], newest: int) -> None:
        self.quarters = quarters
        self.newest = newest

    def __iter__(self) -> Iterator[Entry]:
        from pyoce.dao.provider import LmdbDataProvider

        environment = LmdbDataProvider.get_instance().env
        table = environment.open_db(PYOCE_PAIRS_TABLE)
        with environment.begin(db=table) as transaction:
            for key, value in transaction.cursor():
                column1 = bytes(key).decode("ascii")
                yield from self._pairs(column1, marshal.loads(value))

    def _pairs(self, column1: str, listed: list[tuple[bytes, bytes]]) -> Iterator[Entry]:
        """The entries of one column 1 code; pyoce lists its column 2 codes sorted, one row per spell in force."""
        periods: dict[str, list[dict[str, Any]]] = {}
        for listed_column2, raw in listed:
            periods.setdefault(listed_column2.decode("ascii"), []).append(self._period(marshal.loads(raw)))
        for column2, spells in periods.items():
            yield Entry(f"{column1}:{column2}", {"periods": sorted(spells, key=lambda spell: spell["effective"])})

    def _period(self, raw: dict[str, Any]) -> dict[str, Any]:
        # pyoce's newest version runs to a far-off year meaning "until replaced": such a pair has no deletion date.
        # pyoce knows no rationale or prior-1996 flag; leaving the keys out saves 50 MB over 1.5 million pairs.
        last = raw["hi_version"]
        return {
            "effective": self.quarters[raw["lo_version"]].start.isoformat(),
            "deletion": None if last >= self.newest else self.quarters[last].end.isoformat(),
            "modifier_indicator": "1" if raw["mod_indicator"] else "0",
        }


def bundled_ncci_releases() -> list[ReleaseData]:
    """The outpatient hospital PTP pairs bundled with pyoce, as one ``ncci_ptp_hospital`` release.

    pyoce's I/OCE applies the hospital outpatient NCCI edits; it keeps each pair with the span of quarterly I/OCE
    versions it was in force, which become the pair's periods. pyoce carries no rationale or prior-1996 flag, so
    its periods leave them out. Version ``pyoce-27.1.0`` (the newest I/OCE version); the release governs from the
    first I/OCE quarter pyoce holds to the end of its newest.
    """
    from pyoce.dao.provider import LmdbDataProvider

    versions = LmdbDataProvider.get_instance().get_multi(PYOCE_VERSIONS_TABLE, "")
    ranges = sorted((raw for _, raw in versions), key=lambda raw: raw["version"])
    quarters = {raw["version"]: _Quarter(_iso(raw["date_started"]), _iso(raw["date_ended"])) for raw in ranges}
    first, newest = ranges[0], ranges[-1]
    start = quarters[first["version"]].start
    end = _quarter_of(quarters[newest["version"]].start)[1]
    archive = _pyoce_archive()
    source = f"{archive} (pyoce I/OCE NCCI pairs {first['version_id']} to {newest['version_id']})"
    entries = _PyoceEntries(quarters, newest["version"])
    version = f"pyoce-{newest['version_id']}"
    return [ReleaseData(NCCI_PTP_HOSPITAL, version, start, end, source, file_sha256(archive), entries)]
