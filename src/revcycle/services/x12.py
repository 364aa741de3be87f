"""X12 as the faces use it: read a file into records with a summary, validate files, acknowledge a file.

The CLI and the REST API call these; they hold no X12 logic of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from revcycle.domain.interchange import record_to_json
from revcycle.errors import InputFileError
from revcycle.services.datasets import Dataset, read_dataset
from revcycle.x12.control_numbers import DatabaseControlNumbers
from revcycle.x12.errors import X12Error
from revcycle.x12.tokens import Segment, read_file, tokenize
from revcycle.x12.transactions import TransactionReader, reader_for, transaction_label
from revcycle.x12.validate import ValidationResult, validate_file, validate_segments
from revcycle.x12.write837 import Parties, X12Settings, write_837
from revcycle.x12.write999 import write_999


@dataclass(slots=True)
class X12Document:
    """What a file held: its transaction label, the records read from it and their summary.

    Attributes:
        path: the file.
        transaction: the label of its transactions (``837P``, ``835`` ...).
        records_key: what the records are (``claims``, ``remittances`` ...).
        records: the records, in file order.
        summary: counts and totals, amounts as decimal strings.
    """

    path: str
    transaction: str
    records_key: str
    records: list[Any] = field(default_factory=list)
    summary: dict[str, object] = field(default_factory=dict)


def _first_transaction(segments: Iterator[Segment], path: str) -> tuple[list[Segment], str]:
    """The segments up to the first ST (kept, to be read again) and that transaction's label."""
    head: list[Segment] = []
    version = ""
    for segment in segments:
        head.append(segment)
        if segment.id == "GS":
            version = segment[8]
        elif segment.id == "ST":
            return head, transaction_label(segment[1], segment[3] or version)
    raise X12Error(path, "the file holds no transaction set (no ST segment)")


def read_document(path: Path | str) -> X12Document:
    """Read an X12 file into the records of its transactions.

    Raises:
        X12Error: the file cannot be read, holds no transaction set, holds a transaction revcycle reads no records
            from, or holds values that cannot form records.
    """
    name = str(path)
    segments = read_file(path)
    head, label = _first_transaction(segments, name)
    reader = _reader(label, head, name)
    del segments  # its file is closed; the reader reads the file again from its start, its own way (faster for an 835)
    return _document(name, label, reader, list(reader.read_file(path)))


def read_document_data(data: bytes, name: str) -> X12Document:
    """Read X12 held in memory (a request body) into records; as `read_document`."""
    return _read(tokenize([data], name), name)


def _read(segments: Iterator[Segment], name: str) -> X12Document:
    head, label = _first_transaction(segments, name)
    reader = _reader(label, head, name)
    return _document(name, label, reader, list(reader.read(chain(head, segments), name)))


def _reader(label: str, head: list[Segment], name: str) -> TransactionReader:
    reader = reader_for(label)
    if reader is None:
        raise X12Error(name, f"revcycle reads no records from transaction {label!r}", segment_index=head[-1].index)
    return reader


def _document(name: str, label: str, reader: TransactionReader, records: list[Any]) -> X12Document:
    return X12Document(name, label, reader.records, records, {"transaction": label, **reader.summarize(records)})


def document_json(document: X12Document) -> dict[str, object]:
    """What was read, as JSON: the transaction, the summary and the records (docs/records-json.md)."""
    return {
        "transaction": document.transaction,
        "summary": document.summary,
        document.records_key: [record_to_json(record) for record in document.records],
    }


@dataclass(frozen=True, slots=True)
class FileVerdict:
    """The validator's verdict on one file.

    Attributes:
        path: the file.
        result: the findings, when the file could be read.
        error: why the file could not be read, otherwise.
    """

    path: str
    result: ValidationResult | None = None
    error: X12Error | None = None

    @property
    def status(self) -> str:
        """``valid``, ``invalid`` or ``unreadable``."""
        if self.result is None:
            return "unreadable"
        return "valid" if self.result.valid else "invalid"


