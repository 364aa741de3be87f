"""Writing the 270 eligibility inquiry (005010X279A1): is this patient covered, and for which services?

The HL tree is the payer asked (HL 20, NM1*PR), the provider asking (HL 21, NM1*1P with its NPI), the subscriber
(HL 22, NM1*IL with the member id) and, when the patient is not the subscriber, the dependent (HL 23, NM1*03). The
patient's level (subscriber or dependent) carries the inquiry: TRN (the trace number the 271 echoes), the patient's
DMG, DTP*291 (the date asked about) and EQ with the service type codes. Inquiries to one payer from one provider
share those two levels; each inquiry has its own subscriber level, as a subscriber loop holds one inquiry's trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from revcycle.domain.eligibility import EligibilityRequest
from revcycle.errors import InvalidRecord
from revcycle.x12.write276 import (
    Hierarchy,
    check_envelope,
    grouped,
    in_character_set,
    payer_name,
    person,
    provider_name,
    subscriber_of,
    x12_date,
)
from revcycle.x12.writer import Element, Envelope, TransactionSet, interchange

IMPLEMENTATION = "005010X279A1"
FUNCTIONAL_IDENTIFIER = "HS"


def _originator(request: EligibilityRequest) -> str | None:
    """TRN03: the inquirer's id, given, or ``1`` and the provider's EIN."""
    if request.originator_id:
        return request.originator_id
    return f"1{request.provider.tax_id}" if request.provider.tax_id else None


def _inquiry(transaction: TransactionSet, request: EligibilityRequest, envelope: Envelope) -> None:
    """The patient level's segments after its NM1: DMG, DTP*291 and EQ."""
    patient = request.patient
    transaction.add("DMG", "D8", x12_date(patient.birth_date), patient.sex.value)
    if request.service_date is not None:
        transaction.add("DTP", "291", "D8", x12_date(request.service_date))
    separator = envelope.delimiters.repetition
    if separator is None and len(request.service_types) > 1:
        raise InvalidRecord(
            "EligibilityRequest", "service_types", "several service types need a repetition separator (ISA11)"
        )
    transaction.add("EQ", (separator or "").join(request.service_types))


def _trace(request: EligibilityRequest) -> list[Element]:
    return ["1", request.trace_number, _originator(request)]


def eligibility_transaction(
    requests: Sequence[EligibilityRequest],
    envelope: Envelope,
    *,
    control_number: str,
    reference: str,
    created: datetime,
) -> TransactionSet:
    """The 270 transaction set of ``requests``.

    Args:
        requests: the inquiries.
        envelope: the interchange's envelope (its repetition separator joins the service type codes).
        control_number: ST02.
        reference: BHT03, the inquirer's reference, echoed in the 271.
        created: BHT04 and BHT05, when the inquiry was made.
    """
    if not requests:
        raise InvalidRecord("EligibilityRequest", "", "a 270 asks about at least one patient")
    transaction = TransactionSet("270", control_number, IMPLEMENTATION)
    transaction.add("BHT", "0022", "13", reference, x12_date(created.date()), created.strftime("%H%M"))
    hierarchy = Hierarchy(transaction)
    for by_payer in grouped(requests, lambda request: request.payer.id):
        source = hierarchy.add(None, "20", True)
        transaction.add("NM1", *payer_name(by_payer[0].payer))
        for by_provider in grouped(by_payer, lambda request: request.provider.npi):
            receiver = hierarchy.add(source, "21", True)
            transaction.add("NM1", *provider_name("1P", by_provider[0].provider))
            for request in by_provider:
                is_subscriber = request.patient_is_subscriber
                subscriber = hierarchy.add(receiver, "22", not is_subscriber)
                if is_subscriber:
                    transaction.add("TRN", *_trace(request))
                name, _, _ = subscriber_of(request.coverage, request.patient)
                transaction.add("NM1", *person("IL", name, request.coverage.member_id))
                if is_subscriber:
                    _inquiry(transaction, request, envelope)
                    continue
                hierarchy.add(subscriber, "23", False)
                transaction.add("TRN", *_trace(request))
                transaction.add("NM1", *person("03", request.patient.name))
                _inquiry(transaction, request, envelope)
    return transaction


def write_270(
    requests: Sequence[EligibilityRequest],
    envelope: Envelope,
    *,
    control_number: str = "0001",
    reference: str | None = None,
    newline: bool = True,
) -> str:
    """A 270 eligibility inquiry interchange (ISA, GS HS, one ST 270, GE, IEA).

    Args:
        requests: the inquiries; those to one payer from one provider share their HL levels.
        envelope: the interchange's parties and control numbers; its functional identifier must be HS.
        control_number: ST02 of the transaction set.
        reference: BHT03; by default the group control number and ST02.
        newline: a line break after each segment terminator.

    Raises:
        InvalidRecord: no requests, or an envelope of another functional group.
        X12WriteError: an identifier holds a separator or a character X12 cannot carry.
    """
    check_envelope(envelope, FUNCTIONAL_IDENTIFIER, "270 eligibility inquiry")
    transaction = eligibility_transaction(
        requests,
        envelope,
        control_number=control_number,
        reference=reference or f"{envelope.group_control_number}-{control_number}",
        created=envelope.created,
    )
    in_character_set(transaction, envelope.delimiters)
    return interchange(envelope, IMPLEMENTATION, [transaction], newline=newline)
