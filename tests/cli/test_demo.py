from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import revcycle


def test_demo_runs_end_to_end_on_a_fresh_sqlite_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    store = str(tmp_path / "refdata.sqlite")
    outcome = revcycle(capsys, "--db", url, "demo", "--store", store, "--json")
    assert outcome.status == 0, outcome.stderr
    result = outcome.json()
    assert result["database"]["up_to_date"] is True
    assert result["summary"]["counts"]["claims"] == 5
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
    again = revcycle(capsys, "--db", url, "demo", "--store", store, "--json").json()
    assert set(again["imported"]["added"].values()) == {0}
    assert again["summary"] == result["summary"]


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
    assert (tmp_path / "env.db").exists()


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert revcycle(capsys, "--help").status == 0
    version = revcycle(capsys, "version", "--json")
    assert version.json()["version"]
    usage = revcycle(capsys, "records", "list")
    assert usage.status == 2
