"""`revcycle code note`: notes in, the JSON contract or readable tables out, one coder for every file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import Outcome, revcycle

NOTES = Path(__file__).resolve().parents[1] / "fixtures" / "coding" / "eval" / "notes"
FIRST = str(NOTES / "htn-dm2-ckd.txt")
SECOND = str(NOTES / "asthma.txt")
CONTRACT = {"encounter_date", "mode", "diagnoses", "excluded", "procedures", "queries", "em", "warnings"}


@pytest.fixture(scope="module")
def store(reference_store_path: Path) -> str:
    return str(reference_store_path)


def code_note(capsys: pytest.CaptureFixture[str], store: str, *arguments: str) -> Outcome:
    return revcycle(capsys, "code", "note", *arguments, "--store", store, "--no-embeddings")


def test_one_file_prints_the_result_object(capsys: pytest.CaptureFixture[str], store: str) -> None:
    outcome = code_note(capsys, store, FIRST, "--json")
    assert outcome.status == 0
    found = outcome.json()
    assert set(found) == CONTRACT
    assert found["mode"] == "billing"
    for diagnosis in found["diagnoses"]:
        assert {"code", "description", "evidence", "confidence", "rationale"} <= set(diagnosis)


def test_several_files_print_a_list_naming_each_file(capsys: pytest.CaptureFixture[str], store: str) -> None:
    outcome = code_note(capsys, store, FIRST, SECOND, "--json", "--mode", "mentions", "--date", "2026-05-01")
    assert outcome.status == 0
    found = outcome.json()
    assert [item["file"] for item in found] == [FIRST, SECOND]
    assert all(set(item) == CONTRACT | {"file"} for item in found)
    assert {item["mode"] for item in found} == {"mentions"}
    assert {item["encounter_date"] for item in found} == {"2026-05-01"}


def test_tables_without_json(capsys: pytest.CaptureFixture[str], store: str) -> None:
    outcome = code_note(capsys, store, FIRST)
    assert outcome.status == 0
    assert "htn-dm2-ckd.txt" in outcome.stdout
    assert "billing mode" in outcome.stdout


def test_an_unreadable_file_is_named(capsys: pytest.CaptureFixture[str], store: str, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-note.txt"
    outcome = code_note(capsys, store, FIRST, str(missing))
    assert outcome.status == 1
    assert str(missing) in outcome.stderr
    assert "cannot be read" in outcome.stderr
    assert outcome.stdout == ""


def test_a_file_that_is_not_text_is_named(capsys: pytest.CaptureFixture[str], store: str, tmp_path: Path) -> None:
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.7\n\xff\xfe\x00")
    outcome = code_note(capsys, store, str(binary), "--json")
    assert outcome.status == 1
    assert outcome.json() == {"error": f"{binary}: byte 9: not UTF-8 text"}


@pytest.mark.parametrize(
    ("option", "value"),
    [("--date", "2026-02-30"), ("--date", "yesterday"), ("--mode", "research")],
)
def test_bad_options_are_usage_errors(capsys: pytest.CaptureFixture[str], store: str, option: str, value: str) -> None:
    outcome = code_note(capsys, store, FIRST, option, value)
    assert outcome.status == 2
    assert option in outcome.stderr
