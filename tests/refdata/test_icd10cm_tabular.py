"""The ICD-10-CM tabular importer on CDC's April 1 2026 tabular XML, and on small files shaped like it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from revcycle.errors import InputFileError
from revcycle.refdata.importers import detect
from revcycle.refdata.importers.icd10cm_tabular import Icd10cmTabular, read_tabular, release_period
from revcycle.refdata.release import ReleaseInfo
from revcycle.refdata.store import ReferenceStore

ICD10CM_FILES = (Path(__file__).parents[2] / ".." / "shared" / "refdata" / "icd10cm-2026-april").resolve()
TABULAR = ICD10CM_FILES / "icd10c-tabular-April-1-2026.xml"

needs_tabular = pytest.mark.skipif(
    not TABULAR.exists(), reason=f"the official ICD-10-CM tabular XML is not at {TABULAR}"
)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ReferenceStore, ReleaseInfo]]:
    """A store holding the full tabular list, imported once for the module (it takes a few seconds)."""
    if not TABULAR.exists():
        pytest.skip(f"the official ICD-10-CM tabular XML is not at {TABULAR}")
    store = ReferenceStore(tmp_path_factory.mktemp("tabular") / "refdata.sqlite")
    release, _ = store.import_release(read_tabular(TABULAR))
    yield store, release
    store.close()


def truncated_copy(source: Path, folder: Path) -> Path:
    """The first half of the file's bytes, under the same name."""
    data = source.read_bytes()
    target = folder / source.name
    target.write_bytes(data[: len(data) // 2])
    return target


def corrupted_copy(source: Path, folder: Path) -> tuple[Path, int]:
    """The file with garbage bytes injected at the start of a line mid-file, and that line's number."""
    data = source.read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 1
    target = folder / source.name
    target.write_bytes(data[:cut] + b"\x00\xff<<garbage>>\n" + data[cut:])
    return target, data[:cut].count(b"\n") + 1


SMALL_TABULAR = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2026</version>
  <chapter>
    <name>4</name>
    <desc>Endocrine, nutritional and metabolic diseases (E00-E89)</desc>
    <section id="E08-E13">
      <desc>Diabetes mellitus (E08-E13)</desc>
      <diag>
        <name>E11</name>
        <desc>Type 2 diabetes mellitus</desc>
        {inner}
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"""


def small_tabular(folder: Path, inner: str, name: str = "icd10cm-tabular-2026.xml") -> Path:
    path = folder / name
    path.write_text(SMALL_TABULAR.replace("{inner}", inner), encoding="utf-8")
    return path


# The official file


@needs_tabular
def test_the_tabular_xml_is_recognised_by_content() -> None:
    assert detect(TABULAR).code == Icd10cmTabular.code


def test_the_release_is_the_april_2026_update(imported: tuple[ReferenceStore, ReleaseInfo]) -> None:
    _, release = imported
    assert (release.code_set, release.version) == ("icd10cm", "2026-04")
    assert (release.effective_from, release.effective_to) == (date(2026, 4, 1), date(2026, 9, 30))
    # 46,881 diag elements, 297 sections and 22 chapters.
    assert release.rows == 46_881 + 297 + 22


def test_a_billable_code_keeps_its_own_notes_and_its_ancestors(imported: tuple[ReferenceStore, ReleaseInfo]) -> None:
    store, release = imported
    data = store.entry(release, "E1122")
    assert data is not None
    assert data["code"] == "E11.22"
    assert data["description"] == "Type 2 diabetes mellitus with diabetic chronic kidney disease"
    assert (data["kind"], data["billable"], data["requires_seventh"], data["parent"]) == ("code", True, False, "E112")
    assert data["use_additional_code"] == ["code to identify stage of chronic kidney disease (N18.1-N18.6)"]
    assert data["inherited"] == ["chapter:4", "section:E08-E13", "E11", "E112"]
    assert (data["chapter"], data["chapter_description"]) == (
        "4",
        "Endocrine, nutritional and metabolic diseases (E00-E89)",
    )


def test_categories_and_subcategories_are_not_billable(imported: tuple[ReferenceStore, ReleaseInfo]) -> None:
    store, release = imported
    subcategory = store.entry(release, "E112")
    category = store.entry(release, "E11")
    assert subcategory is not None
    assert category is not None
    assert (subcategory["kind"], subcategory["billable"]) == ("subcategory", False)
    assert (category["kind"], category["billable"], category["parent"]) == ("category", False, None)
    assert "type 1 diabetes mellitus (E10.-)" in category["excludes1"]
    assert "diabetes NOS" in category["includes"]
    hypertension = store.entry(release, "I10")
    assert hypertension is not None
    assert (hypertension["kind"], hypertension["billable"]) == ("category", True)


def test_seventh_characters_are_defined_where_the_file_defines_them(
    imported: tuple[ReferenceStore, ReleaseInfo],
) -> None:
    store, release = imported
    category = store.entry(release, "S52")
    leaf = store.entry(release, "S52521")
    assert category is not None
    assert leaf is not None
    assert category["seven_chr_def"]["A"] == "initial encounter for closed fracture"
    assert category["seven_chr_def_notes"] == {"B": ["initial encounter for open fracture NOS"]}
    assert "7th character is to be added to all codes from category S52" in category["seven_chr_note"]
    assert "seven_chr_def" not in leaf
    # A leaf that needs a 7th character is not billable as listed.
    assert (leaf["kind"], leaf["leaf"], leaf["requires_seventh"], leaf["billable"]) == ("code", True, True, False)
    # A real 7-character code (not a 7th-character extension) is complete as listed.
    listed_seven = store.entry(release, "H540X33")
    assert listed_seven is not None
    assert (listed_seven["requires_seventh"], listed_seven["billable"]) == (False, True)


def test_chapters_and_sections_keep_their_notes_without_being_searchable(
    imported: tuple[ReferenceStore, ReleaseInfo],
) -> None:
    store, release = imported
    chapter = store.entry(release, "chapter:1")
    section = store.entry(release, "section:E08-E13")
    assert chapter is not None
    assert section is not None
    assert chapter["use_additional_code"] == ["code to identify resistance to antimicrobial drugs (Z16.-)"]
    assert (section["kind"], section["code"], section["inherited"]) == ("section", "E08-E13", ["chapter:4"])
    found = [key for key, _ in store.search(release, '"diabetes" AND "kidney"', 50)]
    assert "E1122" in found
    assert not [key for key in found if ":" in key]


def test_inclusion_terms_are_searchable(imported: tuple[ReferenceStore, ReleaseInfo]) -> None:
    store, release = imported
    assert "A0102" in [key for key, _ in store.search(release, '"typhoid" AND "endocarditis"', 5)]


def test_importing_the_same_file_again_changes_nothing(imported: tuple[ReferenceStore, ReleaseInfo]) -> None:
    store, release = imported
    stored, changed = store.import_release(read_tabular(TABULAR))
    assert changed is False
    assert stored == release
    assert store.releases() == [release]


def test_a_truncated_file_is_refused_naming_a_line_and_changes_nothing(
    imported: tuple[ReferenceStore, ReleaseInfo], tmp_path: Path
) -> None:
    store, _ = imported
    before = store.releases()
    truncated = truncated_copy(TABULAR, tmp_path)
    assert detect(truncated).code == Icd10cmTabular.code
    last_line = truncated.read_bytes().count(b"\n") + 1
    with pytest.raises(InputFileError, match="not well-formed XML") as refused:
        store.import_release(read_tabular(truncated))
    assert refused.value.location == f"line {last_line}"
    assert store.releases() == before


def test_a_corrupted_file_is_refused_naming_the_line_and_changes_nothing(
    imported: tuple[ReferenceStore, ReleaseInfo], tmp_path: Path
) -> None:
    store, _ = imported
    before = store.releases()
    corrupted, line = corrupted_copy(TABULAR, tmp_path)
    with pytest.raises(InputFileError, match="not well-formed XML") as refused:
        store.import_release(read_tabular(corrupted))
    assert refused.value.location == f"line {line}"
    assert store.releases() == before
    assert store.entry(before[0], "E1122") is not None


# Small files shaped like it


def test_a_small_tabular_file_imports_with_the_october_period(tmp_path: Path) -> None:
    path = small_tabular(
        tmp_path, "<diag><name>E11.9</name><desc>Type 2 diabetes mellitus without complications</desc></diag>"
    )
    release = read_tabular(path)
    entries = {entry.key: entry for entry in release.entries}
    assert (release.version, release.effective_from, release.effective_to) == (
        "2025-10",
        date(2025, 10, 1),
        date(2026, 3, 31),
    )
    assert sorted(entries) == ["E11", "E119", "chapter:4", "section:E08-E13"]
    assert entries["E119"].data["billable"] is True
    assert entries["E119"].search_text == "Type 2 diabetes mellitus without complications"


@pytest.mark.parametrize(
    ("inner", "line", "reason"),
    [
        ("<diag><desc>No name</desc></diag>", 12, "has no name"),
        ("<diag><name>E11.9</name><desc>x</desc><unknownNote/></diag>", 12, "not part of the ICD-10-CM tabular"),
        ("<diag><name>e11.9</name><desc>x</desc></diag>", 12, "is not an ICD-10-CM code"),
        # The unclosed diag is found where the section closes instead.
        ("<diag><name>E11.9</name><desc>x</desc>", 14, "not well-formed XML"),
    ],
)
def test_a_file_that_breaks_the_format_is_refused_at_its_line(
    tmp_path: Path, inner: str, line: int, reason: str
) -> None:
    release = read_tabular(small_tabular(tmp_path, inner))
    with pytest.raises(InputFileError, match=reason) as refused:
        list(release.entries)
    assert refused.value.location == f"line {line}"


def test_another_root_element_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<?xml version='1.0'?>\n<other><version>2026</version></other>\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"root element is <other>"):
        list(read_tabular(path).entries)


def test_a_file_without_a_fiscal_year_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tabular.xml"
    path.write_text("<ICD10CM.tabular></ICD10CM.tabular>\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="fiscal year"):
        read_tabular(path)


@pytest.mark.parametrize(
    ("year", "name", "expected"),
    [
        (2026, "icd10c-tabular-April-1-2026.xml", ("2026-04", date(2026, 4, 1), date(2026, 9, 30))),
        (2026, "icd10cm-tabular-2026.xml", ("2025-10", date(2025, 10, 1), date(2026, 3, 31))),
        (2025, "icd10cm_tabular_apr_2025.xml", ("2025-04", date(2025, 4, 1), date(2025, 9, 30))),
        # April of another year than the file's fiscal year is not this file's release: the name is wrong.
        (2027, "icd10cm-tabular-April-1-2026.xml", ("2026-10", date(2026, 10, 1), date(2027, 3, 31))),
        (2026, "aprilia-tabular-2026.xml", ("2025-10", date(2025, 10, 1), date(2026, 3, 31))),
    ],
)
def test_the_release_period_comes_from_the_fiscal_year_and_an_april_name(
    year: int, name: str, expected: tuple[str, date, date]
) -> None:
    period = release_period(year, name)
    assert (period.version, period.effective_from, period.effective_to) == expected
