"""`revcycle code decide`: a coder's decisions recorded from a file, and `code note --organisation` using them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from revcycle.services.database import engine_for
from revcycle.services.datasets import import_dataset, parse_dataset
from tests.api.helpers import prerequisites_of_claims
from tests.cli.helpers import Outcome, revcycle

SHORTHAND = (
    "Date of service: 09/08/2026\nChief complaint: follow-up.\nAssessment: sugar kidneys, stable.\nPlan: continue."
)
TAUGHT = {"decision": "add", "final_code": "E11.22", "evidence_text": "sugar kidneys"}
EDITED = {"decision": "edit", "suggested_code": "N18.9", "final_code": "N18.31", "evidence_text": "CKD 3a"}


@pytest.fixture
def url(database_url: str) -> str:
    """A migrated database holding the demo dataset's patients, providers and encounters."""
    import_dataset(engine_for(database_url), parse_dataset(prerequisites_of_claims()))
    return database_url


def decisions_file(folder: Path, *decisions: dict[str, Any], **change: Any) -> str:
    document = {"organisation": "riverbend", "encounter_id": "ENC-1", "decided_by": "coder-1"}
    path = folder / "decisions.json"
    path.write_text(json.dumps(document | {"decisions": list(decisions)} | change), encoding="utf-8")
    return str(path)


def decide(capsys: pytest.CaptureFixture[str], url: str, path: str, *arguments: str) -> Outcome:
    return revcycle(capsys, "--db", url, "code", "decide", path, *arguments)


def test_a_batch_is_recorded_once(capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path) -> None:
    path = decisions_file(tmp_path, TAUGHT, EDITED)
    first = decide(capsys, url, path, "--json")
    assert first.status == 0, first.stderr
    found = first.json()
    assert len(found["recorded"]) == 2
    assert [(item["phrase"], item["code"]) for item in found["synonyms"]] == [
        ("sugar kidneys", "E11.22"),
        ("ckd 3a", "N18.31"),
    ]
    again = decide(capsys, url, path, "--json").json()
    assert again == {"recorded": [], "unchanged": found["recorded"], "synonyms": []}
    shown = decide(capsys, url, path)
    assert shown.status == 0
    assert "0 decision(s) recorded" in " ".join(shown.stdout.split())


def test_tables_name_the_synonyms_changed(capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path) -> None:
    outcome = decide(capsys, url, decisions_file(tmp_path, TAUGHT))
    assert outcome.status == 0
    assert "1 decision(s) recorded on encounter ENC-1 for riverbend" in " ".join(outcome.stdout.split())
    assert "sugar kidneys" in outcome.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "line 1 column 2: not valid JSON"),
        (json.dumps({"organisation": "riverbend", "encounter_id": "ENC-1", "decisions": []}), "decisions: must be"),
        (
            json.dumps({"organisation": "o", "encounter_id": "ENC-1", "decisions": [{**TAUGHT, "final_code": "ABC"}]}),
            "decisions[0].final_code: 'ABC' is not a icd10cm code",
        ),
    ],
)
def test_a_bad_file_is_named_with_the_place(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    outcome = decide(capsys, url, str(path))
    assert outcome.status == 1
    assert str(path) in outcome.stderr
    assert message in " ".join(outcome.stderr.split())


def test_an_unknown_encounter_or_missing_file_fails_cleanly(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    unknown = decide(capsys, url, decisions_file(tmp_path, TAUGHT, encounter_id="ENC-99"))
    assert unknown.status == 1
    assert "decisions.json: encounter_id: refers to 'ENC-99'" in " ".join(unknown.stderr.split())
    missing = decide(capsys, url, str(tmp_path / "none.json"))
    assert missing.status == 1
    assert "cannot be read" in missing.stderr


def test_code_note_uses_the_organisations_synonyms(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path, reference_store_path: Path
) -> None:
    note = tmp_path / "note.txt"
    note.write_text(SHORTHAND, encoding="utf-8")

    def coded(*organisation: str) -> list[str]:
        arguments = ("code", "note", str(note), "--store", str(reference_store_path), "--no-embeddings", "--json")
        outcome = revcycle(capsys, "--db", url, *arguments, *organisation)
        assert outcome.status == 0, outcome.stderr
        return [item["code"] for item in outcome.json()["diagnoses"]]

    assert coded("--organisation", "riverbend") == []
    assert decide(capsys, url, decisions_file(tmp_path, TAUGHT)).status == 0
    assert coded("--organisation", "riverbend") == ["E11.22"]
    assert coded("--organisation", "lakeside") == []
    assert coded() == []
