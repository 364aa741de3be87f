"""The HCPCS Level II alpha-numeric file: CMS's fixed-width record layout, annual (2020) and quarterly (2026).

Each 320-character record is a procedure or a modifier: record identification code 3 (procedure) or 7 (modifier)
opens it with the administrative, coverage and pricing fields, and codes 4 and 8 continue its long description in
sequence order. CMS ships the file bare (the 2020 annual file, with a disclaimer before the first record) or in the
quarterly zip next to spreadsheets, notes and the record layout. The public file carries no CPT (AMA) codes, and
any CPT record a file did carry would be left out.
"""

from __future__ import annotations

import calendar
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from revcycle.domain.codes import is_cpt_code
from revcycle.errors import InputFileError
from revcycle.refdata.importers.base import SAMPLE_BYTES, Sample, register
from revcycle.refdata.release import Entry, ReleaseData, file_sha256
from revcycle.refdata.sets import HCPCS

RECORD_LENGTH = 320
FIRST_LINE_MINIMUM = 293
"""A first line must reach the action code (column 293); CMS trims the filler after it in some files."""

PROCEDURE_FIRST, PROCEDURE_MORE, MODIFIER_FIRST, MODIFIER_MORE = "3", "4", "7", "8"
FIRST_LINES = {PROCEDURE_FIRST, MODIFIER_FIRST}

RECORD = re.compile(r"^(?:[A-Z0-9]{5}|   [A-Z0-9]{2})\d{5}[3478]")
"""The start of a record: a 5-character code (or 3 blanks and a 2-character modifier), a sequence number, the RIC."""

QUARTER_IN_NAME = re.compile(r"(?<![A-Z])(JAN|APR|JUL|OCT)(?![A-Z])", re.IGNORECASE)
QUARTER_MONTHS = {"JAN": 1, "APR": 4, "JUL": 7, "OCT": 10}
YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def _column(line: str, start: int, end: int) -> str:
    """The text of 1-based, inclusive columns ``start``..``end``, as the record layout numbers them."""
    return line[start - 1 : end].strip()


def _repeated(line: str, start: int, width: int, times: int) -> list[str]:
    """A field the layout repeats (``OCCURS``): its non-blank occurrences."""
    values = (_column(line, start + width * index, start + width * (index + 1) - 1) for index in range(times))
    return [value for value in values if value]


@dataclass(slots=True)
class _Record:
    """A procedure or modifier being assembled from its first line and continuation lines."""

    key: str
    kind: str
    sequence: int
    fields: dict[str, Any]
    long_parts: list[str] = field(default_factory=list)

    def entry(self) -> Entry:
        long_description = " ".join(self.long_parts)
        data = {"code": self.key, "kind": self.kind, "long_description": long_description, **self.fields}
        search_text = f"{long_description} {self.fields['short_description'] or ''}".strip()
        return Entry(self.key, data, search_text)


