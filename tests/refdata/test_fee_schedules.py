"""The CLFS and DMEPOS importers on CMS's own files in ../shared/refdata (skipped when absent)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from revcycle.errors import InputFileError
from revcycle.refdata import ReleaseInfo, in_force
from revcycle.refdata.importers import detect
from revcycle.refdata.sets import CLFS, DMEPOS, DMEPOS_PEN
from revcycle.refdata.store import ReferenceStore
from tests.refdata.helpers import require
from tests.shared_files import REFDATA as SHARED

CLFS_2025 = SHARED / "clfs" / "CLFS 2025 Q2V1.csv"
DMEPOS_2025 = SHARED / "dmepos" / "DMEPOS25_APR.csv"
DMEPOS_2026 = SHARED / "dmepos" / "DMEPOS26_JAN.xlsx"
PEN_2026 = SHARED / "dmepos" / "DMEPEN26_JAN.xlsx"

FILES = [
    (CLFS_2025, "clfs-csv", CLFS, "CLFS2025Q2", date(2025, 4, 1), date(2025, 6, 30), 2105),
    (DMEPOS_2025, "dmepos-csv", DMEPOS, "DMEPOS2025-04", date(2025, 4, 1), date(2025, 6, 30), 3511),
    (DMEPOS_2026, "dmepos-xlsx", DMEPOS, "DMEPOS2026-01", date(2026, 1, 1), date(2026, 3, 31), 3515),
    (PEN_2026, "dmepen-xlsx", DMEPOS_PEN, "DMEPEN2026-01", date(2026, 1, 1), date(2026, 3, 31), 50),
]
MONEY = re.compile(r"[0-9]+\.[0-9]{2}")


def import_file(store: ReferenceStore, path: Path) -> list[tuple[ReleaseInfo, bool]]:
    return [store.import_release(release) for release in detect(path).read(path)]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path_factory.mktemp("fees") / "refdata.sqlite")
    for path, *_ in FILES:
        import_file(opened, require(path))
    yield opened
    opened.close()


def entry(store: ReferenceStore, code_set: str, key: str, day: date) -> dict[str, object] | None:
    return store.entry(in_force(store, code_set, day).release, key)


@pytest.mark.parametrize(
    ("path", "importer", "code_set", "version", "start", "end", "rows"), FILES, ids=lambda value: str(value)
)
def test_each_official_file_is_recognised_by_content_and_imported_for_its_quarter(
    store: ReferenceStore,
    path: Path,
    importer: str,
    code_set: str,
    version: str,
    start: date,
    end: date,
    rows: int,
) -> None:
    assert detect(require(path)).code == importer
    [release] = [release for release in store.releases(code_set) if release.version == version]
    assert (release.effective_from, release.effective_to, release.rows) == (start, end, rows)


def test_clfs_rates_are_money_strings_and_cpt_codes_carry_no_text(store: ReferenceStore) -> None:
    day = date(2025, 5, 1)
    assert entry(store, CLFS, "80047:QW", day) == {"rate": "13.73", "indicator": "N", "effective_date": "2025-01-01"}
    assert entry(store, CLFS, "0001U", day) == {"rate": "720.00", "indicator": "N", "effective_date": "2025-01-01"}
    covid = entry(store, CLFS, "U0002:QW", day)
    assert covid is not None
    assert covid["rate"] == "51.31"
    assert covid["description"]
    release = in_force(store, CLFS, day).release
    assert all(MONEY.fullmatch(data["rate"]) for _, data in store.entries(release))


def test_dmepos_rows_hold_ceiling_floor_and_state_fees(store: ReferenceStore) -> None:
    pump = entry(store, DMEPOS, "A4217:AU", date(2025, 5, 1))
    assert pump is not None
    assert (pump["jurisdiction"], pump["category"], pump["ceiling"], pump["floor"]) == ("J", "OS", "4.38", "3.72")
    fees = pump["fees"]
    assert isinstance(fees, dict)
    assert fees["AL"] == {"non_rural": "3.72", "rural": "0.00"}
    assert len(fees) == 53  # the states, DC, Puerto Rico and the Virgin Islands
    assert "description" in pump


def test_the_xlsx_workbook_reads_as_the_csv_does(store: ReferenceStore) -> None:
    csv_release = in_force(store, DMEPOS, date(2025, 5, 1)).release
    xlsx_release = in_force(store, DMEPOS, date(2026, 2, 1)).release
    from_csv = store.entry(csv_release, "A4216")
    from_xlsx = store.entry(xlsx_release, "A4216")
    assert from_csv is not None
    assert from_xlsx is not None
    assert from_csv.keys() == from_xlsx.keys()
    assert (from_xlsx["ceiling"], from_xlsx["floor"]) == ("0.63", "0.54")
    for _, data in store.entries(xlsx_release):
        for fee in data["fees"].values():
            assert MONEY.fullmatch(fee["non_rural"])
            assert MONEY.fullmatch(fee["rural"])


def test_pen_fees_are_their_own_set(store: ReferenceStore) -> None:
    kit = entry(store, DMEPOS_PEN, "B4034", date(2026, 2, 1))
    assert kit is not None
    fees = kit["fees"]
    assert isinstance(fees, dict)
    assert fees["AL"] == {"non_rural": "3.94", "rural": "6.16"}
    assert entry(store, DMEPOS_PEN, "E0776:UE:KE", date(2026, 2, 1)) is not None
    assert entry(store, DMEPOS, "B4034", date(2026, 2, 1)) is None


def test_a_fee_with_fractions_of_a_cent_is_refused_naming_the_row(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["2026 Parenteral and Enteral Nutrition Items and Services (PEN) Fee Schedule"])
    sheet.append(["January 2026 Fee Schedule"])
    sheet.append(["HCPCS", "MOD", "MOD2", "AL(NR)", "AL(R)", "Desc"])
    sheet.append(["B4034", "", "", 3.94, 6.16, "Enter feed supkit syr by day"])
    sheet.append(["B4035", "", "", 7.095, 11.38, "Enteral feed supp pump per d"])
    path = tmp_path / "pen.xlsx"
    workbook.save(path)
    store = ReferenceStore(tmp_path / "refdata.sqlite")
    with pytest.raises(InputFileError, match="fractions of a cent") as refused:
        import_file(store, path)
    assert refused.value.location == "row 5"
    assert store.releases() == []
    store.close()


def corrupted(content: bytes) -> tuple[bytes, int]:
    """The file with its first data line at or after the middle broken (its commas gone)."""
    lines = content.split(b"\n")
    for index in range(len(lines) // 2, len(lines)):
        if lines[index][:2].isalnum():
            lines[index] = lines[index].replace(b",", b";")
            return b"\n".join(lines), index + 1
    raise AssertionError("no data line after the middle")


def truncated(content: bytes) -> tuple[bytes, int]:
    """The first half of the file, and the number of its last (cut) line."""
    half = content[: len(content) // 2]
    return half, half.count(b"\n") + 1


@pytest.mark.parametrize("damage", [truncated, corrupted])
@pytest.mark.parametrize("path", [CLFS_2025, DMEPOS_2025], ids=lambda path: path.name)
def test_a_damaged_csv_is_refused_naming_the_line_and_changes_nothing(
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


@pytest.mark.parametrize("path", [DMEPOS_2026, PEN_2026], ids=lambda path: path.name)
def test_a_truncated_workbook_is_refused_and_changes_nothing(store: ReferenceStore, tmp_path: Path, path: Path) -> None:
    content = require(path).read_bytes()
    copy = tmp_path / path.name
    copy.write_bytes(content[: len(content) // 2])
    before = store.releases()
    with pytest.raises(InputFileError):
        import_file(store, copy)
    assert store.releases() == before


@pytest.mark.parametrize("path", [path for path, *_ in FILES], ids=lambda path: path.name)
def test_importing_the_same_file_twice_changes_nothing(store: ReferenceStore, path: Path) -> None:
    before = store.releases()
    assert [changed for _, changed in import_file(store, require(path))] == [False]
    assert store.releases() == before
