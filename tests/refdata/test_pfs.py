"""The physician fee schedule importers on CMS's own files in ../shared/refdata (skipped when absent)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from revcycle.domain.codes import is_cpt_code
from revcycle.errors import InputFileError
from revcycle.refdata import ReleaseInfo, in_force
from revcycle.refdata.importers import detect
from revcycle.refdata.sets import PFS_ANESTHESIA, PFS_GPCI, PFS_LOCALITY, PFS_RVU, PFS_ZIP_LOCALITY
from revcycle.refdata.store import ReferenceStore
from tests.refdata.helpers import require
from tests.shared_files import REFDATA as SHARED

FIXTURES = Path(__file__).parent / "fixtures"
PFS_2025 = SHARED / "pfs-rvu25d-2025oct"
PFS_2026 = SHARED / "pfs-2026"

# Each official file with the importer that must claim it, the code set and the version it becomes.
PFS_FILES = [
    (PFS_2025 / "PPRRVU2025_Oct.csv", "pfs-pprrvu", PFS_RVU, "RVU25D"),
    (PFS_2025 / "GPCI2025.csv", "pfs-gpci", PFS_GPCI, "GPCI2025"),
    (PFS_2025 / "25LOCCO.csv", "pfs-locco", PFS_LOCALITY, "LOCCO2025"),
    (PFS_2025 / "ANES2025.csv", "pfs-anes", PFS_ANESTHESIA, "ANES2025"),
    (PFS_2025 / "ZIP5_OCT2025.txt", "pfs-zip5", PFS_ZIP_LOCALITY, "ZIP5-2025Q4"),
    (PFS_2026 / "PPRRVU2026_Jul_nonQPP.csv", "pfs-pprrvu", PFS_RVU, "RVU26C"),
    (PFS_2026 / "GPCI2026.csv", "pfs-gpci", PFS_GPCI, "GPCI2026"),
]


def import_file(store: ReferenceStore, path: Path) -> list[tuple[ReleaseInfo, bool]]:
    return [store.import_release(release) for release in detect(path).read(path)]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path_factory.mktemp("pfs") / "refdata.sqlite")
    for path, _, _, _ in PFS_FILES:
        import_file(opened, require(path))
    yield opened
    opened.close()


def entry(store: ReferenceStore, code_set: str, key: str, day: date) -> dict[str, object] | None:
    return store.entry(in_force(store, code_set, day).release, key)


@pytest.mark.parametrize(("path", "importer", "code_set", "version"), PFS_FILES, ids=lambda value: str(value))
def test_each_official_file_is_recognised_by_content_and_imported(
    store: ReferenceStore, path: Path, importer: str, code_set: str, version: str
) -> None:
    assert detect(require(path)).code == importer
    assert version in [release.version for release in store.releases(code_set)]


@pytest.mark.parametrize("name", ["OPPSCAP_Oct.csv", "PFREV25C.txt", "ZIP5lyout.txt", "RVU25D.pdf"])
def test_files_these_importers_do_not_read_are_not_claimed(name: str) -> None:
    from revcycle.refdata.importers import pfs

    claimed = [importer for importer in vars(pfs).values() if isinstance(importer, type) and hasattr(importer, "sniff")]
    path = require(PFS_2025 / name)
    try:
        found = detect(path)
    except InputFileError:
        return
    assert type(found) not in claimed


def test_relative_value_releases_govern_their_calendar_year(store: ReferenceStore) -> None:
    releases = {release.version: release for release in store.releases(PFS_RVU)}
    assert (releases["RVU25D"].effective_from, releases["RVU25D"].effective_to) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
    )
    assert (releases["RVU26C"].effective_from, releases["RVU26C"].effective_to) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    assert releases["RVU25D"].rows == 19090
    assert releases["RVU26C"].rows == 19356
    december = entry(store, PFS_RVU, "99213", date(2025, 12, 31))
    january = entry(store, PFS_RVU, "99213", date(2026, 1, 1))
    assert december is not None
    assert january is not None
    assert (december["conversion_factor"], december["pe_rvu_non_facility"]) == ("32.3465", "1.35")
    assert (january["conversion_factor"], january["pe_rvu_non_facility"]) == ("33.4009", "1.46")


def test_a_pprrvu_row_keeps_every_indicator_as_text_and_decimal_strings(store: ReferenceStore) -> None:
    office_visit = entry(store, PFS_RVU, "99213", date(2025, 6, 1))
    assert office_visit == {
        "status": "A",
        "not_used_for_medicare": "",
        "work_rvu": "1.30",
        "pe_rvu_non_facility": "1.35",
        "non_facility_na": False,
        "pe_rvu_facility": "0.57",
        "facility_na": False,
        "mp_rvu": "0.10",
        "total_non_facility": "2.75",
        "total_facility": "1.97",
        "pctc": "0",
        "global_days": "XXX",
        "pre_op": "0.00",
        "intra_op": "0.00",
        "post_op": "0.00",
        "multiple_procedure": "0",
        "bilateral": "0",
        "assistant": "0",
        "co_surgeon": "0",
        "team": "0",
        "endoscopic_base": "",
        "conversion_factor": "32.3465",
        "supervision": "09",
        "calculation_flag": "0",
        "imaging_family": "99",
        "opps_pe_non_facility": "0.00",
        "opps_pe_facility": "0.00",
        "opps_mp": "0.00",
    }
    assert "pricing_indicator" in (entry(store, PFS_RVU, "99213", date(2026, 6, 1)) or {})


def test_components_have_rows_of_their_own(store: ReferenceStore) -> None:
    day = date(2025, 6, 1)
    professional = entry(store, PFS_RVU, "71046:26", day)
    technical = entry(store, PFS_RVU, "71046:TC", day)
    assert professional is not None
    assert technical is not None
    assert (professional["work_rvu"], professional["pctc"]) == ("0.22", "1")
    assert (technical["work_rvu"], technical["facility_na"]) == ("0.00", True)
    assert entry(store, PFS_RVU, "45378:53", day) is not None


def test_cpt_codes_carry_no_ama_text_and_level_ii_codes_keep_theirs(store: ReferenceStore) -> None:
    day = date(2025, 6, 1)
    assert [is_cpt_code(code) for code in ("99213", "0001F", "0042T", "0001U", "A4206", "G0008")] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    for code in ("99213", "71046:26", "0001F"):
        assert "description" not in (entry(store, PFS_RVU, code, day) or {})
    syringe = entry(store, PFS_RVU, "A4206", day)
    assert syringe is not None
    assert syringe["description"] == "1 cc sterile syringe&needle"


def test_gpci_localities_are_keyed_by_mac_and_locality(store: ReferenceStore) -> None:
    alabama = entry(store, PFS_GPCI, "10112-00", date(2025, 6, 1))
    assert alabama == {
        "mac": "10112",
        "state": "AL",
        "locality_number": "00",
        "locality_name": "ALABAMA",
        "work_gpci": "1",
        "pe_gpci": "0.869",
        "mp_gpci": "0.575",
    }
    alaska = entry(store, PFS_GPCI, "02102-01", date(2026, 6, 1))
    assert alaska is not None
    assert (alaska["locality_name"], alaska["work_gpci"]) == ("ALASKA", "1.500")
    assert [release.rows for release in store.releases(PFS_GPCI)] == [109, 109]


def test_locality_county_rows_name_their_state_and_merge_duplicates(store: ReferenceStore) -> None:
    gpci = in_force(store, PFS_GPCI, date(2025, 6, 1)).release
    locco = in_force(store, PFS_LOCALITY, date(2025, 6, 1)).release
    assert {key for key, _ in store.entries(locco)} == {key for key, _ in store.entries(gpci)}
    fresno = store.entry(locco, "01112-56")
    assert fresno == {
        "mac": "01112",
        "locality_number": "56",
        "state": "CALIFORNIA",
        "fee_schedule_area": "FRESNO",
        "counties": ["FRESNO"],
    }
    # Rest of Missouri is listed twice in 25LOCCO (serviced by two carriers): one entry.
    missouri = store.entry(locco, "05302-99")
    assert missouri is not None
    assert missouri["counties"] == ["ALL OTHER COUNTIES"]


def test_anesthesia_conversion_factors(store: ReferenceStore) -> None:
    day = date(2025, 6, 1)
    assert entry(store, PFS_ANESTHESIA, "national", day) == {"anesthesia_cf": "20.3178"}
    assert entry(store, PFS_ANESTHESIA, "10112-00", day) == {"locality_name": "ALABAMA", "anesthesia_cf": "19.31"}


def test_zip5_file_maps_every_zip_to_a_gpci_locality(store: ReferenceStore) -> None:
    zips = in_force(store, PFS_ZIP_LOCALITY, date(2025, 11, 1)).release
    assert (zips.effective_from, zips.effective_to, zips.rows) == (date(2025, 10, 1), date(2025, 12, 31), 42956)
    gpci = in_force(store, PFS_GPCI, date(2025, 11, 1)).release
    localities = {key for key, _ in store.entries(gpci)}
    assert {data["locality"] for _, data in store.entries(zips)} <= localities


def test_zip5_fixture_in_the_cms_record_layout(tmp_path: Path) -> None:
    store = ReferenceStore(tmp_path / "refdata.sqlite")
    path = FIXTURES / "ZIP5_JAN2026_sample.txt"
    [(release, changed)] = import_file(store, path)
    assert (release.version, release.effective_from, release.effective_to) == (
        "ZIP5-2026Q1",
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    assert changed
    assert store.entry(release, "83128") == {
        "state": "WY",
        "carrier": "03602",
        "locality_number": "21",
        "locality": "03602-21",
        "rural": "B",
        "lab_cb_locality": "Z9",
        "rural_2006": "B",
        "plus_four": False,
        "part_b_payment_indicator": "A",
    }
    texas = store.entry(release, "75001")
    assert texas is not None
    assert texas["plus_four"] is True
    store.close()


def corrupted(content: bytes) -> tuple[bytes, int]:
    """The file with its first data line at or after the middle broken (separators gone, or cut to 40 bytes)."""
    lines = content.split(b"\n")
    for index in range(len(lines) // 2, len(lines)):
        line = lines[index]
        if line[:2].isalnum():
            lines[index] = line.replace(b",", b";") if b"," in line else line[:40] + b"\r"
            return b"\n".join(lines), index + 1
    raise AssertionError("no data line after the middle")


def truncated(content: bytes) -> tuple[bytes, int]:
    """The first half of the file, and the number of its last (cut) line.

    The ZIP5 file's 82-byte records put its middle exactly on a line end; a file cut there is a complete-looking
    shorter file (the format has no trailer or count), so the cut is moved one byte back, into the record.
    """
    half = content[: len(content) // 2]
    if half.endswith(b"\n"):
        half = half[:-1]
    return half, half.count(b"\n") + 1


CSV_FILES = [
    PFS_2025 / "PPRRVU2025_Oct.csv",
    PFS_2025 / "GPCI2025.csv",
    PFS_2025 / "25LOCCO.csv",
    PFS_2025 / "ANES2025.csv",
    PFS_2025 / "ZIP5_OCT2025.txt",
    PFS_2026 / "PPRRVU2026_Jul_nonQPP.csv",
    PFS_2026 / "GPCI2026.csv",
]


@pytest.mark.parametrize("damage", [truncated, corrupted])
@pytest.mark.parametrize("path", CSV_FILES, ids=lambda path: path.name)
def test_a_damaged_copy_is_refused_naming_the_line_and_changes_nothing(
    store: ReferenceStore, tmp_path: Path, path: Path, damage: object
) -> None:
    assert callable(damage)
    content, line = damage(require(path).read_bytes())
    copy = tmp_path / path.name
    copy.write_bytes(content)
    before = store.releases()
    with pytest.raises(InputFileError) as refused:
        import_file(store, copy)
    assert refused.value.location == f"line {line}"
    assert store.releases() == before


@pytest.mark.parametrize("path", [path for path, _, _, _ in PFS_FILES], ids=lambda path: path.name)
def test_importing_the_same_file_twice_changes_nothing(store: ReferenceStore, path: Path) -> None:
    before = store.releases()
    assert [changed for _, changed in import_file(store, require(path))] == [False]
    assert store.releases() == before
