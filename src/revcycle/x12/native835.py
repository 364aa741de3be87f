"""Reading an 835 file fast: the C scanner (`revcycle.x12._read835`) where it was built, the Python reader otherwise.

The Python reader (`revcycle.x12.read835`) defines what an 835 means as records. The C scanner cuts the file's bytes
into segments and builds the claims and service lines itself, calling the same Python checks once per distinct text;
the envelope and the payment's own segments (ST, BPR, TRN, N1, LX, PLB, SE ...) it hands to the Python reader's
handlers, which make each `Remittance`. Whenever the scanner meets what needs the Python reader's judgement (a value
a check refuses, a byte that is not ASCII, a wrapped segment, a second interchange, a file that does not end at its
IEA), it gives up and the file is read again by the Python reader, from the start, skipping the remittances already
given: so the records, and every error and its message, are the Python reader's.

The extension is optional (setup.py): an install without a C compiler reads with the Python reader alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from revcycle.domain import codes
from revcycle.domain.money import money, quantity
from revcycle.domain.remittance import Adjustment, ClaimPayment, Remittance, ServicePayment
from revcycle.x12.errors import X12Error
from revcycle.x12.read835 import (
    FILING_INDICATORS,
    GROUPS,
    STATUSES,
    RemittanceReader,
    is_modifier,
    procedure_or_none,
    read_835,
    remark_or_none,
)
from revcycle.x12.tokens import ISA_MAX_LENGTH, Segment, delimiters_of, read_file

try:
    from revcycle.x12 import _read835
except ImportError:  # pragma: no cover - an install without a C compiler
    _read835 = None  # type: ignore[assignment]

# Bytes read at a time; doubled while no SE ends in what is held, so a huge transaction set costs linear time.
CHUNK_BYTES = 4 << 20
_LINE_BREAKS = "\r\n"
# The fields the scanner fills, in its order (the records' own order: `_check_fields` holds it to that).
SEGMENT_FIELDS = ("id", "elements", "index", "offset", "delimiters", "raw")
CLAIM_FIELDS = (
    "patient_control_number",
    "status",
    "total_charge",
    "paid",
    "patient_responsibility",
    "claim_filing_indicator",
    "payer_claim_control_number",
    "facility_type_code",
    "frequency",
    "patient_name",
    "statement_from",
    "statement_to",
    "adjustments",
    "remark_codes",
    "service_payments",
)
ADJUSTMENT_FIELDS = ("group", "reason_code", "amount", "quantity")
LINE_FIELDS = (
    "procedure_code",
    "charge",
    "paid",
    "modifiers",
    "units_paid",
    "units_billed",
    "billed_procedure_code",
    "service_date",
    "line_control_number",
    "allowed_amount",
    "adjustments",
    "remark_codes",
)


def available() -> bool:
    """Whether the C scanner was built with this install."""
    return _read835 is not None


def read_835_file(path: Path | str) -> Iterator[Remittance]:
    """The remittances of an 835 file, as `read_835(read_file(path), str(path))` gives them, only faster.

    Raises:
        X12Error: as `read_835` and `revcycle.x12.tokens.read_file`, with the same messages.
    """
    name = str(path)
    given = 0
    if _read835 is not None:
        try:
            for remittance in _scanned(path, name):
                yield remittance
                given += 1
            return
        except _Undecided:
            pass
    for number, remittance in enumerate(read_835(read_file(path), name)):
        if number >= given:
            yield remittance


class _Undecided(Exception):
    """The scanner met what the Python reader must decide."""


class _Context:
    """What the scanner reads from Python: the delimiters, the record types and checks, and its place in the file."""

    segment_type = Segment
    claim_type = ClaimPayment
    line_type = ServicePayment
    adjustment_type = Adjustment
    segment_fields = SEGMENT_FIELDS
    claim_fields = CLAIM_FIELDS
    line_fields = LINE_FIELDS
    adjustment_fields = ADJUSTMENT_FIELDS
    statuses = STATUSES
    filings = FILING_INDICATORS
    groups = GROUPS

    def __init__(self, head: bytes, name: str) -> None:
        """The context for a file that starts with ``head``.

        Raises:
            _Undecided: a file the scanner leaves to the Python reader from its first byte.
        """
        if not head.startswith(b"ISA"):
            raise _Undecided  # text before the ISA, a byte-order mark, UTF-16, or not X12 at all
        try:
            delimiters = delimiters_of(head[:ISA_MAX_LENGTH].decode("latin-1"), name, 0)
        except X12Error:
            raise _Undecided from None
        separators = (delimiters.element, delimiters.component, delimiters.segment)
        if any(not separator.isascii() or separator in _LINE_BREAKS for separator in separators):
            raise _Undecided  # line breaks as delimiters change what is layout
        self.delimiters = delimiters
        self.element, self.component, self.terminator = separators
        self.cache = _read835.new_cache()
        self.index = self.isa_seen = self.ended = 0

    # The checks, as the Python reader and the records make them; the scanner calls each once per distinct text
    # (an amount or a count written plainly it makes itself, as `money` and `quantity` would).
    money = staticmethod(money)
    quantity = staticmethod(quantity)
    decimal = Decimal
    procedure = staticmethod(procedure_or_none)
    modifier_ok = staticmethod(is_modifier)
    remark = staticmethod(remark_or_none)
    reason = staticmethod(codes.carc)


def _check_fields(kind: type, names: tuple[str, ...]) -> None:
    """Refuse to scan with an idea of a record's fields that is not the record's (a field added and not filled)."""
    fields = tuple(field.name for field in dataclasses.fields(kind))
    if fields != names:
        raise TypeError(f"the 835 scanner fills {kind.__name__} fields {names}; the record has {fields}")


_check_fields(Segment, SEGMENT_FIELDS)
_check_fields(ClaimPayment, CLAIM_FIELDS)
_check_fields(ServicePayment, LINE_FIELDS)
_check_fields(Adjustment, ADJUSTMENT_FIELDS)


def _scanned(path: Path | str, name: str) -> Iterator[Remittance]:
    try:
        handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError:
        raise _Undecided from None  # the Python reader says what is wrong with the file
    with handle:
        yield from _scan(handle, name)


def _scan(handle: BinaryIO, name: str) -> Iterator[Remittance]:
    data = handle.read(CHUNK_BYTES)
    context = _Context(data, name)
    reader = RemittanceReader(name)
    take = reader.take
    base, size, final = 0, CHUNK_BYTES, False
    while True:
        scanned = _read835.scan(context, data, base, final)
        if scanned is None:
            raise _Undecided
        items, used = scanned
        for item in items:
            if isinstance(item, ClaimPayment):
                reader.claims.append(item)
            else:
                remittance = take(item)
                if remittance is not None:
                    yield remittance
        if final:
            reader.finish()
            return
        if used:
            base += used
            data = data[used:]
            size = CHUNK_BYTES
        else:
            size *= 2
        more = handle.read(size)
        final = not more
        data += more
