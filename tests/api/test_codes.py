"""`/codes` and `/price` over a reference store built from the official files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from revcycle.api.app import create_app
from revcycle.config import Settings


@pytest.fixture(scope="module")
def codes_client(reference_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    database = f"sqlite:///{tmp_path_factory.mktemp('api') / 'unused.db'}"
    settings = Settings(database_url=database, refdata_path=reference_store_path)
    with TestClient(create_app(settings)) as client:
        yield client


def test_lookup(codes_client: TestClient) -> None:
    response = codes_client.get("/codes/E11.22", params={"date": "2026-05-01"})
    assert response.status_code == 200
    assert response.json()["billable"] is True
    assert codes_client.get("/codes/E11.2", params={"date": "2026-05-01"}).json()["billable"] is False
    assert codes_client.get("/codes/J1885", params={"date": "2026-02-01"}).json()["system"] == "HCPCS"


def test_unknown_code_is_404(codes_client: TestClient) -> None:
    response = codes_client.get("/codes/E99.99", params={"date": "2026-05-01"})
    assert response.status_code == 404
    assert "E99.99" in response.json()["detail"]


def test_code_set_not_loaded_is_503(codes_client: TestClient) -> None:
    response = codes_client.get("/codes/99213", params={"date": "2026-05-01", "system": "cpt"})
    assert response.status_code == 503
    assert "revcycle refdata import" in response.json()["detail"]


def test_search(codes_client: TestClient) -> None:
    response = codes_client.get("/codes/search", params={"q": "HTN", "date": "2026-05-01", "limit": 5})
    assert response.status_code == 200
    assert "I10" in [hit["code"] for hit in response.json()["results"]]


def test_price(codes_client: TestClient) -> None:
    response = codes_client.get("/price/99213", params={"locality": "06102-99", "date": "2026-09-08"})
    assert response.status_code == 200
    assert response.json()["amount"] == "92.64"
    unknown = codes_client.get("/price/99213", params={"locality": "00000-00", "date": "2026-09-08"})
    assert unknown.status_code == 404
    not_payable = codes_client.get("/price/83036", params={"locality": "06102-99", "date": "2026-09-08"})
    assert not_payable.status_code == 422
