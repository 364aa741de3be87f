"""Reading 271 eligibility responses (005010X279A1): is the patient covered, and what will they owe?

The HL tree is the payer (20), the provider who asked (21), then each subscriber (22) and dependent (23). Under a
member, AAA segments say why the payer cannot answer; each EB segment starts a benefit (loop 2110) that its DTP,
MSG and AAA segments and an LS/LE-wrapped NM1 (loop 2120, e.g. the primary care provider) belong to. One
`EligibilityResponse` is yielded per ST/SE.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from revcycle.domain.eligibility import (
    Benefit,
    EligibilityDate,
    EligibilityResponse,
    MemberEligibility,
    MemberLevel,
    Rejection,
    RelatedEntity,
    percent,
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
    value_of,
)


def _rejection(segment: Segment, path: str) -> Rejection:
    if segment[1] not in ("Y", "N"):
        raise fail(segment, path, f"AAA01 {segment[1]!r} is neither Y nor N")
    return build(
        Rejection, segment, path, valid_request=segment[1] == "Y", reason_code=segment[3], follow_up=segment[4] or None
    )


def _date(segment: Segment, path: str) -> EligibilityDate:
    start, end = date_span(segment, path)
    return build(EligibilityDate, segment, path, qualifier=segment[1], start=start, end=end)


def _service_types(eb: Segment) -> tuple[str, ...]:
    codes = eb.repeats(3)
    # EB03 is a simple element, so a component separator in it can only be a repetition separator that the ISA
    # declared twice (ISA11 equal to ISA16, as some TR3 example files do): the codes are still meant one by one.
    if eb.delimiters.repetition is None:
        codes = [code for repeat in codes for code in repeat.split(eb.delimiters.component)]
    return tuple(code for code in codes if code)


@dataclass(slots=True)
class _Benefit:
    segment: Segment
    dates: list[EligibilityDate] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    entities: list[RelatedEntity] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    def record(self, path: str) -> Benefit:
        eb = self.segment
        return build(
            Benefit,
            eb,
            path,
            information=eb[1],
            coverage_level=eb[2] or None,
            service_types=_service_types(eb),
            insurance_type=eb[4] or None,
            plan_description=eb[5] or None,
            time_period=eb[6] or None,
            amount=amount(eb, 7, path, "benefit amount"),
            percent=value_of(percent, eb, 8, path, "benefit percent"),
            quantity_qualifier=eb[9] or None,
            quantity=count_of(eb, 10, path, "benefit quantity"),
            authorization_required=eb[11] or None,
            in_network=eb[12] or None,
            procedure_code=eb.component(13, 2) or None,
            dates=tuple(self.dates),
            messages=tuple(self.messages),
            related_entities=tuple(self.entities),
            rejections=tuple(self.rejections),
        )


@dataclass(slots=True)
class _Member:
    segment: Segment
    fields: dict[str, object] = field(default_factory=dict)
    traces: list[str] = field(default_factory=list)
    dates: list[EligibilityDate] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    benefits: list[_Benefit] = field(default_factory=list)

    def record(self, path: str) -> MemberEligibility:
        return build(
            MemberEligibility,
            self.segment,
            path,
            level=self.segment[3],
            trace_numbers=tuple(self.traces),
            dates=tuple(self.dates),
            rejections=tuple(self.rejections),
            benefits=tuple(benefit.record(path) for benefit in self.benefits),
            source=source_of(self.segment, path),
            **self.fields,
        )


class _Reader271:
    """The walk of one 271 transaction set's body."""

    def __init__(self, transaction: Transaction, path: str) -> None:
        self.transaction = transaction
        self.path = path
        self.header: dict[str, object] = {}
        self.rejections: list[Rejection] = []
        self.members: list[_Member] = []
        self.level = ""
        self.member: _Member | None = None
        self.benefit: _Benefit | None = None
        self.in_related_loop = False

    def read(self) -> EligibilityResponse:
        for segment in self.transaction.body:
            handler = getattr(self, f"_on_{segment.id.lower()}", None)
            if handler is not None:
                handler(segment)
        header = self.transaction.header
        return build(
            EligibilityResponse,
            header,
            self.path,
            control_number=header[2],
            implementation=header[3] or "005010X279A1",
            rejections=tuple(self.rejections),
            members=tuple(member.record(self.path) for member in self.members),
            source=self.transaction.source(self.path),
            **self.header,
        )

    def _on_bht(self, segment: Segment) -> None:
        self.header["reference"] = segment[3] or None
        self.header["created"] = optional_date_of(segment, 4, self.path, "BHT04")

    def _on_hl(self, segment: Segment) -> None:
        self.level = segment[3]
        self.member = self.benefit = None
        self.in_related_loop = False
        if self.level in (MemberLevel.SUBSCRIBER, MemberLevel.DEPENDENT):
            subscriber = self.members[-1] if self.members and self.level == MemberLevel.DEPENDENT else None
            self.member = _Member(segment)
            # A dependent's NM1*03 rarely carries an id: it is covered under its subscriber's member id.
            if subscriber is not None and subscriber.segment[3] == MemberLevel.SUBSCRIBER:
                self.member.fields["member_id"] = subscriber.fields.get("member_id")
            self.members.append(self.member)
        elif self.level not in ("20", "21"):
            raise fail(segment, self.path, f"HL03 {self.level!r} is not a level of a 271 (20, 21, 22, 23)")

    def _on_nm1(self, segment: Segment) -> None:
        if self.in_related_loop and self.benefit is not None:
            entity = build(
                RelatedEntity,
                segment,
                self.path,
                entity_code=segment[1],
                name=person_name(segment),
                identifier=segment[9] or None,
                identifier_qualifier=segment[8] or None,
            )
            self.benefit.entities.append(entity)
        elif self.member is not None:
            self.member.fields.update(last_name=segment[3] or None, first_name=segment[4] or None)
            if segment[9]:
                self.member.fields["member_id"] = segment[9]
        elif self.level == "20":
            self.header.update(payer_name=person_name(segment), payer_identifier=segment[9] or None)
        elif self.level == "21":
            self.header.update(receiver_name=person_name(segment), receiver_identifier=segment[9] or None)

    def _on_trn(self, segment: Segment) -> None:
        if self.member is not None and segment[2]:
            self.member.traces.append(segment[2])

    def _on_aaa(self, segment: Segment) -> None:
        rejection = _rejection(segment, self.path)
        if self.benefit is not None:
            self.benefit.rejections.append(rejection)
        elif self.member is not None:
            self.member.rejections.append(rejection)
        else:
            self.rejections.append(rejection)

    def _on_dmg(self, segment: Segment) -> None:
        if self.member is None:
            return
        if segment[1] and segment[1] != "D8":
            raise fail(segment, self.path, f"DMG01 {segment[1]!r}: the birth date's format must be D8")
        self.member.fields.update(
            birth_date=optional_date_of(segment, 2, self.path, "DMG02 birth date"), sex=segment[3] or None
        )

    def _on_ins(self, segment: Segment) -> None:
        if self.member is not None:
            self.member.fields["relationship"] = segment[2] or None

    def _on_ref(self, segment: Segment) -> None:
        if self.member is None or self.benefit is not None or segment[1] not in ("6P", "18"):
            return
        # The group number is what a claim needs; the plan number stands in only when no group is given.
        if segment[1] == "6P" or "group_number" not in self.member.fields:
            self.member.fields["group_number"] = segment[2] or None

    def _on_dtp(self, segment: Segment) -> None:
        if self.benefit is not None and not self.in_related_loop:
            self.benefit.dates.append(_date(segment, self.path))
        elif self.member is not None and self.benefit is None:
            self.member.dates.append(_date(segment, self.path))

    def _on_eb(self, segment: Segment) -> None:
        if self.member is None:
            raise fail(segment, self.path, "EB outside a subscriber or dependent (HL 22 or 23)")
        self.benefit = _Benefit(segment)
        self.member.benefits.append(self.benefit)
        self.in_related_loop = False

    def _on_msg(self, segment: Segment) -> None:
        if self.benefit is not None and segment[1]:
            self.benefit.messages.append(segment[1])

    def _on_ls(self, segment: Segment) -> None:
        if self.benefit is None:
            raise fail(segment, self.path, "LS outside a benefit (it follows an EB)")
        self.in_related_loop = True

    def _on_le(self, segment: Segment) -> None:
        if not self.in_related_loop:
            raise fail(segment, self.path, "LE without its LS")
        self.in_related_loop = False


def read_271(source: SegmentSource, *, path: str | None = None) -> Iterator[EligibilityResponse]:
    """The 271 eligibility responses of a file, one per ST/SE.

    Args:
        source: the file, or its segments.
        path: the file's name in errors (defaults to ``source`` when it is a path).

    Raises:
        X12Error: the file is not X12, holds a transaction set other than 271, or a value cannot be read (an
            unknown EB01 code, a date that is not a date, an amount that is not money); the message names the
            segment.
    """
    segments, name = open_segments(source, path)
    for transaction in transactions(segments, name, frozenset({"271"})):
        yield _Reader271(transaction, name).read()
