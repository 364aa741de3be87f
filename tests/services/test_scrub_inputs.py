"""read_claims_file: 837s, claims JSON and FHIR R4 Claims read as submitted, and bad inputs refused by place."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revcycle.domain import ClaimFrequency, ClaimKind
from revcycle.domain.parties import ClaimFilingIndicator, Relationship
from revcycle.errors import InputFileError
from revcycle.services.scrub_inputs import FhirReader, read_claims_data, read_claims_file
from tests.edits.cases import BASE_CLAIM, BASE_COVERAGE, BASE_PATIENT, BASE_PAYER, BASE_PROVIDERS
from tests.shared_files import shared_file

FHIR = Path(__file__).parents[1] / "fixtures" / "fhir"
TWO_INSTITUTIONAL_CLAIMS = "x12/837I/oopfactory/_5010__Spec_3.1.2_TwoClaimsForTheSameProvider.txt"


def dataset(**claim: Any) -> dict[str, Any]:
    return {
        "patients": [BASE_PATIENT],
        "providers": BASE_PROVIDERS,
        "payers": [BASE_PAYER],
        "coverages": [BASE_COVERAGE],
        "claims": [{**BASE_CLAIM, "total_charge": "125.00", **claim}],
    }


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def fhir(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FHIR / name).read_text(encoding="utf-8"))
    return document


def refusal(path: Path) -> str:
    with pytest.raises(InputFileError) as caught:
        read_claims_file(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    return message


# 837


def test_an_837_sample_reads_every_claim_with_its_parties_and_notes() -> None:
    path = shared_file("x12/837P/linuxforhealth/837_005010X222A2__demo.autoaccident.837")
    records = read_claims_file(path)
    (submitted,) = records.submitted()
    assert submitted.claim.kind is ClaimKind.PROFESSIONAL
    assert submitted.patient is not None
    assert submitted.coverage is not None
    assert submitted.payer is not None
    assert submitted.broken == ()
    # What the reader could not record travels with the claim: here a billing provider whose NPI fails its check
    # digit, so the claim names it by a derived id and no provider record stands for it.
    assert submitted.claim.billing_provider_id not in submitted.providers
    assert any("NM109: provider" in note and "check digit" in note for note in submitted.notes)
    assert submitted.source == str(path)


def test_an_837_claim_breaking_a_rule_is_read_as_submitted() -> None:
    path = shared_file("x12/837I/imsweb/837_5010__x223-test.txt")
    (submitted,) = read_claims_file(path).submitted()
    assert submitted.claim.total_charge == Decimal("500.00")
    assert [error.field for error in submitted.broken] == ["total_charge"]


def test_broken_rules_go_to_the_claim_that_breaks_them(tmp_path: Path) -> None:
    text = shared_file(TWO_INSTITUTIONAL_CLAIMS).read_text(encoding="utf-8")
    assert "CLM*756049Q*50*" in text
    path = tmp_path / "two.837"
    path.write_text(text.replace("CLM*756049Q*50*", "CLM*756049Q*75*"), encoding="utf-8")
    first, second = read_claims_file(path).submitted()
    assert first.broken == ()
    assert [error.field for error in second.broken] == ["total_charge"]


def test_an_837_the_reader_refuses_is_refused_whole_naming_the_segment(tmp_path: Path) -> None:
    text = shared_file(TWO_INSTITUTIONAL_CLAIMS).read_text(encoding="utf-8")
    path = tmp_path / "second-refused.837"
    # The second claim's line date is not a date: the first claim is sound, the file is still refused.
    path.write_text(text.replace("CLM*756049Q*50***13:A:1", "CLM*756049Q*50***13:A:Q"), encoding="utf-8")
    message = refusal(path)
    assert "(CLM)" in message
    assert "segment" in message


def test_an_x12_file_that_is_not_an_837_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "remit.835"
    path.write_bytes(shared_file("x12/835/linuxforhealth/835_005010X221A1__medicare-part-a.835").read_bytes())
    assert "is not an 837" in refusal(path)


# Claims JSON


def test_a_claims_json_dataset_is_read(tmp_path: Path) -> None:
    path = write_json(tmp_path / "claims.json", dataset())
    (submitted,) = read_claims_file(path).submitted()
    assert submitted.claim.patient_control_number == "PCN-1"
    assert submitted.payer is not None
    assert submitted.payer.payer_identifier == "00431"
    assert submitted.broken == ()


def test_a_claims_json_claim_breaking_a_rule_is_read_as_submitted(tmp_path: Path) -> None:
    path = write_json(tmp_path / "claims.json", dataset(total_charge="150.00"))
    (submitted,) = read_claims_file(path).submitted()
    assert [error.field for error in submitted.broken] == ["total_charge"]


def test_a_malformed_claims_json_record_is_refused_with_its_path(tmp_path: Path) -> None:
    path = write_json(tmp_path / "claims.json", dataset(lines=[{**BASE_CLAIM["lines"][0], "service_date": "soon"}]))
    assert "claims[0]" in refusal(path)


# FHIR R4


def test_a_fhir_bundle_of_claims_is_read() -> None:
    first, second = read_claims_file(FHIR / "professional-bundle.json").submitted()
    assert [first.claim.patient_control_number, second.claim.patient_control_number] == ["FHIR-1", "FHIR-2"]
    claim = first.claim
    assert claim.kind is ClaimKind.PROFESSIONAL
    assert claim.place_of_service == "11"
    assert claim.diagnosis_codes == ("I10",)
    (line,) = claim.lines
    assert (line.procedure_code, line.units, line.charge) == ("99213", Decimal(1), Decimal("125.00"))
    assert line.diagnosis_pointers == (1,)
    assert line.place_of_service is None  # the claim's
    assert first.patient is not None
    assert (first.patient.birth_date.isoformat(), first.patient.sex) == ("1960-04-12", "F")
    billing = first.providers[claim.billing_provider_id]
    assert (billing.npi, billing.tax_id) == ("1234567893", "123456789")
    assert claim.rendering_provider_id is not None
    assert first.providers[claim.rendering_provider_id].npi == "1245319599"
    assert first.payer is not None
    assert first.payer.payer_identifier == "00431"
    assert first.payer.claim_filing_indicator is ClaimFilingIndicator.MEDICARE_PART_B
    assert first.coverage is not None
    assert first.coverage.member_id == "1EG4TE5MK73"
    # The parties are shared, the second claim's total is not the sum of its lines: read as submitted.
    assert second.patient == first.patient
    assert first.broken == ()
    assert [error.field for error in second.broken] == ["total_charge"]


def test_a_single_fhir_claim_with_contained_resources_is_read() -> None:
    (submitted,) = read_claims_file(FHIR / "institutional-claim.json").submitted()
    claim = submitted.claim
    assert claim.kind is ClaimKind.INSTITUTIONAL
    assert (claim.facility_type_code, claim.frequency, claim.patient_status) == ("13", ClaimFrequency.ORIGINAL, "01")
    assert (claim.statement_from, claim.statement_to) == (claim.lines[0].service_date, claim.lines[0].service_date)
    assert claim.lines[0].revenue_code == "0510"
    assert claim.attending_provider_id in submitted.providers
    assert submitted.payer is not None
    assert submitted.payer.claim_filing_indicator is ClaimFilingIndicator.MEDICARE_PART_A
    assert submitted.broken == ()


def test_an_institutional_fhir_claim_keeps_admitting_external_cause_and_procedures(tmp_path: Path) -> None:
    claim = fhir("institutional-claim.json")
    icd = "http://hl7.org/fhir/sid/icd-10-cm"
    kinds = "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBClaimDiagnosisType"
    claim["diagnosis"] += [
        {
            "sequence": sequence,
            "type": [{"coding": [{"system": kinds, "code": kind}]}],
            "diagnosisCodeableConcept": {"coding": [{"system": icd, "code": code}]},
        }
        for sequence, kind, code in ((2, "admitting", "R07.9"), (3, "externalcauseofinjury", "W19.XXXA"))
    ]
    pcs = {"system": "http://www.cms.gov/Medicare/Coding/ICD10", "code": "0DTJ4ZZ"}
    claim["procedure"] = [{"sequence": 1, "date": "2026-04-15", "procedureCodeableConcept": {"coding": [pcs]}}]
    (submitted,) = read_claims_file(write_json(tmp_path / "claim.json", claim)).submitted()
    read = submitted.claim
    assert read.diagnosis_codes == ("I10",)
    assert read.admitting_diagnosis == "R079"
    assert [cause.code for cause in read.external_causes] == ["W19XXXA"]
    assert read.principal_procedure is not None
    assert (read.principal_procedure.code, read.other_procedures) == ("0DTJ4ZZ", ())
    claim["item"][0]["diagnosisSequence"] = [2]
    message = refusal(write_json(tmp_path / "claim.json", claim))
    assert "Claim.item[0].diagnosisSequence[0]: 2 is the admitting diagnosis, which no line points to" in message


def test_a_fhir_replacement_claim_without_the_prior_number_breaks_a_rule(tmp_path: Path) -> None:
    bundle = fhir("professional-bundle.json")
    claim = bundle["entry"][0]["resource"]
    claim["related"] = [{"relationship": {"coding": [{"code": "prior"}]}}]
    first, _ = read_claims_file(write_json(tmp_path / "bundle.json", bundle)).submitted()
    assert first.claim.frequency is ClaimFrequency.REPLACEMENT
    assert [error.field for error in first.broken] == ["original_claim_reference"]
    claim["related"][0]["reference"] = {"value": "PAYER-ICN-1"}
    first, _ = read_claims_file(write_json(tmp_path / "bundle.json", bundle)).submitted()
    assert first.claim.original_claim_reference == "PAYER-ICN-1"
    assert first.broken == ()


def test_the_type_of_bill_gives_an_institutional_claim_its_frequency(tmp_path: Path) -> None:
    claim = fhir("institutional-claim.json")
    claim["supportingInfo"][0]["code"]["coding"][0]["code"] = "0137"
    (submitted,) = read_claims_file(write_json(tmp_path / "claim.json", claim)).submitted()
    assert submitted.claim.frequency is ClaimFrequency.REPLACEMENT
    assert [error.field for error in submitted.broken] == ["original_claim_reference"]


def test_fhir_pointers_past_the_diagnoses_are_kept_as_submitted(tmp_path: Path) -> None:
    bundle = fhir("professional-bundle.json")
    bundle["entry"][0]["resource"]["item"][0]["diagnosisSequence"] = [1, 3]
    first, _ = read_claims_file(write_json(tmp_path / "bundle.json", bundle)).submitted()
    assert first.claim.lines[0].diagnosis_pointers == (1, 3)
    assert [error.field for error in first.broken] == ["lines[0].diagnosis_pointers"]


def test_a_fhir_dependent_needs_the_subscriber(tmp_path: Path) -> None:
    bundle = fhir("professional-bundle.json")
    coverage = bundle["entry"][5]["resource"]
    coverage["relationship"]["coding"][0]["code"] = "child"
    path = write_json(tmp_path / "bundle.json", bundle)
    assert "Bundle.entry[5].resource.subscriber: is required" in refusal(path)
    coverage["subscriber"] = {"reference": "Patient/pat-1"}
    first, _ = read_claims_file(write_json(tmp_path / "bundle.json", bundle)).submitted()
    assert first.coverage is not None
    assert first.coverage.relationship is Relationship.CHILD


def test_a_provider_npi_failing_its_check_digit_is_read_as_submitted(tmp_path: Path) -> None:
    bundle = fhir("professional-bundle.json")
    bundle["entry"][4]["resource"]["identifier"][0]["value"] = "1245319590"
    first, _ = read_claims_file(write_json(tmp_path / "bundle.json", bundle)).submitted()
    assert first.claim.rendering_provider_id in first.providers
    assert [error.field for error in first.broken] == ["npi"]


def test_a_provider_without_an_npi_is_noted(tmp_path: Path) -> None:
    bundle = fhir("professional-bundle.json")
    bundle["entry"][4]["resource"]["identifier"] = []
    first, _ = read_claims_file(write_json(tmp_path / "bundle.json", bundle)).submitted()
    assert first.claim.rendering_provider_id not in first.providers
    assert any("provider not recorded: no NPI" in note for note in first.notes)


def test_a_fhir_item_without_a_procedure_code_names_its_path() -> None:
    message = refusal(FHIR / "bad-item.json")
    assert "Claim.item[0].productOrService: has no CPT or HCPCS coding" in message


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            lambda bundle: bundle["entry"][0]["resource"].update(patient={"reference": "Patient/nobody"}),
            "Bundle.entry[0].resource.patient.reference: 'Patient/nobody' names no resource in the file",
        ),
        (
            lambda bundle: bundle["entry"][2]["resource"].update(birthDate="1960"),
            "Bundle.entry[2].resource.birthDate: '1960' is not a full date",
        ),
        (
            lambda bundle: bundle["entry"][0]["resource"]["item"][0].update(servicedDate="2026-02-30"),
            "Bundle.entry[0].resource.item[0].servicedDate: '2026-02-30' is not a date",
        ),
        (
            lambda bundle: bundle["entry"][0]["resource"]["item"][0].update(modifier=[{"coding": [{"code": "RTX"}]}]),
            "Bundle.entry[0].resource.item[0].modifier[0]: 'RTX' is not a modifier",
        ),
        (
            lambda bundle: bundle["entry"][0]["resource"].update(type={"coding": [{"code": "pharmacy"}]}),
            "Bundle.entry[0].resource.type: is not professional or institutional",
        ),
        (
            lambda bundle: bundle["entry"][0]["resource"]["total"].update(currency="EUR"),
            "Bundle.entry[0].resource.total.currency",
        ),
        (
            lambda bundle: bundle["entry"][0]["resource"]["diagnosis"][0].update(
                diagnosisCodeableConcept={"coding": [{"system": "http://snomed.info/sct", "code": "38341003"}]}
            ),
            "Bundle.entry[0].resource.diagnosis[0].diagnosisCodeableConcept: has no ICD-10-CM coding",
        ),
        (
            lambda bundle: bundle["entry"][6]["resource"].update(identifier=[]),
            "Bundle.entry[6].resource.identifier: the payer needs an identifier",
        ),
        (lambda bundle: bundle.update(entry=bundle["entry"][2:]), "Bundle.entry: holds no Claim resource"),
        (lambda bundle: bundle.update(resourceType="Patient"), "resourceType: 'Patient' is not a Claim or a Bundle"),
    ],
)
def test_a_bad_fhir_value_names_the_file_and_the_fhir_path(tmp_path: Path, change: Any, where: str) -> None:
    bundle = fhir("professional-bundle.json")
    change(bundle)
    assert where in refusal(write_json(tmp_path / "bundle.json", bundle))


def places(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every place in a JSON document: the key or index path of each value."""
    found: list[tuple[object, ...]] = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*path, index))
    return found


