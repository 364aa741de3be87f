"""The outpatient guidelines, one rule at a time: a short note in, the codes a coder would report out."""

from __future__ import annotations

from datetime import date

import pytest

from revcycle.coding.coder import Coder
from revcycle.coding.result import CodingResult

DAY = date(2026, 6, 1)


def coded(coder: Coder, text: str) -> CodingResult:
    return coder.code(text, day=DAY)


def codes(coder: Coder, text: str) -> list[str]:
    return [item.code for item in coded(coder, text).diagnoses]


def reasons(coder: Coder, text: str) -> dict[str, str]:
    return {item.code: item.reason for item in coded(coder, text).excluded}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # I.A.15 "with": diabetes and CKD are linked without the clinician saying so.
        ("Assessment:\n1. DM2\n2. CKD stage 3b", ["E11.22", "N18.32"]),
        # I.C.9.a: hypertension with CKD, with heart failure, with both.
        ("Assessment:\n1. HTN\n2. CKD 4", ["I12.9", "N18.4"]),
        ("Assessment:\n1. HTN\n2. Chronic diastolic heart failure", ["I11.0", "I50.32"]),
        ("Assessment:\n1. HTN\n2. Chronic diastolic heart failure\n3. CKD 4", ["I13.0", "I50.32", "N18.4"]),
        ("Assessment:\n1. HTN\n2. ESRD", ["I12.0", "N18.6"]),
    ],
)
def test_combination_codes(coder: Coder, text: str, expected: list[str]) -> None:
    assert sorted(codes(coder, text)) == sorted(expected)


def test_an_uncertain_diagnosis_is_not_coded_its_symptoms_are(coder: Coder) -> None:
    text = "CC: cough and fever.\nAssessment: Cough and fever, possible pneumonia."
    found = codes(coder, text)
    assert "J18.9" not in found
    assert {"R05.9", "R50.9"} <= set(found)
    assert reasons(coder, text)["J18.9"].startswith("uncertain")


def test_a_negated_condition_is_not_coded(coder: Coder) -> None:
    text = "HPI: Denies chest pain.\nAssessment: Essential hypertension."
    assert codes(coder, text) == ["I10"]
    assert reasons(coder, text)["R07.9"] == "negated"


def test_a_past_condition_is_reported_as_its_history_code(coder: Coder) -> None:
    found = codes(coder, "HPI: History of breast cancer, s/p lumpectomy 2019.\nAssessment: Hypertension.")
    assert "Z85.3" in found
    assert not any(code.startswith("C50") for code in found)


def test_a_relatives_condition_is_a_family_history_code_never_the_condition(coder: Coder) -> None:
    found = codes(coder, "HPI: Mother has type 2 diabetes.\nAssessment: Prediabetes.")
    assert "Z83.3" in found
    assert not any(code.startswith("E11") for code in found)


def test_a_denied_family_history_is_not_coded(coder: Coder) -> None:
    found = codes(coder, "HPI: No family history of colon cancer.\nAssessment: Annual physical.")
    assert "Z80.0" not in found


def test_a_symptom_integral_to_the_confirmed_diagnosis_is_dropped(coder: Coder) -> None:
    text = "CC: cough.\nAssessment: Acute bronchitis."
    assert codes(coder, text) == ["J20.9"]
    assert reasons(coder, text)["R05.9"].startswith("integral symptom of J20.9")


def test_a_symptom_of_another_body_system_is_kept(coder: Coder) -> None:
    found = codes(coder, "CC: cough.\nAssessment:\n1. Acute bronchitis.\n2. Right knee pain.")
    assert found == ["J20.9", "M25.561"]


def test_the_less_specific_code_gives_way(coder: Coder) -> None:
    text = "HPI: Asthma.\nAssessment: Mild persistent asthma with acute exacerbation."
    assert codes(coder, text) == ["J45.31"]


def test_a_vaccine_is_not_the_disease_it_is_named_after(coder: Coder) -> None:
    text = "Assessment: Encounter for immunization.\nPlan: Influenza vaccine 0.5 mL IM given, VIS provided."
    found = codes(coder, text)
    assert found == ["Z23"]


def test_risks_explained_and_warning_signs_are_not_conditions(coder: Coder) -> None:
    text = (
        "Assessment: Primary osteoarthritis, left knee.\n"
        "Plan: Consent after discussing risks (infection, bleeding). Call for fever or increasing pain."
    )
    assert codes(coder, text) == ["M17.12"]


def test_a_drug_started_today_is_not_long_term_use(coder: Coder) -> None:
    assert "Z79.01" not in codes(coder, "Assessment: Atrial fibrillation.\nPlan: Start apixaban 5 mg twice daily.")
    assert "Z79.01" in codes(coder, "Meds: apixaban 5 mg bid.\nAssessment: Atrial fibrillation, on apixaban.")


def test_type_1_diabetes_makes_its_complications_type_1_and_needs_no_insulin_code(coder: Coder) -> None:
    found = codes(coder, "Assessment: Type 1 diabetes with hyperglycemia. Diabetic polyneuropathy. On insulin.")
    assert "E10.65" in found
    assert "E10.42" in found
    assert not any(code.startswith("E11") for code in found)
    assert "Z79.4" not in found


def test_mere_substance_use_is_not_coded(coder: Coder) -> None:
    assert not any(code.startswith("F12") for code in codes(coder, "Assessment: Cannabis use. Anxiety."))


def test_an_examination_that_finds_something_is_with_abnormal_findings(coder: Coder) -> None:
    found = codes(coder, "Assessment: Annual physical. Elevated blood pressure reading.")
    assert found[0] == "Z00.01"


def test_the_first_listed_diagnosis_is_the_assessments_first(coder: Coder) -> None:
    text = "CC: knee pain.\nAssessment:\n1. Primary osteoarthritis, right knee.\n2. Essential hypertension."
    assert codes(coder, text) == ["M17.11", "I10"]


def test_status_codes_come_last(coder: Coder) -> None:
    text = "Assessment:\n1. Former smoker.\n2. COPD with acute exacerbation."
    assert codes(coder, text) == ["J44.1", "Z87.891"]


def test_conditions_only_in_the_past_history_are_not_addressed(coder: Coder) -> None:
    text = "PMH: GERD, hypothyroidism.\nAssessment: Acute sinusitis."
    assert codes(coder, text) == ["J01.90"]
    assert "not addressed" in reasons(coder, text)["K21.9"]
