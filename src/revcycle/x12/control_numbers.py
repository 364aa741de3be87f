"""Control numbers: ISA13, GS06 and ST02 that never repeat for a sender, kept in the operational database.

A receiver rejects an interchange whose ISA13 it has already seen from the same sender as a duplicate, and a payer
matches its 999 and 277CA acknowledgments to our files by GS06 and ST02; so each number is handed out once, and the
last one handed out is stored, not remembered by the process. One table row per sender holds the last interchange,
group and transaction set numbers; a reservation raises them in one statement inside one transaction, so two writers
(threads, processes, machines sharing a PostgreSQL database) always get different numbers.

Numbers run from 1 to 999,999,999 (ISA13 is nine digits) and then start again at 1: by then the receiver has long
forgotten the first ones.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Connection, Engine, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError, ProgrammingError

from revcycle.errors import DatabaseError, RevcycleError
from revcycle.store import tables

MAX_CONTROL_NUMBER = 999_999_999
"""The largest ISA13 (nine digits); numbers wrap to 1 after it."""


class ControlNumberError(RevcycleError):
    """A request for control numbers that cannot be met (an empty sender, a count out of range)."""


@dataclass(frozen=True, slots=True)
class ControlNumbers:
    """The control numbers of one interchange.

    Attributes:
        interchange: ISA13 / IEA02.
        groups: GS06 / GE02 of each functional group, in the order the groups are written.
        transactions: ST02 / SE02 of each transaction set, in the order the sets are written.
    """

    interchange: int
    groups: tuple[int, ...]
    transactions: tuple[int, ...]


class ControlNumberSource(Protocol):
    """Where a writer gets the control numbers of the interchange it is about to write."""

    def reserve(self, sender: str, groups: int, transactions: int) -> ControlNumbers:
        """One interchange number, ``groups`` group numbers and ``transactions`` transaction set numbers."""
        ...


def following(last: int, count: int) -> tuple[int, ...]:
    """The ``count`` numbers after ``last``, wrapping from 999,999,999 to 1."""
    return tuple((last + step - 1) % MAX_CONTROL_NUMBER + 1 for step in range(1, count + 1))


def _check_request(sender: str, groups: int, transactions: int) -> None:
    if not sender.strip():
        raise ControlNumberError("control numbers are kept per sender: the sender id is empty")
    if not 1 <= groups <= MAX_CONTROL_NUMBER or not 1 <= transactions <= MAX_CONTROL_NUMBER:
        raise ControlNumberError(
            f"an interchange holds at least one group and one transaction set (asked for {groups} groups "
            f"and {transactions} transaction sets)"
        )


class MemoryControlNumbers:
    """Control numbers counted in memory, for tests, previews and one-off files that no receiver will see twice.

    Numbers are unique within the object's life only; use `DatabaseControlNumbers` for files that are sent.
    """

    def __init__(self, interchange: int = 0, group: int = 0, transaction: int = 0) -> None:
        """Start after the given last numbers (0: the first number handed out is 1)."""
        self._last: dict[str, tuple[int, int, int]] = {}
        self._start = (interchange, group, transaction)
        self._lock = threading.Lock()

    def reserve(self, sender: str, groups: int, transactions: int) -> ControlNumbers:
        """The next numbers for ``sender``.

        Raises:
            ControlNumberError: the sender is empty or a count is out of range.
        """
        _check_request(sender, groups, transactions)
        with self._lock:
            interchange, group, transaction = self._last.get(sender, self._start)
            numbers = ControlNumbers(
                following(interchange, 1)[0], following(group, groups), following(transaction, transactions)
            )
            self._last[sender] = (numbers.interchange, numbers.groups[-1], numbers.transactions[-1])
        return numbers


_COUNTERS = tables.x12_control_numbers


def _advanced(column: str, count: int) -> object:
    """``column`` moved on by ``count`` in SQL, wrapping within 1..999,999,999."""
    current = _COUNTERS.c[column]
    return (current + (count - 1)) % MAX_CONTROL_NUMBER + 1


class DatabaseControlNumbers:
    """Control numbers persisted per sender in the ``x12_control_numbers`` table (SQLite or PostgreSQL).

    Given an engine, each reservation is its own committed transaction, so the numbers are used up even when the
    file is then not sent (a gap is harmless; a repeat is not). Given a connection, the reservation joins the
    caller's transaction (a submission that rolls back releases its numbers, and its file was never sent).
    """

    def __init__(self, bind: Engine | Connection) -> None:
        """Keep the numbers in the database of ``bind``."""
        self._bind = bind

    def reserve(self, sender: str, groups: int, transactions: int) -> ControlNumbers:
        """The next numbers for ``sender``, raised atomically in the database.

        Raises:
            ControlNumberError: the sender is empty or a count is out of range.
            DatabaseError: the database cannot be reached or has no control number table (not upgraded).
        """
        _check_request(sender, groups, transactions)
        try:
            if isinstance(self._bind, Engine):
                with self._bind.begin() as connection:
                    return self._reserve(connection, sender, groups, transactions)
            with self._bind.begin_nested():
                return self._reserve(self._bind, sender, groups, transactions)
        except (OperationalError, ProgrammingError) as error:
            # No server, or no table: a database not yet upgraded to this revision (`revcycle db upgrade`).
            raise DatabaseError(f"cannot reserve X12 control numbers: {error.orig}") from None

    def last(self, sender: str) -> ControlNumbers | None:
        """The last numbers handed out to ``sender``, None before the first reservation."""
        connection = self._bind.connect() if isinstance(self._bind, Engine) else self._bind
        try:
            row = connection.execute(_COUNTERS.select().where(_COUNTERS.c.sender_id == sender)).first()
        finally:
            if isinstance(self._bind, Engine):
                connection.close()
        if row is None:
            return None
        return ControlNumbers(row.interchange_number, (row.group_number,), (row.transaction_number,))

    @staticmethod
    def _reserve(connection: Connection, sender: str, groups: int, transactions: int) -> ControlNumbers:
        # The first write of the transaction takes the lock (SQLite's database lock, PostgreSQL's row lock), so
        # the increment below always reads the last committed numbers: no read-then-write race.
        dialect = sqlite if connection.dialect.name == "sqlite" else postgresql
        connection.execute(
            dialect.insert(_COUNTERS)
            .values(sender_id=sender, interchange_number=0, group_number=0, transaction_number=0)
            .on_conflict_do_nothing(index_elements=["sender_id"])
        )
        row = connection.execute(
            update(_COUNTERS)
            .where(_COUNTERS.c.sender_id == sender)
            .values(
                interchange_number=_advanced("interchange_number", 1),
                group_number=_advanced("group_number", groups),
                transaction_number=_advanced("transaction_number", transactions),
            )
            .returning(_COUNTERS.c.interchange_number, _COUNTERS.c.group_number, _COUNTERS.c.transaction_number)
        ).one()
        interchange, last_group, last_transaction = row
        return ControlNumbers(
            interchange,
            following(last_group - groups, groups),
            following(last_transaction - transactions, transactions),
        )
