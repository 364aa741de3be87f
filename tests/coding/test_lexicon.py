"""The lexicon: terms from the tabular list, the index files when loaded, the synonym table; its disk cache."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from revcycle.coding.document import read_note
from revcycle.coding.lexicon import build_lexicon, index_releases, load_lexicon
from revcycle.coding.mentions import find_mentions
from revcycle.refdata.reference import in_force
from revcycle.refdata.sets import ICD10CM
from revcycle.refdata.store import ReferenceStore
from revcycle.services.refdata import import_bundled, import_reference_file
from tests.shared_files import shared_file

DAY = date(2026, 6, 1)
INDEX_SAMPLE = Path(__file__).parent.parent / "refdata" / "fixtures" / "icd10cm-index-April-1-2026-sample.xml"


@pytest.fixture(scope="module")
def indexed_store(tmp_path_factory: pytest.TempPathFactory) -> ReferenceStore:
    store = ReferenceStore(tmp_path_factory.mktemp("indexed") / "refdata.sqlite")
    import_bundled(store, only=("BUNDLED_ICD10CM",))
    import_reference_file(store, INDEX_SAMPLE)
    return store


def codes(store: ReferenceStore, text: str) -> list[str]:
    lexicon = load_lexicon(store, DAY, cache=False)
    return [lexicon.codes[mention.key].code for mention in find_mentions(lexicon, read_note(text))]


def test_index_paths_become_terms(indexed_store: ReferenceStore) -> None:
    release = in_force(indexed_store, ICD10CM, DAY).release
    lexicon = build_lexicon(indexed_store, release, index_releases(indexed_store, DAY))
    index_terms = {(term.text, term.key) for term in lexicon.terms if term.source == "index"}
    assert ("Diabetes with chronic kidney disease", "E1122") in index_terms


def test_a_lexicon_without_the_index_has_no_index_terms(icd_store: ReferenceStore) -> None:
    lexicon = load_lexicon(icd_store, DAY, cache=False)
    assert not [term for term in lexicon.terms if term.source == "index"]


def test_the_neoplasm_and_drug_tables_lead_to_their_columns(tmp_path: Path) -> None:
    store = ReferenceStore(tmp_path / "refdata.sqlite")
    import_bundled(store, only=("BUNDLED_ICD10CM",))
    import_reference_file(store, shared_file("refdata/icd10cm-2026-april/icd10cm-neoplasm-April-1-2026-XML.xml"))
    import_reference_file(store, shared_file("refdata/icd10cm-2026-april/icd10cm-drug-April-1-2026-XML.xml"))
    assert "T36.0X5" in codes(store, "Rash, adverse effect of amoxicillin.")
    assert "C78.7" in codes(store, "Secondary malignant neoplasm of the liver.")


def test_the_cache_is_keyed_by_the_sources(indexed_store: ReferenceStore, icd_store: ReferenceStore) -> None:
    from revcycle.coding.lexicon import _cache_path, _synonym_table

    release = in_force(icd_store, ICD10CM, DAY).release
    _, table = _synonym_table()
    plain = _cache_path(release, table)
    indexed = _cache_path(release, table, index_releases(indexed_store, DAY))
    assert plain != indexed


def test_the_cache_round_trips(icd_store: ReferenceStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    from revcycle.coding import lexicon as module

    release = in_force(icd_store, ICD10CM, DAY).release
    first = module._load(icd_store, release, (), cache=True)
    assert list(tmp_path.rglob("lexicon-*.pickle"))
    second = module._load(icd_store, release, (), cache=True)
    assert len(second.terms) == len(first.terms)


def test_an_organisations_synonyms_extend_without_changing_the_base(icd_store: ReferenceStore) -> None:
    base = load_lexicon(icd_store, DAY, cache=False)
    extended = base.extended([("sugar problem", "E11.9"), ("right", "E11.9"), ("nonsense", "Q99.99")])
    assert len(extended.terms) == len(base.terms) + 1
    assert extended.terms[-1].source == "organisation"
    note = read_note("Assessment: sugar problem")
    assert [extended.codes[mention.key].code for mention in find_mentions(extended, note)] == ["E11.9"]
    assert find_mentions(base, note) == []
