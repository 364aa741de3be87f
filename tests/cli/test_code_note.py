"""`revcycle code note`: notes in, the JSON contract or readable tables out, one coder for every file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import Outcome, revcycle

CODING = Path(__file__).resolve().parents[1] / "fixtures" / "coding"
NOTES = CODING / "eval" / "notes"
FHIR_BUNDLE = str(CODING / "fhir" / "office-visit-bundle.json")
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


def test_a_fhir_bundle_is_coded_on_its_encounter_date(capsys: pytest.CaptureFixture[str], store: str) -> None:
    found = code_note(capsys, store, FHIR_BUNDLE, "--json").json()
    assert set(found) == CONTRACT
    assert found["encounter_date"] == "2026-03-12"
    assert code_note(capsys, store, FHIR_BUNDLE, "--json", "--date", "2026-05-01").json()["encounter_date"] == (
        "2026-05-01"
    )


def test_a_fhir_bundle_shows_the_codes_it_records(capsys: pytest.CaptureFixture[str], store: str) -> None:
    outcome = code_note(capsys, store, FHIR_BUNDLE)
    assert outcome.status == 0
    assert "Codes the file records (FHIR)" in outcome.stdout
    assert "J7613" in outcome.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"resourceType": "Bundle",\n', "line 2 column 1: not valid JSON"),
        ('{"resourceType": "Patient", "id": "p"}', "resourceType: 'Patient': expected a Bundle"),
    ],
)
def test_json_that_is_not_a_fhir_note_is_refused(
    capsys: pytest.CaptureFixture[str], store: str, tmp_path: Path, content: str, message: str
) -> None:
    document = tmp_path / "note.json"
    document.write_text(content)
    outcome = code_note(capsys, store, str(document))
    assert outcome.status == 1
    assert f"{document}: {message}" in outcome.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "cannot be read"),
        ("{not json", "not JSON"),
        ("[1, 2]", "a JSON object was expected"),
        ('{"format": "something else"}', "another revcycle version"),
    ],
)
def test_a_learnt_model_that_cannot_be_used_is_named_with_the_reason(
    capsys: pytest.CaptureFixture[str], store: str, tmp_path: Path, content: str | None, reason: str
) -> None:
    model = tmp_path / "model.json"
    if content is not None:
        model.write_text(content)
    outcome = code_note(capsys, store, FIRST, "--mode", "mentions", "--learnt", str(model))
    assert outcome.status == 1
    assert str(model) in outcome.stderr
    assert reason in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_a_learnt_model_chooses_the_mentions(capsys: pytest.CaptureFixture[str], store: str, tmp_path: Path) -> None:
    from revcycle.coding.learnt_model import FEATURES, LearntModel, with_pairs

    # A model that keeps nothing (a bias far below its threshold) leaves mentions mode with no diagnosis.
    model = LearntModel.from_corpus([], [])
    width = len(with_pairs((0.0,) * len(FEATURES)))
    model.weights, model.mean, model.scale = (*(0.0,) * width, -20.0), (0.0,) * width, (1.0,) * width
    model.threshold = 0.5
    path = tmp_path / "model.json"
    model.save(path)
    plain = code_note(capsys, store, FIRST, "--json", "--mode", "mentions")
    learnt = code_note(capsys, store, FIRST, "--json", "--mode", "mentions", "--learnt", str(path))
    assert plain.status == learnt.status == 0
    assert plain.json()["diagnoses"]
    assert learnt.json()["diagnoses"] == []
