from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from revcycle import __version__
from revcycle.api.app import create_app
from revcycle.config import Settings
from revcycle.errors import DatabaseError


def test_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("REVCYCLE_DATABASE_URL", database_url)
    app = create_app()
    assert app.state.settings.database_url == database_url
    assert TestClient(app).get("/health").json()["database"]["up_to_date"] is True


def test_unsupported_database_url_fails_at_start_up() -> None:
    with pytest.raises(DatabaseError, match="not supported"):
        create_app(Settings(database_url="mysql://localhost/revcycle"))


def test_docs_and_openapi(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["info"]["title"] == "revcycle"
    assert document["info"]["version"] == __version__
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/openapi.json" in docs.text
