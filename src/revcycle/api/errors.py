"""The one place where the errors of `revcycle.errors` become HTTP responses.

- `InvalidRecord`, `InputFileError`: 422, ``{"detail": [{"loc": [...], "msg": reason, "type": "invalid_record"}]}``;
- `NotFound`, `UnknownKind` (also for a path ``/{kind}`` or ``/{kind}/{id}`` of no known kind), an unknown code,
  locality or ZIP code, a code without relative values: 404; a code the fee schedule does not pay: 422;
- a code set that is not loaded (`NoRelease`): 503;
- `Conflict`: 409; `DatabaseError`: 503; any other `RevcycleError`: 400; all with ``{"detail": message}``.

A 422 has the shape of FastAPI's own validation errors, with ``loc`` the path of the offending field in the request
body (``lines[0].charge`` becomes ``["body", "lines", 0, "charge"]``) and ``type`` ``invalid_record``; a request body
that is not JSON at all is left to FastAPI.
"""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from revcycle.errors import Conflict, DatabaseError, InputFileError, InvalidRecord, NotFound, RevcycleError
from revcycle.refdata.pricing import NoRelativeValues, NotPayable, UnknownLocality, UnknownZipCode
from revcycle.refdata.reference import NoRelease
from revcycle.services.codes import UnknownCode
from revcycle.services.records import RECORD_KINDS, UnknownKind

logger = logging.getLogger(__name__)

INVALID_RECORD = "invalid_record"
_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def body_location(path: str) -> list[str | int]:
    """The FastAPI-style location of the field at ``path`` (``lines[0].charge``) in the request body."""
    location: list[str | int] = ["body"]
    for index, name in _PATH_PART.findall(path):
        location.append(int(index) if index else name)
    return location


def status_for(error: RevcycleError) -> int:
    """The HTTP status that reports ``error``."""
    match error:
        case InvalidRecord() | InputFileError():
            return status.HTTP_422_UNPROCESSABLE_CONTENT
        case NotFound() | UnknownKind() | UnknownCode() | UnknownLocality() | UnknownZipCode() | NoRelativeValues():
            return status.HTTP_404_NOT_FOUND
        case NotPayable():
            return status.HTTP_422_UNPROCESSABLE_CONTENT
        case NoRelease():
            return status.HTTP_503_SERVICE_UNAVAILABLE
        case Conflict():
            return status.HTTP_409_CONFLICT
        case DatabaseError():
            return status.HTTP_503_SERVICE_UNAVAILABLE
        case _:
            return status.HTTP_400_BAD_REQUEST


def error_response(error: RevcycleError) -> JSONResponse:
    """The response that reports ``error`` to the client."""
    code = status_for(error)
    if isinstance(error, InvalidRecord):
        problem = {"loc": body_location(error.field), "msg": error.reason, "type": INVALID_RECORD}
        return JSONResponse({"detail": [problem]}, status_code=code)
    if isinstance(error, InputFileError):
        problem = {"loc": body_location(error.location), "msg": error.reason, "type": INVALID_RECORD}
        return JSONResponse({"detail": [problem]}, status_code=code)
    if code == status.HTTP_503_SERVICE_UNAVAILABLE:
        logger.warning("database unavailable: %s", error.message)
    return JSONResponse({"detail": error.message}, status_code=code)


async def _handle_revcycle_error(_request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RevcycleError):  # pragma: no cover - registered for RevcycleError only
        raise exc
    return error_response(exc)


async def _handle_not_found(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):  # pragma: no cover - registered for HTTP 404 only
        raise exc
    # No route matched: say which kinds exist when the path looks like /{kind} or /{kind}/{id}.
    segments = request.url.path.strip("/").split("/")
    if exc.detail == "Not Found" and len(segments) <= 2 and segments[0] and segments[0] not in RECORD_KINDS:
        return error_response(UnknownKind(segments[0]))
    return await http_exception_handler(request, exc)


def register_error_handlers(app: FastAPI) -> None:
    """Report every `RevcycleError` raised while handling a request as its HTTP status, never as a 500.

    Also answers a request for an unknown kind of record (``GET /invoices``) with the `UnknownKind` message.
    """
    app.add_exception_handler(RevcycleError, _handle_revcycle_error)
    app.add_exception_handler(status.HTTP_404_NOT_FOUND, _handle_not_found)
