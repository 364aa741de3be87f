"""Edit fixture cases: a small synthetic claim in the claims JSON format, changed by each case.

A fixture file (``tests/edits/fixtures/<CODE>.yaml``) holds the cases of one edit::

    edit: INT04
    cases:
      - name: total is not the sum of the lines      # a failing case: ``expect`` lists the edit's findings
        claim: {total_charge: "150.00"}
        expect: [{line: null, field: total_charge}]
      - name: total is the sum of the lines          # a passing case: no ``expect``, so no finding at all
        claim: {}

A case changes the base dataset below: ``claim``, ``patient``, ``payer`` and ``coverage`` are merged into the base
records (``lines`` items are merged into the base line, so a case writes only what differs; ``total_charge`` is the
sum of the lines unless given); ``providers`` adds or replaces providers by id; ``history`` lists earlier claims of
the same patient, merged into the base claim the same way; ``as_of`` sets the day of judgement; ``kind:
institutional`` starts from the institutional base claim; ``config`` is a scrubber configuration (the YAML
settings as a mapping); ``also`` lists other edit codes a case is expected to raise as well, with the reason in a
comment.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).parent / "fixtures"
DEFAULT_AS_OF = date(2026, 8, 1)

BASE_PATIENT: dict[str, Any] = {
    "id": "PAT-1",
    "name": {"last": "Testpatient", "first": "Alex"},
    "birth_date": "1960-04-12",
    "sex": "F",
    "address": {"line1": "12 Main St", "city": "Springfield", "state": "IL", "postal_code": "627010001"},
}
BASE_PROVIDERS: list[dict[str, Any]] = [
    {
        "id": "PRV-BILL",
        "kind": "2",
        "npi": "1234567893",
        "name": "Springfield Family Practice",
        "tax_id": "123456789",
        "address": {"line1": "1 Clinic Way", "city": "Springfield", "state": "IL", "postal_code": "627010002"},
    },
    {"id": "PRV-REND", "kind": "1", "npi": "1245319599", "name": "Doe", "first_name": "Jamie"},
]
BASE_PAYER: dict[str, Any] = {
    "id": "PAY-MCR",
    "name": "Medicare Part B",
    "payer_identifier": "00431",
    "claim_filing_indicator": "MB",
}
BASE_COVERAGE: dict[str, Any] = {
    "id": "COV-1",
    "patient_id": "PAT-1",
    "payer_id": "PAY-MCR",
    "order": "P",
    "member_id": "1EG4TE5MK73",
    "relationship": "18",
}
BASE_LINE: dict[str, Any] = {
    "line_number": 1,
    "procedure_code": "99213",
    "units": "1",
    "charge": "125.00",
    "service_date": "2026-07-15",
    "diagnosis_pointers": [1],
}
BASE_CLAIM: dict[str, Any] = {
    "id": "CLM-1",
    "kind": "professional",
    "patient_control_number": "PCN-1",
    "patient_id": "PAT-1",
    "coverage_id": "COV-1",
    "billing_provider_id": "PRV-BILL",
    "rendering_provider_id": "PRV-REND",
    "place_of_service": "11",
    "diagnoses": [{"code": "I10"}],
    "lines": [BASE_LINE],
}
BASE_INSTITUTIONAL_CLAIM: dict[str, Any] = {
    "id": "CLM-1",
    "kind": "institutional",
    "patient_control_number": "PCN-1",
    "patient_id": "PAT-1",
    "coverage_id": "COV-1",
    "billing_provider_id": "PRV-BILL",
    "attending_provider_id": "PRV-REND",
    "facility_type_code": "13",
    "statement_from": "2026-07-15",
    "statement_to": "2026-07-15",
    "patient_status": "01",
    "diagnoses": [{"code": "I10"}],
    "lines": [{**BASE_LINE, "revenue_code": "0510", "diagnosis_pointers": []}],
}


@dataclass(frozen=True)
class Case:
    """One case of an edit's fixture file.

    Attributes:
        edit: the edit's code.
        name: what the case shows.
        document: the claims JSON document the case scrubs (history claims first, the claim under test last).
        as_of: the day of judgement.
        expect: the findings of the edit expected (line, and field or message when given); None for a passing case.
        also: other edit codes the case may raise.
        config: scrubber settings, if any.
    """

    edit: str
    name: str
    document: dict[str, Any]
    as_of: date
    expect: list[dict[str, Any]] | None
    also: tuple[str, ...]
    config: dict[str, Any] | None

    @property
    def fails(self) -> bool:
        """Whether the edit is expected to find something."""
        return self.expect is not None


def _claim(base: dict[str, Any], change: dict[str, Any], number: int) -> dict[str, Any]:
    claim = copy.deepcopy(base)
    change = copy.deepcopy(change)
    if "lines" in change:
        claim["lines"] = [
            {**base["lines"][0], "line_number": index + 1, **line} for index, line in enumerate(change.pop("lines"))
        ]
    claim.update(change)
    if number:
        claim.setdefault("id", f"CLM-H{number}")
        claim["id"] = change.get("id", f"CLM-H{number}")
        claim["patient_control_number"] = change.get("patient_control_number", f"PCN-H{number}")
    if "total_charge" not in claim:
        claim["total_charge"] = str(sum((Decimal(line["charge"]) for line in claim["lines"]), Decimal("0.00")))
    return claim


def document_of(raw: dict[str, Any]) -> dict[str, Any]:
    """The claims JSON document a case describes."""
    base = BASE_INSTITUTIONAL_CLAIM if raw.get("kind") == "institutional" else BASE_CLAIM
    providers = {provider["id"]: copy.deepcopy(provider) for provider in BASE_PROVIDERS}
    for provider in raw.get("providers", []):
        providers[provider["id"]] = {**providers.get(provider["id"], {}), **provider}
    claims = [_claim(base, change, number + 1) for number, change in enumerate(raw.get("history", []))]
    claims.append(_claim(base, raw.get("claim", {}), 0))
    return {
        "patients": [{**BASE_PATIENT, **raw.get("patient", {})}],
        "providers": list(providers.values()),
        "payers": [{**BASE_PAYER, **raw.get("payer", {})}],
        "coverages": [{**BASE_COVERAGE, **raw.get("coverage", {})}],
        "claims": claims,
    }


def load_cases(path: Path) -> list[Case]:
    """The cases of one fixture file."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    code = document["edit"]
    cases = []
    for raw in document["cases"]:
        as_of = raw.get("as_of", DEFAULT_AS_OF)
        cases.append(
            Case(
                edit=code,
                name=raw["name"],
                document=document_of(raw),
                as_of=as_of if isinstance(as_of, date) else date.fromisoformat(as_of),
                expect=raw.get("expect"),
                also=tuple(raw.get("also", ())),
                config=raw.get("config"),
            )
        )
    return cases


def all_cases() -> list[Case]:
    """Every case of every fixture file."""
    return [case for path in sorted(FIXTURES.glob("*.yaml")) for case in load_cases(path)]
