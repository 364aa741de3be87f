"""A release of a code set or table: what an importer reads from one official file, and what the store keeps."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of a release, found by its key.

    Attributes:
        key: what a lookup asks for: a code (``E1122``, ``J1885``), a pair (``11042:97597``), a locality
            (``10112-00``); unique within the release.
        data: the row's fields, JSON-compatible (money and RVUs as decimal strings).
        search_text: words that find this entry in a text search, if any: one phrase per line (the description,
            each inclusion or index term), each ranked on its own.
    """

    key: str
    data: dict[str, Any]
    search_text: str | None = None


@dataclass(frozen=True, slots=True)
class ReleaseData:
    """What an importer read: one release of one code set, its entries read lazily.

    Attributes:
        code_set: the set, e.g. ``icd10cm`` or ``pfs_rvu`` (see `revcycle.refdata.sets`).
        version: the release's own name, e.g. ``2026-04`` or ``RVU26A``.
        effective_from: the first date of service the release governs.
        effective_to: the last such date when known (a quarterly file ends with its quarter), else None.
        source: the file it was read from.
        sha256: that file's digest.
        entries: the rows; iterating may raise `InputFileError` naming the line, which aborts the import.
    """

    code_set: str
    version: str
    effective_from: date
    effective_to: date | None
    source: str
    sha256: str
    entries: Iterable[Entry] = field(repr=False)


@dataclass(frozen=True, slots=True)
class ReleaseInfo:
    """A release as stored.

    Attributes:
        id: the store's key of the release.
        code_set: the set.
        version: the release's name.
        effective_from: first date of service governed.
        effective_to: last date of service governed, None when open.
        source: the file imported.
        sha256: its digest.
        rows: how many entries it holds.
        imported_at: when it was imported (UTC, ISO 8601).
    """

    id: int
    code_set: str
    version: str
    effective_from: date
    effective_to: date | None
    source: str
    sha256: str
    rows: int
    imported_at: str

    def governs(self, day: date) -> bool:
        """Whether ``day`` falls within the release's effective period."""
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
