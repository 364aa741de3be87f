"""Helpers shared by the reference-data tests."""

from __future__ import annotations

from pathlib import Path

from revcycle.refdata.importers import Importer, detect
from revcycle.refdata.store import ReferenceStore


def import_file(store: ReferenceStore, path: Path) -> list[bool]:
    """Import every release of ``path`` through detection, as `revcycle refdata import` does."""
    return [store.import_release(release)[1] for release in detect(path).read(path)]


def import_all(store: ReferenceStore, importer: Importer, path: Path) -> None:
    """Import every release that ``importer`` reads from ``path``."""
    for release in importer.read(path):
        store.import_release(release)
