"""``POST /claims/scrub`` and ``GET /claims/{claim_id}/findings``."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from revcycle.api.app import create_app
from revcycle.config import Settings
from revcycle.refdata.reference import reference
from revcycle.services.claim_findings import ALL_EDITS
from revcycle.services.scrub import ScrubRun, records_from_json, report_json, scrub_records
from revcycle.services.scrub_inputs import read_claims_file
from tests.edits.cases import document_of
from tests.shared_files import shared_file

AS_OF = "2026-08-01"
FHIR = Path(__file__).parent.parent / "fixtures" / "fhir"


@pytest.fixture
def client(database_url: str, reference_store_path: Path) -> Iterator[TestClient]:
    """A client whose reference store holds ICD-10-CM, HCPCS and the fee schedule of 2026."""
    settings = Settings(database_url=database_url, refdata_path=reference_store_path)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def wrong_total() -> dict[str, Any]:
    """A claim whose total charge is not the sum of its line (read as submitted, reported by INT04)."""
    return document_of({"claim": {"total_charge": "150.00"}})


def codes(answer: dict[str, Any]) -> list[str]:
    return [finding["code"] for finding in answer["findings"]]


def test_scrub_answers_the_findings_and_the_summary(client: TestClient) -> None:
    response = client.post("/claims/scrub", json=wrong_total(), params={"as_of": AS_OF})
    assert response.status_code == 200
    answer = response.json()
    total = next(finding for finding in answer["findings"] if finding["code"] == "INT04")
    assert total == {
        "claim": "PCN-1",
        "line": None,
        "code": "INT04",
        "name": "total-charge-mismatch",
        "category": "claim_integrity",
        "severity": "error",
        "message": total["message"],
        "source": total["source"],
        "fix": "set the total charge to 125.00",
        "field": "total_charge",
    }
    assert "150.00" in total["message"]
    summary = answer["summary"]
    assert (summary["claims"], summary["clean_claims"], summary["clean_claim_rate"]) == (1, 0, "0.0")
    assert summary["errors"] == 1
    assert summary["warnings"] == len(answer["findings"]) - 1


def test_scrub_answers_what_the_scrub_service_reports(client: TestClient, reference_store_path: Path) -> None:
    document = wrong_total()
    clean = copy.deepcopy(document_of({})["claims"][0])
    clean["lines"][0]["service_date"] = "2026-07-16"  # another visit, not a duplicate of the first claim
    document["claims"].append({**clean, "id": "CLM-2", "patient_control_number": "PCN-2"})
    answer = client.post("/claims/scrub", json=document, params={"as_of": AS_OF}).json()
    run = ScrubRun(reference(reference_store_path), ALL_EDITS, date.fromisoformat(AS_OF))
    assert answer == report_json(scrub_records([records_from_json(document, "request body")], run))
    assert answer["summary"]["clean_claim_rate"] == "50.0"


def test_select_and_exclude_choose_the_edits(client: TestClient) -> None:
    only = client.post("/claims/scrub", json=wrong_total(), params={"as_of": AS_OF, "select": ["INT04"]}).json()
    assert codes(only) == ["INT04"]
    by_category = client.post(
        "/claims/scrub", json=wrong_total(), params={"as_of": AS_OF, "select": ["claim_integrity", "mue"]}
    ).json()
    assert "INT04" in codes(by_category)
    assert {finding["category"] for finding in by_category["findings"]} <= {"claim_integrity", "mue"}
    without = client.post(
        "/claims/scrub", json=wrong_total(), params={"as_of": AS_OF, "exclude": ["total-charge-mismatch"]}
    ).json()
    assert "INT04" not in codes(without)
    category = client.post(
        "/claims/scrub", json=wrong_total(), params={"as_of": AS_OF, "exclude": ["claim_integrity", "DUP02"]}
    ).json()
    assert not {"INT00", "INT04"} & set(codes(category))
    assert category["summary"]["clean_claims"] == 1


def test_a_clean_claim_scrubs_clean(client: TestClient) -> None:
    answer = client.post("/claims/scrub", json=document_of({}), params={"as_of": AS_OF}).json()
    assert answer["summary"]["clean_claim_rate"] == "100.0"
    assert all(finding["severity"] == "warning" for finding in answer["findings"])


def test_a_value_that_makes_no_record_is_422_naming_it(client: TestClient) -> None:
    document = document_of({"claim": {"lines": [{"service_date": "2026-13-01"}]}})
    response = client.post("/claims/scrub", json=document)
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["body", "claims", 0, "lines", 0, "service_date"]
    assert problem["type"] == "invalid_record"


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"invoices": []}, ["body", "invoices"]),
        ({"claims": {}}, ["body", "claims"]),
    ],
)
def test_a_document_that_is_not_a_claims_document_is_422(client: TestClient, body: object, loc: list[Any]) -> None:
    response = client.post("/claims/scrub", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_a_fhir_bundle_is_scrubbed_as_the_cli_reads_it(client: TestClient, reference_store_path: Path) -> None:
    data = (FHIR / "professional-bundle.json").read_bytes()
    response = client.post(
        "/claims/scrub", content=data, headers={"content-type": "application/json"}, params={"as_of": AS_OF}
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["summary"]["claims"] == 2
    run = ScrubRun(reference(reference_store_path), ALL_EDITS, date.fromisoformat(AS_OF))
    assert answer == report_json(scrub_records([read_claims_file(FHIR / "professional-bundle.json")], run))


def test_a_fhir_value_that_makes_no_record_is_422_with_its_fhir_path(client: TestClient) -> None:
    response = client.post("/claims/scrub", content=(FHIR / "bad-item.json").read_bytes())
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"][:3] == ["body", "Claim", "item"]
    assert "CPT or HCPCS" in problem["msg"]


def test_an_837_is_scrubbed_as_the_cli_reads_it(client: TestClient, reference_store_path: Path) -> None:
    path = shared_file("x12/837P/linuxforhealth/837_005010X222A2__demo.autoaccident.837")
    response = client.post(
        "/claims/scrub",
        content=path.read_bytes(),
        headers={"content-type": "application/edi-x12"},
        params={"as_of": AS_OF},
    )
    assert response.status_code == 200
    run = ScrubRun(reference(reference_store_path), ALL_EDITS, date.fromisoformat(AS_OF))
    assert response.json() == report_json(scrub_records([read_claims_file(path)], run))


def test_a_body_that_is_not_json_is_422(client: TestClient) -> None:
    response = client.post("/claims/scrub", content=b'{"claims": [', headers={"content-type": "application/json"})
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"][0] == "body"
    assert "line 1, column 13" in " ".join(str(part) for part in problem["loc"])


def test_a_body_that_is_neither_json_nor_x12_is_422(client: TestClient) -> None:
    response = client.post("/claims/scrub", content=b"hello", headers={"content-type": "text/plain"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_bad_query_parameters_are_422(client: TestClient) -> None:
    response = client.post("/claims/scrub", json=document_of({}), params={"as_of": "yesterday"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "as_of"]


def test_a_saved_claim_shows_the_findings_it_was_saved_with(client: TestClient) -> None:
    document = document_of({})
    assert client.post("/datasets", json=document).status_code == 201
    first = client.get("/claims/CLM-1/findings")
    assert first.status_code == 200
    assert (first.json()["claim_id"], first.json()["claim"], first.json()["clean"]) == ("CLM-1", "PCN-1", True)
    twin = {**copy.deepcopy(document["claims"][0]), "id": "CLM-2", "patient_control_number": "PCN-2"}
    assert client.post("/claims", json=twin).status_code == 201
    second = client.get("/claims/CLM-2/findings").json()
    assert second["clean"] is False
    duplicate = next(finding for finding in second["findings"] if finding["code"] == "DUP02")
    assert "PCN-1" in duplicate["message"]


def test_the_findings_of_an_unknown_claim_are_404(client: TestClient) -> None:
    response = client.get("/claims/CLM-NOPE/findings")
    assert response.status_code == 404
    assert "CLM-NOPE" in response.json()["detail"]


def test_the_routes_are_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    scrub = paths["/claims/scrub"]["post"]
    assert {parameter["name"] for parameter in scrub["parameters"]} == {"as_of", "select", "exclude"}
    assert "get" in paths["/claims/{claim_id}/findings"]
