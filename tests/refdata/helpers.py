"""Helpers shared by the reference-data tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from revcycle.errors import InputFileError
from revcycle.refdata.importers import Importer, detect
from revcycle.refdata.store import ReferenceStore


def import_file(store: ReferenceStore, path: Path) -> list[bool]:
    """Import every release of ``path`` through detection, as `revcycle refdata import` does."""
    return [store.import_release(release)[1] for release in detect(path).read(path)]


def import_all(store: ReferenceStore, importer: Importer, path: Path) -> None:
    """Import every release that ``importer`` reads from ``path``."""
    for release in importer.read(path):
        store.import_release(release)


def snapshot(store: ReferenceStore) -> list[tuple[str, str, str, int]]:
    """What the store holds, release by release, to compare before and after a refused import."""
    return [(info.code_set, info.version, info.sha256, info.rows) for info in store.releases()]


def assert_refused(store: ReferenceStore, path: Path, importer: Importer, where: str) -> None:
    """Importing ``path`` fails at ``where`` and leaves the store as it was."""
    before = snapshot(store)
    with pytest.raises(InputFileError) as raised:
        import_all(store, importer, path)
    assert raised.value.location == where
    assert snapshot(store) == before


def first_half(source: Path, target: Path) -> Path:
    """Write the first half of ``source``'s bytes to ``target``: a copy cut short."""
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def require(path: Path) -> Path:
    """``path``, or skip the test when the official file is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent: the official CMS files are expected in ../shared/refdata")
    return path
