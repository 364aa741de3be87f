"""The transaction readers as registered plug-ins: which reader takes which transaction, and what it yields.

Each reader has a code (the transaction label: ``835``, ``837P`` ...), a name, the kind of records it yields and a
summary of them; `reader_for` picks one from a file's first ST (and its version), so a face never needs to know
which module reads what.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from revcycle.domain.money import ZERO_MONEY
from revcycle.x12.guides.registry import guide_for
from revcycle.x12.tokens import Segment, read_file

ReadFunction = Callable[..., Iterator[Any]]
Summary = dict[str, object]


@dataclass(frozen=True, slots=True)
class TransactionReader:
    """A reader of one kind of transaction.

    Attributes:
        code: the transaction label (``835``, ``837P``, ``837I``, ``277CA``, ``277``, ``999``, ``271``).
        name: what the transaction is, in billing terms.
        records: the key its records go under in JSON (``remittances``, ``claims`` ...).
        module: the module holding the reader function.
        function: the reader function's name; it takes (segments, path) and yields records.
        summarize: the summary of what was read (counts and totals).
        file_reader: where there is a faster way to read a whole file, its module and function (taking the path),
            which gives the same records and errors as `function` over the file's segments.
    """

    code: str
    name: str
    records: str
    module: str
    function: str
    summarize: Callable[[Sequence[Any]], Summary]
    file_reader: tuple[str, str] | None = None

    def read(self, segments: Iterable[Segment], path: str) -> Iterator[Any]:
        """The records of the transaction sets in ``segments``."""
        function: ReadFunction = getattr(importlib.import_module(self.module), self.function)
        return function(segments, path=path)

    def read_file(self, path: Path | str) -> Iterator[Any]:
        """The records of the transaction sets of the file at ``path``."""
        if self.file_reader is None:
            return self.read(read_file(path), str(path))
        module, name = self.file_reader
        function: ReadFunction = getattr(importlib.import_module(module), name)
        return function(path)


def _total(values: Iterable[Decimal]) -> str:
    return f"{sum(values, ZERO_MONEY):f}"


def _summarize_835(remittances: Sequence[Any]) -> Summary:
    claims = [claim for remittance in remittances for claim in remittance.claims]
    return {
        "claims": len(claims),
        "total_charge": _total(claim.total_charge for claim in claims),
        "total_paid": _total(claim.paid for claim in claims),
        "plb_total": _total(remittance.provider_adjustment_total for remittance in remittances),
        "payment": _total(remittance.payment_amount for remittance in remittances),
        "remittances": len(remittances),
    }


def _summarize_837(claims: Sequence[Any]) -> Summary:
    return {"claims": len(claims), "total_charge": _total(item.claim.total_charge for item in claims)}


def _summarize_277(responses: Sequence[Any]) -> Summary:
    return {"responses": len(responses), "claims": sum(len(response.claims) for response in responses)}


def _summarize_999(acknowledgments: Sequence[Any]) -> Summary:
    return {
        "acknowledgments": len(acknowledgments),
        "transactions": sum(len(acknowledgment.transactions) for acknowledgment in acknowledgments),
    }


def _summarize_271(responses: Sequence[Any]) -> Summary:
    return {"responses": len(responses)}


def _register(*readers: TransactionReader) -> dict[str, TransactionReader]:
    return {reader.code: reader for reader in readers}


READERS = _register(
    TransactionReader(
        "835",
        "health care claim payment/advice",
        "remittances",
        "revcycle.x12.read835",
        "read_835",
        _summarize_835,
        file_reader=("revcycle.x12.native835", "read_835_file"),
    ),
    TransactionReader("837P", "professional claim", "claims", "revcycle.x12.read837", "read_837", _summarize_837),
    TransactionReader("837I", "institutional claim", "claims", "revcycle.x12.read837", "read_837", _summarize_837),
    TransactionReader(
        "277CA", "claim acknowledgment", "claim_status", "revcycle.x12.read277", "read_277", _summarize_277
    ),
    TransactionReader(
        "277", "claim status response", "claim_status", "revcycle.x12.read277", "read_277", _summarize_277
    ),
    TransactionReader(
        "999", "implementation acknowledgment", "acknowledgments", "revcycle.x12.read999", "read_999", _summarize_999
    ),
    TransactionReader(
        "271", "eligibility benefit response", "eligibility", "revcycle.x12.read271", "read_271", _summarize_271
    ),
)


def transaction_label(transaction_set: str, version: str) -> str:
    """The label of a transaction (``837P`` for ST01 837 with version 005010X222A1); ST01 when unknown."""
    guide = guide_for(transaction_set, version)
    return guide.transaction if guide else transaction_set


def reader_for(label: str) -> TransactionReader | None:
    """The reader of a transaction label, or None when revcycle reads no records from it."""
    return READERS.get(label)
