"""Writing 837P and 837I: every file written validates with pyx12, and counts, HL links and numbers are right.

Claims come from a seeded generator over the domain records (professional and institutional, modifiers, several
lines, drug lines, dependents, secondary claims with and without the primary's adjudication, frequency 7 and 8,
several payers and billing/rendering providers in one file), so a failure can be reproduced from its seed.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from revcycle.domain import (
    Accident,
    AccidentCause,
    Address,
    Adjustment,
    AdjustmentGroup,
    Claim,
    ClaimFilingIndicator,
    ClaimFrequency,
    ClaimKind,
    ClaimNote,
    ClaimReference,
    Coverage,
    CoverageOrder,
    Diagnosis,
    IcdProcedure,
    LineAdjudication,
    NdcUnit,
    Occurrence,
    OccurrenceSpan,
    OtherPayer,
    Patient,
    Payer,
    PayerResponsibility,
    PersonName,
    PresentOnAdmission,
    Provider,
    ProviderKind,
    Relationship,
    ServiceLine,
    Sex,
    Subscriber,
    ValueCode,
    npi_check_digit,
)
from revcycle.x12.control_numbers import MemoryControlNumbers
from revcycle.x12.write837 import Parties, Usage, X12Settings, write_837

SETTINGS = X12Settings(
    sender_id="REVCYCLE01",
    receiver_id="CLEARHOUSE",
    submitter_name="Revcycle Test Billing",
    contact_name="Billing Desk",
    contact_phone="5555550100",
    contact_email="billing@example.test",
    receiver_name="Example Clearinghouse",
    usage=Usage.TEST,
)
CREATED = datetime(2026, 11, 27, 9, 30)

STATES = ("IL", "NY", "CA", "TX", "OH", "WA", "FL", "MA")
CITIES = ("Springfield", "Riverton", "Lakeside", "Fairview", "Greenville")
STREETS = ("Main St", "Oak Ave", "Elm Street", "Pine Rd", "Cedar Ln")
LAST = ("Testperson", "Sample", "Example", "Placeholder", "Doe", "Roe", "O'Brien", "Muñoz", "Nguyen", "Smith-Jones")
FIRST = ("Ana", "Ben", "Cleo", "Dev", "Eli", "José", "Fay", "Gus")
PROFESSIONAL_CODES = ("99213", "99214", "99203", "36415", "80053", "85025", "93000", "J1100", "G0439", "97110")
MODIFIERS = ("25", "59", "GT", "95", "LT", "RT", "76", "91")
INSTITUTIONAL_LINES = (("0450", "99284"), ("0300", "80053"), ("0320", "71046"), ("0250", "J1100"), ("0636", "J1100"))
ICD = ("E1122", "N1831", "I10", "J449", "M545", "R0789", "Z0000", "K219", "E785", "F329", "S83242A", "Z23")
PCS = ("0DTJ4ZZ", "0SR90JZ", "5A1955Z")
NDCS = ("00002771501", "00409488820", "63323026201")
CARCS = ("45", "1", "2", "3", "96", "253")
FILING = (
    ClaimFilingIndicator.MEDICARE_PART_B,
    ClaimFilingIndicator.COMMERCIAL,
    ClaimFilingIndicator.BLUE_CROSS_BLUE_SHIELD,
    ClaimFilingIndicator.MEDICAID,
    ClaimFilingIndicator.HMO,
)


def npi(base: int) -> str:
    """A valid NPI from a nine-digit base."""
    digits = f"{base:09d}"
    return digits + str(npi_check_digit(digits))


@dataclass
class World:
    """The parties and claims of one generated file."""

    parties: Parties
    claims: list[Claim]


class ClaimGenerator:
    """Seeded generator of consistent parties and claims."""

    def __init__(self, seed: int, *, payers: int = 4, billing: int = 3, clinicians: int = 6, patients: int = 40):
        self.random = random.Random(seed)
        self.sequence = 0
        self.payers = [self.payer(index) for index in range(payers)]
        self.billing = [self.organisation(index) for index in range(billing)]
        self.clinicians = [self.clinician(index) for index in range(clinicians)]
        self.facilities = [self.organisation(100 + index, facility=True) for index in range(2)]
        self.patients: list[Patient] = []
        self.coverages: list[Coverage] = []
        for index in range(patients):
            self.patient(index)
        self.by_patient: dict[str, list[Coverage]] = {}
        for coverage in self.coverages:
            self.by_patient.setdefault(coverage.patient_id, []).append(coverage)

    def address(self, *, zip9: bool = False) -> Address:
        pick = self.random.choice
        postal = f"{self.random.randint(10000, 99999)}" + (f"{self.random.randint(0, 9999):04d}" if zip9 else "")
        return Address(
            line1=f"{self.random.randint(1, 9999)} {pick(STREETS)}",
            line2=pick(("", "", "Suite 200", "Apt 4")),
            city=pick(CITIES),
            state=pick(STATES),
            postal_code=postal,
        )

    def payer(self, index: int) -> Payer:
        return Payer(
            id=f"PAYER-{index}",
            name=f"Example Health Plan {index}",
            payer_identifier=f"{60000 + index}",
            claim_filing_indicator=FILING[index % len(FILING)],
            address=self.address() if index % 2 == 0 else None,
        )

    def organisation(self, index: int, *, facility: bool = False) -> Provider:
        return Provider(
            id=f"{'FAC' if facility else 'ORG'}-{index}",
            kind=ProviderKind.ORGANIZATION,
            npi=npi(100000000 + index),
            name=f"{'Lakeside Surgery Center' if facility else 'Riverbend Medical Group'} {index}",
            taxonomy="207Q00000X" if index % 2 == 0 else None,
            tax_id=f"{990000000 + index}",
            address=self.address(zip9=True),
        )

    def clinician(self, index: int) -> Provider:
        return Provider(
            id=f"DR-{index}",
            kind=ProviderKind.INDIVIDUAL,
            npi=npi(200000000 + index),
            name=LAST[index % len(LAST)],
            first_name=FIRST[index % len(FIRST)],
            taxonomy="207R00000X" if index % 3 else None,
        )

    def person(self) -> PersonName:
        pick = self.random.choice
        return PersonName(last=pick(LAST), first=pick(FIRST), middle=pick(("", "", "Q")), suffix=pick(("", "", "Jr")))

    def patient(self, index: int) -> None:
        rng = self.random
        patient = Patient(
            id=f"PAT-{index}",
            name=self.person(),
            birth_date=date(1940, 1, 1) + timedelta(days=rng.randint(0, 30000)),
            sex=rng.choice((Sex.FEMALE, Sex.MALE, Sex.UNKNOWN)),
            address=self.address(),
        )
        self.patients.append(patient)
        payers = rng.sample(self.payers, 3)
        orders = [CoverageOrder.PRIMARY]
        if rng.random() < 0.45:
            orders.append(CoverageOrder.SECONDARY)
            if rng.random() < 0.3:
                orders.append(CoverageOrder.TERTIARY)
        for payer, order in zip(payers, orders, strict=False):
            dependent = rng.random() < 0.3
            self.coverages.append(
                Coverage(
                    id=f"COV-{index}-{order.value}",
                    patient_id=patient.id,
                    payer_id=payer.id,
                    order=order,
                    member_id=f"M{rng.randint(10**8, 10**9)}",
                    relationship=rng.choice((Relationship.CHILD, Relationship.SPOUSE))
                    if dependent
                    else Relationship.SELF,
                    group_number=rng.choice((None, f"GRP{rng.randint(100, 999)}")),
                    plan_name=rng.choice((None, "Gold Plan")),
                    subscriber=Subscriber(
                        name=self.person(),
                        birth_date=rng.choice((None, date(1970, 5, 5))),
                        sex=Sex.FEMALE,
                        address=rng.choice((None, self.address())),
                    )
                    if dependent
                    else None,
                    effective_from=date(2020, 1, 1),
                )
            )

    def claim(self) -> Claim:
        rng = self.random
        self.sequence += 1
        patient = rng.choice(self.patients)
        coverages = self.by_patient[patient.id]
        coverage = rng.choice(coverages)
        kind = ClaimKind.INSTITUTIONAL if rng.random() < 0.3 else ClaimKind.PROFESSIONAL
        day = date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))
        diagnoses = tuple(
            Diagnosis(
                code=code,
                present_on_admission=rng.choice(tuple(PresentOnAdmission)) if kind is ClaimKind.INSTITUTIONAL else None,
            )
            for code in rng.sample(ICD, rng.randint(1, 8))
        )
        frequency = rng.choice((ClaimFrequency.ORIGINAL,) * 6 + (ClaimFrequency.REPLACEMENT, ClaimFrequency.VOID))
        primary = next((item for item in coverages if item.order is CoverageOrder.PRIMARY), None)
        lines = tuple(self.line(kind, number, day, len(diagnoses)) for number in range(1, rng.randint(1, 6) + 1))
        other_payers: tuple[OtherPayer, ...] = ()
        if coverage.order is not CoverageOrder.PRIMARY and primary is not None and rng.random() < 0.7:
            other_payers, lines = self.primary_adjudication(primary, lines, day)
        common: dict[str, Any] = {
            "id": f"CLM-{self.sequence}",
            "kind": kind,
            "patient_control_number": f"PCN{self.sequence}",
            "patient_id": patient.id,
            "coverage_id": coverage.id,
            "billing_provider_id": rng.choice(self.billing).id,
            "diagnoses": diagnoses,
            "lines": lines,
            "total_charge": sum((item.charge for item in lines), Decimal("0.00")),
            "frequency": frequency,
            "original_claim_reference": f"PAYERCLM{rng.randint(1000, 9999)}" if frequency != "1" else None,
            "prior_authorization": rng.choice((None, None, "AUTH123")),
            "medical_record_number": rng.choice((None, f"MRN{self.sequence}")),
            "other_payers": other_payers,
            "referring_provider_id": rng.choice((None, None, rng.choice(self.clinicians).id)),
            "other_references": rng.choice(((), (ClaimReference(qualifier="D9", value="TRACE42"),))),
        }
        if kind is ClaimKind.PROFESSIONAL:
            return Claim(
                **common,
                place_of_service=rng.choice(("11", "22", "02", "21")),
                rendering_provider_id=rng.choice((None, rng.choice(self.clinicians).id)),
                facility_provider_id=rng.choice((None, None, rng.choice(self.facilities).id)),
                supervising_provider_id=rng.choice((None, None, None, rng.choice(self.clinicians).id)),
                onset_date=rng.choice((None, day - timedelta(days=3))),
                accident=rng.choice(
                    (None, None, Accident(causes=(AccidentCause.AUTO_ACCIDENT,), state="IL", accident_date=day))
                ),
                notes=rng.choice(((), (ClaimNote(qualifier="ADD", text="Synthetic note; not a real claim."),))),
                condition_codes=rng.choice(((), ("01",))),
            )
        end = day + timedelta(days=rng.randint(0, 4))
        return Claim(
            **common,
            facility_type_code=rng.choice(("13", "11", "85")),
            statement_from=day,
            statement_to=end,
            admission_date=rng.choice((None, day)),
            admission_type=rng.choice(("1", "3")),
            admission_source=rng.choice(("1", "7", None)),
            patient_status=rng.choice(("01", "20", "30")),
            attending_provider_id=rng.choice(self.clinicians).id,
            operating_provider_id=rng.choice((None, rng.choice(self.clinicians).id)),
            admitting_diagnosis=rng.choice((None, "R0789")),
            reasons_for_visit=rng.choice(((), ("R0789",))),
            principal_procedure=rng.choice((None, IcdProcedure(code=rng.choice(PCS), performed_on=day))),
            other_procedures=rng.choice(((), (IcdProcedure(code=PCS[2], performed_on=end),))),
            occurrences=rng.choice(((), (Occurrence(code="11", occurred_on=day),))),
            occurrence_spans=rng.choice(((), (OccurrenceSpan(code="74", start=day, end=end),))),
            value_codes=rng.choice(((), (ValueCode(code="80", amount=Decimal("2.00")),))),
            condition_codes=rng.choice(((), ("39", "41"))),
            drg=rng.choice((None, "470")),
        )

    def line(self, kind: ClaimKind, number: int, day: date, diagnoses: int) -> ServiceLine:
        rng = self.random
        drug = rng.random() < 0.15
        pointers = tuple(rng.sample(range(1, diagnoses + 1), min(diagnoses, rng.randint(1, 4))))
        fields: dict[str, Any] = {
            "line_number": number,
            "units": Decimal(rng.choice(("1", "2", "0.5", "3"))),
            "charge": Decimal(rng.randint(1000, 250000)) / 100,
            "service_date": day,
            "modifiers": tuple(rng.sample(MODIFIERS, rng.randint(0, 4))),
            "line_control_number": rng.choice((None, f"L{self.sequence}-{number}")),
        }
        if drug:
            fields.update(ndc=rng.choice(NDCS), ndc_quantity=Decimal("1.5"), ndc_unit=NdcUnit.MILLILITER)
        if kind is ClaimKind.PROFESSIONAL:
            return ServiceLine(
                **fields,
                procedure_code=rng.choice(PROFESSIONAL_CODES),
                diagnosis_pointers=pointers,
                rendering_provider_id=rng.choice((None, None, None, rng.choice(self.clinicians).id)),
            )
        revenue, code = rng.choice(INSTITUTIONAL_LINES)
        return ServiceLine(**fields, procedure_code=code, revenue_code=revenue)

    def primary_adjudication(
        self, primary: Coverage, lines: tuple[ServiceLine, ...], day: date
    ) -> tuple[tuple[OtherPayer, ...], tuple[ServiceLine, ...]]:
        rng = self.random
        payer = next(item for item in self.payers if item.id == primary.payer_id)
        adjudicated = []
        paid_total = Decimal("0.00")
        for service in lines:
            paid = (service.charge * Decimal("0.6")).quantize(Decimal("0.01"))
            paid_total += paid
            adjustment = Adjustment(
                group=AdjustmentGroup.CONTRACTUAL_OBLIGATION,
                reason_code=rng.choice(CARCS),
                amount=service.charge - paid,
            )
            adjudicated.append(
                replace(
                    service,
                    adjudications=(
                        LineAdjudication(
                            payer_identifier=payer.payer_identifier,
                            paid=paid,
                            units=service.units,
                            adjustments=(adjustment,),
                            adjudication_date=rng.choice((None, day + timedelta(days=20))),
                        ),
                    ),
                )
            )
        subscriber = primary.subscriber.name if primary.subscriber else PersonName(last="Insured", first="Primary")
        other = OtherPayer(
            responsibility=PayerResponsibility.PRIMARY,
            payer_name=payer.name,
            payer_identifier=payer.payer_identifier,
            subscriber_name=subscriber,
            member_id=primary.member_id,
            relationship=primary.relationship,
            claim_filing_indicator=payer.claim_filing_indicator,
            paid_amount=paid_total,
            remaining_patient_liability=rng.choice((None, Decimal("10.00"))),
            adjustments=rng.choice(
                (
                    (),
                    (
                        Adjustment(
                            group=AdjustmentGroup.PATIENT_RESPONSIBILITY, reason_code="2", amount=Decimal("5.00")
                        ),
                    ),
                )
            ),
            adjudication_date=day + timedelta(days=20),
            payer_claim_control_number=rng.choice((None, "PRIMCLM77")),
        )
        return (other,), tuple(adjudicated)

    def world(self, claims: int) -> World:
        parties = Parties.of(
            self.patients, self.coverages, self.payers, [*self.billing, *self.clinicians, *self.facilities]
        )
        return World(parties, [self.claim() for _ in range(claims)])


# pyx12


def pyx12_validate(text: str) -> tuple[bool, list[str]]:
    """pyx12's verdict on an interchange and its error messages (from its JSON error report)."""
    import pyx12.params
    import pyx12.x12n_document

    params = pyx12.params.params()
    report = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(params, io.StringIO(text), io.StringIO(), None, None, report)
    return bool(valid), list(_error_messages(json.loads(report.getvalue() or "{}")))


