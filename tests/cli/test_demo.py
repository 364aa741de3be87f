from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import revcycle


def test_demo_runs_end_to_end_on_a_fresh_sqlite_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    store = str(tmp_path / "refdata.sqlite")
    outcome = revcycle(capsys, "--db", url, "demo", "--store", store, "--json")
    assert outcome.status == 0, outcome.stderr
    result = outcome.json()
    assert result["database"]["up_to_date"] is True
    # The five claims of the dataset and the three the demo makes of its coded notes.
    assert result["summary"]["counts"]["claims"] == 8
    assert result["summary"]["counts"]["remittances"] == 1
    assert result["summary"]["total_payment"] == "106.32"
    reference = result["reference"]
    assert [code["code"] for code in reference["lookups"]] == ["E11.22", "S52.521A", "99213"]
    assert reference["lookups"][2]["description"] is None  # CPT: no AMA text without a licensed file
    assert "E11.22" in [hit["code"] for hit in reference["search"]["results"]]
    priced = {(row["claim"], row["line"]): row["medicare_amount"] for row in reference["prices"]}
    assert priced[("CLM-2", 1)] == "92.64"
    x12 = result["x12"]
    assert (x12["claims_verdict"], x12["remittance_verdict"]) == ("valid", "valid")
    assert x12["claims_summary"] == {"transaction": "837P", "claims": 5, "total_charge": "1171.00"}
    assert x12["remittance_summary"]["transaction"] == "835"
    assert x12["claims_file"] is None
    check_coding(result["coding"])
    again = revcycle(capsys, "--db", url, "demo", "--store", store, "--json").json()
    assert set(again["imported"]["added"].values()) == {0}
    assert again["summary"] == result["summary"]
    assert [note["decisions"]["unchanged"] for note in again["coding"]] == [
        note["decisions"]["recorded"] for note in result["coding"]
    ]
    assert {len(note["decisions"]["recorded"]) for note in again["coding"]} == {0}
    assert [note["claim"] for note in again["coding"]] == [note["claim"] for note in result["coding"]]


def check_coding(coding: list[dict[str, Any]]) -> None:
    """The bundled notes coded with evidence and queries, every code accepted, a claim made of each, scrubbed."""
    assert [(note["note"], note["encounter_id"]) for note in coding] == [
        ("enc-1-diabetes-ckd.txt", "ENC-1"),
        ("enc-2-knee-injection.txt", "ENC-2"),
        ("enc-4-well-child.txt", "ENC-4"),
    ]
    diabetes, knee, child = coding
    assert diabetes["coding"]["diagnoses"][0]["code"] == "E11.22"
    assert diabetes["coding"]["diagnoses"][0]["evidence"][0]["text"].startswith("Type 2 diabetes mellitus with")
    assert [query["about"] for query in diabetes["coding"]["queries"]] == ["CKD stage"]
    assert diabetes["coding"]["em"]["code"] == "99214"
    assert [(line["procedure_code"], line.get("modifiers"), line["units"]) for line in knee["claim"]["lines"]] == [
        ("J3301", None, "4"),
        ("20610", ["RT"], "1"),
    ]
    assert [item["code"] for item in child["coding"]["diagnoses"]] == ["Z00.129", "Z23"]
    assert {"99393", "90715", "90460"} <= {line["procedure_code"] for line in child["claim"]["lines"]}
    for note in coding:
        accepted = len(note["coding"]["diagnoses"]) + len(note["coding"]["procedures"])
        assert len(note["decisions"]["recorded"]) == accepted
        assert note["decisions"]["synonyms"] == []  # accepting what the coder found on its own teaches nothing
        claim = note["claim"]
        assert [item["code"] for item in claim["diagnoses"]] == [item["code"] for item in note["coding"]["diagnoses"]]
        assert claim["encounter_id"] == note["encounter_id"]
    # The demo claim RB1-1 already bills the diabetes visit: the coded claim is caught as its duplicate.
    assert ("DUP02", "error") in {(finding["code"], finding["severity"]) for finding in diabetes["findings"]}


def test_console_script_and_env_url(tmp_path: Path) -> None:
    """The installed `revcycle` program, with the database chosen by REVCYCLE_DATABASE_URL."""
    program = Path(sys.executable).parent / "revcycle"
    environment = {
        **os.environ,
        "REVCYCLE_DATABASE_URL": f"sqlite:///{tmp_path / 'env.db'}",
        "REVCYCLE_REFDATA_PATH": str(tmp_path / "env-refdata.sqlite"),
    }
    done = subprocess.run(
        [str(program), "demo"], capture_output=True, text=True, env=environment, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "What the database now holds" in done.stdout
    assert "Demo claim lines priced by the Medicare fee schedule" in done.stdout
    assert "Coding demo_data/notes/enc-1-diabetes-ckd.txt" in done.stdout
    assert "Query (CKD stage)" in done.stdout
    assert "Claims made of the accepted codes" in done.stdout
    assert (tmp_path / "env.db").exists()


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert revcycle(capsys, "--help").status == 0
    version = revcycle(capsys, "version", "--json")
    assert version.json()["version"]
    usage = revcycle(capsys, "records", "list")
    assert usage.status == 2
