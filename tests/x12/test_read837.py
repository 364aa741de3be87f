"""read_837: the public 837P/837I samples, and small synthetic files that pin each field."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from revcycle.domain import (
    AccidentCause,
    AdjustmentGroup,
    ClaimFrequency,
    ClaimKind,
    CoverageOrder,
    Icd9Role,
    PayerResponsibility,
    ProviderKind,
    Relationship,
)
from revcycle.domain.fields import RECORD_ID
from revcycle.store import UnitOfWork
from revcycle.x12.errors import X12Error
from revcycle.x12.read837 import Claim837, read_837
from revcycle.x12.tokens import Segment, read_bytes, read_file
from tests.x12.corpus import X12_SAMPLES, is_deliberately_broken, sample_params, samples

FIXTURES = Path(__file__).parent / "fixtures" / "837"

# Samples whose names do not say they are broken, but which break the implementation guide in a way that leaves no
# claim record to make. Each is refused with an X12Error naming the place; the reason says why that is right.
NOT_READABLE: dict[str, str] = {
    **{
        f"837P/imsweb/837_5010__x12_{name}.txt": "HI*BK*8901*BF*87200: the HI composites are split into elements"
        for name in (
            "complex",
            "many_claims",
            "multiple_gs",
            "multiple_isa",
            "multiple_st",
            "multiple_transactions",
            "segments_out_of_order",
            "valid",
            "valid_different_separators",
        )
    },
    "837P/imsweb/837_5010__x12_ambiguous_loop.txt": "SV107 points to diagnoses 2 and 3 of a claim with one",
    "837P/imsweb/837_5010__x12_writer_test.txt": "SV107 points to diagnoses 2 and 3 of a claim with one",
    "837P/oopfactory/TestData__ProfessionalClaim1.txt": "SV107 points to diagnosis 3 of a claim with two",
    "837P/oopfactory/_5010__MedicaidExample.txt": "placeholder values: SV101-1 'XX', CLM05 '99>X>9'",
    "837P/oopfactory/_5010__UnicodeExample.txt": "a no-break space after the last terminator: not X12 text",
    "837P/linuxforhealth/837_005010X222A2__demo.cob.example3.A.837": "loop 2320 without its required 2330B payer",
    "837P/stupidedi/c2019_X222-HC837_pass_professional-example-3c.edi": "DPT*472 for DTP*472: the line has no date",
    "837P/linuxforhealth/837_005010X222A2__demo.example9.837": "SV107 diagnosis pointer '1.00' (N0: a whole number)",
    "837I/imsweb/837_5010__x223-test.txt": "CLM02 500.00 is not the sum of the SV203 line charges (73.42)",
    "837I/oopfactory/TestData__InstitutionalClaim5010.txt": "two 2320 loops with the same SBR01 (S)",
}


def read(path: Path) -> list[Claim837]:
    return list(read_837(read_file(path), str(path)))


def clm_segments(path: Path) -> list[Segment]:
    return [segment for segment in read_file(path) if segment.id == "CLM"]


def fixture(name: str) -> Claim837:
    (claim,) = read(FIXTURES / name)
    return claim


def is_5010(path: Path) -> bool:
    try:
        isa = next(read_file(path))
    except X12Error:
        return True  # unreadable: the test says so
    return isa[12] == "00501"


# The public samples.


@pytest.mark.parametrize("path", sample_params("837P", broken=False) + sample_params("837I", broken=False))
def test_every_sound_sample_reads_every_claim(path: Path) -> None:
    name = str(path.relative_to(X12_SAMPLES))
    if not is_5010(path):
        pytest.skip("not a 5010 interchange")
    if name in NOT_READABLE:
        with pytest.raises(X12Error) as caught:
            read(path)
        assert str(path) in str(caught.value)
        return
    claims = read(path)
    clms = clm_segments(path)

    assert len(claims) == len(clms)
    assert sum((claim.claim.total_charge for claim in claims), Decimal(0)) == sum(
        (Decimal(clm[2]) for clm in clms), Decimal(0)
    )
    assert [claim.claim.patient_control_number for claim in claims] == [clm[1] for clm in clms]
    for claim in claims:
        expected = ClaimKind.PROFESSIONAL if claim.transaction == "837P" else ClaimKind.INSTITUTIONAL
        assert claim.claim.kind is expected
        assert claim.coverage.id == claim.claim.coverage_id
        assert claim.patient.id == claim.claim.patient_id
        assert claim.payer.id == claim.coverage.payer_id
        ids = [claim.claim.id, claim.patient.id, *(coverage.id for coverage in claim.coverages)]
        ids += [payer.id for payer in claim.payers] + [provider.id for provider in claim.providers]
        assert all(RECORD_ID.fullmatch(record_id) for record_id in ids)


@pytest.mark.parametrize("path", sample_params("837P", broken=True) + sample_params("837I", broken=True))
def test_broken_samples_read_or_raise_x12_error(path: Path) -> None:
    # Reading may succeed (the sample's fault may be one the records do not see) or raise X12Error; nothing else.
    try:
        claims = read(path)
    except X12Error as error:
        message = str(error)
    else:
        message = str(path)
        assert all(isinstance(claim, Claim837) for claim in claims)
    assert str(path) in message


@pytest.mark.parametrize("path", sample_params("837P", broken=False)[:20])
def test_reading_twice_gives_equal_records(path: Path) -> None:
    if str(path.relative_to(X12_SAMPLES)) in NOT_READABLE:
        pytest.skip("refused, see NOT_READABLE")
    assert read(path) == read(path)


def test_parties_repeated_across_claims_are_the_same_records() -> None:
    path = X12_SAMPLES / "837I" / "oopfactory" / "_5010__Spec_3.1.2_TwoClaimsForTheSameProvider.txt"
    if not path.is_file():
        pytest.skip("no shared samples")
    claims = read(path)
    billing = {claim.claim.billing_provider_id for claim in claims}
    assert len(claims) > 1
    assert len(billing) == 1
    # Two patients of one billing provider and one payer: the payer is one record, the coverages two.
    assert len({claim.payer for claim in claims}) == 1
    assert len({claim.coverage.id for claim in claims}) == len(claims)


# Synthetic fixtures, one field at a time.


def test_a_dependent_is_the_patient_and_the_subscriber_is_on_the_coverage() -> None:
    read_claim = fixture("dependent_professional.837")
    patient, coverage = read_claim.patient, read_claim.coverage

    assert (patient.name.last, patient.name.first, patient.birth_date) == ("DOE", "JOHNNY", date(2015, 6, 1))
    assert coverage.relationship is Relationship.CHILD
    assert coverage.subscriber is not None
    assert (coverage.subscriber.name.first, coverage.subscriber.birth_date) == ("JANE", date(1980, 2, 14))
    assert (coverage.member_id, coverage.group_number, coverage.plan_name) == ("MEM1001", "GRP100", "MAPLE PLAN")
    assert coverage.order is CoverageOrder.PRIMARY
    assert read_claim.payer.payer_identifier == "PAYER01"
    assert read_claim.payer.claim_filing_indicator.value == "CI"
    assert read_claim.transaction == "837P"
    assert read_claim.version == "005010X222A1"
    assert read_claim.problems == ()


def test_professional_claim_fields() -> None:
    claim = fixture("dependent_professional.837").claim

    assert claim.patient_control_number == "PCN-1001"
    assert claim.total_charge == Decimal("225.50")
    assert claim.place_of_service == "11"
    assert claim.frequency is ClaimFrequency.ORIGINAL
    assert [diagnosis.code for diagnosis in claim.diagnoses] == ["S52501A", "V1800XA", "Y9351"]
    assert (claim.onset_date, claim.initial_treatment_date, claim.last_seen_date) == (
        date(2026, 1, 1),
        date(2026, 1, 2),
        date(2026, 1, 3),
    )
    assert [(day.qualifier, day.start) for day in claim.other_dates] == [("453", date(2026, 1, 4))]
    assert claim.accident is not None
    assert claim.accident.causes == (AccidentCause.AUTO_ACCIDENT, AccidentCause.EMPLOYMENT)
    assert (claim.accident.state, claim.accident.accident_date) == ("NY", date(2025, 12, 31))
    assert claim.delay_reason_code == "3"
    assert (claim.prior_authorization, claim.referral_number, claim.medical_record_number) == (
        "AUTH-77",
        "REF-55",
        "MRN-0001",
    )
    assert [(ref.qualifier, ref.value) for ref in claim.other_references] == [("D9", "TRACE-9")]
    assert [(note.qualifier, note.text) for note in claim.notes] == [("ADD", "PATIENT FELL FROM BICYCLE")]
    assert claim.file_information == ("STATE DATA 1",)
    assert claim.release_of_information.value == "I"
    assert claim.pay_to_address is not None
    assert claim.pay_to_address.line1 == "PO BOX 100"


def test_professional_lines_and_their_providers() -> None:
    read_claim = fixture("dependent_professional.837")
    claim = read_claim.claim
    first, second = claim.lines
    providers = {provider.id: provider for provider in read_claim.providers}

    assert (first.procedure_code, first.modifiers, first.diagnosis_pointers) == (
        "99214",
        ("25", "RT", "LT", "XS"),
        (1, 2, 3),
    )
    assert (first.charge, first.units, first.service_date) == (Decimal("150.00"), Decimal(1), date(2026, 1, 5))
    assert first.line_control_number == "LINE-1"
    assert [(ref.qualifier, ref.value) for ref in first.references] == [("X4", "CLIA-1")]
    assert [note.text for note in first.notes] == ["LEVEL FOUR VISIT"]
    assert (second.service_date, second.service_date_end, second.place_of_service) == (
        date(2026, 1, 5),
        date(2026, 1, 6),
        "11",
    )
    assert (second.ndc, second.ndc_quantity, second.ndc_unit) == ("00409490401", Decimal(2), "ML")
    assert second.rendering_provider_id is not None
    assert second.referring_provider_id is not None
    assert providers[second.rendering_provider_id].npi == "1765432103"
    assert providers[second.referring_provider_id].npi == "1345678902"

    billing = providers[claim.billing_provider_id]
    assert (billing.npi, billing.kind, billing.tax_id, billing.taxonomy) == (
        "1234567893",
        ProviderKind.ORGANIZATION,
        "123456789",
        "207Q00000X",
    )
    assert billing.address is not None
    assert billing.address.postal_code == "627010001"
    assert claim.rendering_provider_id is not None
    assert providers[claim.rendering_provider_id].taxonomy == "208D00000X"
    assert claim.referring_provider_id is not None
    assert providers[claim.referring_provider_id].first_name == "RITA"
    assert claim.facility_provider_id is not None
    assert providers[claim.facility_provider_id].address is not None
    assert read_claim.providers[0] is billing


def test_coordination_of_benefits_and_a_replacement_claim() -> None:
    read_claim = fixture("cob_replacement.837")
    claim = read_claim.claim
    (other,) = claim.other_payers

    assert claim.frequency is ClaimFrequency.REPLACEMENT
    assert claim.original_claim_reference == "ORIGINAL-CCN-1"
    assert other.responsibility is PayerResponsibility.PRIMARY
    assert (other.payer_name, other.payer_identifier, other.member_id) == ("FIRST PLAN", "PAYER01", "PRI1001")
    assert (other.group_number, other.group_name) == ("GRP100", "FIRST PLAN")
    assert other.claim_filing_indicator is not None
    assert other.claim_filing_indicator.value == "MB"
    assert (other.paid_amount, other.remaining_patient_liability) == (Decimal("85.00"), Decimal("15.00"))
    assert [(a.group, a.reason_code, a.amount, a.quantity) for a in other.adjustments] == [
        (AdjustmentGroup.CONTRACTUAL_OBLIGATION, "45", Decimal("20.00"), None),
        (AdjustmentGroup.PATIENT_RESPONSIBILITY, "1", Decimal("10.00"), None),
        (AdjustmentGroup.PATIENT_RESPONSIBILITY, "2", Decimal("5.00"), None),
    ]
    assert (other.adjudication_date, other.payer_claim_control_number) == (date(2026, 1, 20), "PRIMARY-CCN-9")

    first, second = (line.adjudications for line in claim.lines)
    (adjudication,) = first
    assert (adjudication.payer_identifier, adjudication.paid, adjudication.procedure_code) == (
        "PAYER01",
        Decimal("55.00"),
        "99213",
    )
    assert adjudication.units == Decimal(1)
    assert [(a.reason_code, a.amount) for a in adjudication.adjustments] == [
        ("45", Decimal("15.00")),
        ("1", Decimal("10.00")),
    ]
    assert adjudication.adjudication_date == date(2026, 1, 20)
    assert adjudication.remaining_patient_liability == Decimal("10.00")
    assert second[0].paid == Decimal("30.00")

    billed, primary = read_claim.coverages
    assert (billed.order, billed.member_id) == (CoverageOrder.SECONDARY, "SEC2002")
    assert (primary.order, primary.member_id, primary.patient_id) == (
        CoverageOrder.PRIMARY,
        "PRI1001",
        read_claim.patient.id,
    )
    assert [payer.payer_identifier for payer in read_claim.payers] == ["PAYER02", "PAYER01"]
    assert primary.payer_id == read_claim.payers[1].id
    # The subscriber is the patient (SBR02 18 under HL 22).
    assert read_claim.patient.name.last == "ROE"
    assert billed.relationship is Relationship.SELF
    assert billed.subscriber is None


def test_institutional_codes() -> None:
    read_claim = fixture("institutional_codes.837")
    claim = read_claim.claim

    assert read_claim.transaction == "837I"
    assert claim.kind is ClaimKind.INSTITUTIONAL
    assert claim.facility_type_code == "11"
    assert (claim.statement_from, claim.statement_to, claim.admission_date) == (
        date(2026, 2, 10),
        date(2026, 2, 14),
        date(2026, 2, 10),
    )
    assert (claim.admission_type, claim.admission_source, claim.patient_status) == ("1", "7", "01")
    assert [(d.code, d.present_on_admission) for d in claim.diagnoses] == [("J189", "Y"), ("I10", "Y"), ("E119", "N")]
    assert claim.admitting_diagnosis == "R0602"
    assert claim.reasons_for_visit == ("R509",)
    assert [(d.code, d.present_on_admission) for d in claim.external_causes] == [("W010XXA", "N")]
    assert claim.principal_procedure is not None
    assert (claim.principal_procedure.code, claim.principal_procedure.performed_on) == ("0BH17EZ", date(2026, 2, 11))
    assert [p.code for p in claim.other_procedures] == ["5A1955Z"]
    assert [(o.code, o.occurred_on) for o in claim.occurrences] == [
        ("11", date(2026, 2, 8)),
        ("A1", date(1945, 3, 10)),
    ]
    assert [(s.code, s.start, s.end) for s in claim.occurrence_spans] == [("74", date(2026, 2, 1), date(2026, 2, 5))]
    assert [(v.code, v.amount) for v in claim.value_codes] == [("80", Decimal("4.00")), ("A1", Decimal("150.00"))]
    assert claim.condition_codes == ("07", "39")
    assert claim.drg == "193"
    assert [(note.qualifier, note.text) for note in claim.notes] == [("ALG", "NO KNOWN ALLERGIES")]
    providers = {provider.id: provider for provider in read_claim.providers}
    assert claim.attending_provider_id is not None
    assert claim.operating_provider_id is not None
    assert claim.other_operating_provider_id is not None
    assert providers[claim.attending_provider_id].name == "ATTEND"
    assert providers[claim.operating_provider_id].name == "OPERATE"
    assert providers[claim.other_operating_provider_id].name == "ASSIST"


def test_institutional_lines_and_a_line_dated_by_the_statement_period() -> None:
    first, second = fixture("institutional_codes.837").claim.lines

    assert (first.revenue_code, first.procedure_code, first.unit_basis.value, first.units) == (
        "0120",
        "99223",
        "DA",
        Decimal(4),
    )
    # No DTP*472 on the room line: it is dated by the statement period.
    assert (first.service_date, first.service_date_end) == (date(2026, 2, 10), date(2026, 2, 14))
    assert (second.revenue_code, second.service_date, second.service_date_end) == ("0250", date(2026, 2, 11), None)


def test_icd9_claims_of_the_samples_keep_their_codes() -> None:
    path = X12_SAMPLES / "837I" / "oopfactory" / "_5010__Spec_3.1.2_TwoClaimsForTheSameProvider.txt"
    if not path.is_file():
        pytest.skip("no shared samples")
    for read_claim in read(path):
        claim = read_claim.claim
        assert claim.diagnoses == ()
        assert claim.icd9_diagnoses[0].role is Icd9Role.PRINCIPAL
        assert claim.diagnosis_codes


# Errors name the segment and element.


def replaced(name: str, old: str, new: str) -> list[Segment]:
    text = (FIXTURES / name).read_text()
    assert old in text
    return read_bytes(text.replace(old, new, 1).encode(), name)


def error_of(segments: list[Segment]) -> X12Error:
    with pytest.raises(X12Error) as caught:
        list(read_837(segments, "bad.837"))
    return caught.value


def test_an_amount_that_is_not_money_names_the_element() -> None:
    error = error_of(replaced("cob_replacement.837", "CLM*PCN-2002*120.00", "CLM*PCN-2002*12O.00"))
    assert "CLM02" in str(error)
    assert "segment 20 (CLM)" in str(error)


def test_a_claim_the_domain_refuses_names_the_claim_and_field() -> None:
    error = error_of(replaced("cob_replacement.837", "CLM*PCN-2002*120.00", "CLM*PCN-2002*121.00"))
    assert "segment 20 (CLM)" in str(error)
    assert "Claim.total_charge" in str(error)


def test_a_bad_date_names_the_element() -> None:
    error = error_of(replaced("dependent_professional.837", "DTP*431*D8*20260101", "DTP*431*D8*20261301"))
    assert "DTP03" in str(error)
    assert "(DTP)" in str(error)


def test_a_replacement_without_the_original_claim_number_is_refused() -> None:
    error = error_of(replaced("cob_replacement.837", "REF*F8*ORIGINAL-CCN-1~", ""))
    assert "original_claim_reference" in str(error)


def test_an_unknown_hi_qualifier_is_refused() -> None:
    error = error_of(replaced("institutional_codes.837", "HI*DR:193", "HI*QQ:193"))
    assert "HI01-1" in str(error)
    assert "'QQ'" in str(error)


def test_a_transaction_that_is_not_an_837_is_refused() -> None:
    error = error_of(replaced("cob_replacement.837", "ST*837*0002", "ST*835*0002"))
    assert "ST01" in str(error)


def test_a_claim_outside_the_hierarchy_is_refused() -> None:
    error = error_of(replaced("cob_replacement.837", "HL*2*1*22*0~", ""))
    assert "CLM" in str(error)


def test_a_revenue_code_only_line_is_refused_by_name() -> None:
    error = error_of(replaced("institutional_codes.837", "SV2*0250*HC:J3490*", "SV2*0250**"))
    assert "SV202" in str(error)


def test_a_provider_with_a_bad_npi_is_listed_as_a_problem() -> None:
    segments = replaced("dependent_professional.837", "XX*1581234568~", "XX*1581234567~")
    (read_claim,) = read_837(segments, "npi.837")
    assert read_claim.claim.rendering_provider_id is None
    assert any("NM109" in problem and "RENDER" in problem for problem in read_claim.problems)


# Streaming.


def test_each_claim_is_yielded_when_the_next_claim_starts() -> None:
    segments = read_bytes((FIXTURES / "cob_replacement.837").read_bytes())
    ids = [segment.id for segment in segments]
    clm, se = ids.index("CLM"), ids.index("SE")
    # The same claim twice in one transaction set: the first must come out when the second CLM is read.
    stream = [*segments[:se], *segments[clm:se], *segments[se:]]
    consumed: list[str] = []

    def source() -> Iterator[Segment]:
        for segment in stream:
            consumed.append(segment.id)
            yield segment

    claims = read_837(source(), "stream.837")
    first = next(claims)
    assert first.claim.patient_control_number == "PCN-2002"
    assert len(consumed) == se + 1
    assert consumed[-1] == "CLM"
    second = next(claims)
    assert second == first
    assert list(claims) == []


# The records read are the records stored.


@pytest.mark.parametrize("name", ["dependent_professional.837", "cob_replacement.837", "institutional_codes.837"])
def test_read_claims_survive_the_store(engine: Engine, name: str) -> None:
    read_claim = fixture(name)
    with UnitOfWork(engine) as unit:
        unit.providers.add_many(read_claim.providers)
        unit.patients.add(read_claim.patient)
        unit.payers.add_many(read_claim.payers)
        unit.coverages.add_many(read_claim.coverages)
        unit.claims.add(read_claim.claim)
        unit.commit()
    with UnitOfWork(engine) as unit:
        assert unit.claims.get(read_claim.claim.id) == read_claim.claim
        assert unit.coverages.get(read_claim.coverage.id) == read_claim.coverage


# Damaged input: only X12Error, never another exception.


def damaged(name: str) -> Iterator[tuple[str, list[Segment]]]:
    """The fixture with each segment deleted, duplicated, with its last element emptied or its elements reversed."""
    segments = read_bytes((FIXTURES / name).read_bytes(), name)

    def remade(segment: Segment, elements: list[str]) -> Segment:
        return Segment(segment.id, elements, segment.index, segment.offset, segment.delimiters)

    for index, segment in enumerate(segments):
        if segment.id in ("ISA", "IEA"):
            continue
        before, after = segments[:index], segments[index + 1 :]
        yield f"delete {index}", [*before, *after]
        yield f"duplicate {index}", [*before, segment, segment, *after]
        yield f"empty last element of {index}", [*before, remade(segment, [*segment.elements[:-1], ""]), *after]
        reversed_elements = [element[::-1] for element in segment.elements]
        yield f"reverse elements of {index}", [*before, remade(segment, reversed_elements), *after]


@pytest.mark.parametrize("name", ["dependent_professional.837", "cob_replacement.837", "institutional_codes.837"])
def test_damaged_fixtures_read_or_raise_x12_error(name: str) -> None:
    for damage, segments in damaged(name):
        message = name
        try:
            claims = list(read_837(segments, name))
        except X12Error as error:
            message = str(error)
        else:
            assert all(isinstance(claim, Claim837) for claim in claims), damage
        assert name in message, damage


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["dependent_professional.837", "cob_replacement.837", "institutional_codes.837"]),
    position=st.floats(min_value=0, max_value=1),
    noise=st.binary(max_size=8),
    cut=st.booleans(),
)
def test_noise_in_the_bytes_gives_records_or_x12_error(name: str, position: float, noise: bytes, cut: bool) -> None:
    data = (FIXTURES / name).read_bytes()
    at = int(len(data) * position)
    mutated = data[:at] + noise + (b"" if cut else data[at + len(noise) :])
    message = name
    try:
        claims = list(read_837(read_bytes(mutated, name), name))
    except X12Error as error:
        message = str(error)
    else:
        assert all(isinstance(claim, Claim837) for claim in claims)
    assert name in message


def test_hi_codes_no_field_holds_are_listed_as_problems() -> None:
    segments = replaced("institutional_codes.837", "HI*DR:193~", "HI*DR:193*BR:3491:D8:20260211~")
    (read_claim,) = read_837(segments, "icd9-procedure.837")
    assert read_claim.claim.drg == "193"
    assert any("HI02: ICD-9-CM principal procedure '3491' (BR)" in problem for problem in read_claim.problems)


def test_an_interim_bill_reads() -> None:
    segments = replaced("institutional_codes.837", "***11:A:1**", "***11:A:2**")
    (read_claim,) = read_837(segments, "interim.837")
    assert read_claim.claim.frequency is ClaimFrequency.INTERIM_FIRST


def storable(read_claim: Claim837) -> bool:
    """Whether every provider the claim refers to was recorded (a provider without a valid NPI is not)."""
    recorded = {provider.id for provider in read_claim.providers}
    claim = read_claim.claim
    referred = [claim.billing_provider_id, *(line.rendering_provider_id for line in claim.lines)]
    referred += [line.referring_provider_id for line in claim.lines]
    referred += [getattr(claim, f"{role}_provider_id") for role in ("rendering", "referring", "facility")]
    referred += [getattr(claim, f"{role}_provider_id") for role in ("attending", "operating", "other_operating")]
    referred.append(claim.supervising_provider_id)
    return all(provider_id in recorded for provider_id in referred if provider_id is not None)


def test_claims_read_from_the_samples_survive_the_store(engine: Engine) -> None:
    paths = [
        path
        for transaction in ("837P", "837I")
        for path in samples(transaction)
        if not is_deliberately_broken(path) and str(path.relative_to(X12_SAMPLES)) not in NOT_READABLE and is_5010(path)
    ]
    if not paths:
        pytest.skip("no shared samples")
    stored = 0
    for path in paths:
        claims = [read_claim for read_claim in read(path) if storable(read_claim)]
        with engine.connect() as connection:
            outer = connection.begin()
            try:
                with UnitOfWork(connection) as unit:
                    for read_claim in claims:
                        unit.providers.add_many(read_claim.providers)
                        unit.patients.add(read_claim.patient)
                        unit.payers.add_many(read_claim.payers)
                        unit.coverages.add_many(read_claim.coverages)
                        unit.claims.add(read_claim.claim)
                    unit.commit()
                with UnitOfWork(connection) as unit:
                    for read_claim in claims:
                        assert unit.claims.get(read_claim.claim.id) == read_claim.claim, path
                        stored += 1
            finally:
                outer.rollback()
    assert stored > 0
