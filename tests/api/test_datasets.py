from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import demo_document


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {name: count for name, count in counts.items() if count}


def assert_nothing_stored(client: TestClient) -> None:
    assert set(client.get("/summary").json()["counts"].values()) == {0}


def test_import_is_idempotent(client: TestClient) -> None:
    document = demo_document()
    sizes = {name: len(records) for name, records in document.items()}
    first = client.post("/datasets", json=document)
    assert first.status_code == 201
    assert nonzero(first.json()["added"]) == sizes
    assert nonzero(first.json()["unchanged"]) == {}
    second = client.post("/datasets", json=document)
    assert second.status_code == 200
    assert nonzero(second.json()["added"]) == {}
    assert nonzero(second.json()["unchanged"]) == sizes
    claims = client.get("/claims").json()["items"]
    assert [claim["id"] for claim in claims] == ["CLM-1", "CLM-2", "CLM-3", "CLM-4", "CLM-5"]
    assert client.get("/claims/CLM-1").json()["total_charge"] == "217.00"


@pytest.mark.parametrize(
    ("change", "location", "reason"),
    [
        # Refused while reading the body, before anything is stored.
        (lambda d: d["claims"][2].update(total_charge="999.00"), ["claims", 2, "total_charge"], "sum of the line"),
        (lambda d: d["claims"][2]["lines"][0].update(charge=90.5), ["claims", 2, "lines", 0, "charge"], "float"),
        # Refused while storing, after the patients, providers, ... before it were written in the same transaction.
        (lambda d: d["claims"][2].update(patient_id="PAT-NOPE"), ["claims", 2, "patient_id"], "PAT-NOPE"),
    ],
)
def test_one_bad_record_stores_nothing(
    client: TestClient, change: Callable[[dict[str, Any]], None], location: list[str | int], reason: str
) -> None:
    document = demo_document()
    change(document)
    response = client.post("/datasets", json=document)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", *location]
    assert problem["type"] == "invalid_record"
    assert reason in problem["msg"]
    assert_nothing_stored(client)


def test_conflict_with_stored_record_stores_nothing(client: TestClient) -> None:
    client.post("/datasets", json={"patients": demo_document()["patients"][:1]})
    document = demo_document()
    document["patients"][0]["birth_date"] = "1960-01-01"
    response = client.post("/datasets", json=document)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "patients", 0]
    assert "already exists with different content" in problem["msg"]
    assert client.get("/summary").json()["counts"]["patients"] == 1


@pytest.mark.parametrize(
    ("document", "location", "reason"),
    [
        ({"claimz": []}, ["body", "claimz"], "is not a kind of record"),
        ({"claims": {}}, ["body", "claims"], "must be a list"),
        ({"claims": [[]]}, ["body", "claims", 0], "expected an object"),
    ],
)
def test_malformed_datasets(client: TestClient, document: object, location: list[str | int], reason: str) -> None:
    response = client.post("/datasets", json=document)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == location
    assert reason in problem["msg"]


def test_a_dataset_is_an_object(client: TestClient) -> None:
    response = client.post("/datasets", json=[])
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_empty_dataset_changes_nothing(client: TestClient) -> None:
    response = client.post("/datasets", json={})
    assert response.status_code == 200
    assert response.json() == {"added": {}, "unchanged": {}}
