"""Writing the 276 claim status request (005010X212): where do these claims stand with the payer?

The HL tree names who asks whom about what: the payer asked (HL 20, NM1*PR), the information receiver asking (HL 21,
NM1*41 with its ETIN), the billing provider (HL 19, NM1*1P with its NPI), the subscriber (HL 22, NM1*IL with the
member id) and, when the patient is not the subscriber, the dependent (HL 23, NM1*QC). Each claim asked about is a
TRN with the claim's references (REF*1K payer claim number, REF*BLT bill type, REF*EJ patient control number),
AMT*T3 total charge and DTP*472 service dates, or, for a line-level inquiry, its service lines (SVC, REF*FJ,
DTP*472) instead of the claim's charge and dates.
Requests to one payer from one receiver and provider share their HL levels; the claims of one member share theirs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date, datetime

from revcycle.domain.claim import Claim, ClaimKind, ServiceLine
from revcycle.domain.eligibility import ClaimStatusRequest
from revcycle.domain.money import format_money
from revcycle.domain.parties import Coverage, Patient, Payer, PersonName, Provider
from revcycle.errors import InvalidRecord
from revcycle.x12.tokens import Delimiters
from revcycle.x12.write837 import X12WriteError
from revcycle.x12.writer import Element, Envelope, TransactionSet, interchange

IMPLEMENTATION = "005010X212"
FUNCTIONAL_IDENTIFIER = "HR"


def grouped[T](items: Iterable[T], key: Callable[[T], Hashable]) -> list[list[T]]:
    """``items`` in groups of equal ``key``, groups in the order their first item came, items in their order."""
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.values())


class Hierarchy:
    """Numbers HL segments as they are written: HL01 counts from 1, HL02 is the parent's HL01."""

    def __init__(self, transaction: TransactionSet) -> None:
        self._transaction = transaction
        self._last = 0

    def add(self, parent: int | None, level: str, has_children: bool | None) -> int:
        """Write one HL and return its id; ``has_children`` None leaves HL04 out (a leaf that may not carry it)."""
        self._last += 1
        child_code = None if has_children is None else ("1" if has_children else "0")
        self._transaction.add("HL", str(self._last), str(parent) if parent else None, level, child_code)
        return self._last


def x12_date(day: date) -> str:
    """A date as CCYYMMDD."""
    return day.strftime("%Y%m%d")


def date_period(start: date, end: date | None) -> tuple[str, str]:
    """DTP02 and DTP03 of a day (D8) or span (RD8)."""
    if end is None or end == start:
        return "D8", x12_date(start)
    return "RD8", f"{x12_date(start)}-{x12_date(end)}"


def payer_name(payer: Payer) -> list[Element]:
    """NM1*PR of loop 2100A: the payer with its payer id (PI)."""
    return ["PR", "2", payer.name, None, None, None, None, "PI", payer.payer_identifier]


def provider_name(entity: str, provider: Provider) -> list[Element]:
    """NM1 of a provider with its NPI (XX): a person (1) or an organisation (2)."""
    return [
        entity,
        provider.kind.value,
        provider.name,
        provider.first_name or None,
        None,
        None,
        None,
        "XX",
        provider.npi,
    ]


def person(entity: str, name: PersonName, member_id: str | None = None) -> list[Element]:
    """NM1 of a person (subscriber IL, patient QC, dependent 03), with the member id (MI) when given."""
    elements: list[Element] = [entity, "1", name.last, name.first or None, name.middle or None, None]
    elements.append(name.suffix or None)
    if member_id:
        elements += ["MI", member_id]
    return elements


def demographics(birth_date: date | None, sex: str) -> list[Element] | None:
    """DMG: the birth date (D8) and sex, or None when the birth date is unknown."""
    if birth_date is None:
        return None
    return ["D8", x12_date(birth_date), sex]


def subscriber_of(coverage: Coverage, patient: Patient) -> tuple[PersonName, date | None, str]:
    """The subscriber's name, birth date and sex: the patient's own when the patient is the subscriber."""
    if coverage.subscriber is None:
        return patient.name, patient.birth_date, patient.sex.value
    subscriber = coverage.subscriber
    return subscriber.name, subscriber.birth_date, subscriber.sex.value


# The name elements of NM1 (last or organisation name, first, middle, suffix) are free text; every other element
# is a code or an identifier.
TEXT_ELEMENTS = frozenset({("NM1", 3), ("NM1", 4), ("NM1", 5), ("NM1", 7)})


def _clean_text(value: str, separators: str) -> str:
    """Free text in the X12 character set: accents dropped, separators and controls made spaces, spaces collapsed."""
    if not value.isascii():
        value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = "".join(" " if character in separators or not character.isprintable() else character for character in value)
    return " ".join(value.split())


