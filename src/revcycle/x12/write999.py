"""Writing the 999 implementation acknowledgment (005010X231A1) of a received file from its validation findings.

One 999 transaction set answers each functional group received: AK1 names the group (GS01, GS06, GS08); per
transaction set an AK2 (ST01, ST02, ST03), an IK3 per segment in error with a CTX naming the claim (CLM01) it is in
and an IK4 per element in error, then IK5: A accepted, E accepted with errors (warnings only), R rejected. AK9 gives
the group's verdict (A, E, P partially accepted, R) and the counts of sets included (GE01), received and accepted.

The findings carry the codes (IK304, IK403, IK402, IK404) and positions; the trailers' own counts and control
numbers (SE01/SE02, GE01/GE02) are checked here from the segments, as they are facts of the file. Findings outside
any transaction set (ISA, GS, GE, IEA) are an interchange's business (a TA1) and are not written.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from revcycle.x12.errors import X12Error
from revcycle.x12.findings import Severity, X12Finding
from revcycle.x12.tokens import Delimiters, Segment
from revcycle.x12.writer import STANDARD_DELIMITERS, Element, Envelope, TransactionSet, interchange

IMPLEMENTATION = "005010X231A1"
# CTX01-2 and IK404 hold at most 35 and 99 characters.
MAX_CONTEXT = 35
MAX_VALUE = 99
MAX_CODES = 5
# IK5 codes for what the trailer says: 3 control number mismatch, 4 segment count mismatch, 5 segments in error,
# I5 implementation segments in error. AK9: 4 group control number mismatch, 5 set count mismatch.
IK5_CONTROL_NUMBER = "3"
IK5_SEGMENT_COUNT = "4"
IK5_SEGMENTS_IN_ERROR = "5"
IK5_IMPLEMENTATION_ERRORS = "I5"
AK9_CONTROL_NUMBER = "4"
AK9_SET_COUNT = "5"
AK9_GROUP_NOT_SUPPORTED = "1"
ACKNOWLEDGMENT_GROUP = "FA"
# Each transaction set belongs to one functional group (GS01); AK101 must be one of the HIPAA ones.
FUNCTIONAL_IDENTIFIERS = {
    "270": "HS",
    "271": "HB",
    "276": "HR",
    "277": "HN",
    "278": "HI",
    "820": "RA",
    "834": "BE",
    "835": "HP",
    "837": "HC",
}
# IK304 8: the segment has data element errors (the IK4s say which).
SEGMENT_HAS_ELEMENT_ERRORS = "8"


@dataclass(slots=True)
class _Located:
    """A segment with findings, as the acknowledgment needs it: its id, position from ST, and claim."""

    segment_id: str
    position: int
    claim: str | None
    findings: list[X12Finding] = field(default_factory=list)


@dataclass(slots=True)
class _Received:
    """One transaction set received: its header, trailer facts and the findings inside it."""

    header: Segment
    trailer_codes: list[str] = field(default_factory=list)
    segments: dict[int, _Located] = field(default_factory=dict)
    loose: list[X12Finding] = field(default_factory=list)
    count: int = 1

    @property
    def findings(self) -> list[X12Finding]:
        return self.loose + [finding for located in self.segments.values() for finding in located.findings]

    @property
    def rejected(self) -> bool:
        return bool(self.trailer_codes) or any(finding.severity is Severity.ERROR for finding in self.findings)

    @property
    def status(self) -> str:
        if self.rejected:
            return "R"
        return "E" if self.findings else "A"


@dataclass(slots=True)
class _Group:
    """One functional group received."""

    header: Segment
    transactions: list[_Received] = field(default_factory=list)
    included: str = ""
    trailer_codes: list[str] = field(default_factory=list)


def _fits(text: str, limit: int, delimiters: Delimiters) -> bool:
    """Whether ``text`` can be written in one element: short, printable ASCII and free of the output's separators."""
    separators = {delimiters.element, delimiters.component, delimiters.segment, delimiters.repetition}
    if not text or len(text) > limit or not (text.isascii() and text.isprintable()):
        return False
    return not any(character in separators for character in text)


