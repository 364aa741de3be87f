"""An API client on each database backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from revcycle.api.app import create_app
from revcycle.config import Settings


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """A client of the API over a migrated, empty database, on SQLite and on PostgreSQL."""
    with TestClient(create_app(Settings(database_url=database_url))) as test_client:
        yield test_client
