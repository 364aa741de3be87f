"""Fee schedules that contracts price labs and supplies from: the Clinical Laboratory Fee Schedule and DMEPOS.

Both are quarterly: a release governs the dates of service of its quarter. Amounts are money (`Decimal`, two places,
stored as decimal strings). Spreadsheets give numbers as floats, so a float cell is turned into its shortest decimal
text and refused if that has fractions of a cent: a fee is never rounded on the way in.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

# openpyxl ships no type hints and types-openpyxl is not a pinned dependency.
from openpyxl import load_workbook  # type: ignore[import-untyped]

from revcycle.domain.codes import is_cpt_code
from revcycle.domain.fields import FieldError
from revcycle.domain.money import format_money, money
from revcycle.errors import InputFileError
from revcycle.refdata.importers.base import Sample, register
from revcycle.refdata.importers.pfs import (
    Record,
    csv_records,
    is_blank,
    quarter_period,
    record,
)
from revcycle.refdata.release import Entry, ReleaseData, file_sha256
from revcycle.refdata.sets import CLFS, DMEPOS, DMEPOS_PEN

"""The parenteral and enteral nutrition fee schedule (sets.py has no name for it yet); apart from `DMEPOS` because
both are released for the same quarter and only one release of a set governs a date."""

_QUARTER_MONTHS = {"JANUARY": 1, "APRIL": 4, "JULY": 7, "OCTOBER": 10}
"""The months a quarterly DMEPOS release starts in, as its title names them."""
_HCPCS = re.compile(r"[0-9A-Z]{5}")
_MODIFIER = re.compile(r"(?:[0-9A-Z]{2})?")


def _money_text(row: Record, index: int, name: str) -> str:
    try:
        return format_money(money(row.text(index)))
    except FieldError as error:
        raise row.error(f"{name}: {error}") from None


def _key(code: str, *modifiers: str) -> str:
    """``CODE``, ``CODE:MOD`` or ``CODE:MOD:MOD2`` (an empty first modifier keeps its place: ``CODE::MOD2``)."""
    return ":".join((code, *modifiers)).rstrip(":")


def _descriptions(code: str, **texts: str) -> dict[str, str]:
    # CPT descriptors are AMA text, licensed separately; HCPCS Level II text is public.
    return {} if is_cpt_code(code) else {name: text for name, text in texts.items() if text}


# CLFS

_CLFS_HEADER = "YEAR,HCPCS,MOD,EFF_DATE,INDICATOR,RATE"
_EFFECTIVE_DATE = re.compile(r"[0-9]{8}")
_INDICATOR = re.compile(r"[A-Z]")


def _clfs_entry(row: Record) -> tuple[Entry, date]:
    code = row.matching(1, _HCPCS, "HCPCS code")
    modifier = row.matching(2, _MODIFIER, "modifier")
    effective_text = row.matching(3, _EFFECTIVE_DATE, "effective date")
    try:
        effective = date(int(effective_text[:4]), int(effective_text[4:6]), int(effective_text[6:]))
    except ValueError:
        raise row.error(f"effective date {effective_text!r} is not a date") from None
    data: dict[str, object] = {
        "rate": _money_text(row, 5, "rate"),
        "indicator": row.matching(4, _INDICATOR, "indicator"),
        "effective_date": effective.isoformat(),
        **_descriptions(code, description=row.text(6), long_description=row.text(7)),
    }
    return Entry(_key(code, modifier), data), effective


@register
class ClfsImporter:
    """The Clinical Laboratory Fee Schedule (CSV): the national limitation amount of each lab test.

    Keys are ``HCPCS`` or ``HCPCS:MOD`` (``80047:QW``); data holds the rate, the indicator (N: national limitation
    amount, L: local pricing) and the date the rate took effect. CPT codes carry no description (AMA text).
    The file names its year but not its quarter: the quarter is the one of the latest effective date in it.
    """

    code = "clfs-csv"
    name = "Clinical Laboratory Fee Schedule (CLFS, CSV)"

    def sniff(self, sample: Sample) -> bool:
        """A CSV with the CLFS header row."""
        return f"\n{_CLFS_HEADER}," in sample.head.replace("\r\n", "\n")

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """One release, ``CLFSyyyyQq``, governing its quarter (the file is small: read whole to find the quarter)."""
        entries: list[Entry] = []
        latest: date | None = None
        header_seen = False
        for number, fields in csv_records(path):
            row = record(path, number, fields)
            if not header_seen:
                header_seen = ",".join(row.fields).startswith(_CLFS_HEADER)
                continue
            if is_blank(fields):
                continue
            if len(fields) < 7:
                raise row.error(f"has {len(fields)} fields, a CLFS row at least 7")
            entry, effective = _clfs_entry(row)
            entries.append(entry)
            latest = effective if latest is None or effective > latest else latest
        if latest is None:
            raise InputFileError(str(path), "", f"has no rows under a {_CLFS_HEADER} header")
        quarter = (latest.month - 1) // 3 + 1
        start, end = quarter_period(latest.year, quarter)
        return [ReleaseData(CLFS, f"CLFS{latest.year}Q{quarter}", start, end, str(path), file_sha256(path), entries)]


# DMEPOS and PEN

_TITLE = re.compile(r"^(January|April|July|October) (\d{4}) Fee Schedule", re.I)
_STATE_FEE = re.compile(r"([A-Z]{2}) ?\((NR|R)\)")


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where a DMEPOS or PEN sheet keeps its fields (PEN has no jurisdiction, category, ceiling or floor)."""

    columns: dict[str, int]
    state_fees: list[tuple[int, str, str]]  # (column, state, "non_rural" or "rural")

    @classmethod
    def of(cls, header: Record) -> _Layout:
        columns: dict[str, int] = {}
        fees: list[tuple[int, str, str]] = []
        for index, name in enumerate(header.fields):
            fee = _STATE_FEE.fullmatch(name)
            if fee:
                fees.append((index, fee.group(1), "non_rural" if fee.group(2) == "NR" else "rural"))
            elif name:
                columns[name.upper()] = index
        for required in ("HCPCS", "MOD", "MOD2"):
            if required not in columns:
                raise header.error(f"the header has no {required} column")
        if not fees:
            raise header.error("the header has no state fee columns such as 'AL (NR)'")
        return cls(columns, fees)

    def width(self) -> int:
        return max([*self.columns.values(), *(index for index, _, _ in self.state_fees)]) + 1


