"""The demo: the main job of revcycle end to end on a bundled synthetic dataset.

Create the schema, load the bundled reference data, look codes up, search and price the demo claims by the Medicare
fee schedule; load a small practice's records (practices, providers, patients, payers, coverages, encounters with
notes, claims and one remittance), the claims scrubbed as they are saved, and summarise them; scrub three more
claims made wrong on purpose (``demo_data/demo_wrong_claims.json``) as they would be before submission, and report
every finding and the clean-claim rate; write the claims as an 837P and validate it, and read and validate the
bundled synthetic 835 that pays them; code three bundled synthetic notes of the dataset's encounters
(``demo_data/notes``), accept every suggested code as coder ``demo`` and save a claim per note made of the accepted
codes, scrubbed on save. Later capabilities extend it along the cycle.

The scrubber's tables in the demo's reference store are small extracts of the official CMS files, cut to the demo
claims' codes (``demo_data/refdata/SOURCES.txt``): medically unlikely edits, HCPCS Level II, the Medicare Code Editor
and the add-on code edits, beside the bundled ICD-10-CM and CPT code list and the fee-schedule extract. No 2026
practitioner NCCI pair file is at hand, and the place of service list is read only from OpenEMR's PHP file (not a CMS
file), so neither is bundled: the edits that need them report that they could not check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from revcycle.coding.result import CodingResult
from revcycle.domain import Claim, Encounter
from revcycle.edits import Finding, History
from revcycle.edits.engine import not_checked as engine_not_checked
from revcycle.refdata.store import ReferenceStore
from revcycle.services.claim_findings import ALL_EDITS, findings_of, saving_reference
from revcycle.services.coding import coder_for
from revcycle.services.coding_decisions import RecordedBatch, parse_batch, record_decisions
from revcycle.services.database import DatabaseStatus, engine_for, upgrade_database
from revcycle.services.datasets import Dataset, ImportResult, import_dataset, parse_dataset, read_dataset
from revcycle.services.demo_reference import DemoReference, run_demo_reference
from revcycle.services.records import add_records, record_kind
from revcycle.services.refdata import ImportOutcome, import_reference_file
from revcycle.services.scrub import ScrubRun, records_from_json, scrub_records
from revcycle.services.summary import Summary, summarize
from revcycle.services.x12 import read_document_data, validate_data, write_dataset_837
from revcycle.store import UnitOfWork
from revcycle.x12.write837 import Usage, X12Settings


def demo_dataset() -> Dataset:
    """The bundled synthetic dataset (no real patient's data)."""
    with as_file(files("revcycle") / "demo_data" / "demo_dataset.json") as path:
        return read_dataset(Path(path))


DEMO_AS_OF = date(2026, 10, 1)
"""The day the demo judges its claims on: the day after its last date of service, so the output never changes."""
DEMO_SCRUB_FILES = (
    "MCR_MUE_PractitionerServices_Eff_04-01-2026.demo-extract.csv",
    "HCPC2026_JAN_ANWEB_demo-extract.txt",
    "MCE_Simple_Code_Edits_v37_FY2020.demo-extract.tsv",
    "AOC_V2026Q2-MCR.demo-extract.xlsx",
)


@dataclass(frozen=True, slots=True)
class DemoScrub:
    """The scrubber in the demo: the demo claims' findings saved with them, and three wrong claims scrubbed.

    Attributes:
        as_of: the day the claims were judged on.
        stored_claims: the claim numbers of the demo claims, scrubbed when the dataset was saved.
        wrong_claims: the claim numbers of the claims made wrong on purpose, scrubbed before submission.
        findings: every finding of both (as the API shows them), but the edits that could not check.
        not_checked: the edits that could not check, each with the reason (the table the store lacks).
        claims: how many claims were scrubbed.
        clean_claims: how many have no error.
        clean_claim_rate: clean claims as a percentage, to one decimal.
    """

    as_of: date
    stored_claims: tuple[str, ...]
    wrong_claims: tuple[str, ...]
    findings: tuple[dict[str, object], ...]
    not_checked: dict[str, str]
    claims: int
    clean_claims: int
    clean_claim_rate: Decimal


def load_scrub_reference(store: ReferenceStore) -> list[ImportOutcome]:
    """Import the extracts of the scrubber's tables bundled for the demo (see `DEMO_SCRUB_FILES`)."""
    outcomes: list[ImportOutcome] = []
    for name in DEMO_SCRUB_FILES:
        with as_file(files("revcycle") / "demo_data" / "refdata" / name) as path:
            outcomes += import_reference_file(store, Path(path))
    return outcomes


def _demo_json(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((files("revcycle") / "demo_data" / name).read_text(encoding="utf-8"))
    return document


def run_demo_scrub(engine: Engine, store: ReferenceStore, dataset: Dataset) -> DemoScrub:
    """The findings the demo claims were saved with, and the wrong claims scrubbed after them (their history)."""
    saved = dataset.records["claims"]
    with UnitOfWork(engine) as unit:
        stored = findings_of(unit, [claim.id for claim in saved])
    # The wrong claims name the demo dataset's patients, coverages, payers and providers.
    document = {name: items for name, items in _demo_json("demo_dataset.json").items() if name != "claims"}
    document["claims"] = _demo_json("demo_wrong_claims.json")["claims"]
    wrong = scrub_records(
        [records_from_json(document, "demo_wrong_claims.json")], ScrubRun(store, ALL_EDITS, DEMO_AS_OF), History(saved)
    )
    every: list[Finding] = [finding for claim in stored for finding in claim.findings]
    every += wrong.findings
    clean = sum(1 for claim in stored if claim.clean) + wrong.clean_claims
    claims = len(stored) + wrong.claims
    not_checked: dict[str, str] = {}
    for finding in every:
        unchecked = engine_not_checked(finding)
        if unchecked is not None:
            codes, reason = unchecked
            not_checked |= dict.fromkeys(codes, reason.split(":")[0])
    return DemoScrub(
        as_of=DEMO_AS_OF,
        stored_claims=tuple(claim.patient_control_number for claim in stored),
        wrong_claims=tuple(result.submitted.claim.patient_control_number for result in wrong.results),
        findings=tuple(finding.as_json() for finding in every if finding.code not in not_checked),
        not_checked=not_checked,
        claims=claims,
        clean_claims=clean,
        clean_claim_rate=(Decimal(100) * clean / claims).quantize(Decimal("0.1")),
    )


DEMO_SETTINGS = X12Settings(
    sender_id="RIVERBEND",
    receiver_id="DEMOCLEARING",
    submitter_name="RIVERBEND FAMILY MEDICINE",
    contact_name="BILLING OFFICE",
    contact_phone="5555550100",
    receiver_name="DEMO CLEARINGHOUSE",
    usage=Usage.TEST,
)


@dataclass(frozen=True, slots=True)
class DemoX12:
    """The demo's X12: the claims written as an 837P and the bundled 835, each validated and read back.

    Attributes:
        claims_file: where the 837 was written, or None when it was only made in memory.
        claims_verdict: the validator's verdict on the 837 (``valid`` ...).
        claims_summary: the 837 read back: transaction, claims, total charge.
        remittance_file: the bundled synthetic 835.
        remittance_verdict: the validator's verdict on it.
        remittance_summary: what it pays: claims, total paid, provider adjustments, payment.
        findings: every finding on either file, as text.
    """

    claims_file: str | None
    claims_verdict: str
    claims_summary: dict[str, object]
    remittance_file: str
    remittance_verdict: str
    remittance_summary: dict[str, object]
    findings: tuple[str, ...] = ()


def run_demo_x12(engine: Engine, dataset: Dataset, directory: Path | None) -> DemoX12:
    """Write the demo claims as an 837P (into ``directory`` when given), validate and read it; same for the 835."""
    text, _ = write_dataset_837(dataset, DEMO_SETTINGS, engine)
    data = text.encode()
    claims_file = None
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "demo-claims.837"
        path.write_bytes(data)
        claims_file = str(path)
    name = claims_file or "demo-claims.837"
    claims = validate_data(data, name)
    remittance_data = (files("revcycle") / "demo_data" / "demo.835").read_bytes()
    remittance = validate_data(remittance_data, "demo.835")
    remittance_summary = read_document_data(remittance_data, "demo.835").summary
    findings = [
        str(finding) for verdict in (claims, remittance) if verdict.result for finding in verdict.result.findings
    ]
    return DemoX12(
        claims_file=claims_file,
        claims_verdict=claims.status,
        claims_summary=read_document_data(data, name).summary,
        remittance_file="demo_data/demo.835",
        remittance_verdict=remittance.status,
        remittance_summary=remittance_summary,
        findings=tuple(findings),
    )


DEMO_NOTES = (
    ("ENC-1", "enc-1-diabetes-ckd.txt"),
    ("ENC-2", "enc-2-knee-injection.txt"),
    ("ENC-4", "enc-4-well-child.txt"),
)
"""The bundled synthetic notes and the dataset's encounters they document (same patient and date of service)."""
DEMO_CODER = "demo"
"""Who the demo's decisions are recorded as."""
DEMO_CHARGE = Decimal("25.00")
"""The charge per unit of a code the demo claims never bill (the vaccines): a made-up demo price, not a fee."""
MAX_DIAGNOSES = 12
"""Diagnoses an 837P claim carries (HI, 12 codes)."""
MAX_POINTERS = 4
"""Diagnosis pointers a service line carries (SV107)."""


@dataclass(frozen=True, slots=True)
class DemoCodedNote:
    """One bundled note coded, its codes accepted, and the claim made of them.

    Attributes:
        note: the note's file under ``demo_data/notes``.
        encounter_id: the dataset's encounter the note documents.
        organisation: the encounter's billing provider, whose coder decided.
        coding: what the coder suggested, as the JSON contract of ``revcycle code note --json``.
        decisions: what recording the acceptances did (ids recorded or already recorded, synonyms changed).
        claim: the claim made of the accepted codes, as stored (the dataset's JSON format).
        findings: what the scrubber found when the claim was saved, but the edits that could not check.
    """

    note: str
    encounter_id: str
    organisation: str
    coding: dict[str, Any]
    decisions: RecordedBatch
    claim: dict[str, Any]
    findings: tuple[dict[str, object], ...]


def demo_note(name: str) -> str:
    """The text of a bundled synthetic note."""
    return (files("revcycle") / "demo_data" / "notes" / name).read_text(encoding="utf-8")


def _evidence_text(spans: list[dict[str, Any]], fallback: str) -> str:
    text = " ".join(spans[0]["text"].split()) if spans else fallback
    return text[:200]


def accept_all(encounter: Encounter, organisation: str, coding: dict[str, Any]) -> dict[str, Any]:
    """A decisions batch that accepts every code the coder suggested for the encounter (docs/coding-decisions.md).

    A procedure without evidence of its own (an E/M level) is accepted for the E/M's evidence, else its rationale.
    """
    em_spans = coding["em"]["evidence"] if coding["em"] else []
    decisions = [
        {"decision": "accept", "suggested_code": item["code"], "evidence_text": _evidence_text(item["evidence"], "")}
        for item in coding["diagnoses"]
    ]
    decisions += [
        {
            "decision": "accept",
            "code_system": "cpt" if item["code"][0].isdigit() else "hcpcs",
            "suggested_code": item["code"],
            "evidence_text": _evidence_text(item["evidence"] or em_spans, item["rationale"]),
        }
        for item in coding["procedures"]
    ]
    return {
        "organisation": organisation,
        "encounter_id": encounter.id,
        "decided_by": DEMO_CODER,
        "decisions": decisions,
    }


def charge_master(claims: tuple[Claim, ...]) -> dict[str, Decimal]:
    """The practice's charge per unit of each code, as the demo claims bill it (the first line billing it)."""
    charges: dict[str, Decimal] = {}
    for claim in claims:
        for line in claim.lines:
            charges.setdefault(line.procedure_code, (line.charge / line.units).quantize(Decimal("0.01")))
    return charges


def _is_vaccine(code: str) -> bool:
    """A vaccine product (90476-90759) or its administration (90460-90474), which point at Z23."""
    return code.isdigit() and (90460 <= int(code) <= 90474 or 90476 <= int(code) <= 90759)


def _pointers(code: str, diagnoses: list[str]) -> list[int]:
    """The diagnoses a line points at: Z23 for a vaccine line; for the others the first four but Z23."""
    if "Z23" in diagnoses and _is_vaccine(code):
        return [diagnoses.index("Z23") + 1]
    others = [position for position, diagnosis in enumerate(diagnoses, start=1) if diagnosis != "Z23"]
    return (others or [1])[:MAX_POINTERS]


def claim_of(
    encounter: Encounter, dataset: Dataset, coding: dict[str, Any], charges: dict[str, Decimal]
) -> dict[str, Any]:
    """The claim (dataset JSON) of an encounter made of the accepted codes.

    Diagnoses in claim order; one line per procedure with its modifiers and units, charged at the practice's charge
    per unit (`charge_master`), else `DEMO_CHARGE`; the patient's primary coverage pays.
    """
    coverage = next(
        item
        for item in dataset.records["coverages"]
        if item.patient_id == encounter.patient_id and item.order.value == "P"
    )
    diagnoses = [item["code"] for item in coding["diagnoses"]][:MAX_DIAGNOSES]
    lines = []
    for number, item in enumerate(coding["procedures"], start=1):
        charge = charges.get(item["code"], DEMO_CHARGE) * item["units"]
        line: dict[str, Any] = {
            "line_number": number,
            "procedure_code": item["code"],
            "units": str(item["units"]),
            "charge": f"{charge:.2f}",
            "service_date": encounter.start_date.isoformat(),
            "diagnosis_pointers": _pointers(item["code"], diagnoses),
        }
        if item["modifiers"]:
            line["modifiers"] = item["modifiers"]
        lines.append(line)
    visit = encounter.id.rsplit("-", 1)[-1]
    claim: dict[str, Any] = {
        "id": f"CODED-{encounter.id}",
        "kind": "professional",
        "patient_control_number": f"RBC{visit}-{visit}",
        "patient_id": encounter.patient_id,
        "coverage_id": coverage.id,
        "billing_provider_id": encounter.billing_provider_id,
        "rendering_provider_id": encounter.rendering_provider_id,
        "encounter_id": encounter.id,
        "place_of_service": encounter.place_of_service,
        "diagnoses": [{"code": code} for code in diagnoses],
        "lines": lines,
        "total_charge": f"{sum((Decimal(line['charge']) for line in lines), Decimal('0.00')):.2f}",
    }
    return claim


def run_demo_coding(engine: Engine, store: ReferenceStore, dataset: Dataset) -> tuple[DemoCodedNote, ...]:
    """Code the bundled notes, accept every suggestion as coder ``demo``, and save a claim per note, scrubbed.

    Each note's acceptances are one batch of decisions (recorded again, they change nothing); the claims are saved
    together, and scrubbed as they are saved (compared with the patient's claims already stored).
    """
    coder = coder_for(store, embeddings=False)
    encounters = {encounter.id: encounter for encounter in dataset.records["encounters"]}
    charges = charge_master(dataset.records["claims"])
    coded: list[tuple[str, Encounter, dict[str, Any], RecordedBatch, dict[str, Any]]] = []
    for encounter_id, name in DEMO_NOTES:
        encounter = encounters[encounter_id]
        result: CodingResult = coder.code(demo_note(name), day=encounter.start_date)
        coding = result.to_json()
        decisions = record_decisions(engine, parse_batch(accept_all(encounter, encounter.billing_provider_id, coding)))
        coded.append((name, encounter, coding, decisions, claim_of(encounter, dataset, coding, charges)))
    claims = parse_dataset({"claims": [claim for *_, claim in coded]}, "demo coded claims").records["claims"]
    add_records(engine, record_kind("claims"), claims, scrub=ScrubRun(store, ALL_EDITS, DEMO_AS_OF))
    with UnitOfWork(engine) as unit:
        stored = {found.claim_id: found for found in findings_of(unit, [claim.id for claim in claims])}
    return tuple(
        DemoCodedNote(
            note=name,
            encounter_id=encounter.id,
            organisation=encounter.billing_provider_id,
            coding=coding,
            decisions=decisions,
            claim=claim,
            findings=tuple(
                finding.as_json() for finding in stored[claim["id"]].findings if engine_not_checked(finding) is None
            ),
        )
        for name, encounter, coding, decisions, claim in coded
    )


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo did.

    Attributes:
        database: the schema revision after migrating.
        imported: what loading the dataset added.
        summary: the database afterwards.
        reference: the lookups, search and prices, when a reference store was given.
        x12: the 837P written from the claims and the bundled 835, validated and read.
        scrub: the claims' findings and the clean-claim rate, when a reference store was given.
        coding: the bundled notes coded and their claims, when a reference store was given.
    """

    database: DatabaseStatus
    imported: ImportResult
    summary: Summary
    reference: DemoReference | None = None
    x12: DemoX12 | None = None
    scrub: DemoScrub | None = None
    coding: tuple[DemoCodedNote, ...] = ()


def run_demo(
    database_url: str,
    store: ReferenceStore | None = None,
    on_records: Callable[[int], None] | None = None,
    x12_directory: Path | None = None,
) -> DemoResult:
    """Migrate the database at ``database_url``, load the demo dataset and summarise.

    With a reference store, first load the demo's reference data, look codes up, search and price the claims; the
    claims are scrubbed as they are saved (with that store, else the process's), and with a store three wrong
    claims are scrubbed too. Then write the claims as an 837P (into ``x12_directory`` when given), validate it and
    read it back, and read and validate the bundled 835. With a store, last, code the bundled notes and save their
    claims (`run_demo_coding`): the summary counts them.
    """
    database = upgrade_database(database_url)
    engine = engine_for(database_url)
    dataset = demo_dataset()
    claims = dataset.records["claims"]
    reference = None
    if store is not None:
        reference = run_demo_reference(store, claims, claims[0].first_service_date)
        reference = replace(reference, imported=reference.imported + load_scrub_reference(store))
    saving = ScrubRun(store if store is not None else saving_reference(), ALL_EDITS, DEMO_AS_OF)
    imported = import_dataset(engine, dataset, on_records, scrub=saving)
    scrub = run_demo_scrub(engine, store, dataset) if store is not None else None
    x12 = run_demo_x12(engine, dataset, x12_directory)
    coding = run_demo_coding(engine, store, dataset) if store is not None else ()
    return DemoResult(database, imported, summarize(engine), reference, x12, scrub, coding)
