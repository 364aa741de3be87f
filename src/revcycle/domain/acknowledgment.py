"""Acknowledgments of what was sent: the 999 (was the file readable?) and the 277CA / 277 (what became of each claim).

A 999 answers a functional group of 837s (or 270s, 276s): per transaction set, accepted or rejected, and for each
rejection the segment and element at fault with their syntax error codes. A 277CA (005010X214) is the clearinghouse's
or payer's front-end answer per claim (accepted into adjudication, rejected for missing or invalid data); a 277
(005010X212) answers a 276 claim status request with where the claim stands (pending, finalized, paid, denied). Both
277s share one shape here: the levels above the claims (information receiver, provider) with their own statuses, then
per claim its STC statuses and per service line its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from revcycle.domain.fields import (
    FieldError,
    Normaliser,
    count,
    instance,
    line,
    one_of,
    optional,
    optional_date,
    optional_line,
)
from revcycle.domain.money import money, quantity
from revcycle.domain.source import Source

# Position counts of the 999 (IK302, AK902..904) are at most six digits (N0 1/6).
MAX_COUNT = 999_999
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_SYNTAX_CODE = re.compile(r"[0-9A-Z]{1,3}")
_STATUS_CATEGORY = re.compile(r"[A-Z][0-9A-Z]{1,2}")
_TRANSACTION_SET = re.compile(r"[0-9]{3}")


def _pattern(expression: re.Pattern[str], what: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        text = line(value, max_length=80).upper()
        if not expression.fullmatch(text):
            raise FieldError(f"{value!r} is not {what}")
        return text

    return check


_segment_id = _pattern(_SEGMENT_ID, "a segment id (2 or 3 letters and digits)")
_syntax_code = _pattern(_SYNTAX_CODE, "a syntax error code (1 to 3 letters or digits)")
_category = _pattern(_STATUS_CATEGORY, "a claim status category code (e.g. A1, A7, F2, P3)")
_transaction_set = _pattern(_TRANSACTION_SET, "a transaction set identifier (3 digits, e.g. 837)")


def _position(value: object) -> int:
    return count(value, minimum=1, maximum=MAX_COUNT)


def _tally(value: object) -> int:
    return count(value, minimum=0, maximum=MAX_COUNT)


class AcknowledgmentCode(StrEnum):
    """IK501 / AK901: what the receiver did with a transaction set or a functional group."""

    ACCEPTED = "A"
    ACCEPTED_WITH_ERRORS = "E"
    PARTIALLY_ACCEPTED = "P"
    """AK901 only: some transaction sets of the group were accepted, others rejected."""
    REJECTED = "R"
    REJECTED_MESSAGE_AUTHENTICATION = "M"
    REJECTED_ASSURANCE = "W"
    REJECTED_CONTENT_DECRYPTION = "X"

    @property
    def accepted(self) -> bool:
        """Whether the set (or some of the group) goes on to processing: A, E and P."""
        return self in (
            AcknowledgmentCode.ACCEPTED,
            AcknowledgmentCode.ACCEPTED_WITH_ERRORS,
            AcknowledgmentCode.PARTIALLY_ACCEPTED,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorContext:
    """A CTX segment: the business unit an error is in (``CLM01:123456789``), or the segment that triggered a rule.

    Attributes:
        name: CTX01-1, ``SITUATIONAL TRIGGER`` or the business unit's name (``CLM01``, ``TRN02``, ``NM109``).
        reference: CTX01-2, the business unit's identifier, e.g. the claim's patient control number.
        segment_id: CTX02, the id of the segment that triggered a situational rule.
        segment_position: CTX03, its position in the transaction set (ST = 1).
        loop: CTX04, its loop identifier.
        element: CTX05-1, the position of the triggering element.
        component: CTX05-2, its component position.
        repetition: CTX05-3, its repeat.
    """

    name: str
    reference: str | None = None
    segment_id: str | None = None
    segment_position: int | None = None
    loop: str | None = None
    element: int | None = None
    component: int | None = None
    repetition: int | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("name", line, max_length=35)
        check("reference", optional_line, max_length=35)
        check("segment_id", optional(_segment_id))
        check("segment_position", optional(_position))
        check("loop", optional_line, max_length=4)
        for field in ("element", "component", "repetition"):
            check(field, optional(_position))


@dataclass(frozen=True, slots=True, kw_only=True)
class ElementError:
    """An IK4: one element of a segment in error.

    Attributes:
        position: IK401-1, the element's position in its segment (CLM05 is 5).
        error_code: IK403, the syntax error (1 required element missing, 4 too short, 6 invalid character,
            7 invalid code value, 8 invalid date, I12 implementation pattern match failure, ...).
        component: IK401-2, the component's position within a composite element.
        repetition: IK401-3, the repeat of a repeating element.
        data_element: IK402, the data element reference number (e.g. 782, the monetary amount).
        value: IK404, a copy of the bad value.
        contexts: CTX segments that say which rule or business unit applies.
    """

    position: int
    error_code: str
    component: int | None = None
    repetition: int | None = None
    data_element: str | None = None
    value: str | None = None
    contexts: tuple[ErrorContext, ...] = ()

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("position", _position)
        check("error_code", _syntax_code)
        check("component", optional(_position))
        check("repetition", optional(_position))
        check("data_element", optional_line, max_length=4)
        check("value", optional_line, max_length=99)
        check.each("contexts", instance(ErrorContext))


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentError:
    """An IK3 and what follows it: one segment of a transaction set in error.

    Attributes:
        segment_id: IK301, the id of the segment in error (e.g. ``NM1``).
        position: IK302, its position in the transaction set, ST being 1.
        loop: IK303, the loop it is in (e.g. ``2010BA``), when given.
        error_code: IK304, the segment's error (1 unrecognized segment, 2 unexpected, 3 required segment missing,
            5 exceeds maximum use, 8 has data element errors, I4 not used segment present, ...).
        contexts: CTX, the business unit (``CLM01``) and situational triggers.
        element_errors: IK4, the elements in error.
    """

    segment_id: str
    position: int
    loop: str | None = None
    error_code: str | None = None
    contexts: tuple[ErrorContext, ...] = ()
    element_errors: tuple[ElementError, ...] = ()

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("segment_id", _segment_id)
        check("position", _position)
        check("loop", optional_line, max_length=4)
        check("error_code", optional(_syntax_code))
        check.each("contexts", instance(ErrorContext))
        check.each("element_errors", instance(ElementError))

    @property
    def business_unit(self) -> str | None:
        """The identifier of the claim (or other business unit) in error, from its CTX, e.g. the CLM01."""
        for context in self.contexts:
            if context.reference and context.name != "SITUATIONAL TRIGGER":
                return context.reference
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class TransactionAcknowledgment:
    """Loop 2000 of a 999: the answer for one transaction set sent (AK2 ... IK5).

    Attributes:
        transaction_set: AK201, what was sent (``837``, ``270``, ``276``).
        control_number: AK202, the ST02 of the set acknowledged.
        status: IK501, accepted (A), accepted with errors (E) or rejected (R, M, W, X).
        implementation: AK203, the ST03 of the set, e.g. ``005010X222A1``.
        error_codes: IK502..IK506, why (5 one or more segments in error, I5 implementation segments in error, 4 count
            mismatch, ...).
        segment_errors: the IK3 loops, the segments at fault.
        source: the file and segment (the AK2) it was read from.
    """

    transaction_set: str
    control_number: str
    status: AcknowledgmentCode
    implementation: str | None = None
    error_codes: tuple[str, ...] = ()
    segment_errors: tuple[SegmentError, ...] = ()
    source: Source | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("transaction_set", _transaction_set)
        check("control_number", line, max_length=9)
        status = check("status", one_of(AcknowledgmentCode))
        check("implementation", optional_line, max_length=35)
        check.each("error_codes", _syntax_code)
        check.each("segment_errors", instance(SegmentError))
        check("source", optional(instance(Source)))
        if status is AcknowledgmentCode.PARTIALLY_ACCEPTED:
            raise check.fail("status", "P (partially accepted) is for a functional group (AK901), not a set")
        if len(self.error_codes) > 5:
            raise check.fail("error_codes", f"{len(self.error_codes)} codes; IK502..IK506 hold at most 5")

    @property
    def accepted(self) -> bool:
        """Whether the set goes on to processing (A or E)."""
        return self.status.accepted


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionalAcknowledgment:
    """One 999 transaction set: the answer for one functional group that was sent.

    Attributes:
        control_number: ST02 of the 999.
        functional_identifier: AK101, the kind of group acknowledged (HC claims, HS eligibility, HR claim status).
        group_control_number: AK102, the GS06 of the group acknowledged, which ties the 999 to the file sent.
        status: AK901, the group accepted (A), accepted with errors (E), partially accepted (P) or rejected (R).
        sets_included: AK902, the number of transaction sets the group said it held (its GE01).
        sets_received: AK903, the number received.
        sets_accepted: AK904, the number accepted (A or E).
        version: AK103, the GS08 of the group acknowledged (e.g. ``005010X222A1``).
        implementation: ST03 of the 999 (``005010X231A1``).
        transactions: loop 2000, the answer for each transaction set.
        error_codes: AK905..AK909, the group's own errors (e.g. 5, the set count does not match).
        source: the file and segment (the ST) it was read from.
    """

    control_number: str
    functional_identifier: str
    group_control_number: str
    status: AcknowledgmentCode
    sets_included: int
    sets_received: int
    sets_accepted: int
    version: str | None = None
    implementation: str | None = None
    transactions: tuple[TransactionAcknowledgment, ...] = ()
    error_codes: tuple[str, ...] = ()
    source: Source | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("control_number", line, max_length=9)
        check("functional_identifier", line, max_length=2)
        check("group_control_number", line, max_length=9)
        check("status", one_of(AcknowledgmentCode))
        for field in ("sets_included", "sets_received", "sets_accepted"):
            check(field, _tally)
        check("version", optional_line, max_length=12)
        check("implementation", optional_line, max_length=35)
        check.each("transactions", instance(TransactionAcknowledgment))
        check.each("error_codes", _syntax_code)
        check("source", optional(instance(Source)))
        if self.sets_accepted > self.sets_received:
            raise check.fail("sets_accepted", f"{self.sets_accepted} accepted of {self.sets_received} received")
        if len(self.error_codes) > 5:
            raise check.fail("error_codes", f"{len(self.error_codes)} codes; AK905..AK909 hold at most 5")

    def transaction(self, control_number: str) -> TransactionAcknowledgment | None:
        """The answer for the transaction set whose ST02 is ``control_number``, if the 999 gives one."""
        for acknowledgment in self.transactions:
            if acknowledgment.control_number == control_number:
                return acknowledgment
        return None


# Claim status (277CA, 277)

# STC01-1 categories (code source 507) that mean the claim did not enter adjudication: A3 returned as
# unprocessable, A4 not found, A6 rejected for missing information, A7 for invalid information, A8 for a relational
# field in error. E categories are errors of the response itself, not of the claim.
REJECTED_CATEGORIES = frozenset({"A3", "A4", "A6", "A7", "A8"})
# A1 received, A2 accepted into the adjudication system, A5 split claim.
ACCEPTED_CATEGORIES = frozenset({"A1", "A2", "A5"})


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusReason:
    """One health care claim status composite (STC01, STC10 or STC11): category, status and entity.

    Attributes:
        category: STC01-1, the status category (A1 received, A2 accepted, A3/A6/A7/A8 rejected, F0..F4 finalized,
            P0..P5 pending, R requests for information, E errors of the response).
        code: STC01-2, the claim status code (code source 508): what exactly, e.g. 21 missing or invalid
            information, 562 entity's NPI.
        entity: STC01-3, the entity the status is about (85 billing provider, 82 rendering provider, PR payer, IL
            subscriber, QC patient, ...).
        code_list: STC01-4, the code list of an NCPDP reject code (``RX``).
    """

    category: str
    code: str | None = None
    entity: str | None = None
    code_list: str | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("category", _category)
        check("code", optional_line, max_length=30)
        check("entity", optional_line, max_length=3)
        check("code_list", optional_line, max_length=3)

    @property
    def rejected(self) -> bool:
        """Whether the category says the claim was rejected before adjudication (A3, A4, A6, A7, A8)."""
        return self.category in REJECTED_CATEGORIES

    @property
    def accepted(self) -> bool:
        """Whether the category says the claim was received or accepted for adjudication (A1, A2, A5)."""
        return self.category in ACCEPTED_CATEGORIES

    def __str__(self) -> str:
        return ":".join(part for part in (self.category, self.code, self.entity, self.code_list) if part)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusInformation:
    """One STC segment: the status of a claim, a line, a provider's or a submitter's batch, with its amounts.

    Attributes:
        reasons: STC01, STC10 and STC11, the status composites in order (the first is the main one).
        effective_date: STC02, the date the status applies from.
        action: STC03, the action code of a 277CA: WQ accepted, U rejected.
        charge: STC04, the total charge of the claim, line or batch the status is about.
        paid: STC05, the amount paid (277 responses).
        adjudication_date: STC06, when the claim was finalized (277).
        payment_method: STC07, ACH, BOP, CHK, FWT or NON.
        payment_date: STC08, the check issue or EFT date.
        check_number: STC09, the check or EFT trace number.
        message: STC12, free-form text.
    """

    reasons: tuple[StatusReason, ...]
    effective_date: date | None = None
    action: str | None = None
    charge: Decimal | None = None
    paid: Decimal | None = None
    adjudication_date: date | None = None
    payment_method: str | None = None
    payment_date: date | None = None
    check_number: str | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        reasons = check.each("reasons", instance(StatusReason))
        check("effective_date", optional_date)
        check("action", optional_line, max_length=2)
        check("charge", optional(money))
        check("paid", optional(money))
        check("adjudication_date", optional_date)
        check("payment_method", optional_line, max_length=3)
        check("payment_date", optional_date)
        check("check_number", optional_line, max_length=16)
        check("message", optional_line, max_length=264)
        if not reasons:
            raise check.fail("reasons", "a status needs its STC01 composite")

    @property
    def category(self) -> str:
        """STC01-1, the main status category."""
        return self.reasons[0].category

    @property
    def rejected(self) -> bool:
        """Whether any of the status composites rejects (A3, A4, A6, A7, A8)."""
        return any(reason.rejected for reason in self.reasons)


class StatusLevel(StrEnum):
    """HL03 of a 277: whose statuses these are."""

    INFORMATION_SOURCE = "20"
    INFORMATION_RECEIVER = "21"
    PROVIDER = "19"
    SUBSCRIBER = "22"
    DEPENDENT = "23"
    PATIENT = "PT"


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyStatus:
    """The statuses of a level above the claims: the information receiver (2000B) or a billing provider (2000C).

    A 277CA says here how many of the submitter's (or provider's) claims were accepted and rejected; a 277 may
    answer a whole 276 request at this level (e.g. E0 the request could not be processed).

    Attributes:
        level: HL03, information receiver (21) or provider (19).
        name: NM103 (and NM104 for a person), the receiver or provider.
        identifier: NM109, the ETIN (qualifier 46), NPI (XX) or tax id (FI).
        identifier_qualifier: NM108.
        trace_number: TRN02, the batch or provider trace number.
        statuses: STC, the statuses of the level.
        accepted_quantity: QTY*90 (receiver) or QTY*QA (provider), the number of claims accepted.
        rejected_quantity: QTY*AA (receiver) or QTY*QC (provider), the number of claims rejected.
        accepted_amount: AMT*YU, the total charge of the claims accepted.
        rejected_amount: AMT*YY, the total charge of the claims rejected.
    """

    level: StatusLevel
    name: str | None = None
    identifier: str | None = None
    identifier_qualifier: str | None = None
    trace_number: str | None = None
    statuses: tuple[StatusInformation, ...] = ()
    accepted_quantity: Decimal | None = None
    rejected_quantity: Decimal | None = None
    accepted_amount: Decimal | None = None
    rejected_amount: Decimal | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("level", one_of(StatusLevel))
        check("name", optional_line, max_length=100)
        check("identifier", optional_line, max_length=80)
        check("identifier_qualifier", optional_line, max_length=2)
        check("trace_number", optional_line, max_length=50)
        check.each("statuses", instance(StatusInformation))
        check("accepted_quantity", optional(quantity))
        check("rejected_quantity", optional(quantity))
        check("accepted_amount", optional(money))
        check("rejected_amount", optional(money))


@dataclass(frozen=True, slots=True, kw_only=True)
class LineStatus:
    """Loop 2220D/E: the status of one service line of a claim (SVC, STC, REF*FJ, DTP*472).

    Attributes:
        procedure_qualifier: SVC01-1, what the code is (HC HCPCS/CPT, NU revenue code, N4 NDC, ...).
        procedure_code: SVC01-2, the procedure, revenue code or NDC billed.
        charge: SVC02, the line charge.
        statuses: STC, the line's statuses.
        modifiers: SVC01-3..6, the procedure modifiers.
        paid: SVC03, the amount paid for the line (277).
        revenue_code: SVC04, the revenue code of an institutional line.
        units: SVC07, the units billed.
        line_control_number: REF*FJ, the line item control number of the 837 (its REF*6R).
        service_date: DTP*472, the line's date of service (the first day of a span).
        service_date_end: the last day of a span of service.
    """

    procedure_qualifier: str
    procedure_code: str
    charge: Decimal
    statuses: tuple[StatusInformation, ...] = ()
    modifiers: tuple[str, ...] = ()
    paid: Decimal | None = None
    revenue_code: str | None = None
    units: Decimal | None = None
    line_control_number: str | None = None
    service_date: date | None = None
    service_date_end: date | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("procedure_qualifier", line, max_length=2)
        check("procedure_code", line, max_length=48)
        check("charge", money)
        check.each("statuses", instance(StatusInformation))
        check.each("modifiers", lambda value: line(value, max_length=2))
        check("paid", optional(money))
        check("revenue_code", optional_line, max_length=48)
        check("units", optional(quantity))
        check("line_control_number", optional_line, max_length=50)
        check("service_date", optional_date)
        check("service_date_end", optional_date)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimStatusReport:
    """What a 277CA or 277 says about one claim (loops 2000D/E, 2100D/E, 2200D/E and 2220D/E).

    Attributes:
        trace_number: TRN02 of loop 2200: in a 277CA the claim's CLM01; in a 277 the trace number of the 276.
        statuses: STC, the claim's statuses in the order sent; the first is the claim's current status.
        patient_control_number: CLM01 of the claim: TRN02 in a 277CA, REF*EJ in a 277 (None when the 277 gives
            no REF*EJ: its TRN02 is then only the 276's trace number).
        payer_claim_control_number: REF*1K, the payer's number for the claim, needed to correct or void it.
        clearinghouse_trace_number: REF*D9, the clearinghouse's number for the claim.
        bill_type: REF*BLT, the institutional type of bill (facility type and frequency).
        total_charge: STC04 of the first status, the claim's total charge as received.
        paid: STC05 of the first status, the amount paid (277).
        level: HL03, subscriber (22), dependent (23) or patient (PT, the 277CA's single patient level).
        patient_name: NM103/NM104 of the patient (NM1*QC) or subscriber (NM1*IL).
        member_id: NM109, the subscriber's or patient's member id.
        provider_name: NM103 of loop 2100C, the billing provider.
        provider_identifier: NM109 of loop 2100C, its NPI (XX) or tax id (FI).
        service_date: DTP*472 of loop 2200, the first day of the claim's service.
        service_date_end: the last day of service.
        lines: loop 2220, the statuses of the service lines.
        source: the file and segment (the claim's TRN) it was read from.
    """

    trace_number: str
    statuses: tuple[StatusInformation, ...] = ()
    patient_control_number: str | None = None
    payer_claim_control_number: str | None = None
    clearinghouse_trace_number: str | None = None
    bill_type: str | None = None
    total_charge: Decimal | None = None
    paid: Decimal | None = None
    level: StatusLevel = StatusLevel.PATIENT
    patient_name: str | None = None
    member_id: str | None = None
    provider_name: str | None = None
    provider_identifier: str | None = None
    service_date: date | None = None
    service_date_end: date | None = None
    lines: tuple[LineStatus, ...] = ()
    source: Source | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("trace_number", line, max_length=50)
        check.each("statuses", instance(StatusInformation))
        check("patient_control_number", optional_line, max_length=50)
        check("payer_claim_control_number", optional_line, max_length=50)
        check("clearinghouse_trace_number", optional_line, max_length=50)
        check("bill_type", optional_line, max_length=3)
        check("total_charge", optional(money))
        check("paid", optional(money))
        check("level", one_of(StatusLevel))
        check("patient_name", optional_line, max_length=100)
        check("member_id", optional_line, max_length=80)
        check("provider_name", optional_line, max_length=100)
        check("provider_identifier", optional_line, max_length=80)
        check("service_date", optional_date)
        check("service_date_end", optional_date)
        check.each("lines", instance(LineStatus))
        check("source", optional(instance(Source)))

    @property
    def rejected(self) -> bool:
        """Whether the claim's current (first) status rejects it (A3, A4, A6, A7, A8)."""
        return bool(self.statuses) and self.statuses[0].rejected

    @property
    def category(self) -> str | None:
        """STC01-1 of the claim's current (first) status."""
        return self.statuses[0].category if self.statuses else None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimStatusResponse:
    """One 277 transaction set: a 277CA claim acknowledgment (005010X214) or a 277 claim status response (X212).

    Attributes:
        control_number: ST02.
        implementation: ST03, ``005010X214`` (277CA) or ``005010X212`` (277).
        reference: BHT03, the sender's reference for the response.
        created: BHT04, the date the response was made.
        payer_name: NM103 of loop 2100A, the payer or clearinghouse answering.
        payer_identifier: NM109 of loop 2100A.
        received_date: DTP*050 of loop 2200A, when the 837s were received (277CA).
        processed_date: DTP*009 of loop 2200A, when they were processed (277CA).
        parties: loops 2000B and 2000C, the information receiver's and providers' statuses.
        claims: the claims reported on, in file order.
        source: the file and segment (the ST) it was read from.
    """

    control_number: str
    implementation: str
    reference: str | None = None
    created: date | None = None
    payer_name: str | None = None
    payer_identifier: str | None = None
    received_date: date | None = None
    processed_date: date | None = None
    parties: tuple[PartyStatus, ...] = ()
    claims: tuple[ClaimStatusReport, ...] = ()
    source: Source | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("control_number", line, max_length=9)
        check("implementation", line, max_length=35)
        check("reference", optional_line, max_length=50)
        check("created", optional_date)
        check("payer_name", optional_line, max_length=100)
        check("payer_identifier", optional_line, max_length=80)
        check("received_date", optional_date)
        check("processed_date", optional_date)
        check.each("parties", instance(PartyStatus))
        check.each("claims", instance(ClaimStatusReport))
        check("source", optional(instance(Source)))

    @property
    def is_claim_acknowledgment(self) -> bool:
        """Whether this is a 277CA (005010X214), the answer to 837s, rather than an answer to a 276."""
        return self.implementation.startswith("005010X214")
