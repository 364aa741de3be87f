"""The base of the repositories: add a record idempotently, get it back, list and count.

A repository reads and writes inside the unit of work's transaction and never commits: the service layer decides
when a business operation is complete.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Connection, Row, Table, func, select
from sqlalchemy.exc import IntegrityError

from revcycle.domain import Address, PersonName, Source
from revcycle.errors import Conflict, InvalidRecord, NotFound
from revcycle.store import tables

# Bound parameters per IN (...) list: far below SQLite's limit of 32,766 and PostgreSQL's 65,535.
BATCH = 500


class HasId(Protocol):
    """A record that has an identifier."""

    @property
    def id(self) -> str:
        """The record's identifier."""
        ...


# The record a field ending in these names refers to, by table.
_REFERENCED_TABLES = {
    "patient_id": tables.patients,
    "payer_id": tables.payers,
    "coverage_id": tables.coverages,
    "encounter_id": tables.encounters,
    "claim_id": tables.claims,
    "remittance_id": tables.remittances,
    "provider_id": tables.providers,
}


def referenced_table(field: str) -> Table | None:
    """The table a field such as ``rendering_provider_id`` refers to, or None for a field that is no reference."""
    for suffix, table in _REFERENCED_TABLES.items():
        if field == suffix or field.endswith("_" + suffix):
            return table
    return None


class Repository[R: HasId](ABC):
    """Stores one kind of record (with its parts) in the unit of work's connection."""

    record_name: str
    table: Table

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, record: R) -> bool:
        """Store ``record``; True when it is new, False when the same record is already stored.

        Raises:
            Conflict: a different record is stored under the same id.
            InvalidRecord: the record refers to a record that is not stored.
        """
        return self.add_many([record])[0]

    def add_many(self, records: Sequence[R]) -> list[bool]:
        """Store ``records`` with a few statements per batch; for each, whether it was new.

        The same record again is skipped (idempotent); a different record under a stored id is a conflict.

        Raises:
            Conflict: a different record is stored (or listed earlier) under the same id.
            InvalidRecord: a record refers to a record that is not stored.
        """
        outcome: list[bool] = []
        for start in range(0, len(records), BATCH):
            chunk = records[start : start + BATCH]
            stored: dict[str, R] = self.load([record.id for record in chunk])
            new: list[R] = []
            for record in chunk:
                existing = stored.get(record.id)
                if existing is not None and existing != record:
                    raise Conflict(self.record_name, record.id)
                outcome.append(existing is None)
                if existing is None:
                    stored[record.id] = record
                    new.append(record)
            self._check_references(new)
            try:
                self._insert_many(new)
            except IntegrityError as error:
                # A constraint the checks above do not cover, such as a clinical note id already used elsewhere.
                # The database's message names the offending key; the id is that of the first record of the batch.
                raise Conflict(self.record_name, new[0].id, f"cannot be stored: {error.orig}") from None
        return outcome

    def find(self, record_id: str) -> R | None:
        """The record with ``record_id``, or None."""
        return self.load([record_id]).get(record_id)

    def get(self, record_id: str) -> R:
        """The record with ``record_id``.

        Raises:
            NotFound: no such record.
        """
        record = self.find(record_id)
        if record is None:
            raise NotFound(self.record_name, record_id)
        return record

    def ids(self) -> list[str]:
        """Every stored id, in order."""
        return list(self.connection.scalars(select(self.table.c.id).order_by(self.table.c.id)))

    def all(self) -> Iterator[R]:
        """Every stored record, in id order, loaded in batches."""
        ids = self.ids()
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            loaded = self.load(chunk)
            yield from (loaded[record_id] for record_id in chunk)

    def where(self, condition: ColumnElement[bool], *order: ColumnElement[Any]) -> list[R]:
        """The records whose main row meets ``condition``, in ``order``."""
        ids = list(self.connection.scalars(select(self.table.c.id).where(condition).order_by(*order)))
        loaded = self.load(ids)
        return [loaded[record_id] for record_id in ids]

    def count(self) -> int:
        """How many records are stored."""
        return int(self.connection.scalar(select(func.count()).select_from(self.table)) or 0)

    def load(self, ids: Sequence[str]) -> dict[str, R]:
        """The records with these ids that exist, by id, loaded with a few queries whatever their number."""
        found: dict[str, R] = {}
        for start in range(0, len(ids), BATCH):
            found.update(self._load(ids[start : start + BATCH]))
        return found

    def references(self, record: R) -> Iterator[tuple[str, str]]:
        """The (field path, id) of every other record ``record`` refers to; parts add theirs by overriding."""
        for name, value in vars_of(record):
            if isinstance(value, str) and name != "id" and referenced_table(name) is not None:
                yield name, value

    def _check_references(self, records: Sequence[R]) -> None:
        """Refuse records that refer to records not stored, with one query per referenced table."""
        wanted: dict[str, dict[str, tuple[R, str]]] = {}
        for record in records:
            for field, record_id in self.references(record):
                table = referenced_table(field.rsplit(".", 1)[-1])
                if table is not None:
                    wanted.setdefault(table.name, {}).setdefault(record_id, (record, field))
        for table_name, by_id in wanted.items():
            table = tables.metadata.tables[table_name]
            ids = list(by_id)
            found: set[str] = set()
            for start in range(0, len(ids), BATCH):
                chunk = ids[start : start + BATCH]
                found.update(self.connection.scalars(select(table.c.id).where(table.c.id.in_(chunk))))
            for record_id, (record, field) in by_id.items():
                if record_id not in found:
                    raise InvalidRecord(
                        self.record_name,
                        field,
                        f"refers to {record_id!r}, which is not in {table_name}; add it first",
                        record.id,
                    )

    def _insert_many(self, records: Sequence[R]) -> None:
        """Insert new records: the rows of all of them, one multi-row statement per table."""
        rows: dict[Table, list[dict[str, Any]]] = {}
        for record in records:
            for table, table_rows in self._rows(record):
                rows.setdefault(table, []).extend(table_rows)
        for table in tables.metadata.sorted_tables:
            insert_rows(self.connection, table, rows.get(table, []))

    def _rows(self, record: R) -> list[tuple[Table, list[dict[str, Any]]]]:
        """The rows of a new record, by table (repositories that insert otherwise override `_insert_many`)."""
        raise NotImplementedError

    @abstractmethod
    def _load(self, ids: Sequence[str]) -> dict[str, R]:
        """Load at most `BATCH` records by id."""