BUNDLE = fhir("professional-bundle.json")
PLACES = places(BUNDLE)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "#", "Patient/pat-1", "#patient", "2026-13-01", "1E+999999", "[red]x[/]", "\x00"])
    | st.text(max_size=6),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(place=st.sampled_from(PLACES), value=JSON_VALUES)
def test_any_value_anywhere_in_a_fhir_bundle_reads_or_names_its_place(place: tuple[object, ...], value: object) -> None:
    document = json.loads(json.dumps(BUNDLE))
    target = document
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = value
    document = json.loads(json.dumps(document), parse_float=Decimal)
    try:
        records = FhirReader("bundle.json", document).read()
    except InputFileError as error:
        refused = error.path
    else:
        refused = ""
        assert all(claim.patient_control_number for claim, _ in records.claims)
    assert refused in ("", "bundle.json")


# Neither


def test_a_file_of_another_kind_is_refused_saying_what_was_expected(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("patient seen, claim to follow\n", encoding="utf-8")
    assert "is not an 837P/837I (X12), a claims JSON dataset, or FHIR R4 Claim resources" in refusal(path)


def test_json_that_is_not_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"claims": [\n  {"id": }\n]}', encoding="utf-8")
    assert "line 2, column" in refusal(path)


def test_a_json_list_is_not_a_claims_file(tmp_path: Path) -> None:
    assert "is JSON but not" in refusal(write_json(tmp_path / "list.json", [1, 2]))


def test_input_held_in_memory_is_read_as_a_file_is() -> None:
    x12 = shared_file("x12/837I/imsweb/837_5010__x223-test.txt")
    (from_bytes,) = read_claims_data(x12.read_bytes(), "body").submitted()
    (from_file,) = read_claims_file(x12).submitted()
    assert from_bytes.claim.lines == from_file.claim.lines
    assert [str(error) for error in from_bytes.broken] == [str(error) for error in from_file.broken]
    bundle = (FHIR / "professional-bundle.json").read_bytes()
    assert len(list(read_claims_data(bundle, "body").submitted())) == 2
    with pytest.raises(InputFileError, match=r"^body: is not UTF-8 text"):
        read_claims_data(b'{"claims": "\xff"}', "body")
    with pytest.raises(InputFileError, match=r"^body: is not an 837P/837I"):
        read_claims_data(b"hello", "body")


def test_a_missing_file_cannot_be_read(tmp_path: Path) -> None:
    assert "cannot be read" in refusal(tmp_path / "absent.837")