def _error_messages(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "errors" and isinstance(value, list):
                for error in value:
                    yield json.dumps(error, default=str)
            else:
                yield from _error_messages(value)
    elif isinstance(node, list):
        for item in node:
            yield from _error_messages(item)


# Reading back what was written


def segments(text: str) -> list[list[str]]:
    return [segment.strip().split("*") for segment in text.split("~") if segment.strip()]


def check_structure(text: str) -> None:
    """SE01, GE01, IEA01, control numbers of trailers, HL numbering and parents."""
    items = segments(text)
    assert items[0][0] == "ISA"
    assert items[-1][0] == "IEA"
    groups = 0
    for index, item in enumerate(items):
        if item[0] == "GS":
            groups += 1
            group_number = item[6]
            sets = 0
        elif item[0] == "GE":
            assert item[1] == str(sets)
            assert item[2] == group_number
        elif item[0] == "ST":
            sets += 1
            start = index
            hl_levels: dict[str, str] = {}
            expected = 1
        elif item[0] == "SE":
            assert item[1] == str(index - start + 1)
            assert item[2] == items[start][2]
        elif item[0] == "HL":
            assert item[1] == str(expected)
            expected += 1
            level = item[3]
            parent = item[2]
            if level == "20":
                assert parent == ""
            elif level == "22":
                assert hl_levels[parent] == "20"
            else:
                assert level == "23"
                assert hl_levels[parent] == "22"
            hl_levels[item[1]] = level
    assert items[-1][1] == str(groups)
    assert items[-1][2] == items[0][13]
    # HL04: 1 exactly when the next HL is a child of this one.
    hls = [item for item in items if item[0] == "HL"]
    for this, following in zip(hls, [*hls[1:], None], strict=True):
        has_child = following is not None and following[2] == this[1]
        assert this[4] == ("1" if has_child else "0") or (this[3] == "20" and this[4] == "1")


# Tests


@pytest.mark.parametrize("seed", range(12))
def test_every_generated_file_validates_with_pyx12(seed: int) -> None:
    world = ClaimGenerator(seed).world(40)
    text = write_837(world.claims, world.parties, SETTINGS, MemoryControlNumbers(seed * 100), created=CREATED)
    valid, errors = pyx12_validate(text)
    assert errors == []
    assert valid
    check_structure(text)
