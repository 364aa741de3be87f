"""The ICD-10-CM bundled in ``simple-icd-10-cm``: the default a fresh install codes with, no download needed."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from importlib import metadata
from pathlib import Path

import pytest

from revcycle.refdata.icd10cm import lookup_icd10cm
from revcycle.refdata.importers.icd10cm_bundled import bundled_icd10cm_releases, bundled_tabular_files
from revcycle.refdata.importers.icd10cm_tabular import read_tabular
from revcycle.refdata.store import ReferenceStore

TABULAR = (
    Path(__file__).parents[2] / ".." / "shared" / "refdata" / "icd10cm-2026-april" / "icd10c-tabular-April-1-2026.xml"
).resolve()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceStore]:
    """A store holding the bundled release, imported once for the module (it takes a few seconds)."""
    opened = ReferenceStore(tmp_path_factory.mktemp("bundled") / "refdata.sqlite")
    for release in bundled_icd10cm_releases():
        opened.import_release(release)
    yield opened
    opened.close()


def test_the_package_ships_one_tabular_file_found_without_importing_the_package() -> None:
    files = bundled_tabular_files()
    assert [path.name for path in files] == ["icd10c-tabular-April-1-2026.xml"]
    # Importing simple_icd_10_cm would parse the whole XML into memory at import time; a fresh interpreter shows
    # that finding the files does not.
    probe = (
        "import sys; from revcycle.refdata.importers.icd10cm_bundled import bundled_tabular_files; "
        "bundled_tabular_files(); print('simple_icd_10_cm' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_bundled_release_names_the_package_and_its_version() -> None:
    (release,) = bundled_icd10cm_releases()
    assert release.source == f"simple-icd-10-cm {metadata.version('simple-icd-10-cm')}: icd10c-tabular-April-1-2026.xml"
    assert (release.code_set, release.version) == ("icd10cm", "2026-04")
    assert (release.effective_from, release.effective_to) == (date(2026, 4, 1), date(2026, 9, 30))


def test_a_fresh_store_can_look_codes_up_from_the_bundled_release(store: ReferenceStore) -> None:
    found = lookup_icd10cm(store, "E11.22", date(2026, 5, 1))
    assert found is not None
    assert found.description == "Type 2 diabetes mellitus with diabetic chronic kidney disease"
    assert found.billable is True
    (release,) = store.releases("icd10cm")
    assert release.rows == 47_200


def test_the_bundled_release_is_the_official_file_so_importing_both_stores_it_once(store: ReferenceStore) -> None:
    if not TABULAR.exists():
        pytest.skip(f"the official ICD-10-CM tabular XML is not at {TABULAR}")
    (bundled,) = bundled_icd10cm_releases()
    official = read_tabular(TABULAR)
    assert (official.version, official.sha256) == (bundled.version, bundled.sha256)
    before = store.releases()
    assert store.import_release(official)[1] is False
    assert store.import_release(bundled_icd10cm_releases()[0])[1] is False
    assert store.releases() == before
