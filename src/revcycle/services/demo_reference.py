"""The reference-data part of the demo.

Load the bundled code sets and a fee-schedule extract, then look up, search and price as a coder and a biller would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from revcycle.domain import Claim
from revcycle.errors import RevcycleError
from revcycle.refdata.store import ReferenceStore
from revcycle.services.codes import lookup_code, price_code, search_codes
from revcycle.services.refdata import ImportOutcome, import_bundled, import_reference_file

DEMO_LOCALITY = "06102-99"
"""Rest of Illinois, where the demo practices are (Springfield, IL)."""
DEMO_LOOKUPS = ("E11.22", "S52.521A", "99213")
DEMO_SEARCH = "DM2 w CKD stage 3a"
DEMO_FEE_FILES = ("demo-rvu-2026-extract.csv", "demo-gpci-2026.csv")


@dataclass(frozen=True, slots=True)
class DemoReference:
    """What the demo did with reference data.

    Attributes:
        imported: the releases loaded.
        lookups: the codes looked up, as `revcycle code lookup --json` shows them.
        search: the search, as `revcycle code search --json` shows it.
        prices: each demo claim line beside its Medicare fee schedule amount at the practice's locality.
    """

    imported: list[ImportOutcome]
    lookups: list[dict[str, Any]]
    search: dict[str, Any]
    prices: list[dict[str, Any]]


def load_demo_reference(store: ReferenceStore) -> list[ImportOutcome]:
    """Import the bundled ICD-10-CM and CPT code list, and the CY2026 fee-schedule extract shipped for the demo."""
    outcomes = import_bundled(store, ("BUNDLED_ICD10CM", "BUNDLED_CPT"))
    for name in DEMO_FEE_FILES:
        with as_file(files("revcycle") / "demo_data" / "refdata" / name) as path:
            outcomes += import_reference_file(store, Path(path))
    return outcomes


def price_claim_lines(store: ReferenceStore, claims: tuple[Claim, ...]) -> list[dict[str, Any]]:
    """Every line of ``claims`` with its fee schedule amount (or why it has none)."""
    priced = []
    for claim in claims:
        for line in claim.lines:
            row: dict[str, Any] = {
                "claim": claim.id,
                "line": line.line_number,
                "code": line.procedure_code,
                "charge": f"{line.charge:f}",
            }
            try:
                found = price_code(
                    store,
                    line.procedure_code,
                    line.service_date,
                    locality=DEMO_LOCALITY,
                    zip_code=None,
                    facility=False,
                    modifiers=line.modifiers,
                )
                row["medicare_amount"] = found["amount"]
            except RevcycleError as error:
                row["medicare_amount"] = None
                row["note"] = str(error)
            priced.append(row)
    return priced


def run_demo_reference(store: ReferenceStore, claims: tuple[Claim, ...], day: date) -> DemoReference:
    """Load the demo's reference data, look up, search and price the demo claims."""
    imported = load_demo_reference(store)
    lookups = [lookup_code(store, code, day) for code in DEMO_LOOKUPS]
    search = search_codes(store, DEMO_SEARCH, day, limit=3)
    return DemoReference(imported, lookups, search, price_claim_lines(store, claims))