def _echo(
    segment: Segment,
    position: int,
    limit: int,
    delimiters: Delimiters,
    path: str,
    allowed: Container[str] | None = None,
) -> str:
    """Element ``position`` of a received envelope segment, which the 999 must repeat as it was.

    Raises:
        X12Error: the value cannot be repeated in a 999 (empty, too long, not printable ASCII, holding a separator, or
            not one of ``allowed``): such a group can only be refused at the interchange level (a TA1).
    """
    text = segment[position]
    if not _fits(text, limit, delimiters) or (allowed is not None and text not in allowed):
        raise X12Error(
            path,
            f"{segment.id}{position:02d} {text[:20]!r} cannot be repeated in a 999",
            segment_index=segment.index,
            offset=segment.offset,
            segment=segment.id,
        )
    return text


class _Matching:
    """The values a pattern allows, as an ``allowed`` set for `_echo`."""

    def __init__(self, pattern: str) -> None:
        self._pattern = re.compile(pattern)

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self._pattern.fullmatch(text) is not None


# GS06 is a number of up to nine digits (AK102 N0 1/9); ST02 has 4 to 9 characters (AK202 AN 4/9).
_GROUP_CONTROL_NUMBER = _Matching(r"[0-9]{1,9}")
_SET_CONTROL_NUMBER = _Matching(r".{4,9}")
# ISA05/ISA07 are two characters, ISA06/ISA08 up to 15 (padded), GS02/GS03 2 to 15.
_QUALIFIER = _Matching(r"[0-9A-Z]{2}")
_INTERCHANGE_ID = _Matching(r".*\S.*")
_APPLICATION_CODE = _Matching(r".{2,15}")


class _Collector:
    """One pass over the received segments: groups, transaction sets, and the segments the findings point at."""

    def __init__(self, findings: Sequence[X12Finding], path: str) -> None:
        self.path = path
        self.by_segment: dict[int, list[X12Finding]] = {}
        self.by_transaction: dict[str, list[X12Finding]] = {}
        for finding in findings:
            if finding.segment_index is not None:
                self.by_segment.setdefault(finding.segment_index, []).append(finding)
            elif finding.transaction is not None:
                self.by_transaction.setdefault(finding.transaction, []).append(finding)
        self.isa: Segment | None = None
        self.groups: list[_Group] = []
        self.group: _Group | None = None
        self.current: _Received | None = None
        self.claim: str | None = None

    def feed(self, segment: Segment) -> None:
        kind = segment.id
        if kind == "ISA":
            self.isa = segment
        elif kind == "GS":
            self.group = _Group(segment)
            self.groups.append(self.group)
        elif kind == "GE":
            self._close_group(segment)
        elif kind == "ST":
            self._open(segment)
        elif self.current is not None:
            self.current.count += 1
            if kind == "SE":
                self._close(segment)
                return
            if kind == "HL":
                self.claim = None
            elif kind == "CLM":
                self.claim = segment[1] or None
            self._locate(segment)

    def _open(self, segment: Segment) -> None:
        if self.group is None:
            raise X12Error(
                self.path, "ST outside a functional group (GS/GE)", segment_index=segment.index, segment="ST"
            )
        self.current = _Received(segment)
        self.current.loose.extend(self.by_transaction.pop(segment[2], []))
        self.current.loose.extend(self.by_segment.get(segment.index, []))
        self.claim = None
        self.group.transactions.append(self.current)

    def _locate(self, segment: Segment) -> None:
        assert self.current is not None  # feed only locates inside a transaction set
        findings = self.by_segment.get(segment.index)
        if findings:
            position = segment.index - self.current.header.index + 1
            self.current.segments[segment.index] = _Located(segment.id, position, self.claim, list(findings))

    def _close(self, segment: Segment) -> None:
        current = self.current
        assert current is not None  # only called inside a transaction set
        if segment[1] != str(current.count):
            current.trailer_codes.append(IK5_SEGMENT_COUNT)
        if segment[2] != current.header[2]:
            current.trailer_codes.append(IK5_CONTROL_NUMBER)
        # The validator reports the same trailer facts as SE findings: they count toward the verdict, not as IK3s.
        current.loose.extend(self.by_segment.get(segment.index, []))
        self.current = None

    def _close_group(self, segment: Segment) -> None:
        if self.group is None:
            raise X12Error(self.path, "GE without its GS", segment_index=segment.index, segment="GE")
        if self.current is not None:
            raise X12Error(
                self.path,
                f"GE before the SE of transaction set {self.current.header[2]}",
                segment_index=segment.index,
                segment="GE",
            )
        self.group.included = segment[1]
        if segment[1] != str(len(self.group.transactions)):
            self.group.trailer_codes.append(AK9_SET_COUNT)
        if segment[2] != self.group.header[6]:
            self.group.trailer_codes.append(AK9_CONTROL_NUMBER)
        self.group = None