def _dmepos_entry(row: Record, layout: _Layout) -> Entry:
    columns = layout.columns
    if len(row.fields) < layout.width():
        raise row.error(f"has {len(row.fields)} fields, the header {layout.width()}")
    code = row.matching(columns["HCPCS"], _HCPCS, "HCPCS code")
    modifiers = [row.matching(columns[name], _MODIFIER, name.lower()) for name in ("MOD", "MOD2")]
    data: dict[str, object] = {}
    for name, field in (("JURIS", "jurisdiction"), ("CATG", "category")):
        if name in columns:
            data[field] = row.text(columns[name])
    for name, field in (("CEILING", "ceiling"), ("FLOOR", "floor")):
        if name in columns:
            data[field] = _money_text(row, columns[name], field)
    fees: dict[str, dict[str, str]] = {}
    for index, state, area in layout.state_fees:
        fees.setdefault(state, {})[area] = _money_text(row, index, f"{state} {area} fee")
    data["fees"] = fees
    description = columns.get("DESCRIPTION", columns.get("DESC"))
    if description is not None:
        data.update(_descriptions(code, description=row.text(description)))
    return Entry(_key(code, *modifiers), data)


def _dmepos_entries(rows: Iterable[Record], path: Path) -> Iterator[Entry]:
    layout: _Layout | None = None
    for row in rows:
        if layout is None:
            if row.text(0).upper() == "HCPCS":
                layout = _Layout.of(row)
            continue
        if is_blank(row.fields):
            continue
        yield _dmepos_entry(row, layout)
    if layout is None:
        raise InputFileError(str(path), "", "has no header row starting with HCPCS")


def _title_period(title: str, path: Path) -> tuple[int, int]:
    """The (year, month) of a ``Month yyyy Fee Schedule`` title line."""
    found = _TITLE.match(title)
    if found is None:
        raise InputFileError(str(path), "", "does not say which quarter's fee schedule it is")
    return int(found.group(2)), _QUARTER_MONTHS[found.group(1).upper()]