def in_character_set(transaction: TransactionSet, delimiters: Delimiters) -> None:
    """Make the body's text fit the interchange, as the 837 writer does: names are cleaned, identifiers refused.

    Names (NM103..NM107) lose accents, separators and control characters; any other element (an id, a code, a trace
    number) that is not printable ASCII or holds a separator is refused rather than altered.

    Raises:
        X12WriteError: naming the segment and element that cannot be written.
    """
    separators = "".join(
        character
        for character in (delimiters.element, delimiters.component, delimiters.segment, delimiters.repetition)
        if character
    )
    for number, (segment_id, elements) in enumerate(transaction.segments, start=2):
        for position, element in enumerate(elements, start=1):
            if isinstance(element, str) and (segment_id, position) in TEXT_ELEMENTS:
                elements[position - 1] = _clean_text(element, separators)
                if position == 3 and not elements[position - 1]:
                    raise X12WriteError(f"{segment_id}03 {element!r} has no characters X12 can carry")
                continue
            # The repetition separator is allowed where the writer joined repeats with it (EQ01).
            allowed = delimiters.repetition if segment_id == "EQ" else None
            for text in [element] if isinstance(element, str) else list(element or ()):
                if not text:
                    continue
                bad = [character for character in text if character in separators and character != allowed]
                if bad or not (text.isascii() and text.isprintable()):
                    raise X12WriteError(
                        f"segment {number} ({segment_id}) element {segment_id}{position:02d}: {text!r} holds a "
                        "character X12 cannot carry here"
                    )


def check_envelope(envelope: Envelope, identifier: str, what: str) -> None:
    """Refuse an envelope whose functional group (GS01) is not ``identifier``, the group of a ``what``.

    Raises:
        InvalidRecord: naming the functional identifier given.
    """
    if envelope.functional_identifier != identifier:
        raise InvalidRecord(
            "Envelope",
            "functional_identifier",
            f"{envelope.functional_identifier!r}: a {what} is sent in a functional group {identifier}",
        )


def _line(transaction: TransactionSet, service: ServiceLine) -> None:
    procedure: list[str] = ["HC", service.procedure_code, *service.modifiers]
    transaction.add(
        "SVC", procedure, format_money(service.charge), None, service.revenue_code, None, None, f"{service.units:f}"
    )
    if service.line_control_number:
        transaction.add("REF", "FJ", service.line_control_number)
    transaction.add("DTP", "472", *date_period(service.service_date, service.service_date_end))


def _claim(transaction: TransactionSet, request: ClaimStatusRequest) -> None:
    transaction.add("TRN", "1", request.trace_number)
    if request.payer_claim_control_number:
        transaction.add("REF", "1K", request.payer_claim_control_number)
    if request.bill_type:
        transaction.add("REF", "BLT", request.bill_type)
    transaction.add("REF", "EJ", request.patient_control_number)
    if request.lines:
        # A line-level inquiry names each line's charge and date in loop 2210 instead, as the guide's example does.
        for service in request.lines:
            _line(transaction, service)
        return
    transaction.add("AMT", "T3", format_money(request.total_charge))
    transaction.add("DTP", "472", *date_period(request.service_date, request.service_date_end))


def _member_key(request: ClaimStatusRequest) -> tuple[str, str, bool]:
    # The subscriber's own claims and its dependents' claims go in separate subscriber loops: loop 2200D is not
    # used under a subscriber that has dependents (HL04 1).
    name = str(subscriber_of(request.coverage, request.patient)[0])
    return request.coverage.member_id, name, request.patient_is_subscriber


def _members(
    transaction: TransactionSet, hierarchy: Hierarchy, parent: int, requests: list[ClaimStatusRequest]
) -> None:
    for member in grouped(requests, _member_key):
        first = member[0]
        is_patient = first.patient_is_subscriber
        subscriber = hierarchy.add(parent, "22", not is_patient)
        name, birth_date, sex = subscriber_of(first.coverage, first.patient)
        if is_patient:
            # The subscriber's DMG is required when the subscriber is the patient (loop 2000D).
            dmg = demographics(birth_date, sex)
            if dmg:
                transaction.add("DMG", *dmg)
        transaction.add("NM1", *person("IL", name, first.coverage.member_id))
        if is_patient:
            for request in member:
                _claim(transaction, request)
            continue
        for patient_requests in grouped(member, lambda request: request.patient.id):
            patient = patient_requests[0].patient
            hierarchy.add(subscriber, "23", None)
            transaction.add("DMG", "D8", x12_date(patient.birth_date), patient.sex.value)
            transaction.add("NM1", *person("QC", patient.name))
            for request in patient_requests:
                _claim(transaction, request)


