"""Reading 277s: the claim acknowledgment (277CA, 005010X214) and the claim status response (277, 005010X212).

Both walk the same HL tree: information source (20, the payer or clearinghouse), information receiver (21, the
submitter), provider (19), then the claims under a patient (PT, 277CA) or a subscriber (22) and dependent (23, 277).
A claim is the TRN that follows the patient's NM1, with its STC statuses, REFs and DTP, then SVC lines with their own
STCs. One `ClaimStatusResponse` is yielded per ST/SE, so a large file is read one transaction set at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from revcycle.domain.acknowledgment import (
    ClaimStatusReport,
    ClaimStatusResponse,
    LineStatus,
    PartyStatus,
    StatusInformation,
    StatusLevel,
    StatusReason,
)
from revcycle.x12.tokens import Segment
from revcycle.x12.values import (
    SegmentSource,
    Transaction,
    amount,
    build,
    count_of,
    date_span,
    fail,
    open_segments,
    optional_date_of,
    person_name,
    source_of,
    transactions,
)


def _reasons(segment: Segment, path: str) -> list[StatusReason]:
    reasons = []
    for position in (1, 10, 11):
        parts = segment.components(position)
        if not any(parts):
            continue
        parts += [""] * (4 - len(parts))
        reasons.append(
            build(
                StatusReason,
                segment,
                path,
                category=parts[0],
                code=parts[1] or None,
                entity=parts[2] or None,
                code_list=parts[3] or None,
            )
        )
    return reasons


def status_information(segment: Segment, path: str) -> StatusInformation:
    """An STC segment as a `StatusInformation`."""
    return build(
        StatusInformation,
        segment,
        path,
        reasons=tuple(_reasons(segment, path)),
        effective_date=optional_date_of(segment, 2, path, "STC02"),
        action=segment[3] or None,
        charge=amount(segment, 4, path, "total charge"),
        paid=amount(segment, 5, path, "payment"),
        adjudication_date=optional_date_of(segment, 6, path, "STC06"),
        payment_method=segment[7] or None,
        payment_date=optional_date_of(segment, 8, path, "STC08"),
        check_number=segment[9] or None,
        message=segment[12] or None,
    )


@dataclass(slots=True)
class _Party:
    level: StatusLevel
    segment: Segment
    name: str | None = None
    identifier: str | None = None
    identifier_qualifier: str | None = None
    trace_number: str | None = None
    statuses: list[StatusInformation] = field(default_factory=list)
    quantities: dict[str, Decimal | None] = field(default_factory=dict)
    amounts: dict[str, Decimal | None] = field(default_factory=dict)

    def record(self, path: str) -> PartyStatus:
        return build(
            PartyStatus,
            self.segment,
            path,
            level=self.level,
            name=self.name,
            identifier=self.identifier,
            identifier_qualifier=self.identifier_qualifier,
            trace_number=self.trace_number,
            statuses=tuple(self.statuses),
            accepted_quantity=self.quantities.get("90", self.quantities.get("QA")),
            rejected_quantity=self.quantities.get("AA", self.quantities.get("QC")),
            accepted_amount=self.amounts.get("YU"),
            rejected_amount=self.amounts.get("YY"),
        )


@dataclass(slots=True)
class _Line:
    segment: Segment
    statuses: list[StatusInformation] = field(default_factory=list)
    line_control_number: str | None = None
    dates: tuple[date, date | None] | None = None

    def record(self, path: str) -> LineStatus:
        svc = self.segment
        parts = svc.components(1)
        start, end = self.dates or (None, None)
        return build(
            LineStatus,
            svc,
            path,
            procedure_qualifier=parts[0] if parts else "",
            procedure_code=parts[1] if len(parts) > 1 else "",
            modifiers=tuple(part for part in parts[2:6] if part),
            charge=amount(svc, 2, path, "line charge"),
            paid=amount(svc, 3, path, "line payment"),
            revenue_code=svc[4] or None,
            units=count_of(svc, 7, path, "units"),
            statuses=tuple(self.statuses),
            line_control_number=self.line_control_number,
            service_date=start,
            service_date_end=end,
        )


@dataclass(slots=True)
class _Claim:
    segment: Segment
    level: StatusLevel
    patient_name: str | None
    member_id: str | None
    provider: _Party | None
    statuses: list[StatusInformation] = field(default_factory=list)
    references: dict[str, str] = field(default_factory=dict)
    dates: tuple[date, date | None] | None = None
    lines: list[_Line] = field(default_factory=list)

    def record(self, path: str, acknowledgment: bool) -> ClaimStatusReport:
        trace = self.segment[2]
        # A 277CA's TRN02 is the claim's CLM01; a 277 echoes the 276's trace and gives CLM01 in REF*EJ only.
        control = trace if acknowledgment else self.references.get("EJ")
        first = self.statuses[0] if self.statuses else None
        start, end = self.dates or (None, None)
        return build(
            ClaimStatusReport,
            self.segment,
            path,
            trace_number=trace,
            statuses=tuple(self.statuses),
            patient_control_number=control or None,
            payer_claim_control_number=self.references.get("1K"),
            clearinghouse_trace_number=self.references.get("D9"),
            bill_type=self.references.get("BLT"),
            total_charge=first.charge if first else None,
            paid=first.paid if first else None,
            level=self.level,
            patient_name=self.patient_name,
            member_id=self.member_id,
            provider_name=self.provider.name if self.provider else None,
            provider_identifier=self.provider.identifier if self.provider else None,
            service_date=start,
            service_date_end=end,
            lines=tuple(service.record(path) for service in self.lines),
            source=source_of(self.segment, path),
        )


_PARTY_LEVELS = {"21": StatusLevel.INFORMATION_RECEIVER, "19": StatusLevel.PROVIDER}
_MEMBER_LEVELS = {"22": StatusLevel.SUBSCRIBER, "23": StatusLevel.DEPENDENT, "PT": StatusLevel.PATIENT}


class _Reader277:
    """The walk of one 277 transaction set's body, level by level."""

    def __init__(self, transaction: Transaction, path: str) -> None:
        self.transaction = transaction
        self.path = path
        self.acknowledgment = transaction.header[3].startswith("005010X214")
        self.header: dict[str, object] = {}
        self.parties: list[_Party] = []
        self.claims: list[_Claim] = []
        self.level: str = ""
        self.party: _Party | None = None
        self.provider: _Party | None = None
        self.member: tuple[str | None, str | None] = (None, None)
        self.claim: _Claim | None = None
        self.line: _Line | None = None

    def read(self) -> ClaimStatusResponse:
        for segment in self.transaction.body:
            self._segment(segment)
        path = self.path
        header = self.transaction.header
        return build(
            ClaimStatusResponse,
            header,
            path,
            control_number=header[2],
            implementation=header[3] or "005010X212",
            parties=tuple(party.record(path) for party in self.parties),
            claims=tuple(claim.record(path, self.acknowledgment) for claim in self.claims),
            source=self.transaction.source(path),
            **self.header,
        )

    def _segment(self, segment: Segment) -> None:
        handler = getattr(self, f"_on_{segment.id.lower()}", None)
        if handler is not None:
            handler(segment)

    def _on_bht(self, segment: Segment) -> None:
        self.header["reference"] = segment[3] or None
        self.header["created"] = optional_date_of(segment, 4, self.path, "BHT04")

    def _on_hl(self, segment: Segment) -> None:
        self.level = segment[3]
        self.claim = self.line = self.party = None
        if self.level in _PARTY_LEVELS:
            self.party = _Party(_PARTY_LEVELS[self.level], segment)
            self.parties.append(self.party)
            # A claim belongs to the provider above it: a new receiver starts without one.
            self.provider = self.party if self.level == "19" else None
        elif self.level in _MEMBER_LEVELS:
            # A dependent is identified by its subscriber's member id (its own NM1*QC usually has none).
            self.member = (None, self.member[1] if self.level == "23" else None)
        elif self.level != "20":
            raise fail(segment, self.path, f"HL03 {self.level!r} is not a level of a 277 (20, 21, 19, 22, 23, PT)")

    def _on_nm1(self, segment: Segment) -> None:
        name, identifier = person_name(segment), segment[9] or None
        if self.level == "20":
            self.header["payer_name"] = name
            self.header["payer_identifier"] = identifier
        elif self.party is not None:
            self.party.name, self.party.identifier = name, identifier
            self.party.identifier_qualifier = segment[8] or None
        elif self.level in _MEMBER_LEVELS:
            self.member = (name, identifier or self.member[1])

    def _on_trn(self, segment: Segment) -> None:
        if self.party is not None:
            self.party.trace_number = segment[2] or None
        elif self.level in _MEMBER_LEVELS:
            if not segment[2]:
                raise fail(segment, self.path, "TRN02, the claim's trace number, is empty")
            level = _MEMBER_LEVELS[self.level]
            self.claim = _Claim(segment, level, self.member[0], self.member[1], self.provider)
            self.claims.append(self.claim)
            self.line = None

    def _on_stc(self, segment: Segment) -> None:
        status = status_information(segment, self.path)
        if self.line is not None:
            self.line.statuses.append(status)
        elif self.claim is not None:
            self.claim.statuses.append(status)
        elif self.party is not None:
            self.party.statuses.append(status)
        else:
            raise fail(segment, self.path, "STC outside an information receiver, provider, claim or line")

    def _on_qty(self, segment: Segment) -> None:
        if self.party is not None:
            self.party.quantities[segment[1]] = count_of(segment, 2, self.path)

    def _on_amt(self, segment: Segment) -> None:
        if self.party is not None:
            self.party.amounts[segment[1]] = amount(segment, 2, self.path)

    def _on_ref(self, segment: Segment) -> None:
        if self.line is not None:
            if segment[1] == "FJ":
                self.line.line_control_number = segment[2] or None
        elif self.claim is not None:
            self.claim.references.setdefault(segment[1], segment[2])

    def _on_dtp(self, segment: Segment) -> None:
        if self.line is not None:
            self.line.dates = date_span(segment, self.path)
        elif self.claim is not None:
            self.claim.dates = date_span(segment, self.path)
        elif self.level == "20" and segment[1] in ("050", "009"):
            day, _ = date_span(segment, self.path)
            self.header["received_date" if segment[1] == "050" else "processed_date"] = day

    def _on_svc(self, segment: Segment) -> None:
        if self.claim is None:
            raise fail(segment, self.path, "SVC outside a claim (it follows the claim's TRN and STC)")
        self.line = _Line(segment)
        self.claim.lines.append(self.line)


def read_277(source: SegmentSource, *, path: str | None = None) -> Iterator[ClaimStatusResponse]:
    """The 277CA claim acknowledgments and 277 claim status responses of a file, one per ST/SE.

    Args:
        source: the file, or its segments.
        path: the file's name in errors (defaults to ``source`` when it is a path).

    Raises:
        X12Error: the file is not X12, holds a transaction set other than 277, or a value cannot be read (a date
            that is not a date, an amount that is not money); the message names the segment.
    """
    segments, name = open_segments(source, path)
    for transaction in transactions(segments, name, frozenset({"277"})):
        yield _Reader277(transaction, name).read()
