"""The process keeps one scrubber per store and configuration, and makes a new one once the store's tables change."""

from __future__ import annotations

from pathlib import Path

from revcycle.edits.config import ScrubConfig
from revcycle.refdata.store import ReferenceStore
from revcycle.services.refdata import import_bundled
from revcycle.services.scrub import scrubber_for


def test_a_warm_scrubber_is_kept_until_the_store_imports_a_release(tmp_path: Path) -> None:
    store = ReferenceStore(tmp_path / "reference.sqlite")
    config = ScrubConfig()
    first = scrubber_for(store, config)
    assert scrubber_for(store, config) is first
    import_bundled(store, only=("BUNDLED_CPT",))
    after_import = scrubber_for(store, config)
    assert after_import is not first  # its memoised answers came from the tables the import may have replaced
    assert after_import.reference is not first.reference
    assert scrubber_for(store, config) is after_import
