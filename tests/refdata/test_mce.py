"""MCE and POA-exempt importers on the files in ../shared/refdata/mce-edits and ../shared/refdata/poa-exempt."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from revcycle.errors import InputFileError
from revcycle.refdata.importers import detect
from revcycle.refdata.importers.mce import MceDefinitionsText, MceSimpleEditsTsv, PoaExemptList
from revcycle.refdata.release import ReleaseInfo
from revcycle.refdata.sets import MCE, POA_EXEMPT
from revcycle.refdata.store import ReferenceStore
from tests.refdata.helpers import assert_refused, first_half, snapshot
from tests.shared_files import REFDATA as SHARED

MCE_DIR = SHARED / "mce-edits"
POA_DIR = SHARED / "poa-exempt"
FY2019 = MCE_DIR / "MCE_Simple_Code_Edits_v36_FY2019.tsv"
FY2020 = MCE_DIR / "MCE_Simple_Code_Edits_v37_FY2020.tsv"
V43 = MCE_DIR / "Definitions of Medicare Code Edits_v_43_1.txt"
POA = POA_DIR / "POAexemptCodes2020.txt"
MCE_IMPORTERS = {MceSimpleEditsTsv.code, MceDefinitionsText.code, PoaExemptList.code}

pytestmark = pytest.mark.skipif(
    not (MCE_DIR.is_dir() and POA_DIR.is_dir()), reason=f"the official MCE and POA files are not in {SHARED}"
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path / "refdata.sqlite")
    yield opened
    opened.close()


def import_file(store: ReferenceStore, path: Path) -> ReleaseInfo:
    (release,) = detect(path).read(path)
    return store.import_release(release)[0]


def line_count(path: Path) -> int:
    return path.read_bytes().count(b"\n") + 1


def test_every_mce_and_poa_file_is_recognised_and_imports_once(store: ReferenceStore) -> None:
    claimed = set()
    for path in [*sorted(MCE_DIR.iterdir()), *sorted(POA_DIR.iterdir())]:
        try:
            importer = detect(path)
        except InputFileError:
            continue
        if importer.code in MCE_IMPORTERS:
            claimed.add(path)
            assert import_file(store, path).rows > 0
    assert claimed == {FY2019, FY2020, V43, POA}
    before = snapshot(store)
    for path in claimed:
        (release,) = detect(path).read(path)
        assert store.import_release(release)[1] is False
    assert snapshot(store) == before


# Simple code edits tables


@pytest.mark.parametrize(
    ("path", "version", "start", "end"),
    [(FY2019, "v36", date(2018, 10, 1), date(2019, 9, 30)), (FY2020, "v37", date(2019, 10, 1), date(2020, 9, 30))],
)
def test_tables_govern_their_fiscal_year(
    store: ReferenceStore, path: Path, version: str, start: date, end: date
) -> None:
    info = import_file(store, path)
    assert (info.code_set, info.version, info.effective_from, info.effective_to) == (MCE, version, start, end)


def raw_tsv_rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="latin-1").splitlines()[1:] if line]


@pytest.mark.parametrize("edit_type", ["Maternity_Only", "Male_Only", "Principal_Manifestation", "Noncovered_Always"])
def test_table_rows_are_in_their_codes_entries(store: ReferenceStore, edit_type: str) -> None:
    info = import_file(store, FY2020)
    rows = [row for row in raw_tsv_rows(FY2020) if row[4] == edit_type]
    for _, _, section, subsection, _, code_type, code, _ in (rows[0], rows[-1]):
        key = f"pcs:{code}" if code_type == "P" else code
        data = store.entry(info, key)
        assert data is not None
        assert f"{section}{subsection.strip('_')}" in data["sections"]


def test_table_entry_gathers_every_list_of_a_code(store: ReferenceStore) -> None:
    info = import_file(store, FY2019)
    sections = {row[2] + row[3].strip("_") for row in raw_tsv_rows(FY2019) if row[6] == "O0000"}
    data = store.entry(info, "O0000")
    assert data is not None
    assert set(data["sections"]) == sections
    assert data["age"] == {"category": "maternity", "low": 12, "high": 55}
    assert data["sex"] == "female"


def test_truncated_table_is_refused(store: ReferenceStore, tmp_path: Path) -> None:
    import_file(store, FY2019)
    cut = first_half(FY2020, tmp_path / FY2020.name)
    assert_refused(store, cut, MceSimpleEditsTsv(), f"line {line_count(cut)}")


def test_table_row_with_garbage_is_refused(store: ReferenceStore, tmp_path: Path) -> None:
    import_file(store, FY2019)
    lines = FY2020.read_bytes().split(b"\n")
    lines[99] = b"\x00\xff garbage"
    corrupted = tmp_path / FY2020.name
    corrupted.write_bytes(b"\n".join(lines))
    assert_refused(store, corrupted, MceSimpleEditsTsv(), "line 100")


# The v43.1 definitions text


def text_lines() -> list[str]:
    return V43.read_text(encoding="cp1252").splitlines()


def listed_after(heading: str) -> list[str]:
    """The codes of the list under ``heading``, read independently: the code lines up to the next blank line."""
    lines = text_lines()
    start = lines.index(heading, lines.index("Chapter 1: Edit code lists")) + 1
    codes = []
    for line in lines[start:]:
        found = re.match(r"\*?([A-Z0-9]{3,7})\s*\t", line)
        if found:
            codes.append(found.group(1))
        elif codes:
            break
    return codes


def test_text_release_is_v43_1_for_april_to_september_2026(store: ReferenceStore) -> None:
    info = import_file(store, V43)
    assert (info.code_set, info.version) == (MCE, "v43.1")
    assert (info.effective_from, info.effective_to) == (date(2026, 4, 1), date(2026, 9, 30))


@pytest.mark.parametrize(
    ("heading", "edit", "section"),
    [
        ("A. Perinatal/Newborn diagnoses", "age_newborn", "4A"),
        ("C. Maternity diagnoses (age 9 through 64)", "age_maternity", "4C"),
        ("D. Adult diagnoses (age 15 through 124)", "age_adult", "4D"),
        ("Manifestation codes not allowed as principal diagnosis", "manifestation", "6"),
        ("Questionable admission codes", "questionable_admission", "8A"),
        ("Unacceptable principal diagnosis codes", "unacceptable_principal", "9"),
        ("Wrong procedure performed codes", "wrong_procedure", "18"),
    ],
)
def test_text_lists_match_the_file(store: ReferenceStore, heading: str, edit: str, section: str) -> None:
    info = import_file(store, V43)
    codes = listed_after(heading)
    assert len(codes) > 2
    for code in codes:
        data = store.entry(info, code)
        assert data is not None, code
        assert edit in data["edits"]
        assert section in data["sections"]


def test_text_ages_come_from_the_headings_and_procedures_are_keyed_apart(store: ReferenceStore) -> None:
    info = import_file(store, V43)
    maternity = store.entry(info, listed_after("C. Maternity diagnoses (age 9 through 64)")[0])
    assert maternity is not None
    assert maternity["age"] == {"category": "maternity", "low": 9, "high": 64}
    assert maternity["sex"] is None  # the sex conflict edit is deactivated in v43
    procedure = store.entry(info, "pcs:" + listed_after("1. Cesarean section procedure codes")[0])
    assert procedure is not None
    assert procedure["type"] == "procedure"
    assert procedure["edits"] == ["questionable_obstetric_admission"]
    z5189 = store.entry(info, "Z5189")
    assert z5189 is not None
    assert {"unacceptable_principal", "requires_secondary_diagnosis"} <= set(z5189["edits"])


def test_truncated_text_is_refused(store: ReferenceStore, tmp_path: Path) -> None:
    import_file(store, FY2020)
    cut = first_half(V43, tmp_path / V43.name)
    assert_refused(store, cut, MceDefinitionsText(), f"line {line_count(cut)}")


def test_text_code_under_an_unknown_heading_is_refused(store: ReferenceStore, tmp_path: Path) -> None:
    lines = V43.read_bytes().split(b"\n")
    number = lines.index(b"Questionable admission codes") + 1
    lines[number - 1] = b"H. A list revcycle has never seen"
    corrupted = tmp_path / V43.name
    corrupted.write_bytes(b"\n".join(lines))
    assert_refused(store, corrupted, MceDefinitionsText(), f"line {number + 1}")


# POA-exempt codes


def test_poa_list_matches_its_rows(store: ReferenceStore) -> None:
    info = import_file(store, POA)
    assert (info.code_set, info.version) == (POA_EXEMPT, "FY2020")
    assert (info.effective_from, info.effective_to) == (date(2019, 10, 1), date(2020, 9, 30))
    rows = [line.split("\t") for line in POA.read_text(encoding="latin-1").splitlines()[1:]]
    assert info.rows == len(rows)
    for order, code, description in (rows[0], rows[len(rows) // 2], rows[-1]):
        bare = code.replace(".", "")
        assert store.entry(info, bare) == {"code": bare, "description": description.strip('"'), "order": int(order)}


def test_truncated_poa_list_is_refused(store: ReferenceStore, tmp_path: Path) -> None:
    import_file(store, POA)
    cut = first_half(POA, tmp_path / POA.name)
    data = cut.read_bytes()
    if data.endswith(b"\n"):
        cut.write_bytes(data[:-1])
    assert_refused(store, cut, PoaExemptList(), f"line {line_count(cut)}")


def test_poa_row_with_a_bad_code_is_refused(store: ReferenceStore, tmp_path: Path) -> None:
    import_file(store, POA)
    lines = POA.read_bytes().split(b"\n")
    lines[500] = lines[500].replace(b"\t", b"\t#", 1)
    corrupted = tmp_path / POA.name
    corrupted.write_bytes(b"\n".join(lines))
    assert_refused(store, corrupted, PoaExemptList(), "line 501")
