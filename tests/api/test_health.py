from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from revcycle import __version__
from revcycle.api.app import create_app
from revcycle.config import Settings


def test_health_reports_version_and_current_schema(client: TestClient, database_url: str) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == __version__
    database = body["database"]
    assert database["up_to_date"] is True
    assert database["current"] == database["head"]
    assert make_url(database["url"]).database == make_url(database_url).database
    password = make_url(database_url).password
    if password:
        assert str(password) not in response.text


def test_unmigrated_database_is_healthy_but_refuses_work(empty_database_url: str) -> None:
    client = TestClient(create_app(Settings(database_url=empty_database_url)))
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json()["database"]["up_to_date"] is False
    assert health.json()["database"]["current"] is None
    for response in (client.get("/claims"), client.get("/summary"), client.post("/datasets", json={})):
        assert response.status_code == 503
        assert "revcycle db upgrade" in response.json()["detail"]


def test_unreachable_database_is_503_without_leaking_the_password() -> None:
    client = TestClient(create_app(Settings(database_url="postgresql://revcycle:s3cret@127.0.0.1:1/nowhere")))
    for response in (client.get("/health"), client.get("/claims/CLM-1")):
        assert response.status_code == 503
        assert "cannot" in response.json()["detail"]
        assert "s3cret" not in response.text
