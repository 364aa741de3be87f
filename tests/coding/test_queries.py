"""Clinician queries: compliant (cite the note, offer other and clinically undetermined, never lead), one per gap."""

from __future__ import annotations

from datetime import date

from revcycle.coding.coder import Coder
from revcycle.coding.queries import CLOSING_OPTIONS

DAY = date(2026, 6, 1)


def queries(coder: Coder, text: str) -> dict[str, object]:
    return {query.about: query for query in coder.code(text, day=DAY).queries}


def test_diabetes_with_ckd_and_no_stage_asks_for_the_stage(coder: Coder) -> None:
    found = queries(coder, "Assessment: Type 2 diabetes with diabetic chronic kidney disease.")
    query = found["CKD stage"]
    assert "Stage 3a" in query.options  # type: ignore[attr-defined]
    assert query.options[-2:] == CLOSING_OPTIONS  # type: ignore[attr-defined]
    assert "chronic kidney disease" in query.text  # type: ignore[attr-defined]


def test_a_documented_stage_asks_nothing(coder: Coder) -> None:
    assert "CKD stage" not in queries(coder, "Assessment: Type 2 diabetes with CKD stage 3b.")


def test_heart_failure_without_type_or_acuity_is_queried(coder: Coder) -> None:
    assert "heart failure type and acuity" in queries(coder, "Assessment: Congestive heart failure, stable.")


def test_pneumonia_without_organism_is_queried(coder: Coder) -> None:
    assert "pneumonia organism" in queries(coder, "Assessment: Community-acquired pneumonia.")


def test_a_fracture_without_its_side_is_queried(coder: Coder) -> None:
    found = queries(coder, "Assessment: Closed fracture of the distal radius.")
    assert any(about.startswith("fracture laterality") for about in found)


def test_sides_that_conflict_are_queried_as_a_conflict(coder: Coder) -> None:
    text = (
        "S: Right knee pain for 2 months.\nO: Left knee: effusion, crepitus. Right knee: normal.\n"
        "A: Primary osteoarthritis of the knee, unilateral."
    )
    assert any(about.startswith("conflicting laterality") for about in queries(coder, text))


def test_conflicting_statements_are_queried_openly(coder: Coder) -> None:
    found = queries(coder, "HPI: No hypertension.\nAssessment: Hypertension, stable.")
    assert any(about.startswith("conflicting documentation") for about in found)


def test_queries_do_not_lead(coder: Coder) -> None:
    # A compliant query never names the answer it wants nor mentions payment.
    texts = [
        query.text
        for query in coder.code(
            "Assessment: DM2 with CKD. Congestive heart failure. Pneumonia. Fracture of distal radius.", day=DAY
        ).queries
    ]
    assert texts
    for text in texts:
        assert "reimburse" not in text.lower()
        assert "payment" not in text.lower()
        assert "please document" not in text.lower()
