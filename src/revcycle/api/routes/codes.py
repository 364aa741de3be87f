"""``/codes`` and ``/price``: look up and search codes, price a service by the Medicare fee schedule.

The same services and JSON as ``revcycle code lookup|search --json`` and ``revcycle price --json``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from revcycle.api.deps import StoreDep
from revcycle.api.schemas import Message
from revcycle.services.codes import lookup_code, price_code, search_codes

router = APIRouter(tags=["codes"])

OnDate = Annotated[date | None, Query(alias="date", description="Date of service (default: today).")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Message, "description": "No loaded code set has the code on that date."},
    503: {"model": Message, "description": "The code set is not loaded: run `revcycle refdata import`."},
}


@router.get("/codes/search", responses=NOT_FOUND)
def search(
    store: StoreDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words as clinicians write them.")],
    system: Literal["icd10cm", "hcpcs"] = "icd10cm",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    on: OnDate = None,
) -> dict[str, Any]:
    """Codes ranked for the words of ``q`` (abbreviations, any order, plurals)."""
    return search_codes(store, q, on or date.today(), system, limit)


@router.get("/codes/{code}", responses=NOT_FOUND)
def lookup(
    store: StoreDep,
    code: str,
    system: Literal["icd10cm", "hcpcs", "cpt"] | None = None,
    on: OnDate = None,
) -> dict[str, Any]:
    """A code as the release in force on the date of service has it: description, billable, notes."""
    return lookup_code(store, code, on or date.today(), system)


@router.get("/price/{code}", responses=NOT_FOUND)
def price(
    store: StoreDep,
    code: str,
    locality: Annotated[str | None, Query(description="MAC-locality as in the GPCI file, e.g. 10112-00.")] = None,
    zip_code: Annotated[str | None, Query(alias="zip", description="ZIP code, resolved to its locality.")] = None,
    facility: bool = False,
    pos: Annotated[str | None, Query(description="Place of service; decides facility or not.")] = None,
    modifier: Annotated[list[str] | None, Query(description="26, TC or 53; repeatable.")] = None,
    on: OnDate = None,
) -> dict[str, Any]:
    """The Medicare physician fee schedule amount, with every input of the formula."""
    return price_code(
        store,
        code,
        on or date.today(),
        locality=locality,
        zip_code=zip_code,
        facility=facility,
        modifiers=tuple(modifier or ()),
        place_of_service=pos,
    )
