from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.helpers import demo_document, total


def test_empty_database(client: TestClient) -> None:
    body = client.get("/summary").json()
    assert set(body["counts"].values()) == {0}
    assert (body["total_charge"], body["total_paid"], body["total_payment"]) == ("0.00", "0.00", "0.00")


def test_counts_and_totals_after_import(client: TestClient) -> None:
    document = demo_document()
    assert client.post("/datasets", json=document).status_code == 201
    response = client.get("/summary")
    assert response.status_code == 200
    body = response.json()
    organizations = [provider for provider in document["providers"] if provider["kind"] == "2"]
    expected_counts = {name: len(document.get(name, [])) for name in body["counts"] if name != "practices"}
    assert body["counts"] == {"practices": len(organizations), **expected_counts}
    remittances = document["remittances"]
    assert body["total_charge"] == total([claim["total_charge"] for claim in document["claims"]])
    assert body["total_paid"] == total([claim["paid"] for era in remittances for claim in era["claims"]])
    assert body["total_payment"] == total([era["payment_amount"] for era in remittances])
