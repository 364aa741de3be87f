"""The ICD-10-CM index importers on CDC's April 1 2026 tables and external cause index, and an index sample.

The official alphabetic index file is not in ``../shared``; a sample in the same XML shape stands in for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from revcycle.errors import InputFileError
from revcycle.refdata.importers import detect
from revcycle.refdata.importers.icd10cm_tables import (
    Icd10cmAlphabeticIndex,
    Icd10cmDrugTable,
    Icd10cmExternalCauseIndex,
    Icd10cmNeoplasmTable,
)
from revcycle.refdata.release import ReleaseInfo
from revcycle.refdata.store import ReferenceStore

ICD10CM_FILES = (Path(__file__).parents[2] / ".." / "shared" / "refdata" / "icd10cm-2026-april").resolve()
DRUGS = ICD10CM_FILES / "icd10cm-drug-April-1-2026-XML.xml"
NEOPLASMS = ICD10CM_FILES / "icd10cm-neoplasm-April-1-2026-XML.xml"
EXTERNAL_CAUSES = ICD10CM_FILES / "icd10cm-eindex-April-1-2026-XML.xml"
INDEX_SAMPLE = Path(__file__).parent / "fixtures" / "icd10cm-index-April-1-2026-sample.xml"

OFFICIAL = [
    pytest.param(DRUGS, Icd10cmDrugTable.code, "icd10cm_drugs", 7430, id="drugs"),
    pytest.param(NEOPLASMS, Icd10cmNeoplasmTable.code, "icd10cm_neoplasms", 1940, id="neoplasms"),
    pytest.param(EXTERNAL_CAUSES, Icd10cmExternalCauseIndex.code, "icd10cm_external_cause_index", 8090, id="ecause"),
]


def official(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"the official ICD-10-CM file is not at {path}")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path / "refdata.sqlite")
    yield opened
    opened.close()


def import_file(store: ReferenceStore, path: Path) -> tuple[ReleaseInfo, bool]:
    """Import through detection, as `revcycle refdata import` does; the file holds one release."""
    (release,) = detect(path).read(path)
    return store.import_release(release)


def entry(store: ReferenceStore, release: ReleaseInfo, key: str) -> dict[str, object]:
    data = store.entry(release, key)
    assert data is not None, key
    return data


# The official files


@pytest.mark.parametrize(("path", "importer", "code_set", "rows"), OFFICIAL)
def test_each_official_file_is_recognised_and_imports_once(
    store: ReferenceStore, path: Path, importer: str, code_set: str, rows: int
) -> None:
    assert detect(official(path)).code == importer
    release, changed = import_file(store, path)
    assert changed is True
    assert (release.code_set, release.version, release.rows) == (code_set, "2026-04", rows)
    assert (release.effective_from, release.effective_to) == (date(2026, 4, 1), date(2026, 9, 30))
    again, changed_again = import_file(store, path)
    assert (again, changed_again) == (release, False)
    assert store.releases() == [release]


@pytest.mark.parametrize(("path", "importer", "code_set", "rows"), OFFICIAL)
def test_a_truncated_copy_is_refused_naming_a_line_and_changes_nothing(
    store: ReferenceStore, tmp_path: Path, path: Path, importer: str, code_set: str, rows: int
) -> None:
    import_file(store, official(path))
    before = store.releases()
    data = path.read_bytes()
    truncated = tmp_path / path.name
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match="not well-formed XML") as refused:
        import_file(store, truncated)
    assert refused.value.location == f"line {data[: len(data) // 2].count(b'\n') + 1}"
    assert store.releases() == before


@pytest.mark.parametrize(("path", "importer", "code_set", "rows"), OFFICIAL)
def test_a_corrupted_copy_is_refused_naming_the_line_and_changes_nothing(
    store: ReferenceStore, tmp_path: Path, path: Path, importer: str, code_set: str, rows: int
) -> None:
    import_file(store, official(path))
    before = store.releases()
    data = path.read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 1
    corrupted = tmp_path / path.name
    corrupted.write_bytes(data[:cut] + b"\x00\xff<<garbage>>\n" + data[cut:])
    with pytest.raises(InputFileError, match="not well-formed XML") as refused:
        import_file(store, corrupted)
    assert refused.value.location == f"line {data[:cut].count(b'\n') + 1}"
    assert store.releases() == before


def test_the_drug_table_gives_codes_by_column(store: ReferenceStore) -> None:
    release, _ = import_file(store, official(DRUGS))
    propanol = entry(store, release, "1-propanol")
    assert propanol["codes"] == {
        "poisoning_accidental": "T51.3X1",
        "poisoning_intentional": "T51.3X2",
        "poisoning_assault": "T51.3X3",
        "poisoning_undetermined": "T51.3X4",
        "adverse_effect": None,
        "underdosing": None,
    }
    # The table lists some substances twice (under "#" and under their letter): the second gets "#2".
    assert entry(store, release, "1-propanol #2")["path"] == "1-Propanol"
    dichlorophen = entry(store, release, "2,4-d")
    assert dichlorophen["modifiers"] == [["(dichlorophen-oxyacetic acid)"]]
    # Nonessential modifiers are searchable words too.
    assert "2,4-d" in [key for key, _ in store.search(release, '"dichlorophen" AND "oxyacetic"', 5)]


def test_the_neoplasm_table_gives_codes_by_behaviour(store: ReferenceStore) -> None:
    release, _ = import_file(store, official(NEOPLASMS))
    cavity = entry(store, release, "neoplasm, neoplastic > abdomen, abdominal > cavity")
    assert cavity["terms"] == ["Neoplasm, neoplastic", "abdomen, abdominal", "cavity"]
    assert cavity["level"] == 2
    assert cavity["codes"] == {
        "malignant_primary": "C76.2",
        "malignant_secondary": "C79.8-",
        "ca_in_situ": "D09.8",
        "benign": "D36.7",
        "uncertain_behavior": "D48.7",
        "unspecified_behavior": "D49.89",
    }
    wall = entry(store, release, "neoplasm, neoplastic > abdomen, abdominal > wall")
    assert wall["see_also"] == "Neoplasm, abdomen, wall, skin"


def test_the_external_cause_index_gives_codes_and_references(store: ReferenceStore) -> None:
    release, _ = import_file(store, official(EXTERNAL_CAUSES))
    powered = entry(store, release, "accident > boat, boating > striking swimmer > powered")
    assert (powered["code"], powered["path"]) == ("V94.11", "Accident > boat, boating > striking swimmer > powered")
    assert powered["modifiers"] == [["(to)"], [], [], []]
    bus = entry(store, release, "accident > bus")
    assert (bus["code"], bus["see"]) == (None, "Accident, transport, bus occupant")
    # Nonessential modifiers stay out of the term; "NEC" after them is part of it.
    abandonment = entry(store, release, "abandonment nec")
    assert abandonment["terms"] == ["Abandonment NEC"]


# The alphabetic index, on a sample


def test_the_alphabetic_index_sample_imports(store: ReferenceStore) -> None:
    assert detect(INDEX_SAMPLE).code == Icd10cmAlphabeticIndex.code
    release, changed = import_file(store, INDEX_SAMPLE)
    assert (release.code_set, release.version, release.rows, changed) == ("icd10cm_index", "2026-04", 10, True)
    ckd = entry(store, release, "diabetes, diabetic > with > chronic kidney disease")
    assert ckd["code"] == "E11.22"
    assert ckd["modifiers"] == [["(mellitus) (sugar)"], [], []]
    amyloid = entry(store, release, "amyloid heart")
    assert (amyloid["code"], amyloid["manifestation"]) == ("E85.4", "I43")
    assert entry(store, release, "abandonment")["see"] == "Maltreatment"
    assert entry(store, release, "diabetes, diabetic > type 2")["see_also"] == "Diabetes, by type"
    assert entry(store, release, "hypertension, hypertensive #2")["see_also"] == "Hypertension, by type"
    assert [key for key, _ in store.search(release, '"diabetes" AND "kidney" AND "chronic"', 5)] == [
        "diabetes, diabetic > with > chronic kidney disease"
    ]
    assert import_file(store, INDEX_SAMPLE)[1] is False


def test_an_index_element_the_format_does_not_have_is_refused(tmp_path: Path) -> None:
    text = INDEX_SAMPLE.read_text(encoding="utf-8").replace("<manif>I43</manif>", "<color>red</color>")
    changed = tmp_path / INDEX_SAMPLE.name
    changed.write_text(text, encoding="utf-8")
    (release,) = detect(changed).read(changed)
    with pytest.raises(InputFileError, match="<color> in a term") as refused:
        list(release.entries)
    assert refused.value.location == "line 18"


def test_a_cell_in_an_index_without_columns_is_refused(tmp_path: Path) -> None:
    text = INDEX_SAMPLE.read_text(encoding="utf-8").replace("<code>Q87.19</code>", '<cell col="2">Q87.19</cell>')
    changed = tmp_path / INDEX_SAMPLE.name
    changed.write_text(text, encoding="utf-8")
    (release,) = detect(changed).read(changed)
    with pytest.raises(InputFileError, match="no table columns"):
        list(release.entries)


def test_an_unknown_index_title_is_not_claimed(tmp_path: Path) -> None:
    text = INDEX_SAMPLE.read_text(encoding="utf-8").replace("INDEX TO DISEASES and INJURIES", "SOMETHING ELSE")
    other = tmp_path / "other.xml"
    other.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError, match="not a reference file"):
        detect(other)
