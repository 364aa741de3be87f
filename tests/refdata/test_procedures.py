"""Procedure and code-list lookups as of a date of service, on the official files and the bundled CPT list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from revcycle.refdata import ReleaseData
from revcycle.refdata.importers import detect
from revcycle.refdata.importers.cpt import bundled_cpt_releases
from revcycle.refdata.procedures import lookup_code_list, lookup_procedure
from revcycle.refdata.store import ReferenceStore
from tests.shared_files import REFDATA

ANNUAL_2020 = REFDATA / "hcpcs-2020" / "HCPC2020_ANWEB_w_disclaimer.txt"
QUARTER_2026 = REFDATA / "hcpcs-2026-jan" / "january-2026-alpha-numeric-hcpcs-file.zip"
CARC_RARC = REFDATA / "x12-code-lists" / "x12_carc_rarc_2026-08-17.derived.csv"
POS = REFDATA / "pos-codes" / "openemr_POSRef.class.php"
OFFICIAL = [ANNUAL_2020, QUARTER_2026, CARC_RARC, POS]
SYNTHETIC_CSV = "code,short,long\n99213,Synthetic short,Synthetic descriptor for tests\n"

pytestmark = pytest.mark.skipif(
    not all(path.exists() for path in OFFICIAL), reason=f"the official reference files are not in {REFDATA}"
)
FEBRUARY_2026 = date(2026, 2, 1)


def bundled_cpt_for_february_2026() -> ReleaseData:
    return next(release for release in bundled_cpt_releases() if release.effective_from == date(2026, 1, 1))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceStore]:
    """One store with both HCPCS releases, the newest bundled CPT quarter, CARC/RARC and POS (read-only tests)."""
    opened = ReferenceStore(tmp_path_factory.mktemp("refdata") / "refdata.sqlite")
    for path in OFFICIAL:
        for release in detect(path).read(path):
            opened.import_release(release)
    opened.import_release(bundled_cpt_for_february_2026())
    yield opened
    opened.close()


def test_j1885_gives_its_hcpcs_descriptor(store: ReferenceStore) -> None:
    found = lookup_procedure(store, "j1885", FEBRUARY_2026)
    assert found is not None
    assert (found.system, found.code, found.kind) == ("HCPCS", "J1885", "procedure")
    assert found.description == "Injection, ketorolac tromethamine, per 15 mg"
    assert found.short_description == "Ketorolac tromethamine inj"
    assert found.descriptor_licensed
    assert found.valid
    assert found.betos == "O1E"
    assert (found.release_version, found.effective_from, found.effective_to) == (
        "2026-01",
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    assert found.warning is None


def test_99213_is_a_cpt_code_without_ama_text(store: ReferenceStore) -> None:
    found = lookup_procedure(store, "99213", FEBRUARY_2026)
    assert found is not None
    assert found.system == "CPT"
    assert (found.description, found.short_description, found.descriptor_licensed) == (None, None, False)
    assert found.valid


def test_99213_shows_the_licensed_text_once_a_licensed_file_is_loaded(tmp_path: Path) -> None:
    store = ReferenceStore(tmp_path / "refdata.sqlite")
    store.import_release(bundled_cpt_for_february_2026())
    licensed = tmp_path / "licensed.csv"
    licensed.write_text(SYNTHETIC_CSV, encoding="utf-8")
    for release in detect(licensed).read(licensed):
        store.import_release(release)
    found = lookup_procedure(store, "99213", FEBRUARY_2026)
    assert found is not None
    assert (found.description, found.short_description) == ("Synthetic descriptor for tests", "Synthetic short")
    assert found.descriptor_licensed
    store.close()


def test_a_code_added_after_2020_is_absent_in_2020_and_present_in_2026(store: ReferenceStore) -> None:
    assert lookup_procedure(store, "G9871", date(2020, 6, 1)) is None
    found = lookup_procedure(store, "G9871", FEBRUARY_2026)
    assert found is not None
    assert found.added == date(2026, 1, 1)


def test_a_terminated_code_is_kept_but_not_valid_after_its_termination(store: ReferenceStore) -> None:
    release = store.releases("hcpcs")[-1]
    code, data = next(
        (key, data) for key, data in store.entries(release) if data["terminated"] and data["terminated"] < "2026-01-01"
    )
    found = lookup_procedure(store, code, FEBRUARY_2026)
    assert found is not None
    assert found.terminated == date.fromisoformat(data["terminated"])
    assert not found.valid


def test_a_date_past_the_newest_release_is_answered_with_a_warning(store: ReferenceStore) -> None:
    found = lookup_procedure(store, "J1885", date(2026, 5, 1))
    assert found is not None
    assert found.warning is not None
    assert "after the newest" in found.warning


def test_an_unknown_code_is_none(store: ReferenceStore) -> None:
    assert lookup_procedure(store, "Z0000", FEBRUARY_2026) is None
    assert lookup_procedure(store, "00000", FEBRUARY_2026) is None


def test_code_lists(store: ReferenceStore) -> None:
    charge = lookup_code_list(store, "carc", "45", FEBRUARY_2026)
    assert charge is not None
    assert charge.description is not None
    assert charge.description.startswith("Charge exceeds fee schedule")
    assert (charge.status, charge.valid, charge.release_version) == ("current", True, "2026-08-17")
    retired = lookup_code_list(store, "carc", "15", FEBRUARY_2026)
    assert retired is not None
    assert (retired.status, retired.valid) == ("deactivated", None)
    office = lookup_code_list(store, "place_of_service", "11", FEBRUARY_2026)
    assert office is not None
    assert office.attributes["title"] == "Office"
    assert lookup_code_list(store, "rarc", "n130", FEBRUARY_2026) is not None
    assert lookup_code_list(store, "carc", "ZZZ", FEBRUARY_2026) is None
