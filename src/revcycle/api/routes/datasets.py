"""``POST /datasets``: import records of many kinds in one all-or-nothing transaction."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response, status

from revcycle.api.deps import EngineDep
from revcycle.api.record_schemas import dataset_request_body
from revcycle.api.schemas import ImportOut, Message
from revcycle.services.datasets import import_dataset, parse_dataset

router = APIRouter(prefix="/datasets", tags=["datasets"])

# Read as plain JSON: the records validate themselves (the documented schema comes from `dataset_request_body`).
DatasetBody = Annotated[dict[str, Any], Body()]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ImportOut,
    openapi_extra=dataset_request_body(),
    responses={
        200: {"model": ImportOut, "description": "Every record was already stored exactly so: nothing changed."},
        503: {"model": Message, "description": "The database is unreachable or not migrated."},
    },
)
def import_records(engine: EngineDep, body: DatasetBody, response: Response) -> ImportOut:
    """Import a dataset: all of its records, or on any error none of them.

    Answers 201 when records were added, 200 when all were already stored exactly so, and 422 naming the record
    and field at fault (e.g. `claims[2].total_charge`) otherwise.
    """
    result = import_dataset(engine, parse_dataset(body, "request body"))
    if not result.total_added:
        response.status_code = status.HTTP_200_OK
    return ImportOut(added=result.added, unchanged=result.unchanged)
