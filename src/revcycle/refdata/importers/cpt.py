"""CPT codes: the code list bundled with pyoce, and the user's licensed AMA descriptor file.

CPT codes and descriptors belong to the AMA. The bundled list gives each CPT code with CMS metadata only (when
it was added and terminated, its OPPS status indicator and APC), never text: the pyoce database does carry short
descriptors, and they are deliberately never read. Descriptors come only from a CSV (``code,short,long``) that a
licensed user supplies, stored as the separate set ``cpt_descriptors`` so that removing it removes all AMA text.
"""

from __future__ import annotations

import calendar
import csv
import io
import marshal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from revcycle.domain.codes import is_cpt_code
from revcycle.errors import InputFileError
from revcycle.refdata.importers.base import Sample, register
from revcycle.refdata.release import Entry, ReleaseData, file_sha256
from revcycle.refdata.sets import CPT, CPT_DESCRIPTORS

__all__ = ["LicensedCptDescriptors", "bundled_cpt_releases"]

DESCRIPTOR_HEADER = ["code", "short", "long"]

PYOCE_HCPCS_TABLE = "data_hcpcs"
PYOCE_VERSIONS_TABLE = "version_range"
CPT_METADATA = ("status_indicator", "apc")
"""The pyoce fields kept: CMS's OPPS status indicator and APC. Its ``description`` (AMA text) is never read."""

OPEN_ENDED_DAYS = 100
"""pyoce ends its newest version in a far-off year to mean "until replaced"; a longer period is cut to a quarter."""


_PyoceRow = tuple[str, int, int, dict[str, Any]]
"""A CPT code of pyoce's HCPCS table: code, first and last I/OCE version, CMS metadata."""


def _pyoce_date(value: Any) -> date:
    """An integer CCYYMMDD date of pyoce."""
    text = str(value)
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _iso_or_none(value: Any) -> str | None:
    return _pyoce_date(value).isoformat() if value else None


def _quarter_end(start: date) -> date:
    end_month = start.month + 2 - (start.month - 1) % 3
    return date(start.year, end_month, calendar.monthrange(start.year, end_month)[1])


def _pyoce_archive() -> Path:
    """The compressed database pyoce ships, whose digest identifies the bundled data."""
    import pyoce

    return Path(pyoce.__file__).parent / "data" / "pyoce.mdb.xz"


def _pyoce_rows() -> tuple[list[_PyoceRow], list[dict[str, Any]]]:
    """The CPT rows of pyoce's HCPCS table as (code, first version, last version, metadata), and its versions."""
    # Imported here: pyoce inflates its database on first use, which only the bundled import should pay for.
    from pyoce.dao.provider import LmdbDataProvider

    provider = LmdbDataProvider.get_instance()
    environment = provider.env
    table = environment.open_db(PYOCE_HCPCS_TABLE.encode("ascii"))
    rows: list[_PyoceRow] = []
    # A cursor rather than pyoce's get_multi, which builds every row of every code set at once (about 200 MB more).
    with environment.begin(db=table) as transaction:
        for key, value in transaction.cursor():
            code, low, high = bytes(key).decode("ascii").split("|")
            if is_cpt_code(code):
                rows.append((code, int(low), int(high), _cpt_metadata(marshal.loads(value))))
    versions = sorted((raw for _, raw in provider.get_multi(PYOCE_VERSIONS_TABLE, "")), key=lambda raw: raw["version"])
    return rows, versions


def _cpt_metadata(raw: dict[str, Any]) -> dict[str, Any]:
    """The CMS fields of a pyoce row; its AMA short descriptor is left behind."""
    metadata = {name: raw.get(name) for name in CPT_METADATA}
    metadata["added"] = _iso_or_none(raw.get("date_approved"))
    metadata["terminated"] = _iso_or_none(raw.get("date_terminated"))
    return metadata


@dataclass(frozen=True, slots=True)
class _VersionEntries:
    """The CPT codes valid in one I/OCE version, made on each iteration so 28 releases need not sit in memory."""

    rows: list[_PyoceRow]
    version: int

    def __iter__(self) -> Iterator[Entry]:
        for code, low, high, metadata in self.rows:
            if low <= self.version <= high:
                yield Entry(code, {"code": code, "description": None, **metadata})


def bundled_cpt_releases() -> list[ReleaseData]:
    """The CPT code list bundled with pyoce: one release per quarterly I/OCE version, without AMA text.

    Each release is named by its quarter (``2026-01``) and governs that quarter; every entry has
    ``"description": None``.
    """
    rows, versions = _pyoce_rows()
    archive = _pyoce_archive()
    digest = file_sha256(archive)
    releases = []
    for version in versions:
        start, end = _pyoce_date(version["date_started"]), _pyoce_date(version["date_ended"])
        if (end - start).days > OPEN_ENDED_DAYS:
            end = _quarter_end(start)
        entries = _VersionEntries(rows, version["version"])
        source = f"{archive} (pyoce I/OCE {version['version_id']})"
        releases.append(ReleaseData(CPT, f"{start:%Y-%m}", start, end, source, digest, entries))
    return releases


def _descriptor_entries(path: Path, text: str) -> Iterator[Entry]:
    if not text.endswith("\n"):
        # Without this a file cut off inside its last descriptor would import a shortened descriptor.
        last = text.count("\n") + 1
        raise InputFileError(str(path), f"line {last}", "has no end of line: the file is truncated")
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(DESCRIPTOR_HEADER):
            raise InputFileError(str(path), f"line {line}", f"has {len(row)} fields, expected code,short,long")
        code, short, long = row[0].strip().upper(), row[1].strip(), row[2].strip()
        if not is_cpt_code(code):
            raise InputFileError(str(path), f"line {line}", f"{code!r} is not a CPT code")
        if not long:
            raise InputFileError(str(path), f"line {line}", f"{code} has no long descriptor")
        yield Entry(code, {"code": code, "short": short or None, "long": long}, f"{long} {short}".strip())


@register
class LicensedCptDescriptors:
    """A licensed CPT descriptor file supplied by the user: CSV with the header ``code,short,long``.

    Code set ``cpt_descriptors``, keyed by code. The file carries no dates, so there is one release, ``licensed``,
    governing every date of service: importing another licensed file (next year's) replaces it.
    """

    code = "cpt-descriptors"
    name = "Licensed CPT descriptors (CSV: code, short, long)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is a CSV whose header is exactly ``code,short,long``."""
        first = sample.head.lstrip("\ufeff\xef\xbb\xbf").splitlines()[:1]
        return bool(first) and [cell.strip().lower() for cell in first[0].split(",")] == DESCRIPTOR_HEADER

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release the file holds.

        Raises:
            InputFileError: a row is malformed, naming its line.
        """
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise InputFileError(str(path), "", f"cannot be read as UTF-8: {error}") from None
        digest = file_sha256(path)
        entries = list(_descriptor_entries(path, text))
        return [ReleaseData(CPT_DESCRIPTORS, "licensed", date.min, None, str(path), digest, entries)]
