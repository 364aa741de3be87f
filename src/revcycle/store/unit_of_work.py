"""The unit of work: one business operation, one transaction, all or nothing.

The service layer opens a unit of work, uses its repositories and commits once the operation is complete; leaving
the block without a commit, or with an exception, rolls everything back, so an import or a posting never leaves
half its rows behind.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine, Transaction
from sqlalchemy.exc import OperationalError

from revcycle.errors import DatabaseError
from revcycle.store.claims import Claims
from revcycle.store.encounters import Encounters
from revcycle.store.ledger import LedgerEntries
from revcycle.store.parties import Coverages, Patients, Payers, Providers
from revcycle.store.remittances import Remittances


class UnitOfWork:
    """A transaction with the repositories of every record.

    Given an engine it opens its own connection and transaction. Given a connection (tests roll back around each
    test this way) it works in a savepoint of that connection's transaction.
    """

    patients: Patients
    providers: Providers
    payers: Payers
    coverages: Coverages
    encounters: Encounters
    claims: Claims
    remittances: Remittances
    ledger: LedgerEntries

    def __init__(self, bind: Engine | Connection) -> None:
        self._bind = bind
        self._owns_connection = isinstance(bind, Engine)
        self._connection: Connection | None = None
        self._transaction: Transaction | None = None

    def __enter__(self) -> Self:
        try:
            connection = self._bind.connect() if isinstance(self._bind, Engine) else self._bind
        except OperationalError as error:
            raise DatabaseError(f"cannot connect to the database: {error.orig}") from None
        self._connection = connection
        self._transaction = connection.begin() if self._owns_connection else connection.begin_nested()
        self.patients = Patients(connection)
        self.providers = Providers(connection)
        self.payers = Payers(connection)
        self.coverages = Coverages(connection)
        self.encounters = Encounters(connection)
        self.claims = Claims(connection)
        self.remittances = Remittances(connection)
        self.ledger = LedgerEntries(connection)
        return self

    @property
    def connection(self) -> Connection:
        """The connection of the open unit of work."""
        if self._connection is None:
            raise RuntimeError("the unit of work is not open")
        return self._connection

    def commit(self) -> None:
        """Make the operation's changes permanent."""
        if self._transaction is None or not self._transaction.is_active:
            raise RuntimeError("the unit of work has no open transaction")
        self._transaction.commit()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._transaction is not None and self._transaction.is_active:
            self._transaction.rollback()
        if self._owns_connection and self._connection is not None:
            self._connection.close()
        self._connection = None
        self._transaction = None
