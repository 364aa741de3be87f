"""The encounter date, age and sex a note states."""

from __future__ import annotations

from datetime import date

import pytest

from revcycle.coding.note_date import patient_age, patient_sex, stated_date

DAY = date(2026, 3, 12)


@pytest.mark.parametrize(
    "text",
    [
        "DOS: 03/12/2026",
        "Date of service: March 12, 2026",
        "Visit date 2026-03-12",
        "Date: 3/12/26",
        "Encounter date: 12 March 2026",
        "Date of visit: 03-12-2026",
        "Patient: J Doe  DOB: 01/02/1960  DOS: 03/12/2026",
        "DOB: 01/02/1960\nDate: 3/12/26\nS: cough",
        "Date: 01/05/2026\nDate of service: Mar. 12, 2026",
        "03/12/2026\nS: cough since 02/01/2026",
    ],
)
def test_the_stated_encounter_date(text: str) -> None:
    assert stated_date(text) == DAY


@pytest.mark.parametrize(
    "text",
    [
        "DOB: 01/02/1960",
        "Date of birth: January 2, 1960. Seen for cough.",
        "Date of injury: 03/12/2026",
        "She was last seen on 3/3/2025 for cough.",
        "Date: 13/45/2026",
        "No date here.",
    ],
)
def test_no_encounter_date(text: str) -> None:
    assert stated_date(text) is None


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("58 y/o F with cough", 58),
        ("A 58-year-old woman", 58),
        ("45 yo M", 45),
        ("a 7-year-old boy", 7),
        ("age 67, retired", 67),
        ("6 month old infant", 0),
        ("a 16-month-old with otitis", 1),
        ("A 2-week-old", 0),
        ("Symptoms began 10 years ago.", None),
    ],
)
def test_patient_age(text: str, age: int | None) -> None:
    assert patient_age(text) == age


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("58 y/o F with cough", "F"),
        ("45 yo M", "M"),
        ("45yoF", "F"),
        ("Sex: M. She reports", "M"),
        ("A 30-year-old female", "F"),
        ("A pleasant woman", "F"),
        ("a 7-year-old boy", "M"),
        ("Mrs. Jones returns", "F"),
        ("Mr. Smith returns", "M"),
        ("Patient says he has cough. His wife agrees.", "M"),
        ("MS: normal strength. Did not miss a dose.", None),
    ],
)
def test_patient_sex(text: str, sex: str | None) -> None:
    assert patient_sex(text) == sex