def verdict_json(verdict: FileVerdict) -> dict[str, object]:
    """A file's verdict as JSON: status, and the findings or the error."""
    data: dict[str, object] = {"file": verdict.path, "status": verdict.status}
    if verdict.error is not None:
        data["error"] = str(verdict.error)
    if verdict.result is not None:
        data["findings"] = [finding.to_json() for finding in verdict.result.findings]
        data["transactions"] = [
            {
                "transaction_set": transaction.identifier,
                "control_number": transaction.control_number,
                "version": transaction.version,
                "guide": transaction.guide,
                "accepted": transaction.accepted,
            }
            for transaction in verdict.result.transactions
        ]
    return data


def validate_data(data: bytes, name: str) -> FileVerdict:
    """Validate X12 held in memory (a request body)."""
    try:
        return FileVerdict(name, result=validate_segments(tokenize([data], name), name))
    except X12Error as error:
        return FileVerdict(name, error=error)


def validate_paths(paths: list[Path]) -> list[FileVerdict]:
    """Validate each file; a file that cannot be read gets its error as its verdict, the others still run."""
    verdicts = []
    for path in paths:
        try:
            verdicts.append(FileVerdict(str(path), result=validate_file(path)))
        except X12Error as error:
            verdicts.append(FileVerdict(str(path), error=error))
    return verdicts


def write_claims_837(dataset_path: Path, settings: X12Settings, engine: Engine) -> tuple[str, int]:
    """The 837 of every claim in a dataset file (docs/x12-claims-json.md), and how many claims it holds.

    Control numbers come from the database, so they never repeat across runs.

    Raises:
        InputFileError: the dataset cannot be read or holds invalid records.
        X12WriteError: a claim lacks what the 837 needs (a party, an address, a tax id ...).
    """
    return write_dataset_837(read_dataset(dataset_path), settings, engine)


def write_dataset_837(dataset: Dataset, settings: X12Settings, engine: Engine) -> tuple[str, int]:
    """The 837 of every claim of a dataset, and how many claims it holds; as `write_claims_837`."""
    claims = dataset.records.get("claims", ())
    if not claims:
        raise InputFileError(dataset.source, "claims", "the dataset holds no claims to write")
    parties = Parties.of(
        dataset.records.get("patients", ()),
        dataset.records.get("coverages", ()),
        dataset.records.get("payers", ()),
        dataset.records.get("providers", ()),
    )
    return write_837(claims, parties, settings, DatabaseControlNumbers(engine)), len(claims)


def acknowledge_file(path: Path, engine: Engine) -> tuple[str, ValidationResult]:
    """The 999 acknowledging a received file, from its validation, with control numbers from the database.

    Raises:
        X12Error: the file cannot be read, or holds no functional group to acknowledge.
    """
    return acknowledge_segments(list(read_file(path)), str(path), engine)


def acknowledge_data(data: bytes, name: str, engine: Engine) -> tuple[str, ValidationResult]:
    """The 999 of X12 held in memory (a request body); as `acknowledge_file`."""
    return acknowledge_segments(list(tokenize([data], name)), name, engine)


def acknowledge_segments(segments: list[Segment], name: str, engine: Engine) -> tuple[str, ValidationResult]:
    """The 999 of a received file's segments; as `acknowledge_file`."""
    result = validate_segments(segments, name)
    isa = next((segment for segment in segments if segment.id == "ISA"), None)
    if isa is None or not any(segment.id == "GS" for segment in segments):
        raise X12Error(name, "the file holds no functional group (GS) to acknowledge")
    groups = sum(1 for segment in segments if segment.id == "GS")
    numbers = DatabaseControlNumbers(engine).reserve(isa[8].strip() or "REVCYCLE", 1, groups)
    text = write_999(
        segments,
        result.findings,
        interchange_control_number=numbers.interchange,
        group_control_number=numbers.groups[0],
        transaction_control_numbers=numbers.transactions,
        path=name,
    )
    return text, result
