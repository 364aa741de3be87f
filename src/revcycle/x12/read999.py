"""Reading 999 implementation acknowledgments (005010X231A1): was each transaction set sent accepted?

A 999 holds, per functional group acknowledged, an AK1 naming the group (GS06), then per transaction set an AK2
(its ST02), the IK3 segments in error with their CTX contexts and IK4 element errors, and an IK5 verdict; an AK9
closes with the group's verdict and counts. One `FunctionalAcknowledgment` is yielded per ST/SE.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from revcycle.domain.acknowledgment import (
    ElementError,
    ErrorContext,
    FunctionalAcknowledgment,
    SegmentError,
    TransactionAcknowledgment,
)
from revcycle.domain.fields import FieldError, count
from revcycle.x12.tokens import Segment
from revcycle.x12.values import (
    SegmentSource,
    Transaction,
    build,
    fail,
    open_segments,
    source_of,
    transactions,
    value_of,
)


def _number(value: object) -> int:
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        raise FieldError(f"{value!r} is not a whole number")
    return count(int(value), minimum=0, maximum=999_999_999)


def _position(segment: Segment, position: int, path: str, what: str) -> int | None:
    return value_of(_number, segment, position, path, what)


def _component(segment: Segment, position: int, sub: int, path: str, what: str) -> int | None:
    text = segment.component(position, sub)
    if not text:
        return None
    try:
        return _number(text)
    except FieldError as error:
        raise fail(segment, path, f"{segment.id}{position:02d}-{sub} ({what}): {error}") from None


def _context(segment: Segment, path: str) -> ErrorContext:
    name, _, reference = segment[1].partition(segment.delimiters.component)
    return build(
        ErrorContext,
        segment,
        path,
        name=name,
        reference=reference or None,
        segment_id=segment[2] or None,
        segment_position=_position(segment, 3, path, "segment position"),
        loop=segment[4] or None,
        element=_component(segment, 5, 1, path, "element position"),
        component=_component(segment, 5, 2, path, "component position"),
        repetition=_component(segment, 5, 3, path, "repeat"),
    )


@dataclass(slots=True)
class _ElementError:
    segment: Segment
    contexts: list[ErrorContext] = field(default_factory=list)

    def record(self, path: str) -> ElementError:
        ik4 = self.segment
        position = _component(ik4, 1, 1, path, "IK401-1 element position")
        if position is None:
            raise fail(ik4, path, "IK401-1, the position of the element in error, is empty")
        return build(
            ElementError,
            ik4,
            path,
            position=position,
            component=_component(ik4, 1, 2, path, "IK401-2 component position"),
            repetition=_component(ik4, 1, 3, path, "IK401-3 repeat"),
            data_element=ik4[2] or None,
            error_code=ik4[3],
            value=ik4[4] or None,
            contexts=tuple(self.contexts),
        )


@dataclass(slots=True)
class _SegmentError:
    segment: Segment
    contexts: list[ErrorContext] = field(default_factory=list)
    elements: list[_ElementError] = field(default_factory=list)

    def record(self, path: str) -> SegmentError:
        ik3 = self.segment
        position = _position(ik3, 2, path, "IK302 segment position")
        if position is None:
            raise fail(ik3, path, "IK302, the position of the segment in error, is empty")
        return build(
            SegmentError,
            ik3,
            path,
            segment_id=ik3[1],
            position=position,
            loop=ik3[3] or None,
            error_code=ik3[4] or None,
            contexts=tuple(self.contexts),
            element_errors=tuple(element.record(path) for element in self.elements),
        )


@dataclass(slots=True)
class _Response:
    segment: Segment
    errors: list[_SegmentError] = field(default_factory=list)
    verdict: Segment | None = None

    def record(self, path: str) -> TransactionAcknowledgment:
        ak2, ik5 = self.segment, self.verdict
        if ik5 is None:
            raise fail(ak2, path, f"transaction set {ak2[2]!r} acknowledged without its IK5")
        return build(
            TransactionAcknowledgment,
            ik5,
            path,
            transaction_set=ak2[1],
            control_number=ak2[2],
            implementation=ak2[3] or None,
            status=ik5[1],
            error_codes=tuple(code for code in ik5.elements[1:6] if code),
            segment_errors=tuple(error.record(path) for error in self.errors),
            source=source_of(ak2, path),
        )


def _acknowledgment(transaction: Transaction, path: str) -> FunctionalAcknowledgment:
    group: Segment | None = None
    totals: Segment | None = None
    responses: list[_Response] = []
    response: _Response | None = None
    error: _SegmentError | None = None
    element: _ElementError | None = None
    for segment in transaction.body:
        kind = segment.id
        if kind == "AK1":
            group = segment
        elif kind == "AK2":
            response = _Response(segment)
            responses.append(response)
            error = element = None
        elif kind == "IK3":
            if response is None:
                raise fail(segment, path, "IK3 outside an AK2 transaction set response")
            error = _SegmentError(segment)
            response.errors.append(error)
            element = None
        elif kind == "IK4":
            if error is None:
                raise fail(segment, path, "IK4 without the IK3 of its segment")
            element = _ElementError(segment)
            error.elements.append(element)
        elif kind == "CTX":
            owner = element or error
            if owner is None:
                raise fail(segment, path, "CTX outside an IK3 or IK4")
            owner.contexts.append(_context(segment, path))
        elif kind == "IK5":
            if response is None:
                raise fail(segment, path, "IK5 without its AK2")
            response.verdict = segment
            response = error = element = None
        elif kind == "AK9":
            totals = segment
    header = transaction.header
    if group is None:
        raise fail(header, path, f"999 {transaction.control_number} has no AK1 naming the group acknowledged")
    if totals is None:
        raise fail(header, path, f"999 {transaction.control_number} has no AK9 with the group's verdict")
    counts = [_position(totals, position, path, f"AK90{position}") for position in (2, 3, 4)]
    if None in counts:
        raise fail(totals, path, "AK902..AK904, the counts of transaction sets, are required")
    return build(
        FunctionalAcknowledgment,
        totals,
        path,
        control_number=header[2],
        implementation=header[3] or None,
        functional_identifier=group[1],
        group_control_number=group[2],
        version=group[3] or None,
        status=totals[1],
        sets_included=counts[0],
        sets_received=counts[1],
        sets_accepted=counts[2],
        error_codes=tuple(code for code in totals.elements[4:9] if code),
        transactions=tuple(item.record(path) for item in responses),
        source=transaction.source(path),
    )


def read_999(source: SegmentSource, *, path: str | None = None) -> Iterator[FunctionalAcknowledgment]:
    """The 999 acknowledgments of a file, one per ST/SE.

    Args:
        source: the file, or its segments.
        path: the file's name in errors (defaults to ``source`` when it is a path).

    Raises:
        X12Error: the file is not X12, holds a transaction set other than 999, or breaks the 999's structure (an
            IK4 without its IK3, an AK2 without its IK5, no AK9, a count that is not a number); the message names
            the segment.
    """
    segments, name = open_segments(source, path)
    for transaction in transactions(segments, name, frozenset({"999"})):
        yield _acknowledgment(transaction, name)
