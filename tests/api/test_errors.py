from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from revcycle.api.app import create_app
from revcycle.api.errors import body_location, status_for
from revcycle.config import Settings
from revcycle.errors import Conflict, DatabaseError, InputFileError, InvalidRecord, NotFound, RevcycleError
from revcycle.services.records import UnknownKind
from tests.api.helpers import demo_document


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("", ["body"]),
        ("npi", ["body", "npi"]),
        ("lines[0].charge", ["body", "lines", 0, "charge"]),
        ("claims[2].total_charge", ["body", "claims", 2, "total_charge"]),
        ("remittances[0].claims[1].service_payments[12].adjustments[3].amount",
         ["body", "remittances", 0, "claims", 1, "service_payments", 12, "adjustments", 3, "amount"]),
        ("[1].id", ["body", 1, "id"]),
    ],
)  # fmt: skip
def test_body_location(path: str, location: list[str | int]) -> None:
    assert body_location(path) == location


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidRecord("Claim", "total_charge", "is wrong"), 422),
        (InputFileError("request body", "claims[0]", "is wrong"), 422),
        (NotFound("Claim", "CLM-1"), 404),
        (UnknownKind("invoices"), 404),
        (Conflict("Claim", "CLM-1"), 409),
        (DatabaseError("down"), 503),
        (RevcycleError("anything else"), 400),
    ],
)
def test_status_for(error: RevcycleError, status: int) -> None:
    assert status_for(error) == status


def test_other_revcycle_errors_are_400_with_their_message(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url))

    @app.get("/refuse")
    def refuse() -> None:
        raise RevcycleError("cannot do that")

    response = TestClient(app).get("/refuse")
    assert response.status_code == 400
    assert response.json() == {"detail": "cannot do that"}


def test_invalid_record_body_has_fastapi_shape(client: TestClient) -> None:
    provider = demo_document()["providers"][0]
    provider["npi"] = "1234567890"
    response = client.post("/providers", json=provider)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert set(problem) == {"loc", "msg", "type"}
    assert problem["loc"] == ["body", "npi"]
    assert problem["type"] == "invalid_record"


@pytest.mark.parametrize("path", ["/claims", "/datasets"])
def test_body_that_is_not_json_is_fastapis_own_422(client: TestClient, path: str) -> None:
    response = client.post(path, content=b'{"id": "CLM-1",', headers={"content-type": "application/json"})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["type"] == "json_invalid"
    assert problem["loc"][0] == "body"


def test_body_that_is_not_an_object_is_fastapis_own_422(client: TestClient) -> None:
    response = client.post("/patients", json=["PAT-1"])
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "dict_type"
