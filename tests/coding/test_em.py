"""Office E/M levels: time thresholds, MDM combinations, preventive visits by age, new vs established."""

from __future__ import annotations

from datetime import date

import pytest

from revcycle.coding.document import read_note
from revcycle.coding.em import level_em
from revcycle.coding.mdm import data_element, problems_element, risk_element
from revcycle.coding.result import EmLevel
from revcycle.coding.visit import patient_age, patient_status


def level(text: str, day: date | None = None) -> EmLevel:
    found = level_em(read_note(text), day=day)
    assert found is not None
    return found


def timed(status: str, minutes: int) -> str:
    return (
        f"CC: Cough.\nHPI: {status} for cough for 3 days.\nAssessment: Viral cough, self-limited.\n"
        f"Plan: Rest and fluids.\nTotal time spent on the date of the encounter: {minutes} minutes."
    )


@pytest.mark.parametrize(
    ("minutes", "code"),
    [(14, "99202"), (15, "99202"), (29, "99202"), (30, "99203"), (44, "99203"), (45, "99204"), (60, "99205")],
)
def test_new_patient_time_thresholds(minutes: int, code: str) -> None:
    found = level(timed("New patient presents", minutes))
    assert found.code == code
    assert found.minutes == minutes
    if code != "99202":
        assert found.basis == "time"
        assert any("by time" in line for line in found.reasoning)


@pytest.mark.parametrize(
    ("minutes", "code"),
    [(9, "99212"), (10, "99212"), (19, "99212"), (20, "99213"), (29, "99213"), (30, "99214"), (40, "99215")],
)
def test_established_patient_time_thresholds(minutes: int, code: str) -> None:
    assert level(timed("Established patient returns", minutes)).code == code


def test_mdm_higher_than_time_is_reported_and_said() -> None:
    text = (
        "HPI: 58 y/o F returns for follow-up.\n"
        "Assessment and Plan:\n"
        "1. Type 2 diabetes, uncontrolled, A1c above goal. Increase metformin to 1000 mg BID.\n"
        "2. Hypertension, stable. Continue lisinopril 20 mg daily.\n"
        "Total time: 20 minutes."
    )
    found = level(text)
    assert (found.code, found.basis) == ("99214", "mdm")
    assert (found.problems, found.risk) == ("moderate", "moderate")
    assert "reported 99214 by MDM: higher than 99213 by time" in found.reasoning
    assert any(item.text == "metformin" for item in found.evidence)


def test_time_higher_than_mdm_is_reported() -> None:
    text = (
        "HPI: Established patient here for follow-up of a rash.\nAssessment: Contact dermatitis.\n"
        "Plan: Avoid the irritant. I spent 42 minutes in total counselling on skin care."
    )
    found = level(text)
    assert (found.code, found.basis, found.problems) == ("99215", "time", None)


@pytest.mark.parametrize(
    ("assessment", "plan", "code", "elements"),
    [
        # minimal problem, no data, minimal risk: straightforward
        ("Common cold, self-limited.", "Rest and fluids.", "99212", ("minimal", "minimal", "minimal")),
        # one acute uncomplicated illness, OTC drug: low
        ("Acute sinusitis.", "Ibuprofen and saline rinses.", "99213", ("low", "minimal", "low")),
        # acute uncomplicated + prescription: low (problems low, risk moderate, data minimal)
        ("Acute otitis media, right.", "Start amoxicillin 500 mg TID.", "99213", ("low", "minimal", "moderate")),
        # two stable chronic illnesses + prescription management: moderate
        ("1. Hypertension, stable.\n2. Hyperlipidemia, controlled.", "Continue lisinopril and atorvastatin.",
         "99214", ("moderate", "minimal", "moderate")),
        # chronic illness with exacerbation + decision about hospitalization: high
        ("COPD with severe exacerbation.", "Decision made for hospitalization; sent to the ED.", "99215",
         ("high", "minimal", "high")),
        # undiagnosed new problem + 3 tests ordered: moderate data, moderate problems
        ("Breast lump, new problem with uncertain prognosis.", "Order mammogram, ultrasound and CBC.", "99214",
         ("moderate", "moderate", "minimal")),
    ],
)  # fmt: skip
def test_mdm_two_of_three(assessment: str, plan: str, code: str, elements: tuple[str, str, str]) -> None:
    text = f"HPI: Established patient returns with a complaint.\nAssessment:\n{assessment}\nPlan: {plan}"
    found = level(text)
    assert (found.problems, found.data, found.risk) == elements
    assert found.code == code


