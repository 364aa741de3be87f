from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from revcycle.errors import InputFileError
from revcycle.refdata import Entry, NoRelease, ReleaseData, in_force
from revcycle.refdata.reference import in_force_span
from revcycle.refdata.store import ReferenceStore


def release(version: str, start: date, end: date | None, entries: Iterable[Entry], sha: str = "a") -> ReleaseData:
    return ReleaseData("demo", version, start, end, f"{version}.txt", sha, entries)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path / "refdata.sqlite")
    yield opened
    opened.close()


def test_import_is_idempotent_and_lookups_are_effective_dated(store: ReferenceStore) -> None:
    older = release("2025", date(2025, 1, 1), date(2025, 12, 31), [Entry("A", {"v": "old"}, "alpha old")])
    newer = release("2026", date(2026, 1, 1), date(2026, 12, 31), [Entry("A", {"v": "new"}, "alpha new")])
    assert store.import_release(older)[1] is True
    assert store.import_release(newer)[1] is True
    assert store.import_release(newer)[1] is False
    assert store.entry(in_force(store, "demo", date(2025, 6, 1)).release, "A") == {"v": "old"}
    assert store.entry(in_force(store, "demo", date(2026, 6, 1)).release, "A") == {"v": "new"}
    later = in_force(store, "demo", date(2027, 2, 1))
    assert later.release.version == "2026"
    assert later.warning is not None
    assert "after the newest" in later.warning
    with pytest.raises(NoRelease):
        in_force(store, "demo", date(2020, 1, 1))
    with pytest.raises(NoRelease, match="no other release is loaded"):
        in_force(store, "other", date(2026, 1, 1))


def test_the_span_of_a_release_in_force_ends_where_the_choice_changes(store: ReferenceStore) -> None:
    store.import_release(release("2025", date(2025, 1, 1), date(2025, 12, 31), [Entry("A", {})]))
    store.import_release(release("2026", date(2026, 1, 1), date(2026, 6, 30), [Entry("A", {})]))
    store.import_release(release("2026b", date(2026, 3, 1), None, [Entry("A", {})]))
    assert in_force_span(store, "demo", date(2025, 6, 1)) == (date(2025, 1, 1), date(2025, 12, 31))
    assert in_force_span(store, "demo", date(2026, 2, 1)) == (date(2026, 1, 1), date(2026, 2, 28))
    assert in_force_span(store, "demo", date(2026, 4, 1)) == (date(2026, 3, 1), date(2026, 6, 30))
    assert in_force_span(store, "demo", date(2027, 4, 1)) == (date(2026, 7, 1), date.max)
    day = date(2024, 12, 1)
    while day < date(2027, 3, 1):
        first, last = in_force_span(store, "demo", max(day, date(2025, 1, 1)))
        chosen = in_force(store, "demo", max(day, date(2025, 1, 1)))
        assert in_force(store, "demo", first).release == chosen.release
        assert in_force(store, "demo", min(last, date(2027, 12, 31))).release == chosen.release
        day += timedelta(days=9)
    with pytest.raises(NoRelease):
        in_force_span(store, "demo", date(2024, 12, 31))


def test_a_failing_file_changes_nothing(store: ReferenceStore) -> None:
    store.import_release(release("2025", date(2025, 1, 1), None, [Entry("A", {"v": 1})]))

    def broken() -> Iterator[Entry]:
        yield Entry("A", {"v": 2})
        raise InputFileError("2025.txt", "line 2", "truncated")

    with pytest.raises(InputFileError, match="line 2"):
        store.import_release(release("2025", date(2025, 1, 1), None, broken(), "b"))
    only = store.releases("demo")
    assert [(info.version, info.sha256, info.rows) for info in only] == [("2025", "a", 1)]
    assert store.entry(only[0], "A") == {"v": 1}


def test_duplicate_keys_are_refused(store: ReferenceStore) -> None:
    with pytest.raises(InputFileError, match="'A' twice"):
        store.import_release(release("x", date(2025, 1, 1), None, [Entry("A", {}), Entry("A", {})]))
    assert store.releases("demo") == []


def test_search_and_prefix(store: ReferenceStore) -> None:
    stored, _ = store.import_release(
        release(
            "x",
            date(2025, 1, 1),
            None,
            [Entry("E1122", {}, "diabetes kidney disease"), Entry("I10", {}, "essential hypertension")],
        )
    )
    assert [key for key, _ in store.search(stored, "hypertension", 5)] == ["I10"]
    assert [key for key, _ in store.entries(stored, "E11")] == ["E1122"]


def test_a_replaced_release_is_not_served_from_the_cache(store: ReferenceStore) -> None:
    first, _ = store.import_release(release("x", date(2025, 1, 1), None, [Entry("A", {"v": 1})], sha="one"))
    assert store.entry(first, "A") == {"v": 1}
    second, changed = store.import_release(release("x", date(2025, 1, 1), None, [Entry("A", {"v": 2})], sha="two"))
    assert changed
    assert store.entry(second, "A") == {"v": 2}


def test_the_releases_of_one_file_are_stored_together_or_not_at_all(store: ReferenceStore) -> None:
    def broken() -> Iterator[Entry]:
        yield Entry("B", {})
        raise InputFileError("two.txt", "line 9", "cut short")

    good = release("one", date(2025, 1, 1), None, [Entry("A", {})])
    with pytest.raises(InputFileError, match="line 9"):
        store.import_releases([good, release("two", date(2025, 1, 1), None, broken())])
    assert store.releases("demo") == []
    outcome = store.import_releases([good, good])
    assert [changed for _, changed in outcome] == [True, False]
