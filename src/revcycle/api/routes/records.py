"""``/{kind}`` and ``/{kind}/{record_id}``: add, list and show the records of each kind of `RECORD_KINDS`.

Each kind gets its own routes, so the OpenAPI document shows the schema of its records. Bodies are read as plain
JSON and turned into records by `record_from_json`: the domain judges every field (a float for money, a bad NPI, a
claim total that is not the sum of its lines), never pydantic.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response, status

from revcycle.api.deps import EngineDep
from revcycle.api.record_schemas import json_content, record_ref, record_request_body
from revcycle.api.schemas import Message
from revcycle.domain.interchange import record_from_json, record_to_json
from revcycle.services.records import RECORD_KINDS, RecordKind, add_records, get_record, list_records

MAX_LIMIT = 1000

# Read as plain JSON: the record validates itself (the documented schema comes from `record_request_body`).
RecordBody = Annotated[dict[str, Any], Body()]
Offset = Annotated[int, Query(ge=0, description="Records to skip, in id order.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Records to return.")]

UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": Message, "description": "The database is unreachable or not migrated."}
}


def kind_router(kind: RecordKind) -> APIRouter:
    """The routes of one kind of record: ``POST /{kind}``, ``GET /{kind}``, ``GET /{kind}/{record_id}``."""
    record = kind.record.__name__
    router = APIRouter(prefix=f"/{kind.name}", tags=[kind.name], responses=UNAVAILABLE)
    added = {
        "type": "object",
        "properties": {"record": record_ref(kind), "added": {"type": "boolean"}},
        "required": ["record", "added"],
    }
    page = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": record_ref(kind)}},
        "required": ["items"],
    }

    @router.post(
        "",
        name=f"add_{kind.name}",
        summary=f"Add a {record}",
        description=(
            f"Store one {record}. 201 when it is new, 200 when the same record is already stored (adding is "
            "idempotent), 409 when a different record has its id, 422 naming the field at fault."
        ),
        status_code=status.HTTP_201_CREATED,
        response_model=None,
        openapi_extra=record_request_body(kind),
        responses={
            201: {"description": "Stored.", "content": json_content(added)},
            200: {"description": "Already stored exactly so: nothing changed.", "content": json_content(added)},
            409: {"model": Message, "description": f"Another {record} has this id."},
        },
    )
    def add(engine: EngineDep, body: RecordBody, response: Response) -> dict[str, Any]:
        new = record_from_json(kind.record, body)
        result = add_records(engine, kind, [new])
        if not result.added:
            response.status_code = status.HTTP_200_OK
        return {"record": record_to_json(new), "added": bool(result.added)}

    @router.get(
        "",
        name=f"list_{kind.name}",
        summary=f"List {kind.name}",
        description=f"A page of the stored {record} records, in id order.",
        response_model=None,
        responses={200: {"description": "The page.", "content": json_content(page)}},
    )
    def list_page(engine: EngineDep, offset: Offset = 0, limit: Limit = 100) -> dict[str, Any]:
        records = list_records(engine, kind, offset=offset, limit=limit)
        return {"items": [record_to_json(item) for item in records]}

    @router.get(
        "/{record_id}",
        name=f"get_{kind.name}",
        summary=f"Show a {record}",
        description=f"The {record} with this id.",
        response_model=None,
        responses={
            200: {"description": f"The {record}.", "content": json_content(record_ref(kind))},
            404: {"model": Message, "description": f"No {record} has this id."},
        },
    )
    def show(engine: EngineDep, record_id: str) -> dict[str, Any]:
        return record_to_json(get_record(engine, kind, record_id))

    return router


router = APIRouter()
for _kind in RECORD_KINDS.values():
    router.include_router(kind_router(_kind))
