"""``/coding``: code a note, record a coder's decisions, and read the synonyms they taught.

``POST /coding/suggest`` answers the coding engine's JSON contract (as ``revcycle code note --json``), with a coder
kept loaded between requests; ``POST /coding/decisions`` stores a batch of decisions with its encounter (the format
of docs/coding-decisions.md), idempotently; ``GET /coding/decisions`` and ``GET /coding/synonyms`` read them back.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from starlette.concurrency import run_in_threadpool

from revcycle.api.coding_schemas import SuggestIn, SynonymOut, SynonymsOut
from revcycle.api.deps import EngineDep, SettingsDep, StoreDep
from revcycle.api.schemas import Message
from revcycle.config import Settings
from revcycle.refdata.store import ReferenceStore
from revcycle.services.coding import coder_for, note_from_request
from revcycle.services.coding_decisions import (
    decisions_json,
    encounter_decisions,
    parse_batch,
    record_decisions,
    synonym_table,
    synonyms_of,
)
from revcycle.services.database import ready_engine

router = APIRouter(prefix="/coding", tags=["coding"])

Organisation = Annotated[str, Query(min_length=1, max_length=64, description="The organisation.")]


def suggest_codes(request: SuggestIn, store: ReferenceStore, settings: Settings) -> dict[str, Any]:
    """The coding engine's answer for the request's note (the organisation's synonyms read from the database)."""
    note = note_from_request(request.text, request.fhir)
    synonyms = synonyms_of(ready_engine(settings.database_url), request.organisation) if request.organisation else ()
    coder = coder_for(store, embeddings=request.embeddings, synonyms=synonyms)
    result = coder.code(note.text, day=request.date or note.day, mode=request.mode, hints=note.hints)
    return result.to_json()


@router.post(
    "/suggest",
    responses={
        422: {"description": "Neither or both of text and fhir, a blank note, or a FHIR document with no note."},
        503: {"model": Message, "description": "No ICD-10-CM release is loaded, or the database is unavailable."},
    },
)
async def suggest(request: SuggestIn, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    """Code a note: diagnoses and procedures with their evidence, codes set aside, the E/M level, queries.

    Diagnoses (ICD-10-CM) come in claim order and procedures (CPT/HCPCS) with modifiers and units, each with the
    character spans of its evidence in the note; the answer is the contract of ``revcycle code note --json``. The
    database is only reached when ``organisation`` is given, for its synonyms.
    """
    # Coding is CPU work: off the event loop, as FastAPI runs the synchronous routes.
    return await run_in_threadpool(suggest_codes, request, store, settings)


@router.post(
    "/decisions",
    responses={
        404: {"model": Message},
        409: {"model": Message, "description": "A decision's id is stored with other content."},
        422: {"description": "A field is missing or wrong (``loc`` names it), or the encounter is not stored."},
    },
)
def decide(engine: EngineDep, batch: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Store a coder's decisions on one encounter and update the organisation's synonyms, all or nothing.

    Recording the same batch again changes nothing (``unchanged`` lists its decisions).
    """
    return record_decisions(engine, parse_batch(batch)).as_json()


@router.get("/decisions")
def decisions(
    engine: EngineDep,
    encounter_id: Annotated[str, Query(min_length=1, max_length=64, description="The stored encounter.")],
) -> list[dict[str, Any]]:
    """The decisions stored with an encounter, oldest first."""
    return decisions_json(encounter_decisions(engine, encounter_id))


@router.get("/synonyms")
def synonyms(engine: EngineDep, organisation: Organisation) -> SynonymsOut:
    """The organisation's synonym table (every code system; only ICD-10-CM pairs feed the coder)."""
    return SynonymsOut(
        organisation=organisation,
        synonyms=[
            SynonymOut(
                phrase=item.phrase,
                code=item.code,
                code_system=item.code_system,
                times_confirmed=item.times_confirmed,
                first_decision_id=item.first_decision_id,
                last_decision_id=item.last_decision_id,
            )
            for item in synonym_table(engine, organisation)
        ],
    )