def _segment_error(located: _Located, transaction: TransactionSet, delimiters: Delimiters) -> bool:
    """Add the IK3 (with CTX and IK4s) of one segment; whether it uses implementation (I) codes."""
    findings = located.findings
    segment_codes = [finding.segment_error_code for finding in findings if finding.segment_error_code]
    elements = [finding for finding in findings if finding.element is not None and finding.element_error_code]
    code = segment_codes[0] if segment_codes else (SEGMENT_HAS_ELEMENT_ERRORS if elements else None)
    loops = [
        finding.loop
        for finding in findings
        if finding.loop and _fits(finding.loop, 4, delimiters) and finding.loop.isalnum()
    ]
    transaction.add("IK3", located.segment_id, str(located.position), loops[0] if loops else None, code)
    if located.claim and _fits(located.claim, MAX_CONTEXT, delimiters):
        transaction.add("CTX", ["CLM01", located.claim])
    for finding in elements:
        # IK401 holds an element position and component of two digits and a repeat of four.
        if (finding.element or 0) > 99 or (finding.component or 0) > 99 or (finding.repetition or 0) > 9999:
            continue
        position: list[str] = [str(finding.element)]
        if finding.component is not None or finding.repetition is not None:
            position.append(str(finding.component) if finding.component is not None else "")
        if finding.repetition is not None:
            position.append(str(finding.repetition))
        value = finding.value if finding.value and _fits(finding.value, MAX_VALUE, delimiters) else None
        # IK402 is numeric: a composite's reference (C023) is not a data element number and is left out.
        reference = finding.data_element if finding.data_element and finding.data_element.isdigit() else None
        elements_of_ik4: list[Element] = [position, reference, finding.element_error_code, value]
        transaction.add("IK4", *elements_of_ik4)
    return code is not None and code.startswith("I")


def _acknowledge(group: _Group, control_number: str, delimiters: Delimiters, path: str) -> TransactionSet:
    header = group.header
    transaction = TransactionSet("999", control_number, IMPLEMENTATION)
    # AK201 lists the HIPAA transaction sets only; a set of another kind cannot be acknowledged by a 999.
    kinds = {_echo(received.header, 1, 3, delimiters, path, FUNCTIONAL_IDENTIFIERS) for received in group.transactions}
    functional_identifier = header[1]
    if functional_identifier not in FUNCTIONAL_IDENTIFIERS.values():
        if len(kinds) != 1:
            _echo(header, 1, 2, delimiters, path, FUNCTIONAL_IDENTIFIERS.values())
        # A GS01 that is not a HIPAA functional identifier cannot be echoed in AK101 (the 999 guide lists the
        # codes); the identifier of the sets the group holds names it instead, and the group is rejected as
        # not supported under the identifier it gave.
        functional_identifier = FUNCTIONAL_IDENTIFIERS[kinds.pop()]
        group.trailer_codes.append(AK9_GROUP_NOT_SUPPORTED)
    version = _echo(header, 8, 12, delimiters, path)
    transaction.add("AK1", functional_identifier, _echo(header, 6, 9, delimiters, path, _GROUP_CONTROL_NUMBER), version)
    accepted = 0
    statuses = []
    for received in group.transactions:
        st = received.header
        implementation = st[3] if _fits(st[3], 35, delimiters) else None
        transaction.add("AK2", st[1], _echo(st, 2, 9, delimiters, path, _SET_CONTROL_NUMBER), implementation)
        uses_implementation_codes = False
        uses_syntax_codes = False
        for index in sorted(received.segments):
            if _segment_error(received.segments[index], transaction, delimiters):
                uses_implementation_codes = True
            else:
                uses_syntax_codes = True
        status = received.status
        codes = list(dict.fromkeys(received.trailer_codes))
        if status != "A":
            if uses_syntax_codes or (not uses_implementation_codes and not codes):
                codes.append(IK5_SEGMENTS_IN_ERROR)
            if uses_implementation_codes:
                codes.append(IK5_IMPLEMENTATION_ERRORS)
        transaction.add("IK5", status, *codes[:MAX_CODES])
        statuses.append(status)
        accepted += status != "R"
    group_codes = list(dict.fromkeys(group.trailer_codes))
    if group_codes or accepted == 0:
        verdict = "R"
    elif accepted < len(statuses):
        verdict = "P"
    else:
        verdict = "E" if "E" in statuses else "A"
    # AK902 holds six digits; a GE01 that is not a count (already an AK905 5) is answered with the sets received.
    included = group.included if re.fullmatch(r"[0-9]{1,6}", group.included) else str(len(statuses))
    transaction.add("AK9", verdict, included, str(len(statuses)), str(accepted), *group_codes[:MAX_CODES])
    return transaction


