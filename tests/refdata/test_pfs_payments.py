"""PFREV payment amounts and OPPS caps on CMS's files, and broken copies of them."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from revcycle.errors import InputFileError
from revcycle.refdata.sets import PFS_OPPS_CAP, PFS_PAYMENT
from revcycle.refdata.store import ReferenceStore
from revcycle.services.refdata import import_reference_file
from tests.shared_files import shared_file

PFREV25 = "refdata/pfs-rvu25d-2025oct/PFREV25C.txt"
OPPSCAP = "refdata/pfs-rvu25d-2025oct/OPPSCAP_Oct.csv"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path / "refdata.sqlite")
    yield opened
    opened.close()


def copy_path(folder: Path, name: str) -> Path:
    """Where to write a broken copy: a folder named like CMS's RVU release, which dates an OPPSCAP file."""
    target = folder / "rvu25d"
    target.mkdir(exist_ok=True)
    return target / Path(name).name


def data_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip(", ") and not line.startswith('"TRL-')]


def test_pfrev_2025(store: ReferenceStore) -> None:
    path = shared_file(PFREV25)
    [outcome] = import_reference_file(store, path)
    release = outcome.release
    assert (release.code_set, release.version, str(release.effective_from)) == (PFS_PAYMENT, "PFREV25C", "2025-01-01")
    assert release.rows == len(data_lines(path.read_text(encoding="cp1252")))
    first = data_lines(path.read_text(encoding="cp1252"))[0].replace('"', "").split(",")
    entry = store.entry(release, f"{first[3]}:{first[1]}-{first[2]}")
    assert entry is not None
    assert (entry["non_facility_amount"], entry["facility_amount"]) == (first[5].lstrip("0"), first[6].lstrip("0"))
    assert [o.changed for o in import_reference_file(store, path)] == [False]


def test_pfrev_2026_zip(store: ReferenceStore) -> None:
    path = shared_file("refdata/pfs-2026/PFREV26B_nonQP.zip")
    [outcome] = import_reference_file(store, path)
    with zipfile.ZipFile(path) as archive:
        text = archive.read("PFREV26B.txt").decode("cp1252")
    assert outcome.release.rows == len(data_lines(text)) == 4033


def test_opps_caps(store: ReferenceStore) -> None:
    path = shared_file(OPPSCAP)
    [outcome] = import_reference_file(store, path)
    release = outcome.release
    assert (release.code_set, release.version, str(release.effective_from)) == (
        PFS_OPPS_CAP,
        "OPPSCAP25OCT",
        "2025-10-01",
    )
    assert release.rows == len(data_lines(path.read_text(encoding="cp1252"))) - 1  # less the header
    assert store.entry(release, "93990:TC:15202-00") == {
        "code": "93990",
        "modifier": "TC",
        "status": "A",
        "locality": "15202-00",
        "facility_price": "97.07",
        "non_facility_price": "97.07",
    }


@pytest.mark.parametrize("name", [PFREV25, OPPSCAP])
@pytest.mark.parametrize("at_line_end", [False, True])
def test_a_truncated_copy_names_the_line(store: ReferenceStore, tmp_path: Path, name: str, at_line_end: bool) -> None:
    data = shared_file(name).read_bytes()
    cut = len(data) // 2
    if at_line_end:
        cut = data.index(b"\n", cut) + 1  # a cut exactly after a line: only the missing trailer shows it
    copy = copy_path(tmp_path, name)
    copy.write_bytes(data[:cut])
    with pytest.raises(InputFileError) as refused:
        import_reference_file(store, copy)
    assert refused.value.location.startswith("line ")
    assert store.releases() == []


@pytest.mark.parametrize("name", [PFREV25, OPPSCAP])
def test_a_corrupted_amount_names_the_line(store: ReferenceStore, tmp_path: Path, name: str) -> None:
    lines = shared_file(name).read_bytes().split(b"\r\n")
    lines[5] = lines[5].replace(b".", b"x", 1)
    copy = copy_path(tmp_path, name)
    copy.write_bytes(b"\r\n".join(lines))
    with pytest.raises(InputFileError) as refused:
        import_reference_file(store, copy)
    assert refused.value.location == "line 6"
    assert store.releases() == []
