"""Scrubbing on save: claims stored through the records and dataset services keep their findings."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from revcycle.edits import Severity
from revcycle.errors import InputFileError, NotFound
from revcycle.refdata.store import ReferenceStore
from revcycle.services.claim_findings import (
    ALL_EDITS,
    findings_of,
    save_run,
    saving_reference,
    scrub_saved_claims,
    stored_findings,
)
from revcycle.services.datasets import import_dataset, parse_dataset
from revcycle.services.demo import run_demo
from revcycle.services.records import add_records, record_kind
from revcycle.services.scrub import ScrubRun, records_from_json, report_json, scrub_records
from revcycle.store import UnitOfWork, tables
from tests.edits.cases import document_of

AS_OF = date(2026, 8, 1)


@pytest.fixture(scope="module")
def store(reference_store_path: Path) -> ReferenceStore:
    """ICD-10-CM, HCPCS and the fee schedule of 2026: enough for the claims below to be clean."""
    return ReferenceStore(reference_store_path)


@pytest.fixture
def run(store: ReferenceStore) -> ScrubRun:
    return ScrubRun(store, ALL_EDITS, AS_OF)


def second_claim(document: dict[str, Any], **change: Any) -> dict[str, Any]:
    """The document with a copy of its claim under another id and claim number, changed by ``change``."""
    twin = {**copy.deepcopy(document["claims"][0]), "id": "CLM-2", "patient_control_number": "PCN-2", **change}
    return {**document, "claims": [*document["claims"], twin]}


def finding_rows(engine: Engine) -> list[tuple[Any, ...]]:
    table = tables.claim_findings
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(table).order_by(table.c.claim_id, table.c.position))]


def codes_of(engine: Engine, claim_id: str) -> list[str]:
    return [finding.code for finding in stored_findings(engine, claim_id).findings]


def test_saved_claims_keep_the_findings_a_scrub_of_the_same_claims_gives(engine: Engine, run: ScrubRun) -> None:
    document = document_of({})
    line = {**document["claims"][0]["lines"][0], "procedure_code": "99214", "charge": "160.00"}
    document = second_claim(document, lines=[line], total_charge="160.00")
    import_dataset(engine, parse_dataset(document), scrub=run)
    expected = report_json(scrub_records([records_from_json(document, "claims.json")], run))
    with UnitOfWork(engine) as unit:
        saved = findings_of(unit, ["CLM-1", "CLM-2"])
    assert [finding.as_json() for claim in saved for finding in claim.findings] == expected["findings"]
    assert all(claim.clean for claim in saved)
    assert {claim.as_of for claim in saved if claim.findings} <= {AS_OF}


def test_a_claim_is_compared_with_the_patients_stored_claims(engine: Engine, run: ScrubRun) -> None:
    document = document_of({})
    import_dataset(engine, parse_dataset(document), scrub=run)
    twin = second_claim(document)["claims"][1]
    add_records(engine, record_kind("claims"), parse_dataset({"claims": [twin]}).records["claims"], scrub=run)
    assert "DUP02" not in codes_of(engine, "CLM-1")
    found = stored_findings(engine, "CLM-2")
    duplicate = next(finding for finding in found.findings if finding.code == "DUP02")
    assert duplicate.severity is Severity.ERROR
    assert "PCN-1" in duplicate.message
    assert duplicate.claim == "PCN-2"
    assert not found.clean


def test_a_claim_is_compared_with_the_claims_saved_before_it_in_the_same_import(engine: Engine, run: ScrubRun) -> None:
    import_dataset(engine, parse_dataset(second_claim(document_of({}))), scrub=run)
    assert "DUP02" not in codes_of(engine, "CLM-1")
    assert "DUP02" in codes_of(engine, "CLM-2")


def test_saving_the_same_claims_again_leaves_the_same_rows(engine: Engine, run: ScrubRun) -> None:
    document = second_claim(document_of({}))
    import_dataset(engine, parse_dataset(document), scrub=run)
    rows = finding_rows(engine)
    later = ScrubRun(run.store, run.config, date(2026, 9, 1))
    again = import_dataset(engine, parse_dataset(document), scrub=later)
    assert again.total_added == 0
    assert finding_rows(engine) == rows
    assert rows


def test_scrubbing_again_replaces_a_claims_findings(engine: Engine, run: ScrubRun) -> None:
    document = second_claim(document_of({}))
    import_dataset(engine, parse_dataset(document), scrub=run)
    before = stored_findings(engine, "CLM-2")
    claims = parse_dataset(document).records["claims"]
    with UnitOfWork(engine) as unit:
        count = scrub_saved_claims(unit, claims[1:], ScrubRun(run.store, run.config, date(2026, 9, 1)))
        unit.commit()
    after = stored_findings(engine, "CLM-2")
    assert count == len(after.findings)
    assert after.as_of == date(2026, 9, 1)
    assert [finding.code for finding in after.findings] == [finding.code for finding in before.findings]
    assert "DUP02" in [finding.code for finding in after.findings]  # the stored CLM-1 is still its history
    positions = [row[1] for row in finding_rows(engine) if row[0] == "CLM-2"]
    assert positions == list(range(len(after.findings)))
    assert stored_findings(engine, "CLM-1").as_of in (None, AS_OF)


def test_a_failed_import_stores_no_claim_and_no_finding(engine: Engine, run: ScrubRun) -> None:
    document = second_claim(document_of({}))
    document["ledger_entries"] = [
        {
            "id": "LE-1",
            "posted_on": "2026-08-01",
            "description": "charge",
            "claim_id": "CLM-NOPE",
            "postings": [{"account": "Assets:Receivable", "amount": "1.00"}, {"account": "Income", "amount": "-1.00"}],
        }
    ]
    with pytest.raises(InputFileError):
        import_dataset(engine, parse_dataset(document), scrub=run)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(tables.claims)) == 0
    assert finding_rows(engine) == []


def test_deleting_a_claim_deletes_its_findings(engine: Engine, run: ScrubRun) -> None:
    import_dataset(engine, parse_dataset(second_claim(document_of({}))), scrub=run)
    assert any(row[0] == "CLM-2" for row in finding_rows(engine))
    with engine.begin() as connection:
        for table in (tables.claim_diagnoses, tables.service_lines, tables.claim_details):
            connection.execute(table.delete().where(table.c.claim_id == "CLM-2"))
        connection.execute(tables.claims.delete().where(tables.claims.c.id == "CLM-2"))
    assert not any(row[0] == "CLM-2" for row in finding_rows(engine))


def test_without_a_reference_store_claims_are_still_saved(engine: Engine, tmp_path: Path) -> None:
    missing = tmp_path / "no-refdata.sqlite"
    empty = saving_reference(missing)
    assert not missing.exists()
    assert empty.releases("ICD10CM") == []
    import_dataset(engine, parse_dataset(document_of({})), scrub=ScrubRun(empty, ALL_EDITS, AS_OF))
    found = stored_findings(engine, "CLM-1")
    unchecked = [finding for finding in found.findings if finding.message.startswith("not checked")]
    assert all(finding.severity is Severity.WARNING for finding in unchecked)
    assert found.clean


def test_the_default_run_is_every_edit_as_of_today(store: ReferenceStore) -> None:
    default = save_run(store)
    assert (default.store, default.config, default.as_of) == (store, ALL_EDITS, date.today())


def test_an_unknown_claim_has_no_findings_to_show(engine: Engine) -> None:
    with pytest.raises(NotFound):
        stored_findings(engine, "CLM-NOPE")


def test_the_findings_of_a_claim_as_json(engine: Engine, run: ScrubRun) -> None:
    import_dataset(engine, parse_dataset(second_claim(document_of({}))), scrub=run)
    shown = stored_findings(engine, "CLM-2").as_json()
    assert (shown["claim_id"], shown["claim"], shown["clean"], shown["as_of"]) == (
        "CLM-2",
        "PCN-2",
        False,
        "2026-08-01",
    )
    assert isinstance(shown["scrubbed_at"], str)
    assert shown["scrubbed_at"].endswith("+00:00")
    findings = shown["findings"]
    assert isinstance(findings, list)
    assert {"claim": "PCN-2", "line": None, "code": "DUP02", "severity": "error"}.items() <= findings[0].items()


def test_the_demo_scrubs_its_claims_and_the_wrong_ones(tmp_path: Path) -> None:
    result = run_demo(f"sqlite:///{tmp_path / 'demo.db'}", ReferenceStore(tmp_path / "refdata.sqlite"))
    scrub = result.scrub
    assert scrub is not None
    assert scrub.stored_claims == ("RB1-1", "RB2-2", "RB3-3", "RB4-4", "RB5-5")
    assert scrub.wrong_claims == ("RB2-W1", "RB1-W2", "RB5-W3")
    errors = {(finding["claim"], finding["code"]) for finding in scrub.findings if finding["severity"] == "error"}
    # Each wrong claim is caught for the reason it was made wrong: an E/M on the day of a minor procedure without
    # modifier 25, HbA1c billed twice a day (MUE 1, MAI 2), a total that is not the sum of the lines.
    assert {("RB2-W1", "GLB02"), ("RB1-W2", "MUE02"), ("RB5-W3", "INT04")} <= errors
    assert {claim for claim, _ in errors} >= set(scrub.wrong_claims)
    assert scrub.claims == 8
    assert scrub.clean_claim_rate == (Decimal(100) * scrub.clean_claims / 8).quantize(Decimal("0.1"))
    # The demo store has no 2026 practitioner PTP pairs and no place of service list: only their edits could not check.
    assert all(
        "ncci_ptp_practitioner" in reason or "place_of_service" in reason for reason in scrub.not_checked.values()
    )
    again = run_demo(f"sqlite:///{tmp_path / 'demo.db'}", ReferenceStore(tmp_path / "refdata.sqlite"))
    assert again.scrub == scrub
