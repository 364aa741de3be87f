"""What the readers of acknowledgments, claim status and eligibility share.

Segment sources, the ST/SE walk, and value readers (dates, amounts, records) whose failures become `X12Error`
naming the segment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from revcycle.domain.fields import FieldError
from revcycle.domain.money import money, quantity
from revcycle.domain.source import Source
from revcycle.errors import InvalidRecord
from revcycle.x12.errors import X12Error
from revcycle.x12.tokens import Segment, read_file

type SegmentSource = Path | str | Iterable[Segment]
"""What the readers take: a file's path, or segments already tokenized (then ``path`` names them in errors)."""

ENVELOPE = frozenset({"ISA", "GS", "GE", "IEA", "TA1"})


def open_segments(source: SegmentSource, path: str | None) -> tuple[Iterable[Segment], str]:
    """The segments of ``source`` and the name errors should give it."""
    if isinstance(source, Path | str):
        return read_file(source), path or str(source)
    return source, path or "<segments>"


def build[R](kind: Callable[..., R], segment: Segment, path: str, **fields: object) -> R:
    """The record ``kind(**fields)``; a record that refuses the values becomes an `X12Error` naming the segment."""
    try:
        return kind(**fields)
    except InvalidRecord as error:
        raise X12Error(
            path, str(error), segment_index=segment.index, offset=segment.offset, segment=segment.id
        ) from None


def fail(segment: Segment, path: str, reason: str) -> X12Error:
    """An error about ``segment``, to raise."""
    return X12Error(path, reason, segment_index=segment.index, offset=segment.offset, segment=segment.id)


def value_of[T](check: Callable[[object], T], segment: Segment, position: int, path: str, what: str) -> T | None:
    """Element ``position`` checked by ``check`` (money, quantity, ...), or None when empty.

    Raises:
        X12Error: naming the segment and element when the value breaks the check.
    """
    text = segment[position]
    if not text:
        return None
    try:
        return check(text)
    except FieldError as error:
        raise fail(segment, path, f"{segment.id}{position:02d} ({what}): {error}") from None


def amount(segment: Segment, position: int, path: str, what: str = "amount") -> Decimal | None:
    """A monetary element (R type, e.g. ``199.14``) as money, or None when empty."""
    return value_of(money, segment, position, path, what)


def count_of(segment: Segment, position: int, path: str, what: str = "quantity") -> Decimal | None:
    """A quantity element as a Decimal, or None when empty."""
    return value_of(quantity, segment, position, path, what)


def parse_date(text: str, segment: Segment, path: str, what: str) -> date:
    """A CCYYMMDD date.

    Raises:
        X12Error: when ``text`` is not a real CCYYMMDD date.
    """
    if len(text) == 8 and text.isascii() and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    raise fail(segment, path, f"{what} {text!r} is not a date (CCYYMMDD)")


def optional_date_of(segment: Segment, position: int, path: str, what: str) -> date | None:
    """Element ``position`` as a CCYYMMDD date, or None when empty."""
    text = segment[position]
    return parse_date(text, segment, path, what) if text else None


def date_span(segment: Segment, path: str, format_position: int = 2) -> tuple[date, date | None]:
    """A DTP/DTM date: D8 (one day) or RD8 (``CCYYMMDD-CCYYMMDD``), as (start, end or None).

    Raises:
        X12Error: for another format qualifier or dates that are not dates.
    """
    qualifier, text = segment[format_position], segment[format_position + 1]
    what = f"{segment.id}{format_position + 1:02d}"
    # Two slips that guide examples themselves make (X214 business scenario 3) are read for what they plainly say,
    # and left to the validator to report: a date where the format qualifier belongs (nothing after it), and an
    # RD8 "span" of one date.
    if len(qualifier) == 8 and qualifier.isdigit() and not text:
        return parse_date(qualifier, segment, path, what), None
    if qualifier == "D8" or (qualifier == "RD8" and "-" not in text):
        return parse_date(text, segment, path, what), None
    if qualifier == "RD8":
        first, _, last = text.partition("-")
        return parse_date(first, segment, path, what), parse_date(last, segment, path, what)
    raise fail(segment, path, f"date format {qualifier!r} is neither D8 nor RD8")


def person_name(segment: Segment) -> str | None:
    """NM103 and NM104 of an NM1 as one name ("LAST, FIRST"), or None when empty."""
    last, first = segment[3], segment[4]
    if last and first:
        return f"{last}, {first}"
    return last or first or None


@dataclass(slots=True)
class Transaction:
    """One transaction set: its ST, the segments between ST and SE, and where it came from."""

    header: Segment
    body: list[Segment] = field(default_factory=list)

    @property
    def control_number(self) -> str:
        """ST02."""
        return self.header[2]

    def source(self, path: str) -> Source:
        """Where the transaction set starts, as a record's source."""
        # The ST02 itself is checked by the record it goes into; the location is only where to look.
        return source_of(self.header, path)


def source_of(segment: Segment, path: str) -> Source:
    """Where ``segment`` is, as a record's source."""
    return Source(path=path, location=f"segment {segment.index + 1} ({segment.id})")


def transactions(segments: Iterable[Segment], path: str, identifiers: frozenset[str]) -> Iterator[Transaction]:
    """The transaction sets of a file, one at a time; only ``identifiers`` (ST01 values) are allowed.

    Raises:
        X12Error: a transaction set of another kind, a segment outside ST/SE, or an ST without its SE.
    """
    current: Transaction | None = None
    for segment in segments:
        if segment.id == "ST":
            if current is not None:
                raise fail(segment, path, f"ST before the SE of transaction set {current.control_number}")
            if segment[1] not in identifiers:
                wanted = " or ".join(sorted(identifiers))
                raise fail(segment, path, f"transaction set {segment[1]!r} is not a {wanted}")
            current = Transaction(segment)
        elif segment.id == "SE":
            if current is None:
                raise fail(segment, path, "SE without its ST")
            yield current
            current = None
        elif current is not None:
            current.body.append(segment)
        elif segment.id not in ENVELOPE:
            raise fail(segment, path, "segment outside a transaction set (between ST and SE)")
    if current is not None:
        raise X12Error(
            path,
            f"transaction set {current.control_number} has no SE",
            segment_index=current.header.index,
            offset=current.header.offset,
            segment="ST",
        )


# The 277 itself