def _release(code_set: str, prefix: str, year: int, month: int, path: Path, entries: Iterable[Entry]) -> ReleaseData:
    start, end = quarter_period(year, (month - 1) // 3 + 1)
    return ReleaseData(code_set, f"{prefix}{year}-{month:02d}", start, end, str(path), file_sha256(path), entries)


def _csv_rows(path: Path) -> Iterator[Record]:
    for number, fields in csv_records(path):
        yield record(path, number, fields)


@register
class DmeposCsvImporter:
    """The DMEPOS fee schedule as CMS's CSV: ceiling, floor and each state's rural and non-rural fees.

    Keys are ``CODE``, ``CODE:MOD`` or ``CODE:MOD:MOD2`` (``E0100:NU``); data holds the jurisdiction, category,
    ceiling, floor and ``fees`` by state (``{"AL": {"non_rural": "0.57", "rural": "0.00"}}``).
    """

    code = "dmepos-csv"
    name = "DMEPOS fee schedule (CSV)"

    def sniff(self, sample: Sample) -> bool:
        """A CSV with the DMEPOS header row."""
        return "\nHCPCS,Mod,Mod2,JURIS,CATG,Ceiling,Floor," in sample.head.replace("\r\n", "\n")

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """One release, ``DMEPOSyyyy-mm``, governing its quarter."""
        title = next((row for row in _csv_rows(path) if _TITLE.match(row.text(0))), None)
        if title is None:
            raise InputFileError(str(path), "", "does not say which quarter's fee schedule it is")
        year, month = _title_period(title.text(0), path)
        return [_release(DMEPOS, "DMEPOS", year, month, path, _dmepos_entries(_csv_rows(path), path))]


def _cell_text(value: object, row: int, column: int, path: Path) -> str:
    """A spreadsheet cell as text; a float becomes its shortest decimal text (a fee read as 3.94 is '3.94')."""
    if value is None:
        return ""
    if isinstance(value, float):
        number = Decimal(str(value))
        if number.as_tuple().exponent < -2:  # type: ignore[operator]
            raise InputFileError(str(path), f"row {row}", f"column {column + 1}: {value!r} has fractions of a cent")
        return str(number)
    return str(value).strip()


def _sheet_rows(path: Path) -> Iterator[Record]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputFileError(str(path), "", f"is not a readable xlsx workbook: {error}") from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            fields = [_cell_text(value, number, column, path) for column, value in enumerate(values)]
            yield Record(path, f"row {number}", fields)
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as error:
        raise InputFileError(str(path), "", f"is not a readable xlsx workbook: {error}") from None
    finally:
        workbook.close()


def _workbook_text(sample: Sample) -> str:
    """The start of an xlsx workbook's strings, shared and inline (where its title and header are), or ''."""
    sheets = sorted(name for name in sample.zip_names if re.fullmatch(r"xl/worksheets/sheet[0-9]+\.xml", name))
    parts = [name for name in ("xl/sharedStrings.xml", *sheets[:1]) if name in sample.zip_names]
    try:
        with zipfile.ZipFile(sample.path) as archive:
            texts = []
            for part in parts:
                # Shared strings may list the header anywhere; a sheet has its title and header in its first rows.
                limit = 4 << 20 if part == "xl/sharedStrings.xml" else 1 << 20
                with archive.open(part) as member:
                    texts.append(member.read(limit).decode("utf-8", errors="replace"))
    except (OSError, zipfile.BadZipFile, KeyError):
        return ""
    return "".join(texts)


class _SheetImporter:
    """A fee schedule in CMS's xlsx workbook: the title row gives the quarter, the header row the layout."""

    code_set = DMEPOS
    prefix = "DMEPOS"

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """One release, ``<prefix>yyyy-mm``, governing its quarter."""
        title = next((row for row in _sheet_rows(path) if _TITLE.match(row.text(0))), None)
        if title is None:
            raise InputFileError(str(path), "", "does not say which quarter's fee schedule it is")
        year, month = _title_period(title.text(0), path)
        return [_release(self.code_set, self.prefix, year, month, path, _dmepos_entries(_sheet_rows(path), path))]


@register
class DmeposSheetImporter(_SheetImporter):
    """The DMEPOS fee schedule as CMS's xlsx workbook; the same layout and keys as the CSV."""

    code = "dmepos-xlsx"
    name = "DMEPOS fee schedule (xlsx)"

    def sniff(self, sample: Sample) -> bool:
        """An xlsx workbook whose strings include the DMEPOS header (JURIS, CATG, Ceiling, state fees)."""
        strings = _workbook_text(sample)
        return all(f"<t>{word}</t>" in strings for word in ("JURIS", "CATG", "Ceiling", "Floor", "AL (NR)"))


@register
class DmeposPenSheetImporter(_SheetImporter):
    """The parenteral and enteral nutrition (PEN) fee schedule as CMS's xlsx workbook: state fees only.

    Keys are ``CODE``, ``CODE:MOD`` or ``CODE:MOD:MOD2``; data holds ``fees`` by state, as for DMEPOS.
    """

    code = "dmepen-xlsx"
    name = "DMEPOS parenteral and enteral nutrition fee schedule (xlsx)"
    code_set = DMEPOS_PEN
    prefix = "DMEPEN"

    def sniff(self, sample: Sample) -> bool:
        """An xlsx workbook titled as the Parenteral and Enteral Nutrition fee schedule."""
        strings = _workbook_text(sample)
        return "Parenteral and Enteral Nutrition" in strings and "<t>AL(NR)</t>" in strings
