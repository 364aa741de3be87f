"""Database fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``REVCYCLE_TEST_POSTGRES_URL`` (default: the local server as ``postgres``). Each test session
creates its own databases there and drops them at the end. Where no server answers, the PostgreSQL half of each
test is skipped with a visible warning, unless ``REVCYCLE_REQUIRE_POSTGRES=1`` (as in CI) turns that into a failure.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from revcycle.services.database import engine_for
from revcycle.store import make_engine, migrate, tables

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BACKENDS = ["sqlite", "postgresql"]


class PostgresServer:
    """A PostgreSQL server on which tests create and drop their own databases."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url).set(drivername="postgresql+psycopg")
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create_database(self) -> str:
        name = f"revcycle_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    url = os.environ.get("REVCYCLE_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    server = PostgresServer(url)
    try:
        with server.admin.connect():
            pass
    except OperationalError as error:
        if os.environ.get("REVCYCLE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but unreachable at {server.url!r}: {error.orig}")
        warnings.warn(f"PostgreSQL unreachable, its tests are skipped: {error.orig}", stacklevel=1)
        yield None
        return
    yield server
    server.drop_all()


def fresh_database_url(backend: str, server: PostgresServer | None, folder: Path) -> str:
    """The URL of a new, empty database of ``backend``."""
    if backend == "sqlite":
        return f"sqlite:///{folder / f'{uuid.uuid4().hex[:12]}.db'}"
    if server is None:
        pytest.skip("PostgreSQL unreachable (see the warning)")
    return server.create_database()


@pytest.fixture(scope="session")
def migrated_urls(postgres_server: PostgresServer | None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One migrated database per backend for the whole session (tests empty it after use)."""
    folder = tmp_path_factory.mktemp("databases")
    urls = {"sqlite": fresh_database_url("sqlite", None, folder)}
    if postgres_server is not None:
        urls["postgresql"] = postgres_server.create_database()
    for url in urls.values():
        migrate.upgrade(engine_for(url))
    return urls


def empty_tables(engine: Engine) -> None:
    """Delete every row, children first, so the next test starts from an empty migrated database."""
    with engine.begin() as connection:
        for table in reversed(tables.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, migrated_urls: dict[str, str]) -> Iterator[str]:
    """The URL of a migrated, empty database, on each backend in turn."""
    backend = request.param
    if backend not in migrated_urls:
        pytest.skip("PostgreSQL unreachable (see the warning)")
    url = migrated_urls[backend]
    yield url
    empty_tables(engine_for(url))


@pytest.fixture
def engine(database_url: str) -> Engine:
    """The engine of a migrated, empty database, on each backend in turn."""
    return engine_for(database_url)


@pytest.fixture(params=BACKENDS)
def empty_database_url(
    request: pytest.FixtureRequest, postgres_server: PostgresServer | None, tmp_path: Path
) -> Iterator[str]:
    """The URL of a brand-new database with no schema, on each backend in turn."""
    url = fresh_database_url(request.param, postgres_server, tmp_path)
    yield url
    engine_for(url).dispose()
    make_engine(url).dispose()


REFERENCE_FILES = (
    "refdata/icd10cm-2026-april/icd10c-tabular-April-1-2026.xml",
    "refdata/hcpcs-2026-jan/january-2026-alpha-numeric-hcpcs-file.zip",
    "refdata/pfs-2026/PPRRVU2026_Jul_nonQPP.csv",
    "refdata/pfs-2026/GPCI2026.csv",
)


@pytest.fixture(scope="session")
def reference_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A reference store with ICD-10-CM April 2026, HCPCS January 2026 and the CY2026 fee schedule, built once."""
    from revcycle.refdata.store import ReferenceStore
    from revcycle.services.refdata import import_reference_file
    from tests.shared_files import shared_file

    path = tmp_path_factory.mktemp("refdata") / "refdata.sqlite"
    store = ReferenceStore(path)
    for name in REFERENCE_FILES:
        import_reference_file(store, shared_file(name))
    store.close()
    return path
