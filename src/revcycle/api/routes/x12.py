"""``/x12``: read, validate, write and acknowledge X12, as ``revcycle x12`` does on files.

X12 travels as the raw request or response body (``application/edi-x12``); results are JSON in the same shape as
the CLI's ``--json``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from revcycle.api.deps import EngineDep
from revcycle.services.datasets import parse_dataset
from revcycle.services.x12 import (
    acknowledge_data,
    document_json,
    read_document_data,
    validate_data,
    verdict_json,
    write_dataset_837,
)
from revcycle.x12.write837 import Usage, X12Settings

router = APIRouter(prefix="/x12", tags=["x12"])

X12_MEDIA_TYPE = "application/edi-x12"
X12_BODY: dict[str, Any] = {
    "requestBody": {"required": True, "content": {X12_MEDIA_TYPE: {"schema": {"type": "string"}}}}
}
X12_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {X12_MEDIA_TYPE: {"schema": {"type": "string"}}}, "description": "The X12 written."}
}
BODY_NAME = "request body"


@router.post("/read", openapi_extra=X12_BODY)
async def read_x12(request: Request) -> dict[str, object]:
    """Read X12 (837P, 837I, 835, 277CA, 277, 999, 271) into records, with a summary; 422 when it cannot be read."""
    return document_json(read_document_data(await request.body(), BODY_NAME))


@router.post("/validate", openapi_extra=X12_BODY)
async def validate_x12(request: Request) -> dict[str, object]:
    """Validate X12: ``status`` is valid, invalid (with the findings) or unreadable (with the error)."""
    return verdict_json(validate_data(await request.body(), BODY_NAME))


class SettingsIn(BaseModel):
    """Who sends the claims to whom (the envelope and loops 1000A/1000B)."""

    sender_id: str = Field(description="ISA06, your interchange id.")
    receiver_id: str = Field(description="ISA08, the clearinghouse's or payer's id.")
    submitter_name: str = ""
    contact_name: str = "BILLING OFFICE"
    contact_phone: str | None = None
    contact_email: str | None = None
    receiver_name: str = ""
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    test: bool = Field(default=False, description="ISA15 T (test) instead of P (production).")

    def settings(self) -> X12Settings:
        """The writer's settings."""
        return X12Settings(
            sender_id=self.sender_id,
            receiver_id=self.receiver_id,
            submitter_name=self.submitter_name or self.sender_id,
            contact_name=self.contact_name,
            contact_phone=self.contact_phone,
            contact_email=self.contact_email,
            receiver_name=self.receiver_name or self.receiver_id,
            sender_qualifier=self.sender_qualifier,
            receiver_qualifier=self.receiver_qualifier,
            usage=Usage.TEST if self.test else Usage.PRODUCTION,
        )


@router.post("/write-837", response_class=Response, responses=X12_RESPONSE)
def write_837_x12(
    engine: EngineDep,
    settings: SettingsIn,
    dataset: Annotated[dict[str, Any], Body(description="Claims and their parties (docs/x12-claims-json.md).")],
) -> Response:
    """Write the claims of a dataset as an 837P/837I; control numbers are reserved in the database."""
    text, _ = write_dataset_837(parse_dataset(dataset, "dataset"), settings.settings(), engine)
    return Response(text, media_type=X12_MEDIA_TYPE)


@router.post("/ack", response_class=Response, responses=X12_RESPONSE, openapi_extra=X12_BODY)
async def acknowledge_x12(request: Request, engine: EngineDep) -> Response:
    """The 999 acknowledging received X12: each transaction set accepted, accepted with errors, or rejected."""
    text, _ = acknowledge_data(await request.body(), BODY_NAME, engine)
    return Response(text, media_type=X12_MEDIA_TYPE)
