"""The FastAPI application: `create_app` builds it from validated settings."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from revcycle import __version__
from revcycle.api.errors import register_error_handlers
from revcycle.api.record_schemas import record_components
from revcycle.api.routes import api_router, coding
from revcycle.config import Settings
from revcycle.services.database import engine_for

DESCRIPTION = """\
The revenue cycle over HTTP: add, list and show patients, providers, payers, coverages, encounters, claims,
remittances and ledger entries; import datasets; summarise.

Records are exchanged in revcycle's JSON interchange format: money as decimal strings (`"125.00"`), dates as
`YYYY-MM-DD`, codes as strings. A record that breaks a rule of the domain is refused with 422, naming the field.
"""


class RevcycleAPI(FastAPI):
    """FastAPI whose OpenAPI document also holds the schemas of the records, under ``#/components/schemas``."""

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI document, built once."""
        if self.openapi_schema is None:
            document = super().openapi()
            schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in record_components().items():
                if schemas.setdefault(name, schema) != schema:
                    raise RuntimeError(f"two different schemas are called {name!r} in the OpenAPI document")
        return super().openapi()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The REST API over the database of ``settings`` (by default read from ``REVCYCLE_*``).

    The settings are validated here, at start-up: an unsupported database URL fails now, not on the first request.
    The database itself is only reached by requests, so a server can start before its database and report it.

    Raises:
        DatabaseError: the database URL is not one revcycle supports.
    """
    settings = settings if settings is not None else Settings()
    engine_for(settings.database_url)  # parses the URL; connects only when a request needs it
    app = RevcycleAPI(
        title="revcycle",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    register_error_handlers(app)
    app.include_router(api_router)
    app.include_router(coding.router)
    return app