class _Reader:
    """Reads the records of one fixed-width file, reporting errors at ``where`` and its line numbers."""

    def __init__(self, path: Path, where: str) -> None:
        self.path = path
        self.where = where

    def fail(self, number: int, reason: str) -> InputFileError:
        location = f"{self.where} line {number}".strip()
        return InputFileError(str(self.path), location, reason)

    def records(self, lines: Iterable[bytes]) -> Iterator[_Record]:
        current: _Record | None = None
        started = False
        last_ended = True
        for number, raw in enumerate(lines, start=1):
            last_ended = raw.endswith(b"\n")
            line = _decode(raw).rstrip("\r\n")
            if not line.strip():
                continue
            if not started:
                # The annual file opens with a free-text disclaimer; records start at the first line shaped like one.
                if not RECORD.match(line):
                    continue
                started = True
            if not last_ended:
                raise self.fail(number, "the last record has no end of line: the file is truncated")
            ric = self.record_type(number, line)
            if ric in FIRST_LINES:
                if current is not None:
                    yield current
                current = self.first_line(number, line, ric)
            else:
                self.continue_record(number, line, ric, current)
        if not started:
            raise self.fail(1, "holds no HCPCS records")
        if current is not None:
            yield current

    def record_type(self, number: int, line: str) -> str:
        if not RECORD.match(line):
            raise self.fail(number, f"is not an HCPCS record: {line[:11]!r}")
        ric = line[10]
        is_modifier = line[:3] == "   "
        if is_modifier != (ric in {MODIFIER_FIRST, MODIFIER_MORE}):
            raise self.fail(number, f"record identification code {ric} does not fit the code {line[:5].strip()!r}")
        return ric

    def first_line(self, number: int, line: str, ric: str) -> _Record:
        if len(line) < FIRST_LINE_MINIMUM:
            raise self.fail(number, f"record is {len(line)} characters, expected {RECORD_LENGTH}: it is cut short")
        if line[RECORD_LENGTH:].strip():
            raise self.fail(number, f"record runs past column {RECORD_LENGTH}")
        kind = "procedure" if ric == PROCEDURE_FIRST else "modifier"
        record = _Record(line[:5].strip(), kind, int(line[5:10]), self.detail(number, line))
        record.long_parts.append(_column(line, 12, 91))
        return record

    def continue_record(self, number: int, line: str, ric: str, current: _Record | None) -> None:
        key = line[:5].strip()
        if current is None or current.key != key:
            raise self.fail(number, f"continues {key!r}, which no first line opened")
        expected = MODIFIER_MORE if current.kind == "modifier" else PROCEDURE_MORE
        sequence = int(line[5:10])
        if ric != expected or sequence <= current.sequence:
            raise self.fail(number, f"continuation of {key!r} is out of sequence ({sequence}, RIC {ric})")
        current.sequence = sequence
        current.long_parts.append(_column(line, 12, 91))

    def detail(self, number: int, line: str) -> dict[str, Any]:
        """The administrative, coverage and pricing fields of a first line (columns 92-293 of the layout)."""

        def day(start: int, name: str) -> str | None:
            return self.date_field(number, _column(line, start, start + 7), name)

        base_units = _column(line, 266, 268)
        if base_units and not base_units.isdigit():
            raise self.fail(number, f"anesthesia base units {base_units!r} is not a number")
        return {
            "short_description": _column(line, 92, 119) or None,
            "pricing_indicators": _repeated(line, 120, 2, 4),
            "multiple_pricing_indicator": _column(line, 128, 128) or None,
            "coverage_issues_manual": _repeated(line, 129, 6, 3),
            "carriers_manual": _repeated(line, 147, 8, 3),
            "statute": _column(line, 171, 180) or None,
            "lab_certifications": _repeated(line, 181, 3, 8),
            "cross_references": _repeated(line, 205, 5, 5),
            "coverage": _column(line, 230, 230) or None,
            "asc_payment_group": _column(line, 231, 232) or None,
            "asc_payment_group_effective": day(233, "ASC payment group effective date"),
            "mog_payment_group": _column(line, 241, 243) or None,
            "mog_payment_policy_indicator": _column(line, 244, 244) or None,
            "mog_effective": day(245, "MOG effective date"),
            "processing_note": _column(line, 253, 256) or None,
            "betos": _column(line, 257, 259) or None,
            "types_of_service": _repeated(line, 261, 1, 5),
            "anesthesia_base_units": int(base_units) if base_units else None,
            "added": day(269, "add date"),
            "action_effective": day(277, "action effective date"),
            "terminated": day(285, "termination date"),
            "action_code": _column(line, 293, 293) or None,
        }

    def date_field(self, number: int, text: str, name: str) -> str | None:
        """A CCYYMMDD field as an ISO date, None when blank (or zero, as CMS writes an absent date)."""
        if not text or text == "00000000":
            return None
        try:
            if len(text) != 8:
                raise ValueError(text)
            return date(int(text[:4]), int(text[4:6]), int(text[6:8])).isoformat()
        except ValueError:
            raise self.fail(number, f"{name} {text!r} is not a date (CCYYMMDD)") from None


def _decode(raw: bytes) -> str:
    """CMS writes the file in Windows-1252 (curly quotes); a byte that code page lacks falls back to Latin-1."""
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _looks_like_records(head: str) -> bool:
    """Whether a sample of text holds at least two HCPCS first lines of the fixed width."""
    first_lines = [
        line
        for line in head.splitlines()
        if RECORD.match(line) and line[10] in FIRST_LINES and len(line.rstrip("\r")) >= FIRST_LINE_MINIMUM
    ]
    return len(first_lines) >= 2