def response_envelope(
    isa: Segment,
    gs: Segment,
    *,
    interchange_control_number: int,
    group_control_number: int,
    created: datetime,
    path: str = "<segments>",
) -> Envelope:
    """The envelope of an acknowledgment: the received interchange's receiver answers its sender.

    Args:
        isa: the received ISA.
        gs: the received GS.
        interchange_control_number: ISA13 of the acknowledgment.
        group_control_number: GS06 of the acknowledgment.
        created: when the acknowledgment is written.
        path: the received file's name, for errors.

    Raises:
        X12Error: an id of the received ISA or GS cannot be written back (not printable ASCII, too long, ...).
    """
    delimiters = STANDARD_DELIMITERS

    def party(segment: Segment, position: int, allowed: _Matching) -> str:
        return _echo(segment, position, 15, delimiters, path, allowed).strip()

    return Envelope(
        sender_id=party(isa, 8, _INTERCHANGE_ID),
        sender_qualifier=party(isa, 7, _QUALIFIER),
        receiver_id=party(isa, 6, _INTERCHANGE_ID),
        receiver_qualifier=party(isa, 5, _QUALIFIER),
        application_sender=party(gs, 3, _APPLICATION_CODE),
        application_receiver=party(gs, 2, _APPLICATION_CODE),
        interchange_control_number=interchange_control_number,
        group_control_number=group_control_number,
        functional_identifier="FA",
        usage="T" if isa[15] == "T" else "P",
        created=created,
    )


def write_999(
    segments: Iterable[Segment],
    findings: Sequence[X12Finding],
    *,
    interchange_control_number: int,
    group_control_number: int,
    envelope: Envelope | None = None,
    created: datetime | None = None,
    transaction_control_numbers: Sequence[int] | None = None,
    path: str = "<segments>",
    newline: bool = True,
) -> str:
    """The 999 acknowledging every functional group of a received file, given its validation findings.

    Args:
        segments: the received file's segments (as the tokenizer yields them).
        findings: the validator's findings about that file; those inside a transaction set are acknowledged.
        interchange_control_number: ISA13 of the 999 (unique per sender: take it from the control number store).
        group_control_number: GS06 of the 999.
        envelope: the 999's envelope; by default the received interchange's receiver answers its sender.
        created: when the 999 is written (default now).
        transaction_control_numbers: ST02 of each 999 set, one per functional group acknowledged (from the control
            number store); by default 1, 2, ... within the 999's group.
        path: the received file's name, for errors.
        newline: a line break after each segment terminator.

    Returns:
        The 999 interchange as text, one 999 transaction set per functional group received.

    Raises:
        X12Error: the received segments have no functional group, or a transaction set outside one.
        ValueError: fewer transaction control numbers than groups to acknowledge (a bug of the caller).
    """
    collector = _Collector(findings, path)
    for segment in segments:
        collector.feed(segment)
    # Acknowledgments are never acknowledged (an answer to an answer would never end), so FA groups are skipped.
    groups = [group for group in collector.groups if group.header[1] != ACKNOWLEDGMENT_GROUP]
    if collector.isa is None or not groups:
        raise X12Error(path, "no functional group to acknowledge (acknowledgments, GS01 FA, are not acknowledged)")
    if envelope is None:
        envelope = response_envelope(
            collector.isa,
            groups[0].header,
            interchange_control_number=interchange_control_number,
            group_control_number=group_control_number,
            created=created or datetime.now().replace(microsecond=0),
            path=path,
        )
    delimiters = envelope.delimiters
    numbers = list(range(1, len(groups) + 1) if transaction_control_numbers is None else transaction_control_numbers)
    if len(numbers) < len(groups):
        raise ValueError(f"{len(groups)} groups to acknowledge but {len(numbers)} transaction control numbers")
    sets = [
        _acknowledge(group, f"{number:04d}", delimiters, path)
        for number, group in zip(numbers[: len(groups)], groups, strict=True)
    ]
    return interchange(envelope, IMPLEMENTATION, sets, newline=newline)
