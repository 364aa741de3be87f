from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from revcycle.services.records import RECORD_KINDS
from tests.api.helpers import demo_document, prerequisites_of_claims

LEDGER_ENTRY = {
    "id": "LE-1",
    "posted_on": "2026-09-08",
    "description": "Charge for claim CLM-1",
    "postings": [
        {"account": "Assets:Receivable:Insurance:PAYER-MCR", "amount": "217.00"},
        {"account": "Income:Charges", "amount": "-217.00"},
    ],
    "claim_id": "CLM-1",
    "patient_id": "PAT-1001",
}


def test_every_kind_through_its_own_routes(client: TestClient) -> None:
    document = {**demo_document(), "ledger_entries": [LEDGER_ENTRY]}
    assert list(document) == list(RECORD_KINDS)
    for kind, records in document.items():
        for record in records:
            response = client.post(f"/{kind}", json=record)
            assert response.status_code == 201, response.text
            assert response.json()["added"] is True
            stored = response.json()["record"]
            assert stored["id"] == record["id"]
            assert client.get(f"/{kind}/{record['id']}").json() == stored
        listed = client.get(f"/{kind}").json()["items"]
        assert sorted(item["id"] for item in listed) == sorted(record["id"] for record in records)
    counts = client.get("/summary").json()["counts"]
    assert all(counts[kind] == len(records) for kind, records in document.items())


def test_add_is_idempotent_and_money_is_a_decimal_string(client: TestClient) -> None:
    client.post("/datasets", json=prerequisites_of_claims())
    claim = demo_document()["claims"][0]
    first = client.post("/claims", json=claim)
    assert first.status_code == 201
    assert first.json()["added"] is True
    assert first.json()["record"]["total_charge"] == "217.00"
    assert first.json()["record"]["lines"][0]["charge"] == "185.00"
    again = client.post("/claims", json=claim)
    assert again.status_code == 200
    assert again.json() == {"record": first.json()["record"], "added": False}
    assert client.get("/claims").json()["items"] == [first.json()["record"]]
    assert client.get("/claims/CLM-1").json() == first.json()["record"]


def test_whole_number_money_is_accepted(client: TestClient) -> None:
    client.post("/datasets", json=prerequisites_of_claims())
    claim = demo_document()["claims"][0]
    claim["lines"][0]["charge"] = 185
    response = client.post("/claims", json=claim)
    assert response.status_code == 201
    assert response.json()["record"]["lines"][0]["charge"] == "185.00"


@pytest.mark.parametrize(
    ("kind", "change", "location", "reason"),
    [
        ("providers", lambda r: r.update(npi="1234567890"), ["npi"], "check digit"),
        ("claims", lambda r: r["lines"][0].update(charge=150.5), ["lines", 0, "charge"], "float"),
        ("claims", lambda r: r.update(place_of_service="37"), ["place_of_service"], "place-of-service"),
        ("claims", lambda r: r.update(total_charge="999.00"), ["total_charge"], "sum of the line"),
    ],
)
def test_records_breaking_domain_rules_are_refused_and_not_stored(
    client: TestClient, kind: str, change: Callable[[dict[str, Any]], None], location: list[str | int], reason: str
) -> None:
    if kind == "claims":
        assert client.post("/datasets", json=prerequisites_of_claims()).status_code == 201
    record = demo_document()[kind][0]
    change(record)
    response = client.post(f"/{kind}", json=record)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", *location]
    assert problem["type"] == "invalid_record"
    assert reason in problem["msg"]
    assert client.get(f"/{kind}/{record['id']}").status_code == 404
    assert client.get(f"/{kind}").json() == {"items": []}


def test_missing_reference_is_named(client: TestClient) -> None:
    response = client.post("/claims", json=demo_document()["claims"][0])
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "patient_id"]
    assert "PAT-1001" in problem["msg"]


def test_unknown_field_is_named(client: TestClient) -> None:
    patient = demo_document()["patients"][0]
    patient["name"]["nickname"] = "Harry"
    response = client.post("/patients", json=patient)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name", "nickname"]


def test_different_record_under_existing_id_is_a_conflict(client: TestClient) -> None:
    patient = demo_document()["patients"][0]
    assert client.post("/patients", json=patient).status_code == 201
    patient["birth_date"] = "1960-01-01"
    response = client.post("/patients", json=patient)
    assert response.status_code == 409
    assert "already exists with different content" in response.json()["detail"]
    assert client.get(f"/patients/{patient['id']}").json()["birth_date"] == "1952-03-14"


def test_unknown_id_and_unknown_kind(client: TestClient) -> None:
    missing = client.get("/claims/CLM-404")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Claim 'CLM-404' not found"}
    for response in (client.get("/invoices"), client.get("/invoices/INV-1"), client.post("/invoices", json={})):
        assert response.status_code == 404
        assert "'invoices' is not a kind of record" in response.json()["detail"]


def test_pages(client: TestClient) -> None:
    client.post("/datasets", json=demo_document())
    page = client.get("/claims", params={"offset": 1, "limit": 2}).json()["items"]
    assert [claim["id"] for claim in page] == ["CLM-2", "CLM-3"]
    assert client.get("/claims", params={"offset": 10}).json() == {"items": []}
    for params in ({"limit": 0}, {"limit": 1001}, {"offset": -1}):
        assert client.get("/claims", params=params).status_code == 422
