"""The importer plug-in: one per official distribution format, recognised by content, never by file name.

An importer declares a code, a name and a docstring, says whether a sample of a file is its format (`sniff`), and
reads the file into releases (`read`). Errors in the file are `InputFileError` naming the file and line.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from revcycle.errors import InputFileError
from revcycle.refdata.release import ReleaseData

SAMPLE_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Sample:
    """What detection looks at: the start of the file as text, and the member names of a zip archive.

    Attributes:
        path: the file.
        head: its first 64 KiB decoded as Latin-1 (every byte maps to a character, so any file can be sampled).
        zip_names: the names inside a zip archive, empty for other files.
    """

    path: Path
    head: str
    zip_names: tuple[str, ...]


class Importer(Protocol):
    """An importer of one official file format."""

    code: str
    name: str

    def sniff(self, sample: Sample) -> bool:
        """Whether the sampled file is in this importer's format."""
        ...

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The releases the file holds, their entries read lazily."""
        ...


IMPORTERS: list[Importer] = []


def register[I: Importer](importer: Callable[[], I]) -> Callable[[], I]:
    """Class decorator: register an importer (instantiated once)."""
    IMPORTERS.append(importer())
    return importer


def sample(path: Path) -> Sample:
    """Sample ``path`` for detection.

    Raises:
        InputFileError: the file cannot be read.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES).decode("latin-1")
        names: tuple[str, ...] = ()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = tuple(archive.namelist())
    except (OSError, zipfile.BadZipFile) as error:
        raise InputFileError(str(path), "", f"cannot be read: {error}") from None
    return Sample(path, head, names)


def detect(path: Path) -> Importer:
    """The importer whose format ``path`` is in.

    Raises:
        InputFileError: no importer recognises the file's content.
    """
    found = sample(path)
    for importer in IMPORTERS:
        if importer.sniff(found):
            return importer
    raise InputFileError(str(path), "", "is not a reference file revcycle recognises")
