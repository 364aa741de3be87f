"""``/claims/scrub`` and ``/claims/{claim_id}/findings``: the claim scrubber over HTTP.

``POST /claims/scrub`` scrubs the claims of the request body, read as submitted and recognised by content as
``revcycle claim scrub`` reads a file: a claims JSON document (the dataset format of docs/x12-claims-json.md), FHIR R4
(a ``Claim`` resource or a ``Bundle`` of Claims and the resources they reference) or an 837P/837I. It answers the
findings and the batch summary; nothing is stored. ``GET /claims/{claim_id}/findings`` shows what a stored claim
was found with when it was saved.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from revcycle.api.deps import EngineDep, StoreDep
from revcycle.api.schemas import Message
from revcycle.edits import EditPolicy, EditReference, Scrubber, ScrubConfig
from revcycle.refdata.store import ReferenceStore
from revcycle.services.claim_findings import ALL_EDITS, stored_findings
from revcycle.services.scrub import ScrubRun, report_json, scrub_records, scrubber_for
from revcycle.services.scrub_inputs import read_claims_data

router = APIRouter(prefix="/claims", tags=["claims"])

BODY_NAME = "request body"

CLAIMS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "A claims JSON document (claims with the patients, coverages, payers and providers they name), a FHIR R4 "
            "Claim or Bundle, or an 837P/837I."
        ),
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/edi-x12": {"schema": {"type": "string"}},
        },
    }
}
AsOf = Annotated[
    date | None, Query(description="The day the claims are judged on (timely filing, future dates); default today.")
]
Selectors = Annotated[
    list[str] | None, Query(description="Edit codes, names or categories; repeat the parameter for several.")
]


def _scrubber(store: ReferenceStore, selected: list[str], excluded: list[str]) -> Scrubber | None:
    """A scrubber for a request's own selection of edits, or None for the process's default one.

    It shares the default scrubber's memoised reference answers, so a selection is as fast as the default, and it
    is made per request rather than kept: the process's scrubbers are kept by configuration, and requests could
    otherwise make as many as they like.
    """
    if not selected and not excluded:
        return None
    warm: EditReference = scrubber_for(store, ALL_EDITS).reference
    return Scrubber(warm, ScrubConfig(EditPolicy(select=tuple(selected), exclude=tuple(excluded))))


def scrub_body(data: bytes, store: ReferenceStore, day: date, select: list[str], exclude: list[str]) -> dict[str, Any]:
    """The report JSON of the claims of a request body."""
    records = read_claims_data(data, BODY_NAME)
    custom = _scrubber(store, select, exclude)
    if custom is None:
        return report_json(scrub_records([records], ScrubRun(store, ALL_EDITS, day)))
    return report_json(custom.scrub(records.submitted(), day))


@router.post(
    "/scrub",
    openapi_extra=CLAIMS_BODY,
    responses={
        422: {
            "description": "The body is not claims JSON, FHIR or an 837, or a value in it makes no record (``loc``)."
        },
    },
)
async def scrub_claims(
    request: Request,
    store: StoreDep,
    as_of: AsOf = None,
    select: Selectors = None,
    exclude: Selectors = None,
) -> dict[str, Any]:
    """Scrub claims before submission: the findings and a summary with the clean-claim rate; nothing is stored.

    Each finding names the claim, line, edit, severity, message, official source and a fix when one is safe. A
    claim that breaks a rule of a well-formed claim (a total that is not the sum of its lines) is scrubbed and the
    rule reported; a value that makes no record at all (a date that is not a date) is refused with 422, ``loc``
    naming it (``["body", "claims", 0, "lines", 0, "service_date"]``; for FHIR the FHIR path, for an 837 the
    segment). Edits whose reference table is not loaded report that they could not check, as warnings.
    """
    data = await request.body()
    day = as_of or date.today()
    # Scrubbing is CPU work: off the event loop, as FastAPI runs the synchronous routes.
    return await run_in_threadpool(scrub_body, data, store, day, select or [], exclude or [])


@router.get(
    "/{claim_id}/findings",
    responses={404: {"model": Message, "description": "No claim has this id."}},
)
def claim_findings(engine: EngineDep, claim_id: str) -> dict[str, object]:
    """What the scrubber found on a stored claim when it was saved (claims are scrubbed as they are stored).

    ``clean`` is true when no finding is an error; ``as_of`` and ``scrubbed_at`` are null when there is no finding.
    """
    return stored_findings(engine, claim_id).as_json()