def test_data_categories() -> None:
    note = read_note(
        "HPI: History obtained from the mother. 4-year-old boy, established patient.\n"
        "Results: Outside records from the urgent care reviewed. I personally reviewed the chest x-ray images.\n"
        "Plan: Discussed with Dr. Patel, pulmonology. Order CBC."
    )
    found = data_element(note)
    assert found.level == "high"
    assert "independent historian" in found.reason
    assert "independent interpretation" in found.reason
    assert "discussion with external physician" in found.reason


def test_limited_data_from_two_tests() -> None:
    assert data_element(read_note("Plan: Order CBC and TSH.")).level == "low"


def test_risk_levels() -> None:
    assert risk_element(read_note("Plan: Start lisinopril 10 mg daily.")).level == "moderate"
    assert risk_element(read_note("Plan: Tylenol as needed.")).level == "low"
    assert risk_element(read_note("Plan: Admit to hospital.")).level == "high"
    assert risk_element(read_note("Plan: Reassurance.")).level == "minimal"


def test_problems_fall_back_to_diagnoses_without_an_assessment() -> None:
    note = read_note("HPI: Established patient.\nExam: normal.")
    found = problems_element(note, ("I10", "E78.5"))
    assert (found.level, found.count) == ("moderate", 2)


@pytest.mark.parametrize(
    ("status", "new", "stated"),
    [
        ("New patient here to establish care.", True, True),
        ("This is her first visit.", True, True),
        ("Established patient with knee pain.", False, True),
        ("He returns for his knee.", False, True),
        ("Here for follow-up of knee pain.", False, True),
        ("Knee pain.", False, False),
    ],
)
def test_new_or_established(status: str, new: bool, stated: bool) -> None:
    found = patient_status(read_note(f"HPI: {status}\nPlan: Follow up in 2 weeks."))
    assert (found.new, found.stated) == (new, stated)


def test_unstated_status_is_said_in_the_reasoning() -> None:
    found = level("HPI: Knee pain.\nAssessment: Knee sprain.\nPlan: Ice. Follow up in 2 weeks.")
    assert found.code == "99212"
    assert "established assumed" in found.reasoning[0]


def test_new_patient_mdm() -> None:
    found = level("HPI: New patient with cough.\nAssessment: Acute bronchitis.\nPlan: Start benzonatate 100 mg TID.")
    assert found.code == "99203"


@pytest.mark.parametrize(
    ("age", "new", "code"),
    [
        ("6-month-old", True, "99381"),
        ("3 yo", False, "99392"),
        ("a 7-year-old boy", False, "99393"),
        ("15 y/o F", True, "99384"),
        ("25 year old", False, "99395"),
        ("45 yo M", False, "99396"),
        ("58 y/o F", True, "99386"),
        ("72-year-old", False, "99397"),
    ],
)
def test_preventive_by_age_band(age: str, new: bool, code: str) -> None:
    status = "New patient" if new else "Established patient"
    found = level(f"CC: Annual physical.\nHPI: {age}. {status}.\nAssessment: Well adult exam.\nPlan: Labs.")
    assert (found.code, found.basis) == (code, "preventive")


def test_preventive_age_from_date_of_birth() -> None:
    text = "CC: Well-child check.\nDOB: 05/10/2020\nHPI: Established patient.\nAssessment: Healthy child."
    assert level(text, day=date(2026, 3, 2)).code == "99393"
    age = patient_age(read_note(text), date(2026, 5, 9))
    assert age is not None
    assert age.years == 5


def test_not_an_office_visit() -> None:
    assert level_em(read_note("PREOPERATIVE DIAGNOSIS: Cholelithiasis.\nPROCEDURE: Cholecystectomy.")) is None
    nurse = "Nurse visit: B12 injection 1000 mcg IM given in the left deltoid. Plan: return in 1 month."
    assert level_em(read_note(nurse)) is None


def test_no_level_without_a_problem_or_time() -> None:
    assert level_em(read_note("HPI: Established patient.\nExam: Normal.")) is None


def test_every_level_has_evidence_in_the_note() -> None:
    text = timed("Established patient returns", 25)
    found = level(text)
    assert found.evidence
    assert all(text[item.start : item.end] == item.text for item in found.evidence)


def test_nurse_visit_without_injection_is_99211() -> None:
    found = level("Nurse visit: blood pressure check, established patient. Exam: BP 132/80.\nPlan: Continue.")
    assert found.code == "99211"
