"""The errors revcycle reports to its users.

Every error here means bad input or a request that cannot be met, never a bug: the faces (CLI, REST API) print
them as a clear message with a non-zero exit or a 4xx status, and never as a traceback. Anything else that escapes
is a bug.
"""

from __future__ import annotations


class RevcycleError(Exception):
    """Base of the errors a user can cause and fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidRecord(RevcycleError):
    """A record, or one field of it, breaks a rule of the domain (a bad NPI, a float for money, ...).

    Attributes:
        record: the kind of record, e.g. ``Claim``.
        field: the dotted path of the offending field within the input, e.g. ``lines[2].charge``.
        reason: what is wrong, in billing terms.
        record_id: the identifier of the offending record, when it has one and is known.
    """

    def __init__(self, record: str, field: str, reason: str, record_id: str | None = None) -> None:
        self.record = record
        self.field = field
        self.reason = reason
        self.record_id = record_id
        where = f"{record}.{field}" if field else record
        super().__init__(f"{where}: {reason}")

    def within(self, record: str, prefix: str) -> InvalidRecord:
        """The same error seen from an enclosing record, e.g. a service line's error as part of its claim."""
        field = f"{prefix}.{self.field}" if self.field else prefix
        return InvalidRecord(record, field, self.reason, self.record_id)


class InputFileError(RevcycleError):
    """A file given to revcycle cannot be read or does not hold what it should.

    Attributes:
        path: the file as the user named it.
        location: where in the file (a line, a JSON path, a segment), or empty when the whole file is at fault.
        reason: what is wrong.
    """

    def __init__(self, path: str, location: str, reason: str) -> None:
        self.path = path
        self.location = location
        self.reason = reason
        where = f"{path}: {location}" if location else path
        super().__init__(f"{where}: {reason}")


class NotFound(RevcycleError):
    """A record asked for by its identifier does not exist."""

    def __init__(self, record: str, record_id: str) -> None:
        self.record = record
        self.record_id = record_id
        super().__init__(f"{record} {record_id!r} not found")


class Conflict(RevcycleError):
    """A record with this identifier already exists with different content.

    Saving the same record twice is allowed and changes nothing; saving different content under an existing
    identifier is refused, so an import can never silently overwrite what was billed.
    """

    def __init__(self, record: str, record_id: str, reason: str = "already exists with different content") -> None:
        self.record = record
        self.record_id = record_id
        super().__init__(f"{record} {record_id!r} {reason}")


class DatabaseError(RevcycleError):
    """The database cannot be reached or is not at the schema revision revcycle needs."""
