"""Every data file of ../shared/refdata is recognised by its content and imports; only documentation is passed over."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from revcycle.refdata.store import ReferenceStore
from revcycle.services.refdata import import_reference_file
from tests.shared_files import REFDATA

# Documentation beside the data: layouts, notes, provenance. Everything else must import.
DOCUMENTATION_SUFFIXES = {".md", ".pdf", ".json"}
DOCUMENTATION_WORDS = ("README", "SOURCES", "LICENSE", "LYOUT", "LAYOUT")


def is_documentation(path: Path) -> bool:
    return path.suffix.lower() in DOCUMENTATION_SUFFIXES or any(
        word in path.name.upper() for word in DOCUMENTATION_WORDS
    )


def data_files() -> list[Path]:
    if not REFDATA.exists():
        return []
    return sorted(path for path in REFDATA.rglob("*") if path.is_file() and not is_documentation(path))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path_factory.mktemp("every") / "refdata.sqlite")
    yield opened
    opened.close()


def test_the_shared_folder_is_there() -> None:
    if not REFDATA.exists():
        pytest.skip(f"{REFDATA} is absent: the official files are expected in ../shared")
    assert len(data_files()) >= 40


@pytest.mark.parametrize("path", data_files(), ids=lambda path: str(path.relative_to(REFDATA)))
def test_every_data_file_imports(store: ReferenceStore, path: Path) -> None:
    outcomes = import_reference_file(store, path)
    assert outcomes, f"{path} imported nothing"
    assert all(outcome.release.rows > 0 for outcome in outcomes)