def _period(latest_action: date, name: str) -> tuple[str, date, date]:
    """Version and effective period: the quarter CMS named the file for, else as the records date it.

    The records carry no release date, only each code's action effective date, and cannot tell the annual file
    from a quarterly update; CMS's names do (``HCPC2026_JAN_ANWEB``, ``HCPC2020_ANWEB``). Without a quarter in
    the name, the release starts with the quarter of the latest action, and one starting in January is the annual
    file, governing the whole year.
    """
    named_quarter = QUARTER_IN_NAME.search(name)
    if named_quarter:
        named_year = YEAR_IN_NAME.search(name)
        year = int(named_year.group(1)) if named_year else latest_action.year
        return _quarter(date(year, QUARTER_MONTHS[named_quarter.group(1).upper()], 1))
    start = date(latest_action.year, 3 * ((latest_action.month - 1) // 3) + 1, 1)
    if start.month == 1:
        return str(start.year), start, date(start.year, 12, 31)
    return _quarter(start)


def _quarter(start: date) -> tuple[str, date, date]:
    end_month = start.month + 2
    return f"{start:%Y-%m}", start, date(start.year, end_month, calendar.monthrange(start.year, end_month)[1])


def _release(path: Path, name: str, records: list[_Record]) -> ReleaseData:
    actions = [record.fields["action_effective"] for record in records if record.fields["action_effective"]]
    if not actions:
        raise InputFileError(str(path), "", "no record has an action effective date, so the release is undated")
    version, start, end = _period(date.fromisoformat(max(actions)), name)
    # CMS's contractor edition of this layout also carries CPT codes with AMA text; those are never stored here.
    entries = [record.entry() for record in records if not is_cpt_code(record.key)]
    return ReleaseData(HCPCS, version, start, end, str(path), file_sha256(path), entries)


@register
class HcpcsFixedWidth:
    """HCPCS Level II alpha-numeric file, bare fixed-width text (e.g. the 2020 annual ``HCPC2020_ANWEB``).

    Code set ``hcpcs``, keyed by code (``J1885``) or modifier (``RT``, with ``"kind": "modifier"``); long and short
    descriptors, add, action effective and termination dates, action code, BETOS, coverage, pricing indicators.
    """

    code = "hcpcs-fixed-width"
    name = "HCPCS Level II alpha-numeric file (fixed width)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file's first lines are HCPCS fixed-width records."""
        return not sample.zip_names and _looks_like_records(sample.head)

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release the file holds.

        Raises:
            InputFileError: a record is malformed or the file is truncated, naming the line.
        """
        reader = _Reader(path, "")
        try:
            with path.open("rb") as handle:
                records = list(reader.records(handle))
        except OSError as error:
            raise InputFileError(str(path), "", f"cannot be read: {error}") from None
        return [_release(path, path.name, records)]


@register
class HcpcsZip:
    """HCPCS Level II quarterly zip as CMS publishes it (e.g. ``january-2026-alpha-numeric-hcpcs-file.zip``).

    Reads the fixed-width member (found by its content, not its name); the spreadsheets, notes and record layout
    beside it are ignored. Same entries as `HcpcsFixedWidth`.
    """

    code = "hcpcs-zip"
    name = "HCPCS Level II quarterly zip"

    def sniff(self, sample: Sample) -> bool:
        """Whether the archive has a text member whose content is HCPCS fixed-width records."""
        text_members = [name for name in sample.zip_names if name.lower().endswith(".txt")]
        if not text_members:
            return False
        try:
            return _records_member(sample.path, text_members) is not None
        except InputFileError:
            return False

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release the archive holds.

        Raises:
            InputFileError: the archive is damaged, or a record is malformed, naming the member and line.
        """
        try:
            with zipfile.ZipFile(path) as archive:
                member = _records_member(path, archive.namelist())
                if member is None:
                    raise InputFileError(str(path), "", "holds no HCPCS fixed-width file")
                with archive.open(member) as handle:
                    records = list(_Reader(path, member).records(_lines(handle, path, member)))
        except (OSError, zipfile.BadZipFile) as error:
            raise InputFileError(str(path), "", f"is not a readable zip archive: {error}") from None
        return [_release(path, member, records)]


def _lines(handle: IO[bytes], path: Path, member: str) -> Iterator[bytes]:
    """The member's lines; a damaged member (bad CRC, bad compressed data) is an error naming it and the line."""
    lines_read = 0
    try:
        for line in handle:
            lines_read += 1
            yield line
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise InputFileError(str(path), f"{member} line {lines_read + 1}", f"is damaged: {error}") from None


def _records_member(path: Path, names: Iterable[str]) -> str | None:
    """The archive member holding HCPCS records, judged by its first 64 KiB."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name in names:
                if not name.lower().endswith(".txt"):
                    continue
                with archive.open(name) as handle:
                    head = handle.read(SAMPLE_BYTES).decode("latin-1")
                if _looks_like_records(head):
                    return name
    except (OSError, zipfile.BadZipFile, EOFError) as error:
        raise InputFileError(str(path), "", f"is not a readable zip archive: {error}") from None
    return None
