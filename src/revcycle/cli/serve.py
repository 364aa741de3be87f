"""``revcycle serve``: run the REST API with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from revcycle.cli.output import JsonOption, console, emit_json
from revcycle.cli.state import DbOption, database_url
from revcycle.config import Settings


def serve_command(
    context: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to listen on (REVCYCLE_API_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (REVCYCLE_API_PORT).")] = None,
    access_log: Annotated[
        bool, typer.Option(help="Log every request line; off by default, since paths carry record ids.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Serve the REST API (OpenAPI docs at /docs) on the chosen database."""
    from revcycle.api.app import create_app

    settings = Settings(database_url=database_url(context, db))
    host = host or settings.api_host
    port = port or settings.api_port
    address = f"http://{host}:{port}"
    if as_json:
        emit_json({"listening": address, "docs": f"{address}/docs"})
    else:
        console.print(f"revcycle API on {address} (docs at {address}/docs)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=access_log)
