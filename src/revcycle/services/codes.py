"""Code lookup, search and Medicare pricing, in the shape the CLI and the REST API print.

A code is looked up in the systems its form allows: a dotted or letter-digit-alphanumeric code in ICD-10-CM, a
letter and four digits in HCPCS Level II (then ICD-10-CM: ``J1885`` is HCPCS, ``J189`` ICD-10-CM), five digits or
four digits and a letter in CPT, two characters as a HCPCS modifier. ``system`` forces one.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from revcycle.domain import codes
from revcycle.domain.codes import is_cpt_code
from revcycle.domain.fields import FieldError
from revcycle.errors import RevcycleError
from revcycle.refdata import sets
from revcycle.refdata.icd10cm import Icd10cmCode, lookup_icd10cm
from revcycle.refdata.pricing import Price, is_facility, locality_for_zip, price
from revcycle.refdata.procedures import ProcedureCode, lookup_procedure
from revcycle.refdata.search import search
from revcycle.refdata.store import ReferenceStore

SYSTEMS = ("icd10cm", "hcpcs", "cpt")
_HCPCS = re.compile(r"[A-Z][0-9]{4}")
_ICD_SHAPE = re.compile(r"(?:[A-Z][0-9]|QA)[0-9A-Z](?:\.?[0-9A-Z]{1,4})?")


class UnknownCode(RevcycleError):
    """A code that no loaded code set has on the date asked about."""


def systems_for(code: str) -> tuple[str, ...]:
    """The systems a code of this form may belong to, most likely first."""
    text = code.strip().upper()
    if is_cpt_code(text):
        return ("cpt",)
    if _HCPCS.fullmatch(text):
        return ("hcpcs", "icd10cm")
    if _ICD_SHAPE.fullmatch(text):
        return ("icd10cm",)
    if len(text) == 2 and text.isalnum():
        return ("hcpcs",)  # a modifier (RT, 25, GA): the HCPCS file carries the Level II ones
    return ()


def lookup_code(store: ReferenceStore, code: str, day: date, system: str | None = None) -> dict[str, Any]:
    """The code as JSON-ready data: system, code (ICD-10-CM with its dot), description, billable, dates, notes.

    Raises:
        UnknownCode: no loaded code set of the candidate systems has the code on ``day``.
    """
    candidates = (system,) if system else systems_for(code)
    for candidate in candidates:
        if candidate == "icd10cm":
            found = lookup_icd10cm(store, code, day)
            if found is not None:
                return icd10cm_json(found)
        else:
            procedure = lookup_procedure(store, code, day)
            if procedure is not None and procedure.system.lower() == candidate:
                return procedure_json(procedure)
    names = ", ".join(name.upper().replace("ICD10CM", "ICD-10-CM") for name in candidates) or "any code set"
    raise UnknownCode(f"{code!r} is not a code of {names} on {day}")


def icd10cm_json(found: Icd10cmCode) -> dict[str, Any]:
    """An ICD-10-CM lookup as JSON-ready data, its notes grouped by kind."""
    notes: dict[str, list[dict[str, Any]]] = {}
    for note in found.notes:
        notes.setdefault(note.kind, []).append({"text": note.text, "from": note.source, "inherited": note.inherited})
    return {
        "system": "ICD-10-CM",
        "code": found.code,
        "description": found.description,
        "billable": found.billable,
        "kind": found.kind,
        "release": found.version,
        "effective_from": found.effective_from.isoformat(),
        "effective_to": found.effective_to.isoformat() if found.effective_to else None,
        "inclusion_terms": list(found.inclusion_terms),
        "notes": notes,
        "seventh_character": asdict(found.seventh_character) if found.seventh_character else None,
        "seventh_character_options": [asdict(option) for option in found.seventh_character_options],
        "warning": found.warning,
    }


def procedure_json(found: ProcedureCode) -> dict[str, Any]:
    """A HCPCS or CPT lookup as JSON-ready data (CPT text only from a licensed file)."""
    return {
        "system": found.system,
        "code": found.code,
        "description": found.description,
        "short_description": found.short_description,
        "descriptor_licensed": found.descriptor_licensed,
        "billable": found.valid,
        "kind": found.kind,
        "added": found.added.isoformat() if found.added else None,
        "terminated": found.terminated.isoformat() if found.terminated else None,
        "release": found.release_version,
        "effective_from": found.effective_from.isoformat(),
        "effective_to": found.effective_to.isoformat() if found.effective_to else None,
        "attributes": found.attributes,
        "warning": found.warning,
    }


def search_codes(
    store: ReferenceStore, text: str, day: date, system: str = "icd10cm", limit: int = 10
) -> dict[str, Any]:
    """The codes of ``system`` that best match ``text``, as JSON-ready data."""
    code_set = {"icd10cm": sets.ICD10CM, "hcpcs": sets.HCPCS}[system]
    hits = search(store, code_set, text, day, limit)
    return {
        "query": text,
        "system": system,
        "results": [
            {"code": hit.code, "description": hit.description, "billable": hit.billable, "score": round(hit.score, 3)}
            for hit in hits
        ],
    }


def price_code(
    store: ReferenceStore,
    code: str,
    day: date,
    *,
    locality: str | None,
    zip_code: str | None,
    facility: bool,
    modifiers: tuple[str, ...] = (),
    place_of_service: str | None = None,
) -> dict[str, Any]:
    """The Medicare physician fee schedule amount, as JSON-ready data with every input of the formula.

    A place of service, when given, decides the setting (facility or not) instead of ``facility``.

    Raises:
        PricingError: no RVUs, not payable, unknown locality or ZIP code.
    """
    warnings: list[str] = []
    if locality is None:
        if zip_code is None:
            raise RevcycleError("give a locality (e.g. 10112-00) or a ZIP code")
        resolved = locality_for_zip(store, zip_code, day)
        locality = resolved.locality
        warnings += [resolved.warning] if resolved.warning else []
    if place_of_service is not None:
        try:
            facility = is_facility(codes.place_of_service(place_of_service))
        except FieldError as error:
            raise RevcycleError(f"place of service: {error}") from None
    result: Price = price(store, code.strip().upper(), modifiers, locality, facility=facility, day=day)
    warnings += [result.warning] if result.warning else []
    data = {name: _plain(value) for name, value in asdict(result).items()}
    data["warning"] = "; ".join(warnings) or None
    return data


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    return value
