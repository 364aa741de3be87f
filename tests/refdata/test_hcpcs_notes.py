"""The HCPCS processing notes on the 2020 file, and broken copies of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from revcycle.errors import InputFileError
from revcycle.refdata.sets import HCPCS_NOTES
from revcycle.refdata.store import ReferenceStore
from revcycle.services.refdata import import_reference_file
from tests.shared_files import shared_file

NOTES = "refdata/hcpcs-2020/proc_notes_2020.txt"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path / "refdata.sqlite")
    yield opened
    opened.close()


def test_every_note_imports(store: ReferenceStore) -> None:
    path = shared_file(NOTES)
    [outcome] = import_reference_file(store, path)
    numbers = re.findall(r"^\s*([0-9]{4})--", path.read_text(encoding="cp1252"), flags=re.MULTILINE)
    assert (outcome.release.code_set, outcome.release.version) == (HCPCS_NOTES, "2020")
    assert outcome.release.rows == len(numbers) == 220
    note = store.entry(outcome.release, "0002")
    assert note is not None
    assert note["text"].startswith("THESE CODES (82585, 82595) PERTAIN TO PERFORMING THE ANALYSIS")
    assert note["text"].endswith("AS OPPOSED TO ADMINISTRATION OF THE ANALYTE.")
    assert store.entry(outcome.release, "0001") == {
        "number": "0001",
        "text": "THIS PROCESSING NOTE DELETED 1/1/97.",
        "deleted": True,
    }
    assert [o.changed for o in import_reference_file(store, path)] == [False]


def test_a_truncated_copy_names_the_line(store: ReferenceStore, tmp_path: Path) -> None:
    data = shared_file(NOTES).read_bytes()
    cut = len(data) // 2
    while data[cut - 1 : cut] == b"\n":  # a cut right after a line end looks whole: move it into the line
        cut -= 1
    copy = tmp_path / "proc_notes_2020.txt"
    copy.write_bytes(data[:cut])
    with pytest.raises(InputFileError) as refused:
        import_reference_file(store, copy)
    assert refused.value.location.startswith("line ")
    assert store.releases() == []


def test_a_renumbered_note_names_the_line(store: ReferenceStore, tmp_path: Path) -> None:
    text = shared_file(NOTES).read_bytes().replace(b"0005--", b"0050--", 1)
    copy = tmp_path / "proc_notes_2020.txt"
    copy.write_bytes(text)
    with pytest.raises(InputFileError, match="note 0050 is not 0005") as refused:
        import_reference_file(store, copy)
    assert refused.value.location.startswith("line ")
    assert store.releases() == []
