"""NCCI importers on CMS's own files in ../shared/refdata/ncci: PTP text, MUE CSVs, add-on code workbook, pyoce."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from revcycle.errors import InputFileError
from revcycle.refdata.importers import detect
from revcycle.refdata.importers.ncci import (
    AddOnCodeXlsx,
    MueCsv,
    NcciPtpText,
    bundled_ncci_releases,
    quarter_period,
)
from revcycle.refdata.release import ReleaseInfo
from revcycle.refdata.sets import (
    ADD_ON_CODES,
    MUE_DME,
    MUE_HOSPITAL,
    MUE_PRACTITIONER,
    NCCI_PTP_HOSPITAL,
    NCCI_PTP_PRACTITIONER,
)
from revcycle.refdata.store import ReferenceStore
from tests.refdata.helpers import assert_refused, first_half, snapshot

NCCI = Path(__file__).resolve().parents[3] / "shared" / "refdata" / "ncci"
PTP = NCCI / "ccipra-v322r0-f1.excerpt.txt"
MUE_FILES = {
    MUE_PRACTITIONER: NCCI / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
    MUE_HOSPITAL: NCCI / "MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv",
    MUE_DME: NCCI / "MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv",
}
AOC = NCCI / "AOC_V2026Q2-MCR.xlsx"
NCCI_IMPORTERS = {NcciPtpText.code, MueCsv.code, AddOnCodeXlsx.code}

pytestmark = pytest.mark.skipif(not NCCI.is_dir(), reason=f"the official NCCI files are not in {NCCI}")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path / "refdata.sqlite")
    yield opened
    opened.close()


def import_file(store: ReferenceStore, path: Path) -> list[ReleaseInfo]:
    return [store.import_release(release)[0] for release in detect(path).read(path)]


# Every file the NCCI importers claim


def test_every_ncci_file_in_shared_is_recognised_and_imports_once(store: ReferenceStore) -> None:
    claimed = []
    for path in sorted(NCCI.iterdir()):
        try:
            importer = detect(path)
        except InputFileError:
            continue
        if importer.code in NCCI_IMPORTERS:
            claimed.append(path.name)
            infos = import_file(store, path)
            assert all(info.rows > 0 for info in infos)
    assert set(claimed) == {PTP.name, AOC.name, *(path.name for path in MUE_FILES.values())}
    before = snapshot(store)
    for path in NCCI.iterdir():
        if path.name in claimed:
            for release in detect(path).read(path):
                assert store.import_release(release)[1] is False
    assert snapshot(store) == before


# PTP pairs


def raw_ptp_rows() -> list[list[str]]:
    lines = PTP.read_text(encoding="latin-1").splitlines()
    return [line.split("\t") for line in lines if re.match(r"[0-9A-Z]{5}\t[0-9A-Z]{5}\t", line)]


def test_ptp_release_is_version_32_2_part_1_for_2026_q3(store: ReferenceStore) -> None:
    (info,) = import_file(store, PTP)
    assert (info.code_set, info.version) == (NCCI_PTP_PRACTITIONER, "v32.2-f1")
    assert (info.effective_from, info.effective_to) == (date(2026, 7, 1), date(2026, 9, 30))
    assert info.rows == len(raw_ptp_rows()) == 154


@pytest.mark.parametrize("index", [0, 5, 77, 153])
def test_ptp_rows_match_the_file(store: ReferenceStore, index: int) -> None:
    (info,) = import_file(store, PTP)
    column1, column2, prior, effective, deletion, modifier, rationale = raw_ptp_rows()[index]
    (period,) = store.entry(info, f"{column1}:{column2}")["periods"]  # type: ignore[index]
    assert period == {
        "effective": f"{effective[:4]}-{effective[4:6]}-{effective[6:]}",
        "deletion": None if deletion == "*" else f"{deletion[:4]}-{deletion[4:6]}-{deletion[6:]}",
        "modifier_indicator": modifier,
        "prior_1996": prior == "*",
        "rationale": rationale.strip(),
    }


def test_ptp_file_named_for_the_hospital_goes_to_the_hospital_set(tmp_path: Path) -> None:
    renamed = shutil.copy(PTP, tmp_path / "ccioph-v321r1-f3.txt")
    (release,) = NcciPtpText().read(Path(renamed))
    assert (release.code_set, release.version) == (NCCI_PTP_HOSPITAL, "v32.1-f3")
    assert (release.effective_from, release.effective_to) == quarter_period(2026, 2)


def test_ptp_file_without_cms_name_is_refused(tmp_path: Path) -> None:
    renamed = shutil.copy(PTP, tmp_path / "pairs.txt")
    with pytest.raises(InputFileError, match="setting and version"):
        NcciPtpText().read(Path(renamed))


def test_truncated_ptp_file_is_refused(store: ReferenceStore, tmp_path: Path) -> None:
    import_file(store, PTP)
    cut = first_half(PTP, tmp_path / PTP.name)
    last_line = cut.read_bytes().count(b"\n") + 1
    assert_refused(store, cut, NcciPtpText(), f"line {last_line}")


def test_ptp_row_with_a_non_date_is_refused(store: ReferenceStore, tmp_path: Path) -> None:
    import_file(store, PTP)
    lines = PTP.read_bytes().split(b"\r\n")
    lines[40] = lines[40].replace(b"\t2022", b"\t20X2", 1)
    corrupted = tmp_path / PTP.name
    corrupted.write_bytes(b"\r\n".join(lines))
    assert_refused(store, corrupted, NcciPtpText(), "line 41")


# MUE tables


def raw_mue_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="latin-1", newline="") as handle:
        rows = list(csv.reader(handle))
    return [row for row in rows[2:] if row]


@pytest.mark.parametrize("code_set", sorted(MUE_FILES))
def test_mue_tables_match_their_rows(store: ReferenceStore, code_set: str) -> None:
    path = MUE_FILES[code_set]
    (info,) = import_file(store, path)
    rows = raw_mue_rows(path)
    assert (info.code_set, info.version, info.rows) == (code_set, "2026-04", len(rows))
    assert (info.effective_from, info.effective_to) == (date(2026, 4, 1), date(2026, 6, 30))
    for code, value, adjudication, rationale in (rows[0], rows[len(rows) // 2], rows[-1]):
        indicator, _, text = adjudication.partition(" ")
        assert store.entry(info, code) == {
            "mue": int(value),
            "mai": int(indicator),
            "mai_text": text,
            "rationale": rationale,
        }


def test_truncated_mue_table_is_refused(store: ReferenceStore, tmp_path: Path) -> None:
    path = MUE_FILES[MUE_PRACTITIONER]
    import_file(store, path)
    cut = first_half(path, tmp_path / path.name)
    text = cut.read_bytes()
    if text.endswith(b"\n"):
        cut.write_bytes(text[:-1])
    assert_refused(store, cut, MueCsv(), f"line {cut.read_bytes().count(b'\n') + 1}")


def test_mue_row_with_a_bad_value_is_refused(store: ReferenceStore, tmp_path: Path) -> None:
    path = MUE_FILES[MUE_DME]
    import_file(store, path)
    lines = path.read_bytes().split(b"\n")
    code, _value, rest = lines[20].split(b",", 2)
    lines[20] = b",".join([code, b"\xff\xfe", rest])
    corrupted = tmp_path / path.name
    corrupted.write_bytes(b"\n".join(lines))
    assert_refused(store, corrupted, MueCsv(), "line 21")


# Add-on code edits


@pytest.fixture(scope="module")
def aoc_rows() -> list[tuple[str | None, ...]]:
    workbook = load_workbook(AOC, read_only=True)
    rows = [tuple(row) for row in workbook.worksheets[0].iter_rows(min_row=3, values_only=True)]
    workbook.close()
    return rows


def julian(text: str | None) -> str | None:
    if text is None:
        return None
    return date.fromordinal(date(int(text[:4]), 1, 1).toordinal() + int(text[4:]) - 1).isoformat()


def test_add_on_edits_match_the_workbook(store: ReferenceStore, aoc_rows: list[tuple[str | None, ...]]) -> None:
    (info,) = import_file(store, AOC)
    assert (info.code_set, info.version, info.rows) == (ADD_ON_CODES, "2026-04", len({row[1] for row in aoc_rows}))
    for edit_type, add_on, add_on_deleted, primary, primary_deleted, effective, deleted, note in (
        aoc_rows[0],
        aoc_rows[4000],
        aoc_rows[-1],
    ):
        data = store.entry(info, str(add_on))
        assert data is not None
        assert {
            "edit_type": edit_type,
            "primary": primary,
            "effective": julian(effective),
            "deleted": julian(deleted),
            "add_on_deleted": julian(add_on_deleted),
            "primary_deleted": julian(primary_deleted),
            "note": note,
        } in data["edits"]


def test_truncated_add_on_workbook_is_refused(store: ReferenceStore, tmp_path: Path) -> None:
    import_file(store, AOC)
    # A zip cut in half has lost its central directory: the whole archive is unreadable, so no row can be named.
    assert_refused(store, first_half(AOC, tmp_path / AOC.name), AddOnCodeXlsx(), "")


def test_add_on_row_with_a_non_date_is_refused(store: ReferenceStore, tmp_path: Path) -> None:
    import_file(store, AOC)
    workbook = load_workbook(AOC)
    sheet = workbook.worksheets[0]
    sheet.cell(row=7, column=6).value = "2018XYZ"
    corrupted = tmp_path / AOC.name
    workbook.save(corrupted)
    assert_refused(store, corrupted, AddOnCodeXlsx(), f"sheet {sheet.title} row 7")


# pyoce


@pytest.fixture(scope="module")
def pyoce_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ReferenceStore, ReleaseInfo]]:
    opened = ReferenceStore(tmp_path_factory.mktemp("pyoce") / "refdata.sqlite")
    (release,) = bundled_ncci_releases()
    info, _ = opened.import_release(release)
    yield opened, info
    opened.close()


def test_pyoce_pairs_load_as_the_hospital_set(pyoce_store: tuple[ReferenceStore, ReleaseInfo]) -> None:
    store, info = pyoce_store
    assert info.code_set == NCCI_PTP_HOSPITAL
    assert info.version.startswith("pyoce-")
    assert info.effective_from == date(2019, 7, 1)
    assert info.rows > 1_000_000
    (again,) = bundled_ncci_releases()
    assert store.import_release(again)[1] is False


def test_pyoce_pair_with_two_spells_keeps_both(pyoce_store: tuple[ReferenceStore, ReleaseInfo]) -> None:
    store, info = pyoce_store
    data = store.entry(info, "0007U:0328U")
    assert data is not None
    assert [period["modifier_indicator"] for period in data["periods"]] == ["0", "1"]
    assert data["periods"][0]["deletion"] == "2023-06-30"
    assert data["periods"][1]["effective"] == "2023-07-01"
