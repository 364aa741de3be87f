"""`revcycle code eval`: a gold set in, the metrics table or the report as JSON out."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import Outcome, revcycle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "coding"
GOLD = str(FIXTURES / "eval" / "gold.yaml")
CODIESP_MINI = str(FIXTURES / "codiesp_mini")


@pytest.fixture(scope="module")
def store(reference_store_path: Path) -> str:
    return str(reference_store_path)


def code_eval(capsys: pytest.CaptureFixture[str], store: str, *arguments: str) -> Outcome:
    return revcycle(capsys, "code", "eval", *arguments, "--store", store, "--no-embeddings")


def test_json_report_on_our_gold_set(capsys: pytest.CaptureFixture[str], store: str) -> None:
    outcome = code_eval(capsys, store, "--gold", GOLD, "--json")
    assert outcome.status == 0
    found = outcome.json()
    assert (found["format"], found["mode"], found["notes"]) == ("revcycle", "billing", 2)
    assert found["scored"] == ["diagnoses", "procedures"]
    for kind in ("diagnoses", "procedures"):
        assert set(found[kind]) == {"full", "category", "subdivided"}
        assert set(found[kind]["full"]) == {"precision", "recall", "f1", "tp", "fp", "fn", "notes"}
        assert found[kind]["full"]["tp"] + found[kind]["full"]["fn"] == {"diagnoses": 4, "procedures": 2}[kind]
    assert found["em"]["notes"] == 1
    assert found["queries"]["topics"] == 1
    assert set(found["worst_misses"]["diagnoses"]) == {"false_negatives", "false_positives"}
    assert [note["id"] for note in found["per_note"]] == ["htn-dm2-ckd", "asthma"]
    assert found["crashes"] == []


def test_limit_and_mode(capsys: pytest.CaptureFixture[str], store: str) -> None:
    found = code_eval(capsys, store, "--gold", GOLD, "--json", "--limit", "1", "--mode", "mentions").json()
    assert (found["notes"], found["mode"]) == (1, "mentions")


def test_codiesp_folder_scores_diagnoses_only(capsys: pytest.CaptureFixture[str], store: str) -> None:
    found = code_eval(capsys, store, "--gold", CODIESP_MINI, "--json", "--mode", "mentions").json()
    assert (found["format"], found["notes"], found["scored"]) == ("codiesp", 3, ["diagnoses"])
    assert found["diagnoses"]["full"]["tp"] + found["diagnoses"]["full"]["fn"] == 5
    assert "procedures" not in found


def test_table_report(capsys: pytest.CaptureFixture[str], store: str) -> None:
    outcome = code_eval(capsys, store, "--gold", GOLD)
    assert outcome.status == 0
    assert "Micro-averaged scores" in outcome.stdout
    assert "E/M level exact" in outcome.stdout


def test_a_missing_gold_set_is_named(capsys: pytest.CaptureFixture[str], store: str, tmp_path: Path) -> None:
    missing = tmp_path / "gold.yaml"
    outcome = code_eval(capsys, store, "--gold", str(missing))
    assert outcome.status == 1
    assert str(missing) in outcome.stderr


def test_limit_must_be_positive(capsys: pytest.CaptureFixture[str], store: str) -> None:
    assert code_eval(capsys, store, "--gold", GOLD, "--limit", "0").status == 2
