"""The reference store: every release of every code set in one SQLite file, apart from the operational database.

Entries are JSON keyed by (release, key) in a clustered table, so a cold lookup is one index seek; the process keeps
what it has looked up, so a warm lookup is a dictionary hit. Text search uses an FTS5 table per release over its
entries' search phrases. Imports are one transaction each: a bad or truncated file leaves the store as it was.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from revcycle.errors import InputFileError
from revcycle.refdata.release import ReleaseData, ReleaseInfo

SCHEMA = """
CREATE TABLE IF NOT EXISTS releases (
    id INTEGER PRIMARY KEY,
    code_set TEXT NOT NULL,
    version TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to TEXT,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rows INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (code_set, version)
);
CREATE TABLE IF NOT EXISTS entries (
    release_id INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (release_id, key)
) WITHOUT ROWID;
"""
# Each release's search phrases get a full-text table of their own (one row per phrase), so a search reads only
# the posting lists of the release in force, however many other releases and code sets the store holds.
SEARCH_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5 "
    "(text, key UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')"
)

_RELEASE_COLUMNS = "id, code_set, version, effective_from, effective_to, source, sha256, rows, imported_at"


def _search_table(release_id: int | None) -> str:
    """The name of a release's full-text table."""
    return f"search_{int(release_id or 0)}"


def _release(row: tuple[Any, ...]) -> ReleaseInfo:
    return ReleaseInfo(
        id=row[0],
        code_set=row[1],
        version=row[2],
        effective_from=date.fromisoformat(row[3]),
        effective_to=date.fromisoformat(row[4]) if row[4] else None,
        source=row[5],
        sha256=row[6],
        rows=row[7],
        imported_at=row[8],
    )


