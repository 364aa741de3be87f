from __future__ import annotations

from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest

from revcycle.services.database import upgrade_database
from tests.cli.helpers import revcycle
from tests.demo_data import DEMO_DATASET

DEMO_835 = Path(str(files("revcycle") / "demo_data" / "demo.835"))
SETTINGS = ("--sender-id", "REVCYCLE", "--receiver-id", "CLEARINGHOUSE", "--contact-phone", "5555550100")


@pytest.fixture
def url(database_url: str) -> str:
    upgrade_database(database_url)
    return database_url


def test_read_an_835_prints_records_and_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    outcome = revcycle(capsys, "x12", "read", str(DEMO_835), "--json")
    assert outcome.status == 0, outcome.stderr
    result = outcome.json()
    summary = result["summary"]
    assert summary["transaction"] == "835"
    remittances = result["remittances"]
    claims = [claim for remittance in remittances for claim in remittance["claims"]]
    assert summary["claims"] == len(claims)
    assert Decimal(summary["total_paid"]) == sum(Decimal(claim["paid"]) for claim in claims)
    assert Decimal(summary["payment"]) == Decimal(summary["total_paid"]) - Decimal(summary["plb_total"])
    for key in ("total_charge", "total_paid", "plb_total", "payment"):
        assert isinstance(summary[key], str)


def test_write_validate_read_and_acknowledge_the_demo_claims(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, url: str
) -> None:
    out = tmp_path / "claims.837"
    written = revcycle(capsys, "--db", url, "x12", "write-837", str(DEMO_DATASET), "-o", str(out), *SETTINGS, "--json")
    assert written.status == 0, written.stderr
    assert written.json()["claims"] == 5
    assert revcycle(capsys, "x12", "validate", str(out)).status == 0
    read = revcycle(capsys, "x12", "read", str(out), "--json").json()
    assert read["summary"] == {"transaction": "837P", "claims": 5, "total_charge": "1171.00"}
    ack = tmp_path / "claims.999"
    acknowledged = revcycle(capsys, "--db", url, "x12", "ack", str(out), "-o", str(ack), "--json")
    assert acknowledged.status == 0, acknowledged.stderr
    assert acknowledged.json()["accepted"] == 1
    assert "IK5*A" in ack.read_text(encoding="utf-8")
    again = tmp_path / "again.837"
    revcycle(capsys, "--db", url, "x12", "write-837", str(DEMO_DATASET), "-o", str(again), *SETTINGS)
    isa13 = [path.read_text(encoding="utf-8").split("*")[13] for path in (out, again)]
    assert isa13[0] != isa13[1]  # control numbers persist across runs


def test_validate_exit_statuses(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.835"
    broken.write_text(DEMO_835.read_text(encoding="utf-8").replace("BPR*I*", "BPR*Q*", 1), encoding="utf-8")
    unreadable = tmp_path / "notes.txt"
    unreadable.write_text("not an interchange", encoding="utf-8")
    assert revcycle(capsys, "x12", "validate", str(DEMO_835)).status == 0
    invalid = revcycle(capsys, "x12", "validate", str(broken), "--json")
    assert invalid.status == 1
    (verdict,) = invalid.json()
    assert verdict["status"] == "invalid"
    finding = verdict["findings"][0]
    assert (finding["segment_id"], finding["element"], finding["rule"]) == ("BPR", 1, "code-value")
    text = revcycle(capsys, "x12", "validate", str(broken))
    assert "element BPR01" in text.stdout
    assert revcycle(capsys, "x12", "validate", str(unreadable)).status == 2
    both = revcycle(capsys, "x12", "validate", str(broken), str(unreadable), "--json")
    assert both.status == 2
    assert [verdict["status"] for verdict in both.json()] == ["invalid", "unreadable"]


def test_bad_input_is_a_message_not_a_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path, url: str) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("ISA but not really", encoding="utf-8")
    outcome = revcycle(capsys, "x12", "read", str(notes))
    assert outcome.status == 1
    assert str(notes) in outcome.stderr
    assert "Traceback" not in outcome.stderr
    bad_claims = tmp_path / "claims.json"
    bad_claims.write_text('{"claims": [{"id": "X"}]}', encoding="utf-8")
    out = tmp_path / "out.837"
    outcome = revcycle(capsys, "--db", url, "x12", "write-837", str(bad_claims), "-o", str(out), *SETTINGS)
    assert outcome.status == 1
    assert "claims[0]" in outcome.stderr
    assert not out.exists()
