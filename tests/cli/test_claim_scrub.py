"""``revcycle claim scrub``: findings as a table or JSON, the clean-claim rate, and the exit statuses 0, 1 and 2."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.helpers import Outcome, revcycle
from tests.edits.cases import BASE_CLAIM, BASE_COVERAGE, BASE_PATIENT, BASE_PAYER, BASE_PROVIDERS
from tests.edits.conftest import scrub_store_path  # noqa: F401 - the session's reference store, as a fixture

FHIR = Path(__file__).parents[1] / "fixtures" / "fhir"
CLEAN = FHIR / "institutional-claim.json"
ONE_BAD_OF_TWO = FHIR / "professional-bundle.json"
Scrub = Callable[..., Outcome]
FINDING_KEYS = {"claim", "line", "code", "name", "category", "severity", "message", "source", "fix", "field"}


@pytest.fixture
def scrub(capsys: pytest.CaptureFixture[str], scrub_store_path: Path) -> Scrub:  # noqa: F811 - the fixture imported above
    def run(*arguments: str) -> Outcome:
        return revcycle(capsys, "claim", "scrub", *arguments, "--store", str(scrub_store_path))

    return run


def test_a_clean_claim_exits_0_with_the_clean_claim_rate(scrub: Scrub) -> None:
    outcome = scrub(str(CLEAN), "--as-of", "2026-06-01")
    assert outcome.status == 0, outcome.stderr
    assert "1 claim, 1 clean, clean-claim rate 100.0% (0 errors, 0 warnings)" in outcome.stdout


def test_an_error_exits_1_and_the_table_names_claim_code_and_message(scrub: Scrub) -> None:
    outcome = scrub(str(ONE_BAD_OF_TWO), str(CLEAN), "--as-of", "2026-06-01")
    assert outcome.status == 1, outcome.stderr
    assert "FHIR-2" in outcome.stdout
    assert "INT04" in outcome.stdout
    assert "3 claims, 2 clean, clean-claim rate 66.7% (1 error, 0 warnings)" in outcome.stdout


def test_json_prints_the_findings_list_and_the_summary_on_stderr(scrub: Scrub) -> None:
    outcome = scrub(str(ONE_BAD_OF_TWO), "--as-of", "2026-06-01", "--json")
    assert outcome.status == 1
    findings = outcome.json()
    assert isinstance(findings, list)
    (finding,) = findings
    assert set(finding) == FINDING_KEYS
    assert finding["claim"] == "FHIR-2"
    assert finding["line"] is None
    assert (finding["code"], finding["category"], finding["severity"]) == ("INT04", "claim_integrity", "error")
    assert finding["fix"] == "set the total charge to 180.00"
    assert "clean-claim rate 50.0%" in outcome.stderr


def test_as_of_sets_the_day_of_judgement(scrub: Scrub) -> None:
    before = scrub(str(CLEAN), "--as-of", "2026-04-10", "--json")
    assert before.status == 1
    assert "INT06" in {finding["code"] for finding in before.json()}
    late = scrub(str(CLEAN), "--as-of", "2027-06-01", "--json")
    assert late.status == 1
    assert "TF01" in {finding["code"] for finding in late.json()}
    assert scrub(str(CLEAN), "--as-of", "yesterday").status == 2


def test_config_excludes_and_downgrades(scrub: Scrub, tmp_path: Path) -> None:
    excluded = tmp_path / "exclude.yaml"
    excluded.write_text("exclude: [claim_integrity]\n", encoding="utf-8")
    outcome = scrub(str(ONE_BAD_OF_TWO), "--as-of", "2026-06-01", "--config", str(excluded), "--json")
    assert (outcome.status, outcome.json()) == (0, [])
    downgraded = tmp_path / "downgrade.yaml"
    downgraded.write_text("downgrade: [total-charge-mismatch]\n", encoding="utf-8")
    outcome = scrub(str(ONE_BAD_OF_TWO), "--as-of", "2026-06-01", "--config", str(downgraded), "--json")
    assert outcome.status == 0
    assert [(finding["code"], finding["severity"]) for finding in outcome.json()] == [("INT04", "warning")]
    assert "clean-claim rate 100.0%" in outcome.stderr


def test_an_unreadable_file_exits_2_naming_it_and_prints_no_findings(scrub: Scrub, tmp_path: Path) -> None:
    outcome = scrub(str(ONE_BAD_OF_TWO), str(FHIR / "bad-item.json"), "--as-of", "2026-06-01")
    assert outcome.status == 2
    assert outcome.stdout == ""
    assert "bad-item.json: Claim.item[0].productOrService" in outcome.stderr
    as_json = scrub(str(ONE_BAD_OF_TWO), str(FHIR / "bad-item.json"), "--json")
    assert as_json.status == 2
    assert "bad-item.json" in as_json.json()["error"]
    missing = scrub(str(tmp_path / "absent.837"))
    assert missing.status == 2
    assert "absent.837" in missing.stderr


def test_a_bad_config_exits_2(scrub: Scrub, tmp_path: Path) -> None:
    config = tmp_path / "scrub.yaml"
    config.write_text("exclude: [INT04]\nignore: [PTP01]\n", encoding="utf-8")
    outcome = scrub(str(CLEAN), "--config", str(config))
    assert outcome.status == 2
    assert "scrub.yaml: ignore: is not a setting" in outcome.stderr


def test_hostile_text_is_printed_as_it_is(scrub: Scrub, tmp_path: Path) -> None:
    # Rich markup in a claim number and in a file name is shown literally, never interpreted or a traceback.
    dataset = {
        "patients": [BASE_PATIENT],
        "providers": BASE_PROVIDERS,
        "payers": [BASE_PAYER],
        "coverages": [BASE_COVERAGE],
        "claims": [{**BASE_CLAIM, "patient_control_number": "[red]X[/]", "total_charge": "999.00"}],
    }
    claims = tmp_path / "claims.json"
    claims.write_text(json.dumps(dataset), encoding="utf-8")
    outcome = scrub(str(claims), "--as-of", "2026-06-01")
    assert outcome.status == 1
    assert "[red]X[/]" in outcome.stdout
    hostile = tmp_path / "[bold]notes[red].txt"
    hostile.write_text("[/] not a claim\n", encoding="utf-8")
    refused = scrub(str(hostile))
    assert refused.status == 2
    assert "[bold]notes[red].txt" in refused.stderr


def test_an_empty_reference_store_is_said_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    outcome = revcycle(capsys, "claim", "scrub", str(CLEAN), "--store", str(empty), "--as-of", "2026-06-01", "--json")
    assert "holds no release" in outcome.stderr
    assert any(finding["message"].startswith("not checked") for finding in outcome.json())
