"""The coder as a whole: modes, dates, hints, an organisation's synonyms, bad input."""

from __future__ import annotations

from datetime import date

import pytest

from revcycle.coding.coder import Coder
from revcycle.coding.fhir import FhirHint
from revcycle.errors import RevcycleError
from revcycle.refdata.store import ReferenceStore

NOTE = """Date of service: 06/02/2026
58 y/o F, established.
HPI: Denies chest pain. Mother has breast cancer.
Assessment:
1. Essential hypertension, stable.
2. Possible pneumonia.
"""


def test_billing_mode_reports_what_the_guidelines_allow(coder: Coder) -> None:
    result = coder.code(NOTE)
    assert result.encounter_date == date(2026, 6, 2)
    assert [item.code for item in result.diagnoses] == ["I10", "Z80.3"]
    excluded = {item.code: item.reason for item in result.excluded}
    assert excluded["R07.9"] == "negated"
    assert excluded["J18.9"].startswith("uncertain")


def test_mentions_mode_lists_every_condition_with_its_assertion(coder: Coder) -> None:
    result = coder.code(NOTE, mode="mentions")
    statuses = {item.code: item.assertion for item in result.diagnoses}
    assert statuses["I10"] == "present"
    assert statuses["R07.9"] == "negated"
    assert statuses["J18.9"] == "uncertain"
    assert statuses["C50.919"] == "family"


def test_a_date_before_the_first_release_is_coded_with_it_and_says_so(coder: Coder) -> None:
    result = coder.code("Assessment: Essential hypertension.", day=date(2026, 1, 15))
    assert [item.code for item in result.diagnoses] == ["I10"]
    assert result.encounter_date == date(2026, 1, 15)
    assert "no ICD-10-CM release loaded governs" in result.warnings[0]


def test_an_unknown_mode_is_a_user_error(coder: Coder) -> None:
    with pytest.raises(RevcycleError, match="unknown coding mode"):
        coder.code("Assessment: Essential hypertension.", mode="guess")


def test_a_fhir_hint_the_note_supports_gains_confidence(coder: Coder) -> None:
    hint = FhirHint("I10", "icd10cm", None, "confirmed", "entry[1].resource.code.coding[0]")
    plain = coder.code("Assessment: Essential hypertension.", day=date(2026, 6, 1))
    hinted = coder.code("Assessment: Essential hypertension.", day=date(2026, 6, 1), hints=[hint])
    assert hinted.diagnoses[0].confidence > plain.diagnoses[0].confidence
    assert any(step.startswith("hint: FHIR Condition") for step in hinted.diagnoses[0].path)


def test_a_fhir_hint_without_evidence_is_set_aside_never_suggested(coder: Coder) -> None:
    hint = FhirHint("E11.9", "icd10cm", None, "confirmed", "entry[2].resource.code.coding[0]")
    result = coder.code("Assessment: Essential hypertension.", day=date(2026, 6, 1), hints=[hint])
    assert "E11.9" not in [item.code for item in result.diagnoses]
    assert any(item.code == "E11.9" and "no evidence" in item.reason for item in result.excluded)


def test_an_organisations_synonyms_are_read(icd_store: ReferenceStore) -> None:
    coder = Coder.load(icd_store, embeddings=False, synonyms=[("sugar problem", "E11.9")])
    result = coder.code("Assessment: sugar problem, stable.", day=date(2026, 6, 1))
    assert [item.code for item in result.diagnoses] == ["E11.9"]
    assert result.diagnoses[0].path[0].startswith("organisation:")


def test_a_note_with_nothing_to_code_codes_nothing(coder: Coder) -> None:
    for text in ("", "   \n", "Patient seen.", "\x00\x01 <script>alert(1)</script> ' OR 1=1 --"):
        result = coder.code(text, day=date(2026, 6, 1))
        assert result.diagnoses == ()


def test_the_json_contract(coder: Coder) -> None:
    data = coder.code(NOTE).to_json()
    assert {"diagnoses", "excluded", "procedures", "queries"} <= set(data)
    first = data["diagnoses"][0]
    assert {"code", "description", "evidence", "confidence", "rationale"} <= set(first)
    assert {"start", "end", "text"} == set(first["evidence"][0])
