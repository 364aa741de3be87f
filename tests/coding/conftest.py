"""The reference store coding tests read: the ICD-10-CM that ships with revcycle, imported once per session."""

from __future__ import annotations

import pytest

from revcycle.coding.coder import Coder
from revcycle.refdata.store import ReferenceStore


@pytest.fixture(scope="session")
def icd_store(tmp_path_factory: pytest.TempPathFactory) -> ReferenceStore:
    """A reference store holding the bundled ICD-10-CM (April 2026 release, effective 2026-04-01)."""
    from revcycle.services.refdata import import_bundled

    store = ReferenceStore(tmp_path_factory.mktemp("coding-refdata") / "refdata.sqlite")
    import_bundled(store, only=("BUNDLED_ICD10CM",))
    return store


@pytest.fixture(scope="session")
def coder(icd_store: ReferenceStore) -> Coder:
    """One coder for the session, embeddings off (the embedding stage has its own tests)."""
    return Coder.load(icd_store, embeddings=False)
