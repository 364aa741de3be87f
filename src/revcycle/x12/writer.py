"""Writing X12: segments to text, and the ISA/GS/ST envelopes around transaction sets with their counts.

Counts are never typed by hand: SE01 is the number of segments written between ST and SE inclusive, GE01 the number
of transaction sets, IEA01 the number of groups, and the control numbers of each trailer repeat its header's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from revcycle.x12.tokens import Delimiters

STANDARD_DELIMITERS = Delimiters()

# An element is text, a composite (its components in order), or None for an empty element.
Element = str | Sequence[str] | None


def segment_text(segment_id: str, elements: Iterable[Element], delimiters: Delimiters) -> str:
    """One segment as X12 text, without its terminator; trailing empty elements and components are dropped."""
    parts = [segment_id]
    for element in elements:
        if element is None:
            parts.append("")
        elif isinstance(element, str):
            parts.append(element)
        else:
            components = list(element)
            while components and not components[-1]:
                components.pop()
            parts.append(delimiters.component.join(components))
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return delimiters.element.join(parts)


@dataclass(slots=True)
class TransactionSet:
    """The segments of one transaction set between ST and SE, which `ST` and `SE` are added around when written.

    Attributes:
        identifier: ST01, e.g. ``837``.
        control_number: ST02, unique within its group.
        implementation: ST03, the implementation guide, e.g. ``005010X222A1``.
        segments: the body's segments as (id, elements).
    """

    identifier: str
    control_number: str
    implementation: str
    segments: list[tuple[str, list[Element]]] = field(default_factory=list)

    def add(self, segment_id: str, *elements: Element) -> None:
        """Append one segment to the body."""
        self.segments.append((segment_id, list(elements)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Envelope:
    """Who sends an interchange to whom, and its control numbers.

    Attributes:
        sender_id: ISA06, the submitter's interchange id (padded to 15).
        receiver_id: ISA08, the receiver's interchange id.
        interchange_control_number: ISA13, 1 to 999999999, unique per sender.
        group_control_number: GS06, unique per sender.
        functional_identifier: GS01, e.g. ``HC`` for claims.
        sender_qualifier: ISA05, ``ZZ`` mutually defined, ``30`` tax id, ...
        receiver_qualifier: ISA07.
        application_sender: GS02; the sender id when empty.
        application_receiver: GS03; the receiver id when empty.
        usage: ISA15, ``P`` production or ``T`` test.
        created: the date and time written in the ISA and GS.
        acknowledgment_requested: ISA14, whether a TA1 is asked for.
        delimiters: the separators to write with.
    """

    sender_id: str
    receiver_id: str
    interchange_control_number: int
    group_control_number: int
    functional_identifier: str
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    application_sender: str = ""
    application_receiver: str = ""
    usage: str = "P"
    created: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    acknowledgment_requested: bool = False
    delimiters: Delimiters = STANDARD_DELIMITERS


@dataclass(frozen=True, slots=True)
class WrittenTransaction:
    """A transaction set whose body is already X12 text, for writers that build segments as strings (fast).

    Attributes:
        identifier: ST01, e.g. ``837``.
        control_number: ST02, unique within its group.
        implementation: ST03, the implementation guide, e.g. ``005010X222A1``.
        body: the segments between ST and SE, each without its terminator.
    """

    identifier: str
    control_number: str
    implementation: str
    body: Sequence[str]


@dataclass(frozen=True, slots=True)
class FunctionalGroup:
    """One GS..GE group: transaction sets of one implementation guide.

    Attributes:
        version: GS08, e.g. ``005010X222A1``.
        control_number: GS06, unique per sender.
        transactions: the transaction sets of the group.
        functional_identifier: GS01; the envelope's when empty.
    """

    version: str
    control_number: int
    transactions: Sequence[TransactionSet | WrittenTransaction]
    functional_identifier: str = ""


def interchange(
    envelope: Envelope, version: str, transactions: Sequence[TransactionSet], *, newline: bool = True
) -> str:
    """A whole interchange (ISA, one GS group, the transaction sets, GE, IEA) as text.

    Args:
        envelope: the parties, control numbers and delimiters.
        version: GS08, the implementation guide version of the group, e.g. ``005010X222A1``.
        transactions: the transaction sets of the group.
        newline: put a line break after each terminator (readable; every reader tolerates it).
    """
    group = FunctionalGroup(version, envelope.group_control_number, transactions)
    return interchange_groups(envelope, [group], newline=newline)


def interchange_groups(envelope: Envelope, groups: Sequence[FunctionalGroup], *, newline: bool = True) -> str:
    """A whole interchange with one or more functional groups (e.g. an 837P group and an 837I group) as text.

    Each group carries its own GS06; the envelope's ``group_control_number`` is not used. SE01, GE01 and IEA01 are
    counted from what is written.

    Args:
        envelope: the parties, the interchange control number and the delimiters.
        groups: the groups in the order to write them.
        newline: put a line break after each terminator (readable; every reader tolerates it).
    """
    delimiters = envelope.delimiters
    element = delimiters.element
    # A terminator that is itself a line break needs no second one (an empty line would read as an empty segment).
    ending = delimiters.segment + ("\n" if newline and delimiters.segment not in "\r\n" else "")
    created = envelope.created
    isa = [
        "00",
        " " * 10,
        "00",
        " " * 10,
        envelope.sender_qualifier,
        envelope.sender_id.ljust(15)[:15],
        envelope.receiver_qualifier,
        envelope.receiver_id.ljust(15)[:15],
        created.strftime("%y%m%d"),
        created.strftime("%H%M"),
        delimiters.repetition or "U",
        "00501",
        f"{envelope.interchange_control_number:09d}",
        "1" if envelope.acknowledgment_requested else "0",
        envelope.usage,
        delimiters.component,
    ]
    lines = [element.join(["ISA", *isa])]
    for group in groups:
        number = str(group.control_number)
        lines.append(
            segment_text(
                "GS",
                [
                    group.functional_identifier or envelope.functional_identifier,
                    envelope.application_sender or envelope.sender_id.strip(),
                    envelope.application_receiver or envelope.receiver_id.strip(),
                    created.strftime("%Y%m%d"),
                    created.strftime("%H%M"),
                    number,
                    "X",
                    group.version,
                ],
                delimiters,
            )
        )
        for transaction in group.transactions:
            control = transaction.control_number
            lines.append(element.join(["ST", transaction.identifier, control, transaction.implementation]))
            if isinstance(transaction, WrittenTransaction):
                body: Sequence[str] = transaction.body
            else:
                body = [segment_text(segment_id, elements, delimiters) for segment_id, elements in transaction.segments]
            lines.extend(body)
            lines.append(element.join(["SE", str(len(body) + 2), control]))
        lines.append(element.join(["GE", str(len(group.transactions)), number]))
    lines.append(element.join(["IEA", str(len(groups)), f"{envelope.interchange_control_number:09d}"]))
    return ending.join(lines) + ending


def segments_text(
    segments: Iterable[tuple[str, Sequence[str]]], delimiters: Delimiters, *, newline: bool = False
) -> str:
    """Segments already split into id and element texts (as the tokenizer gives them), joined back into X12."""
    ending = delimiters.segment + ("\n" if newline else "")
    return "".join(delimiters.element.join([segment_id, *elements]) + ending for segment_id, elements in segments)
