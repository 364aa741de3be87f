"""Reference data services: import official files, report what is loaded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import revcycle.refdata.importers as importers
from revcycle.refdata.release import ReleaseInfo
from revcycle.refdata.store import ReferenceStore


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What importing one release did.

    Attributes:
        importer: the code of the importer that recognised the file.
        release: the release as stored.
        changed: False when the same file was already imported (nothing was written).
    """

    importer: str
    release: ReleaseInfo
    changed: bool


def import_reference_file(store: ReferenceStore, path: Path) -> list[ImportOutcome]:
    """Recognise ``path`` by its content and import every release it holds, each in one transaction.

    Raises:
        InputFileError: the file is not recognised, or is malformed (naming the line); that release is not stored.
    """
    importer = importers.detect(path)
    outcomes = []
    for release in importer.read(path):
        stored, changed = store.import_release(release)
        outcomes.append(ImportOutcome(importer.code, stored, changed))
    return outcomes