def claim_status_transaction(
    requests: Sequence[ClaimStatusRequest], *, control_number: str, reference: str, created: datetime
) -> TransactionSet:
    """The 276 transaction set asking about ``requests``.

    Args:
        requests: the claims asked about.
        control_number: ST02.
        reference: BHT03, the inquirer's reference for the whole request.
        created: BHT04 and BHT05, when the request was made.
    """
    if not requests:
        raise InvalidRecord("ClaimStatusRequest", "", "a 276 asks about at least one claim")
    transaction = TransactionSet("276", control_number, IMPLEMENTATION)
    transaction.add("BHT", "0010", "13", reference, x12_date(created.date()), created.strftime("%H%M"))
    hierarchy = Hierarchy(transaction)
    for by_payer in grouped(requests, lambda request: request.payer.id):
        source = hierarchy.add(None, "20", True)
        transaction.add("NM1", *payer_name(by_payer[0].payer))
        for by_receiver in grouped(by_payer, lambda request: (request.receiver_id, request.receiver_name)):
            receiver = hierarchy.add(source, "21", True)
            first = by_receiver[0]
            transaction.add("NM1", "41", "2", first.receiver_name, None, None, None, None, "46", first.receiver_id)
            for by_provider in grouped(by_receiver, lambda request: request.provider.npi):
                provider = hierarchy.add(receiver, "19", True)
                transaction.add("NM1", *provider_name("1P", by_provider[0].provider))
                _members(transaction, hierarchy, provider, by_provider)
    return transaction


def write_276(
    requests: Sequence[ClaimStatusRequest],
    envelope: Envelope,
    *,
    control_number: str = "0001",
    reference: str | None = None,
    newline: bool = True,
) -> str:
    """A 276 claim status request interchange (ISA, GS HR, one ST 276, GE, IEA).

    Args:
        requests: the claims asked about; those to one payer, receiver and provider share their HL levels.
        envelope: the interchange's parties and control numbers; its functional identifier must be HR.
        control_number: ST02 of the transaction set.
        reference: BHT03, the inquirer's reference; by default the group control number and ST02.
        newline: a line break after each segment terminator.

    Raises:
        InvalidRecord: no requests, or an envelope of another functional group.
        X12WriteError: an identifier holds a separator or a character X12 cannot carry.
    """
    check_envelope(envelope, FUNCTIONAL_IDENTIFIER, "276 claim status request")
    transaction = claim_status_transaction(
        requests,
        control_number=control_number,
        reference=reference or f"{envelope.group_control_number}-{control_number}",
        created=envelope.created,
    )
    in_character_set(transaction, envelope.delimiters)
    return interchange(envelope, IMPLEMENTATION, [transaction], newline=newline)


def status_request_for_claim(
    claim: Claim,
    *,
    payer: Payer,
    provider: Provider,
    patient: Patient,
    coverage: Coverage,
    receiver_name: str,
    receiver_id: str,
    trace_number: str,
    payer_claim_control_number: str | None = None,
    with_lines: bool = False,
) -> ClaimStatusRequest:
    """The status request for a claim that was billed, from the records it was billed with.

    Args:
        claim: the claim asked about.
        payer: the payer billed (the coverage's).
        provider: the claim's billing provider.
        patient: the claim's patient.
        coverage: the coverage billed.
        receiver_name: the information receiver's name (the submitter asking).
        receiver_id: its ETIN.
        trace_number: TRN02 for this claim's inquiry.
        payer_claim_control_number: the payer's number for the claim, when a 277CA or 835 gave it.
        with_lines: ask about each service line as well as the claim.

    Raises:
        InvalidRecord: the records are not the claim's (another patient, coverage or billing provider).
    """
    for field, expected, given in (
        ("patient", claim.patient_id, patient.id),
        ("coverage", claim.coverage_id, coverage.id),
        ("provider", claim.billing_provider_id, provider.id),
    ):
        if expected != given:
            raise InvalidRecord("ClaimStatusRequest", field, f"{given} is not the claim's {field} ({expected})")
    bill_type = None
    if claim.kind is ClaimKind.INSTITUTIONAL and claim.facility_type_code:
        bill_type = f"{claim.facility_type_code}{claim.frequency.value}"
    return ClaimStatusRequest(
        payer=payer,
        receiver_name=receiver_name,
        receiver_id=receiver_id,
        provider=provider,
        patient=patient,
        coverage=coverage,
        trace_number=trace_number,
        patient_control_number=claim.patient_control_number,
        total_charge=claim.total_charge,
        service_date=claim.statement_from or claim.first_service_date,
        service_date_end=claim.statement_to or claim.last_service_date,
        payer_claim_control_number=payer_claim_control_number,
        bill_type=bill_type,
        lines=claim.lines if with_lines else (),
    )
