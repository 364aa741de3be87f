"""``/coding``: suggest codes for a note, record decisions, and read the synonyms they teach."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from revcycle.api.app import create_app
from revcycle.config import Settings
from tests.api.helpers import prerequisites_of_claims

FHIR_BUNDLE = Path(__file__).parent.parent / "fixtures" / "coding" / "fhir" / "office-visit-bundle.json"
CONTRACT = {"encounter_date", "mode", "diagnoses", "excluded", "procedures", "queries", "em", "warnings"}
NOTE = (
    "Date of service: 09/08/2026\nChief complaint: follow-up of type 2 diabetes.\n"
    "Assessment: Type 2 diabetes mellitus with diabetic chronic kidney disease. Essential hypertension.\n"
    "Plan: continue metformin."
)
SHORTHAND = (
    "Date of service: 09/08/2026\nChief complaint: follow-up.\nAssessment: sugar kidneys, stable.\nPlan: continue."
)


@pytest.fixture
def client(database_url: str, reference_store_path: Path) -> Iterator[TestClient]:
    """A client whose reference store holds ICD-10-CM, HCPCS and the fee schedule of 2026."""
    settings = Settings(database_url=database_url, refdata_path=reference_store_path)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def stored(client: TestClient) -> TestClient:
    """The client, with the demo dataset's patients, providers and encounters stored."""
    assert client.post("/datasets", json=prerequisites_of_claims()).status_code in (200, 201)
    return client


def batch(*decisions: dict[str, Any], **change: Any) -> dict[str, Any]:
    document = {"organisation": "riverbend", "encounter_id": "ENC-1", "decided_by": "coder-1"}
    return document | {"decisions": list(decisions)} | change


def codes(answer: dict[str, Any]) -> list[str]:
    return [item["code"] for item in answer["diagnoses"]]


def test_suggest_codes_a_text_note(client: TestClient) -> None:
    response = client.post("/coding/suggest", json={"text": NOTE})
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == CONTRACT
    assert answer["mode"] == "billing"
    assert answer["encounter_date"] == "2026-09-08"
    assert codes(answer)[0] == "E11.22"
    evidence = answer["diagnoses"][0]["evidence"][0]
    assert NOTE[evidence["start"] : evidence["end"]] == evidence["text"]
    mentions = client.post("/coding/suggest", json={"text": NOTE, "mode": "mentions", "date": "2026-05-01"}).json()
    assert (mentions["mode"], mentions["encounter_date"]) == ("mentions", "2026-05-01")


def test_suggest_reads_a_fhir_document(client: TestClient) -> None:
    bundle = json.loads(FHIR_BUNDLE.read_text(encoding="utf-8"))
    response = client.post("/coding/suggest", json={"fhir": bundle})
    assert response.status_code == 200
    assert set(response.json()) == CONTRACT


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({}, ["body", "text"]),
        ({"text": NOTE, "fhir": {"resourceType": "Bundle"}}, ["body", "text"]),
        ({"text": "  \n"}, ["body", "text"]),
        ({"fhir": {"resourceType": "Patient"}}, ["body", "fhir"]),
        ({"text": NOTE, "mode": "research"}, ["body", "mode"]),
        ({"text": NOTE, "date": "yesterday"}, ["body", "date"]),
        ({"text": NOTE, "colour": "blue"}, ["body", "colour"]),
    ],
)
def test_bad_suggest_requests_are_422_naming_the_field(
    client: TestClient, body: dict[str, Any], location: list[str]
) -> None:
    response = client.post("/coding/suggest", json=body)
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"][: len(location)] == location
    assert problem["msg"]


def test_decisions_are_stored_once_and_read_back(stored: TestClient) -> None:
    decisions = batch(
        {"decision": "edit", "suggested_code": "N18.9", "final_code": "N18.31", "evidence_text": "CKD stage 3a"},
        {"decision": "add", "code_system": "cpt", "final_code": "99214", "evidence_text": "follow-up"},
    )
    first = stored.post("/coding/decisions", json=decisions)
    assert first.status_code == 200
    recorded = first.json()["recorded"]
    assert len(recorded) == 2
    again = stored.post("/coding/decisions", json=decisions).json()
    assert again == {"recorded": [], "unchanged": recorded, "synonyms": []}
    shown = stored.get("/coding/decisions", params={"encounter_id": "ENC-1"}).json()
    assert [item["final_code"] for item in shown] == ["N18.31", "99214"]
    table = stored.get("/coding/synonyms", params={"organisation": "riverbend"}).json()
    assert table["organisation"] == "riverbend"
    assert [(item["phrase"], item["code"], item["times_confirmed"]) for item in table["synonyms"]] == [
        ("ckd stage 3a", "N18.31", 1),
        ("follow-up", "99214", 1),
    ]


def test_bad_decisions_are_4xx(stored: TestClient) -> None:
    wrong = stored.post("/coding/decisions", json=batch({"decision": "accept", "evidence_text": "x"}))
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "decisions", 0, "suggested_code"]
    unknown = stored.post(
        "/coding/decisions",
        json=batch({"decision": "add", "final_code": "I10", "evidence_text": "HTN"}, encounter_id="X"),
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "encounter_id"]
    added = {"id": "ui-1", "decision": "add", "final_code": "I10", "evidence_text": "HTN"}
    assert stored.post("/coding/decisions", json=batch(added)).status_code == 200
    conflict = stored.post("/coding/decisions", json=batch({**added, "final_code": "I11.9"}))
    assert conflict.status_code == 409
    assert "ui-1" in conflict.json()["detail"]
    assert stored.post("/coding/decisions", json=[1, 2]).status_code == 422
    assert stored.get("/coding/synonyms").status_code == 422


def test_a_decision_changes_what_the_next_request_suggests(stored: TestClient) -> None:
    request = {"text": SHORTHAND, "organisation": "riverbend"}
    assert codes(stored.post("/coding/suggest", json=request).json()) == []
    taught = {"decision": "add", "final_code": "E11.22", "evidence_text": "sugar kidneys"}
    assert stored.post("/coding/decisions", json=batch(taught)).status_code == 200
    answer = stored.post("/coding/suggest", json=request).json()
    assert codes(answer) == ["E11.22"]
    assert answer["diagnoses"][0]["path"] == ["organisation: 'sugar kidneys' -> E11.22"]
    assert codes(stored.post("/coding/suggest", json={**request, "organisation": "lakeside"}).json()) == []
    assert codes(stored.post("/coding/suggest", json={"text": SHORTHAND}).json()) == []
    rejected = {"decision": "reject", "suggested_code": "E11.22", "evidence_text": "Sugar  kidneys"}
    assert stored.post("/coding/decisions", json=batch(rejected)).status_code == 200
    assert codes(stored.post("/coding/suggest", json=request).json()) == []


def test_no_icd10cm_loaded_is_503(database_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=database_url, refdata_path=tmp_path / "empty-refdata.sqlite")
    with TestClient(create_app(settings)) as empty:
        response = empty.post("/coding/suggest", json={"text": NOTE})
    assert response.status_code == 503
    assert "ICD-10-CM" in response.json()["detail"]
