"""CPT: the bundled code list carries no AMA text; only a user-supplied licensed CSV does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from revcycle.errors import InputFileError
from revcycle.refdata import in_force
from revcycle.refdata.importers import detect
from revcycle.refdata.importers.cpt import LicensedCptDescriptors, bundled_cpt_releases
from revcycle.refdata.sets import CPT_DESCRIPTORS
from revcycle.refdata.store import ReferenceStore

SYNTHETIC_CSV = (
    "code,short,long\r\n"
    "99213,Synthetic short 99213,Synthetic descriptor for tests (99213)\r\n"
    '99214,"Synthetic, quoted",Synthetic descriptor for tests (99214)\r\n'
)
"""Made-up text, never AMA's: a licensed file's shape without its content."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path / "refdata.sqlite")
    yield opened
    opened.close()


def synthetic_file(tmp_path: Path, text: str = SYNTHETIC_CSV) -> Path:
    path = tmp_path / "my-licence.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


def import_all(store: ReferenceStore, path: Path) -> None:
    for release in LicensedCptDescriptors().read(path):
        store.import_release(release)


def test_the_bundled_list_has_one_release_per_quarter_and_no_ama_text() -> None:
    releases = bundled_cpt_releases()
    assert len(releases) >= 4
    newest = releases[-1]
    assert newest.effective_to is not None
    assert (newest.effective_to - newest.effective_from).days < 100
    entries = {entry.key: entry for entry in newest.entries}
    assert "99213" in entries
    assert "J1885" not in entries
    for entry in entries.values():
        assert entry.data["description"] is None
        assert entry.search_text is None
        assert set(entry.data) == {"code", "description", "status_indicator", "apc", "added", "terminated"}


def test_bundled_releases_import_once_and_are_effective_dated(store: ReferenceStore) -> None:
    releases = bundled_cpt_releases()[-2:]
    assert [store.import_release(release)[1] for release in releases] == [True, True]
    before = store.releases()
    assert [store.import_release(release)[1] for release in bundled_cpt_releases()[-2:]] == [False, False]
    assert store.releases() == before
    assert in_force(store, "cpt", releases[-1].effective_from).release.version == releases[-1].version


def test_the_licensed_csv_is_recognised_and_imported(store: ReferenceStore, tmp_path: Path) -> None:
    path = synthetic_file(tmp_path)
    importer = detect(path)
    assert isinstance(importer, LicensedCptDescriptors)
    assert [store.import_release(release)[1] for release in importer.read(path)] == [True]
    licensed = in_force(store, CPT_DESCRIPTORS, date(2026, 2, 1)).release
    assert store.entry(licensed, "99213") == {
        "code": "99213",
        "short": "Synthetic short 99213",
        "long": "Synthetic descriptor for tests (99213)",
    }
    assert store.entry(licensed, "99214") == {
        "code": "99214",
        "short": "Synthetic, quoted",
        "long": "Synthetic descriptor for tests (99214)",
    }


@pytest.mark.parametrize(
    ("text", "location"),
    [
        (SYNTHETIC_CSV[: len(SYNTHETIC_CSV) // 2], "line 2"),
        (SYNTHETIC_CSV.replace("99214,", "9921X4,"), "line 3"),
        (SYNTHETIC_CSV + "99215,only two fields\r\n", "line 4"),
    ],
    ids=["truncated", "bad code", "missing field"],
)
def test_a_bad_licensed_file_is_refused_naming_the_line(
    store: ReferenceStore, tmp_path: Path, text: str, location: str
) -> None:
    store.import_release(next(iter(LicensedCptDescriptors().read(synthetic_file(tmp_path)))))
    before = store.releases()
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as raised:
        import_all(store, bad)
    assert raised.value.location == location
    assert store.releases() == before


def test_a_new_licensed_file_replaces_the_old_one(store: ReferenceStore, tmp_path: Path) -> None:
    import_all(store, synthetic_file(tmp_path))
    renewed = tmp_path / "renewed.csv"
    renewed.write_text("code,short,long\n99213,Renewed short,Renewed synthetic descriptor\n", encoding="utf-8")
    import_all(store, renewed)
    (licensed,) = store.releases(CPT_DESCRIPTORS)
    assert store.entry(licensed, "99213") == {
        "code": "99213",
        "short": "Renewed short",
        "long": "Renewed synthetic descriptor",
    }
    assert store.entry(licensed, "99214") is None
