"""The acceptance lines of the coding engine that a test can hold: figures on the gold set, and two invariants.

- On the gold set, billing mode: diagnosis precision >= 0.90 and recall >= 0.85 at full-code level; E/M level exact
  on >= 80% of the notes that document time or decision making.
- Every suggested code is billable on the encounter date, and every piece of evidence is the note's own text at
  the offsets it gives (checked on the gold set and on MTSamples notes).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from revcycle.coding.coder import Coder
from revcycle.coding.evaluation import EvaluationReport, evaluate, load_gold, unsound
from revcycle.coding.result import CodingResult
from tests.shared_files import shared_file

FIXTURES = Path(__file__).parent.parent / "fixtures" / "coding"
GOLD = FIXTURES / "gold" / "gold.yaml"


@pytest.fixture(scope="module")
def gold_report(coder: Coder) -> EvaluationReport:
    return evaluate(coder, load_gold(GOLD), "billing")


def test_gold_set_diagnoses_meet_the_acceptance_line(gold_report: EvaluationReport) -> None:
    score = gold_report.score("diagnoses", "full")
    assert score.precision >= 0.90, score.to_json()
    assert score.recall >= 0.85, score.to_json()


def test_gold_set_em_levels_meet_the_acceptance_line(gold_report: EvaluationReport) -> None:
    accuracy = gold_report.em_accuracy()
    assert accuracy.notes >= 35
    assert accuracy.accuracy >= 0.80, accuracy.to_json()


def test_no_gold_note_crashes(gold_report: EvaluationReport) -> None:
    assert gold_report.crashes == ()


def assert_sound(coder: Coder, text: str, result: CodingResult) -> None:
    assert unsound(coder.store, coder.judging_day(result.encounter_date), text, result) == []


def test_gold_suggestions_are_billable_with_evidence_from_the_note(coder: Coder) -> None:
    for note in load_gold(GOLD).notes:
        assert_sound(coder, note.text, coder.code(note.text, day=note.day))


def test_mtsamples_suggestions_are_billable_with_evidence_from_the_note(coder: Coder) -> None:
    path = shared_file("notes/mtsamples/mtsamples.csv")
    csv.field_size_limit(1 << 26)
    with path.open(newline="", encoding="utf-8") as file:
        notes = [row["transcription"] for row in csv.DictReader(file) if (row.get("transcription") or "").strip()]
    # Every 25th note: 200 notes of every specialty, in both modes (the benchmark codes all 4,999).
    for text in notes[::25]:
        for mode in ("billing", "mentions"):
            assert_sound(coder, text, coder.code(text, mode=mode))
