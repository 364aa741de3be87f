"""CARC, RARC, claim status codes and categories, and place of service, from the files in ../shared."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from revcycle.errors import InputFileError
from revcycle.refdata.importers import detect
from revcycle.refdata.store import ReferenceStore
from tests.refdata.helpers import import_all, import_file
from tests.shared_files import REFDATA

X12 = REFDATA / "x12-code-lists"
CARC_RARC_CSV = X12 / "x12_carc_rarc_2026-08-17.derived.csv"
CARC_RARC_JSON = X12 / "x12_carc_rarc_2026-08-17.derived.json"
PYX12_HEAD = X12 / "pyx12_codes_HEAD.xml"
PYX12_2020 = X12 / "pyx12_codes_2020-01_with_adjustment_reason.xml"
OPENEMR_PHP = X12 / "openemr_BillingUtilities.php"
OPENEMR_TSV = X12 / "openemr_BillingUtilities_EXTRACTED.tsv"
POS = REFDATA / "pos-codes" / "openemr_POSRef.class.php"
CLAIMED = {
    CARC_RARC_CSV: ("x12-carc-rarc-csv", {"carc": 407, "rarc": 1216}),
    CARC_RARC_JSON: ("x12-carc-rarc-json", {"carc": 407, "rarc": 1216}),
    PYX12_HEAD: ("pyx12-codes", {"claim_status": 759, "claim_status_category": 48}),
    PYX12_2020: ("pyx12-codes", {"claim_status": 759, "claim_status_category": 48}),
    OPENEMR_PHP: ("openemr-clp02-php", {"remittance_claim_status": 17}),
    OPENEMR_TSV: ("openemr-code-lists-tsv", {"remittance_claim_status": 17}),
    POS: ("openemr-pos", {"place_of_service": 48}),
}

pytestmark = pytest.mark.skipif(
    not all(path.exists() for path in CLAIMED), reason=f"the official code lists are not in {REFDATA}"
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path / "refdata.sqlite")
    yield opened
    opened.close()


def newest(store: ReferenceStore, code_set: str, key: str) -> dict[str, object] | None:
    return store.entry(store.releases(code_set)[-1], key)


@pytest.mark.parametrize("path", list(CLAIMED), ids=lambda path: path.name)
def test_each_file_is_recognised_and_imports_once(store: ReferenceStore, path: Path) -> None:
    importer, rows = CLAIMED[path]
    assert detect(path).code == importer
    assert set(import_file(store, path)) == {True}
    before = store.releases()
    assert set(import_file(store, path)) == {False}
    assert store.releases() == before
    assert {release.code_set: release.rows for release in before} == rows


def test_carc_and_rarc_carry_text_and_status(store: ReferenceStore) -> None:
    import_file(store, CARC_RARC_CSV)
    charge = newest(store, "carc", "45")
    assert charge is not None
    assert (charge["status"], charge["start"], charge["stop"]) == ("current", None, None)
    assert str(charge["description"]).startswith("Charge exceeds fee schedule")
    retired = newest(store, "carc", "15")
    assert retired is not None
    assert retired["status"] == "deactivated"
    assert newest(store, "rarc", "N130") is not None


def test_claim_status_lists_hold_codes_only(store: ReferenceStore) -> None:
    import_file(store, PYX12_HEAD)
    assert newest(store, "claim_status_category", "A1") == {
        "code": "A1",
        "description": None,
        "status": None,
        "start": None,
        "stop": None,
    }
    assert newest(store, "claim_status", "21") is not None


def test_place_of_service_leaves_unassigned_codes_out(store: ReferenceStore) -> None:
    import_file(store, POS)
    office = newest(store, "place_of_service", "11")
    assert office is not None
    assert office["title"] == "Office"
    pharmacy = newest(store, "place_of_service", "01")
    assert pharmacy is not None
    assert pharmacy["title"] == "Pharmacy"
    assert newest(store, "place_of_service", "10") is None  # the 2021 snapshot predates POS 10


@pytest.mark.parametrize("path", [OPENEMR_PHP, OPENEMR_TSV], ids=lambda path: path.suffix)
def test_835_claim_statuses_are_their_own_set(store: ReferenceStore, path: Path) -> None:
    import_file(store, path)
    reversal = newest(store, "remittance_claim_status", "22")
    assert reversal is not None
    assert reversal["description"] == "Reversal of Previous Payment"
    assert store.releases("claim_status") == []


def truncate(content: bytes) -> bytes:
    return content[: len(content) // 2]


def corrupt(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(content: bytes) -> bytes:
        assert old in content
        return content.replace(old, new, 1)

    return change


def line_of(content: bytes, text: bytes) -> str:
    return f"line {content[: content.index(text)].count(b'\n') + 1}"


@pytest.mark.parametrize(
    ("path", "damage", "marker"),
    [
        (CARC_RARC_CSV, truncate, None),
        (CARC_RARC_CSV, corrupt(b"CARC,45,current", b"CARC,45,retired"), b"CARC,45,"),
        (CARC_RARC_JSON, truncate, None),
        (CARC_RARC_JSON, corrupt(b'"CARC": {', b'"CARC": {,'), b'"CARC": {,'),
        (PYX12_HEAD, truncate, None),
        (PYX12_HEAD, corrupt(b"<code>A1</code>", b"<code>A1</cod>"), b"<code>A1</cod>"),
        (OPENEMR_PHP, truncate, None),
        (OPENEMR_PHP, corrupt(b"'4'  => 'Denied'", b"'4'  => Denied"), b"'4'  => Denied"),
        (OPENEMR_TSV, truncate, None),
        (OPENEMR_TSV, corrupt(b"CLAIM_STATUS_CODES_CLP02\t4", b"CLAIM_STATUS_CODES\t4"), b"CLAIM_STATUS_CODES\t4"),
        (POS, truncate, None),
        (POS, corrupt(b'"code" => "11"', b'"code" => 11'), b'"code" => 11'),
    ],
    ids=[
        "csv-truncated",
        "csv-corrupted",
        "json-truncated",
        "json-corrupted",
        "xml-truncated",
        "xml-corrupted",
        "php-truncated",
        "php-corrupted",
        "tsv-truncated",
        "tsv-corrupted",
        "pos-truncated",
        "pos-corrupted",
    ],
)
def test_a_damaged_file_is_refused_naming_the_line_and_nothing_changes(
    store: ReferenceStore, tmp_path: Path, path: Path, damage: Callable[[bytes], bytes], marker: bytes | None
) -> None:
    import_file(store, path)
    before = store.releases()
    content = damage(path.read_bytes())
    damaged = tmp_path / path.name.replace("2026-08-17", "damaged")
    damaged.write_bytes(content)
    importer = detect(path)
    with pytest.raises(InputFileError) as raised:
        import_all(store, importer, damaged)
    assert raised.value.location.startswith("line ")
    if marker is not None:
        assert raised.value.location == line_of(content, marker)
    assert store.releases() == before