class ReferenceStore:
    """The SQLite file of reference data, with a per-process cache of what has been read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._connection.execute("PRAGMA foreign_keys = ON")
        self._connection.execute("PRAGMA journal_mode = WAL")
        self._connection.executescript(SCHEMA)
        self._releases: dict[str, list[ReleaseInfo]] | None = None
        self._entries: dict[tuple[int, str], dict[str, Any] | None] = {}
        self._derived: dict[tuple[Any, ...], Any] = {}
        # Counts this object's imports: what others keep from its answers (the scrubber's memos) is good while it
        # is unchanged.
        self.imports = 0

    def close(self) -> None:
        """Close the file."""
        self._connection.close()

    def derived[T](self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """``make()``, computed once per ``key`` until the next import (for answers drawn from the releases)."""
        try:
            found: T = self._derived[key]
            return found
        except KeyError:
            value = self._derived[key] = make()
            return value

    # Releases

    def releases(self, code_set: str | None = None) -> list[ReleaseInfo]:
        """The stored releases (of one set), oldest first."""
        if self._releases is None:
            rows = self._connection.execute(
                f"SELECT {_RELEASE_COLUMNS} FROM releases ORDER BY code_set, effective_from, id"
            ).fetchall()
            by_set: dict[str, list[ReleaseInfo]] = {}
            for row in rows:
                release = _release(row)
                by_set.setdefault(release.code_set, []).append(release)
            self._releases = by_set
        if code_set is None:
            return [release for releases in self._releases.values() for release in releases]
        return list(self._releases.get(code_set, []))

    def import_release(self, release: ReleaseData) -> tuple[ReleaseInfo, bool]:
        """Store a release in one transaction; the stored release and whether anything changed.

        The same file again (same set, version and digest) changes nothing. A different file under a version
        already stored replaces it (a corrected release), all at once.

        Raises:
            InputFileError: from reading the entries, or for a key that appears twice; nothing is stored.
        """
        return self.import_releases([release])[0]

    def import_releases(self, releases: Iterable[ReleaseData]) -> list[tuple[ReleaseInfo, bool]]:
        """Store every release one file holds in ONE transaction: if any of them is bad, none is stored.

        Raises:
            InputFileError: from reading any release's entries; nothing is stored.
        """
        connection = self._connection
        unchanged: dict[int, ReleaseInfo] = {}
        order: list[tuple[str, int | None]] = []
        connection.execute("BEGIN IMMEDIATE")
        try:
            for release in releases:
                same = next(
                    (
                        existing
                        for existing in self.releases(release.code_set)
                        if existing.version == release.version and existing.sha256 == release.sha256
                    ),
                    None,
                )
                if same is not None:
                    unchanged[same.id] = same
                    order.append(("same", same.id))
                    continue
                release_id = self._write_release(release)
                self._releases = None  # the next release of this file sees this one (the same file twice is one)
                order.append(("new", release_id))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        finally:
            self._releases = None
            # A replaced release may reuse its row id: nothing cached may outlive an import.
            self._entries.clear()
            self._derived.clear()
            self.imports += 1
        stored = {info.id: info for info in self.releases()}
        return [(unchanged[key], False) if kind == "same" else (stored[key], True) for kind, key in order if key]

    def _write_release(self, release: ReleaseData) -> int | None:
        """Replace the stored release of the same set and version (if any) with ``release``, inside a transaction."""
        connection = self._connection
        for (replaced,) in connection.execute(
            "SELECT id FROM releases WHERE code_set = ? AND version = ?", (release.code_set, release.version)
        ).fetchall():
            connection.execute(f"DROP TABLE IF EXISTS {_search_table(replaced)}")
        connection.execute(
            "DELETE FROM releases WHERE code_set = ? AND version = ?", (release.code_set, release.version)
        )
        cursor = connection.execute(
            "INSERT INTO releases (code_set, version, effective_from, effective_to, source, sha256, rows, "
            "imported_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
            (
                release.code_set,
                release.version,
                release.effective_from.isoformat(),
                release.effective_to.isoformat() if release.effective_to else None,
                release.source,
                release.sha256,
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )
        release_id = cursor.lastrowid
        rows = self._insert_entries(release_id, release)
        connection.execute("UPDATE releases SET rows = ? WHERE id = ?", (rows, release_id))
        return release_id

    def _insert_entries(self, release_id: int | None, release: ReleaseData) -> int:
        rows = 0
        batch: list[tuple[Any, ...]] = []
        searchable: list[tuple[Any, ...]] = []

        def flush() -> None:
            # In a savepoint, so that on a duplicate key the rows of this batch are undone before looking for it.
            self._connection.execute("SAVEPOINT batch")
            try:
                self._connection.executemany("INSERT INTO entries VALUES (?, ?, ?)", batch)
            except sqlite3.IntegrityError:
                self._connection.execute("ROLLBACK TO batch")
                keys = [row[1] for row in batch]
                duplicate = next(key for key in keys if keys.count(key) > 1 or self._stored(release_id, key))
                raise InputFileError(release.source, "", f"holds the key {duplicate!r} twice") from None
            self._connection.execute("RELEASE batch")
            if searchable:
                table = _search_table(release_id)
                self._connection.execute(SEARCH_TABLE.format(table=table))
                self._connection.executemany(f"INSERT INTO {table} (text, key) VALUES (?, ?)", searchable)
            batch.clear()
            searchable.clear()

        for entry in release.entries:
            batch.append((release_id, entry.key, json.dumps(entry.data, separators=(",", ":"))))
            if entry.search_text:
                # One row per phrase (a description, an inclusion term): ranking then favours the entry with a
                # short phrase that says just what was asked over one that mentions it among many words.
                searchable += [(phrase, entry.key) for phrase in entry.search_text.split("\n") if phrase]
            rows += 1
            if len(batch) >= 5000:
                flush()
        flush()
        return rows

    def _stored(self, release_id: int | None, key: str) -> bool:
        return (
            self._connection.execute(
                "SELECT 1 FROM entries WHERE release_id = ? AND key = ?", (release_id, key)
            ).fetchone()
            is not None
        )

    # Entries

    def entry(self, release: ReleaseInfo, key: str) -> dict[str, Any] | None:
        """The data of ``key`` in ``release``, or None; cached for the life of the process."""
        cache_key = (release.id, key)
        try:
            return self._entries[cache_key]
        except KeyError:
            pass
        row = self._connection.execute(
            "SELECT data FROM entries WHERE release_id = ? AND key = ?", (release.id, key)
        ).fetchone()
        data: dict[str, Any] | None = json.loads(row[0]) if row else None
        self._entries[cache_key] = data
        return data

    def entries(self, release: ReleaseInfo, prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
        """Every (key, data) of ``release`` whose key starts with ``prefix``, in key order."""
        cursor = self._connection.execute(
            "SELECT key, data FROM entries WHERE release_id = ? AND key >= ? AND key < ? ORDER BY key",
            (release.id, prefix, prefix + "\uffff"),
        )
        for key, data in cursor:
            yield key, json.loads(data)

    def keys(self, release: ReleaseInfo, prefix: str) -> list[str]:
        """Every key of ``release`` that starts with ``prefix``, in key order, without reading the data."""
        cursor = self._connection.execute(
            "SELECT key FROM entries WHERE release_id = ? AND key >= ? AND key < ? ORDER BY key",
            (release.id, prefix, prefix + "\uffff"),
        )
        return [key for (key,) in cursor]

    def search(self, release: ReleaseInfo, match: str, limit: int) -> list[tuple[str, float]]:
        """Keys of ``release`` whose search text matches the FTS5 expression ``match``, best first, with scores.

        A key with several matching phrases counts once, with its best phrase's score. A release without search
        text finds nothing.
        """
        table = _search_table(release.id)
        try:
            rows = self._connection.execute(
                f"SELECT key, max(score) AS best FROM (SELECT key, -bm25({table}) AS score FROM {table} "
                f"WHERE {table} MATCH ? ORDER BY bm25({table}) LIMIT ?) GROUP BY key ORDER BY best DESC LIMIT ?",
                (match, limit * 4, limit),
            ).fetchall()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                return []
            raise
        return [(key, score) for key, score in rows]
