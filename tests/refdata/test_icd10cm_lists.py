"""The flat ICD-10-CM lists beside the tabular XML, and broken copies of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from revcycle.errors import InputFileError
from revcycle.refdata.sets import (
    ICD10CM_CATEGORIES,
    ICD10CM_CHAPTERS,
    ICD10CM_CODE_LIST,
    ICD10CM_SECTIONS,
)
from revcycle.refdata.store import ReferenceStore
from revcycle.services.refdata import import_reference_file
from tests.shared_files import shared_file

FOLDER = "refdata/icd10cm-2026-april/"
FILES = [
    ("code-list-April-2026.txt", ICD10CM_CODE_LIST),
    ("icd10cm-categories-April-1-2026.csv", ICD10CM_CATEGORIES),
    ("icd10cm-chapters-April-1-2026.csv", ICD10CM_CHAPTERS),
    ("icd10cm-sections-April-1-2026.csv", ICD10CM_SECTIONS),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path / "refdata.sqlite")
    yield opened
    opened.close()


def raw_rows(path: Path) -> int:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return len(lines) - (1 if path.suffix == ".csv" else 0)


@pytest.mark.parametrize(("name", "code_set"), FILES)
def test_each_list_imports_every_row_once(store: ReferenceStore, name: str, code_set: str) -> None:
    path = shared_file(FOLDER + name)
    [first] = import_reference_file(store, path)
    assert (first.release.code_set, first.release.version, first.changed) == (code_set, "2026-04", True)
    assert first.release.rows == raw_rows(path)
    assert [outcome.changed for outcome in import_reference_file(store, path)] == [False]


def test_code_list_entries(store: ReferenceStore) -> None:
    [outcome] = import_reference_file(store, shared_file(FOLDER + "code-list-April-2026.txt"))
    release = outcome.release
    assert store.entry(release, "S52521A") == {"code": "S52.521A", "kind": "code"}
    assert store.entry(release, "section:B10") == {"code": "B10", "kind": "section"}
    assert store.entry(release, "B10") == {"code": "B10", "kind": "category"}
    assert store.entry(release, "chapter:22") == {"code": "22", "kind": "chapter"}


@pytest.mark.parametrize(("name", "code_set"), FILES)
def test_a_truncated_copy_changes_nothing(store: ReferenceStore, tmp_path: Path, name: str, code_set: str) -> None:
    data = shared_file(FOLDER + name).read_bytes()
    cut = len(data) // 2
    while data[cut - 1 : cut] == b"\n":  # a cut right after a line end looks whole: move it into the line
        cut -= 1
    copy = tmp_path / name
    copy.write_bytes(data[:cut])
    with pytest.raises(InputFileError) as refused:
        import_reference_file(store, copy)
    assert refused.value.location.startswith("line ")
    assert store.releases() == []


@pytest.mark.parametrize(("name", "code_set"), FILES[:2])
def test_a_corrupted_copy_names_the_line(store: ReferenceStore, tmp_path: Path, name: str, code_set: str) -> None:
    lines = shared_file(FOLDER + name).read_bytes().split(b"\n")
    middle = len(lines) // 2
    lines[middle] = b"#not-a-code\r" if name.endswith(".txt") else b"A99,only two fields\r"
    copy = tmp_path / name
    copy.write_bytes(b"\n".join(lines))
    with pytest.raises(InputFileError) as refused:
        import_reference_file(store, copy)
    assert refused.value.location == f"line {middle + 1}"
    assert store.releases() == []
