from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import revcycle
from tests.demo_data import DEMO_DATASET as DEMO
from tests.demo_data import demo_document


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document))
    return path


def test_import_is_idempotent(capsys: pytest.CaptureFixture[str], database_url: str) -> None:
    first = revcycle(capsys, "--db", database_url, "import", str(DEMO), "--json")
    assert first.status == 0, first.stderr
    assert first.json()["added"]["claims"] == 5
    second = revcycle(capsys, "--db", database_url, "import", str(DEMO), "--json")
    assert second.status == 0
    assert set(second.json()["added"].values()) == {0}
    assert second.json()["unchanged"]["claims"] == 5


def test_list_and_show(capsys: pytest.CaptureFixture[str], database_url: str) -> None:
    revcycle(capsys, "--db", database_url, "import", str(DEMO))
    listed = revcycle(capsys, "--db", database_url, "records", "list", "claims", "--json")
    assert [claim["id"] for claim in listed.json()] == ["CLM-1", "CLM-2", "CLM-3", "CLM-4", "CLM-5"]
    shown = revcycle(capsys, "--db", database_url, "records", "show", "claims", "CLM-1", "--json")
    assert shown.json()["total_charge"] == "217.00"
    table = revcycle(capsys, "--db", database_url, "records", "show", "patients", "PAT-1001")
    assert "Testperson" in table.stdout


@pytest.mark.parametrize(
    ("change", "location", "reason"),
    [
        (lambda d: d["providers"][0].update(npi="1234567890"), "providers[0].npi", "check digit"),
        (lambda d: d["claims"][0]["lines"][0].update(charge=185.5), "claims[0].lines[0].charge", "float"),
        (lambda d: d["claims"][0].update(place_of_service="37"), "claims[0].place_of_service", "place-of-service"),
        (lambda d: d["claims"][0].update(total_charge="999.00"), "claims[0].total_charge", "sum of the line"),
    ],
)
def test_bad_records_are_rejected_and_nothing_is_stored(
    capsys: pytest.CaptureFixture[str], database_url: str, tmp_path: Path, change: Any, location: str, reason: str
) -> None:
    document = demo_document()
    change(document)
    path = write(tmp_path / "bad.json", document)
    outcome = revcycle(capsys, "--db", database_url, "import", str(path))
    assert outcome.status == 1
    assert f"bad.json: {location}" in outcome.stderr
    assert reason in outcome.stderr
    assert "Traceback" not in outcome.stderr
    summary = revcycle(capsys, "--db", database_url, "summary", "--json")
    assert set(summary.json()["counts"].values()) == {0}


def test_add_one_record_and_conflict(capsys: pytest.CaptureFixture[str], database_url: str, tmp_path: Path) -> None:
    patient = demo_document()["patients"][0]
    path = write(tmp_path / "patient.json", patient)
    assert (
        revcycle(capsys, "--db", database_url, "records", "add", "patients", str(path), "--json").json()["added"] == 1
    )
    assert (
        revcycle(capsys, "--db", database_url, "records", "add", "patients", str(path), "--json").json()["added"] == 0
    )
    patient["birth_date"] = "1960-01-01"
    changed = revcycle(capsys, "--db", database_url, "records", "add", "patients", str(write(path, patient)))
    assert changed.status == 1
    assert "already exists with different content" in changed.stderr


def test_missing_reference_is_named(capsys: pytest.CaptureFixture[str], database_url: str, tmp_path: Path) -> None:
    claim = demo_document()["claims"][0]
    outcome = revcycle(
        capsys, "--db", database_url, "records", "add", "claims", str(write(tmp_path / "c.json", [claim]))
    )
    assert outcome.status == 1
    assert "patient_id" in outcome.stderr
    assert "PAT-1001" in outcome.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "line 1 column 2"),
        ('{"claimz": []}', "claimz"),
        ('{"claims": {}}', "must be a list"),
        ("[]", "a dataset is a JSON object"),
    ],
)
def test_broken_dataset_files(
    capsys: pytest.CaptureFixture[str], database_url: str, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content)
    outcome = revcycle(capsys, "--db", database_url, "import", str(path), "--json")
    assert outcome.status == 1
    assert message in outcome.json()["error"]
    assert "broken.json" in outcome.json()["error"]


def test_missing_file(capsys: pytest.CaptureFixture[str], database_url: str, tmp_path: Path) -> None:
    outcome = revcycle(capsys, "--db", database_url, "import", str(tmp_path / "nope.json"))
    assert outcome.status == 1
    assert "nope.json" in outcome.stderr


def test_unknown_kind(capsys: pytest.CaptureFixture[str], database_url: str) -> None:
    outcome = revcycle(capsys, "--db", database_url, "records", "list", "invoices")
    assert outcome.status == 1
    assert "'invoices' is not a kind of record" in outcome.stderr


def test_unmigrated_database_says_what_to_run(capsys: pytest.CaptureFixture[str], empty_database_url: str) -> None:
    outcome = revcycle(capsys, "summary", "--db", empty_database_url)
    assert outcome.status == 1
    assert "revcycle db upgrade" in outcome.stderr


def test_hostile_text_is_escaped_not_interpreted(
    capsys: pytest.CaptureFixture[str], database_url: str, tmp_path: Path
) -> None:
    patient = demo_document()["patients"][0]
    patient["name"]["last"] = "[bold red]O'Brien'; DROP TABLE patients; --"
    path = write(tmp_path / "patient.json", patient)
    assert revcycle(capsys, "--db", database_url, "records", "add", "patients", str(path)).status == 0
    shown = revcycle(capsys, "--db", database_url, "records", "show", "patients", patient["id"], "--json")
    assert shown.json()["name"]["last"] == patient["name"]["last"]
    bad = revcycle(capsys, "--db", database_url, "records", "show", "patients", "[red]x")
    assert "[red]x" in bad.stderr


def test_a_missing_sqlite_file_is_not_created_by_reading(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "typo.db"
    outcome = revcycle(capsys, "records", "list", "claims", "--db", f"sqlite:///{path}")
    assert outcome.status == 1
    assert "there is no database at" in outcome.stderr
    assert not path.exists()


def test_list_tables_show_what_billers_scan(capsys: pytest.CaptureFixture[str], database_url: str) -> None:
    revcycle(capsys, "import", str(DEMO), "--db", database_url)
    claims = revcycle(capsys, "records", "list", "claims", "--db", database_url)
    assert "217.00" in claims.stdout
    assert "2026-09-08" in claims.stdout
    encounters = revcycle(capsys, "records", "list", "encounters", "--db", database_url)
    assert "E11.22" in encounters.stdout
    for kind in ("patients", "providers", "payers", "coverages", "remittances", "ledger_entries"):
        assert revcycle(capsys, "records", "list", kind, "--db", database_url).status == 0
