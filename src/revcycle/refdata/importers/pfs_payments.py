"""Medicare's own payment amounts: the PFREV payment files and the OPPS imaging cap file.

PFREV (``PFREVyyX``, a quoted CSV inside the CMS zip beside its PDF layout) lists the fee schedule amount of each
code and locality; revcycle's own prices are checked against it. OPPSCAP lists, per code and locality, the OPPS
amount that caps the technical component of imaging services.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from revcycle.errors import InputFileError
from revcycle.refdata.importers.base import Sample, register
from revcycle.refdata.importers.pfs import csv_records
from revcycle.refdata.release import Entry, ReleaseData, file_sha256
from revcycle.refdata.sets import PFS_OPPS_CAP, PFS_PAYMENT

_PFREV_ROW = re.compile(r'^"(20[0-9]{2})","[0-9]{5}","[0-9]{2}","[0-9A-Z]{5}",', re.MULTILINE)
_PFREV_NAME = re.compile(r"PFREV[0-9]{2}[A-Z]", re.IGNORECASE)
_OPPSCAP_HEADER = "HCPCS,MOD,PROCSTAT,CARRIER,LOCALITY,FACILITY PRICE,NON-FACILTY PRICE"
_OPPSCAP_NAME = re.compile(r"OPPSCAP_(?P<month>[A-Za-z]{3})", re.IGNORECASE)
_TRAILER = "TRL-"


def _amount(path: Path, line: int, text: str) -> str:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InputFileError(str(path), f"line {line}", f"{text!r} is not an amount") from None
    if value != value.quantize(Decimal("0.01")) or value < 0:
        raise InputFileError(str(path), f"line {line}", f"{text!r} is not an amount in cents")
    return f"{value.quantize(Decimal('0.01')):f}"


def _key(code: str, modifier: str, carrier: str, locality: str) -> str:
    return f"{code}:{modifier}:{carrier}-{locality}" if modifier else f"{code}:{carrier}-{locality}"


@register
class PaymentAmounts:
    """The PFREV payment-amount file.

    Records: year, carrier, locality, HCPCS, modifier, non-facility and facility amounts, ..., status; the file ends
    with "TRL-" copyright records, whose absence shows a file cut short.
    """

    code = "pfs-payment-amounts"
    name = "Medicare physician fee schedule payment amounts (PFREV)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file's first record has the PFREV shape."""
        return _PFREV_ROW.match(sample.head) is not None

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release of the file, for the calendar year its records name."""
        with path.open(encoding="cp1252", errors="replace") as handle:
            found = _PFREV_ROW.match(handle.readline())
        year = int(found.group(1)) if found else 0
        named = _PFREV_NAME.search(path.name)
        version = named.group(0).upper() if named else f"PFREV{year % 100:02d}"
        entries = _payment_entries(path, year)
        return [
            ReleaseData(
                PFS_PAYMENT, version, date(year, 1, 1), date(year, 12, 31), str(path), file_sha256(path), entries
            )
        ]


def _payment_entries(path: Path, year: int) -> Iterator[Entry]:
    trailer = False
    number = 0
    for number, fields in csv_records(path):
        if fields and fields[0].startswith(_TRAILER):
            trailer = True
            continue
        if trailer or len(fields) < 10:
            raise InputFileError(str(path), f"line {number}", "is not a payment record (16 quoted fields)")
        if fields[0] != str(year):
            raise InputFileError(str(path), f"line {number}", f"is for {fields[0]!r}, not {year}")
        carrier, locality, code, modifier = fields[1], fields[2], fields[3].strip(), fields[4].strip()
        data = {
            "code": code,
            "modifier": modifier or None,
            "locality": f"{carrier}-{locality}",
            "non_facility_amount": _amount(path, number, fields[5]),
            "facility_amount": _amount(path, number, fields[6]),
            "status": fields[9].strip(),
        }
        yield Entry(_key(code, modifier, carrier, locality), data)
    if not trailer:
        raise InputFileError(str(path), f"line {number}", "the file ends here without its trailer records: cut short")


@register
class OppsCaps:
    """The OPPS payment caps of imaging (OPPSCAP).

    Rows: HCPCS, modifier, status, carrier, locality, facility and non-facility prices; the official file ends with
    a row of empty fields, whose absence shows a file cut short.
    """

    code = "pfs-opps-cap"
    name = "OPPS imaging payment caps (OPPSCAP)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file starts with the OPPSCAP header."""
        return sample.head.lstrip("\ufeff").startswith(_OPPSCAP_HEADER)

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release of the file: the year and quarter come from the CMS file name (the rows carry none)."""
        start, end, version = _opps_period(path)
        return [ReleaseData(PFS_OPPS_CAP, version, start, end, str(path), file_sha256(path), _cap_entries(path))]


_QUARTER_OF_MONTH = {"JAN": 1, "APR": 2, "JUL": 3, "OCT": 4}


def _opps_period(path: Path) -> tuple[date, date, str]:
    named = _OPPSCAP_NAME.search(path.name)
    year = re.search(r"(20[0-9]{2})", path.name)
    month = named.group("month").upper() if named else ""
    if month not in _QUARTER_OF_MONTH:
        raise InputFileError(str(path), "", "names no quarter (OPPSCAP_Jan/Apr/Jul/Oct): its rows carry no date")
    quarter = _QUARTER_OF_MONTH[month]
    if year is None:
        # CMS publishes OPPSCAP in the RVU zip of its year without a year in the name: the folder may say it.
        folder_year = re.search(r"(?:rvu|20)([0-9]{2})", str(path.parent).lower())
        if folder_year is None:
            raise InputFileError(str(path), "", "names no year, and neither does its folder")
        calendar_year = 2000 + int(folder_year.group(1))
    else:
        calendar_year = int(year.group(1))
    start = date(calendar_year, 3 * quarter - 2, 1)
    end = date(calendar_year + 1, 1, 1) if quarter == 4 else date(calendar_year, 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1), f"OPPSCAP{calendar_year % 100:02d}{month}"


def _cap_entries(path: Path) -> Iterator[Entry]:
    ended = False
    number = 0
    for number, fields in csv_records(path):
        if number == 1:
            continue
        if not any(field.strip() for field in fields):
            ended = True
            continue
        if ended or len(fields) != 7:
            raise InputFileError(str(path), f"line {number}", "is not an OPPS cap row (7 fields)")
        code, modifier, status, carrier, locality = (field.strip() for field in fields[:5])
        data = {
            "code": code,
            "modifier": modifier or None,
            "status": status,
            "locality": f"{carrier}-{locality}",
            "facility_price": _amount(path, number, fields[5]),
            "non_facility_price": _amount(path, number, fields[6]),
        }
        yield Entry(_key(code, modifier, carrier, locality), data)
    if not ended:
        raise InputFileError(str(path), f"line {number}", "the file ends here without its closing empty row: cut short")
