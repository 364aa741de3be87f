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

from revcycle.domain import codes
from revcycle.domain.money import money, quantity
from revcycle.domain.remittance import Adjustment, ClaimPayment, Remittance, ServicePayment
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
from revcycle.x12.tokens import ScanContext, Undecided, read_file_in_python, scanned

try:
    from revcycle.x12 import _read835
except ImportError:  # pragma: no cover - an install without a C compiler
    _read835 = None  # type: ignore[assignment]

# Bytes read at a time (the scanner's item lists hold few objects: claims, not segments).
CHUNK_BYTES = 512 << 10
# The fields the scanner fills, in its order (the records' own order: `_check_fields` holds it to that).
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
        except Undecided:
            pass
    for number, remittance in enumerate(read_835(read_file_in_python(path), name)):
        if number >= given:
            yield remittance


class _Context(ScanContext):
    """The scanner's context when it makes records: the record types, the checks, the tables and a cache."""

    claim_type = ClaimPayment
    line_type = ServicePayment
    adjustment_type = Adjustment
    claim_fields = CLAIM_FIELDS
    line_fields = LINE_FIELDS
    adjustment_fields = ADJUSTMENT_FIELDS
    statuses = STATUSES
    filings = FILING_INDICATORS
    groups = GROUPS
    # The checks, as the Python reader and the records make them; the scanner calls each once per distinct text
    # (an amount or a count written plainly it makes itself, as `money` and `quantity` would).
    money = staticmethod(money)
    quantity = staticmethod(quantity)
    decimal = Decimal
    procedure = staticmethod(procedure_or_none)
    modifier_ok = staticmethod(is_modifier)
    remark = staticmethod(remark_or_none)
    reason = staticmethod(codes.carc)

    def __init__(self, head: bytes, name: str) -> None:
        super().__init__(head, name)
        self.cache = _read835.new_cache()


def _check_fields(kind: type, names: tuple[str, ...]) -> None:
    """Refuse to scan with an idea of a record's fields that is not the record's (a field added and not filled)."""
    fields = tuple(field.name for field in dataclasses.fields(kind))
    if fields != names:
        raise TypeError(f"the 835 scanner fills {kind.__name__} fields {names}; the record has {fields}")


_check_fields(ClaimPayment, CLAIM_FIELDS)
_check_fields(ServicePayment, LINE_FIELDS)
_check_fields(Adjustment, ADJUSTMENT_FIELDS)


def _scanned(path: Path | str, name: str) -> Iterator[Remittance]:
    reader = RemittanceReader(name)
    take = reader.take
    for batch in scanned(path, _Context, _read835.scan, CHUNK_BYTES):
        for item in batch:
            if isinstance(item, ClaimPayment):
                reader.claims.append(item)
            else:
                remittance = take(item)
                if remittance is not None:
                    yield remittance
    reader.finish()