def vars_of(record: object) -> Iterator[tuple[str, object]]:
    """The (field name, value) pairs of a record."""
    for name in getattr(record, "__dataclass_fields__", {}):
        yield name, getattr(record, name)


def rows_where(connection: Connection, table: Table, column: str, keys: Iterable[object]) -> list[Row[Any]]:
    """The rows of ``table`` whose ``column`` is one of ``keys``, in key then position order."""
    statement = select(table).where(table.c[column].in_(list(keys)))
    order = [table.c[column]] + ([table.c.position] if "position" in table.c else [])
    return list(connection.execute(statement.order_by(*order)))


def group_by(rows: Iterable[Row[Any]], column: str) -> dict[Any, list[Mapping[Any, Any]]]:
    """Rows grouped by the value of ``column``, keeping their order."""
    groups: dict[Any, list[Mapping[Any, Any]]] = {}
    for row in rows:
        values = row._mapping
        groups.setdefault(values[column], []).append(values)
    return groups


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` into ``table`` in one statement (nothing when empty)."""
    if rows:
        connection.execute(table.insert(), rows)


def address_columns(prefix: str, value: Address | None) -> dict[str, Any]:
    """The column values of an optional address."""
    return {
        f"{prefix}_line1": value.line1 if value else None,
        f"{prefix}_line2": value.line2 if value else None,
        f"{prefix}_city": value.city if value else None,
        f"{prefix}_state": value.state if value else None,
        f"{prefix}_postal_code": value.postal_code if value else None,
    }


def address_from(row: Mapping[Any, Any], prefix: str) -> Address | None:
    """The address stored in the columns of ``prefix``, or None."""
    if row[f"{prefix}_line1"] is None:
        return None
    return Address(
        line1=row[f"{prefix}_line1"],
        line2=row[f"{prefix}_line2"] or "",
        city=row[f"{prefix}_city"],
        state=row[f"{prefix}_state"],
        postal_code=row[f"{prefix}_postal_code"],
    )


def name_columns(prefix: str, value: PersonName | None) -> dict[str, Any]:
    """The column values of an optional person name."""
    return {
        f"{prefix}_last": value.last if value else None,
        f"{prefix}_first": value.first if value else None,
        f"{prefix}_middle": value.middle if value else None,
        f"{prefix}_suffix": value.suffix if value else None,
    }


def name_from(row: Mapping[Any, Any], prefix: str) -> PersonName:
    """The person name stored in the columns of ``prefix``."""
    return PersonName(
        last=row[f"{prefix}_last"],
        first=row[f"{prefix}_first"],
        middle=row[f"{prefix}_middle"],
        suffix=row[f"{prefix}_suffix"],
    )


def source_columns(value: Source | None) -> dict[str, Any]:
    """The column values of an optional source."""
    return {"source_path": value.path if value else None, "source_location": value.location if value else None}


def source_from(row: Mapping[Any, Any]) -> Source | None:
    """The source stored in a row, or None."""
    if row["source_path"] is None:
        return None
    return Source(path=row["source_path"], location=row["source_location"] or "")


def numbered_columns(prefix: str, values: Sequence[object], slots: int = 4) -> dict[str, Any]:
    """Positional values (modifiers, pointers) spread over ``prefix_1`` .. ``prefix_<slots>``."""
    return {f"{prefix}_{n}": values[n - 1] if n <= len(values) else None for n in range(1, slots + 1)}


def numbered_from(row: Mapping[Any, Any], prefix: str, slots: int = 4) -> tuple[Any, ...]:
    """The positional values stored in ``prefix_1`` .. ``prefix_<slots>``, up to the first empty one."""
    values = []
    for n in range(1, slots + 1):
        value = row[f"{prefix}_{n}"]
        if value is None:
            break
        values.append(value)
    return tuple(values)
