"""The evaluation harness on hand-made predictions: exact figures on tiny gold sets, both gold formats, worst misses."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pytest

from revcycle.coding.evaluation import (
    EvaluationReport,
    GoldNote,
    GoldSet,
    NoteOutcome,
    Prediction,
    Score,
    diagnosis_code,
    evaluate,
    load_gold,
    query_matches,
)
from revcycle.coding.result import ClinicianQuery, CodingResult, DiagnosisSuggestion, EmLevel, ProcedureSuggestion
from revcycle.errors import InputFileError, RevcycleError
from revcycle.refdata.store import ReferenceStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "coding"
CODIESP_MINI = FIXTURES / "codiesp_mini"
EVAL_GOLD = FIXTURES / "eval" / "gold.yaml"
DAY = date(2026, 5, 4)


def result(
    diagnoses: tuple[str, ...] = (),
    procedures: tuple[str, ...] = (),
    em: str | None = None,
    queries: tuple[str, ...] = (),
) -> CodingResult:
    return CodingResult(
        encounter_date=date(2026, 3, 12),
        mode="billing",
        diagnoses=tuple(DiagnosisSuggestion(code, "", (), 0.9, "") for code in diagnoses),
        procedures=tuple(ProcedureSuggestion(code, (), 1, (), "") for code in procedures),
        queries=tuple(ClinicianQuery(about, "?", (), ()) for about in queries),
        em=EmLevel(em, "mdm", "low", "low", "low", None, (), ()) if em else None,
    )


@dataclass
class FixtureCoder:
    """Answers each note's text with a prepared result; raises for text it has no answer for."""

    answers: dict[str, CodingResult]
    calls: list[tuple[str, date | None, str]] = field(default_factory=list)

    def code(self, text: str, *, day: date | None = None, mode: str = "billing") -> CodingResult:
        self.calls.append((text, day, mode))
        if text not in self.answers:
            raise RuntimeError("no answer prepared")
        return self.answers[text]


GOLD = GoldSet(
    Path("gold.yaml"),
    "revcycle",
    (
        GoldNote("a", "note a", date(2026, 3, 12), ("I12.9", "E11.22", "N18.32"), ("99214",), "99214", ("CKD stage",)),
        GoldNote("b", "note b", date(2026, 3, 13), ("J45.909",), ("99213", "96372"), "99213"),
        GoldNote("c", "note c", None, ("S52.521A",), (), None, ("fracture laterality",)),
    ),
)
CODER_ANSWERS = {
    "note a": result(("E11.22", "N18.30", "I10"), ("99214",), "99214", ("CKD stage (3a or 3b)",)),
    "note b": result(("J45.909", "R05.9"), ("99214", "96372"), "99214"),
}


@pytest.fixture
def coder() -> FixtureCoder:
    return FixtureCoder(dict(CODER_ANSWERS))


def test_each_note_is_coded_once_with_its_date_and_the_mode(coder: FixtureCoder) -> None:
    evaluate(coder, GOLD, "mentions")
    assert coder.calls == [
        ("note a", date(2026, 3, 12), "mentions"),
        ("note b", date(2026, 3, 13), "mentions"),
        ("note c", None, "mentions"),
    ]


def test_diagnoses_at_full_code_level(coder: FixtureCoder) -> None:
    score = evaluate(coder, GOLD, "billing").score("diagnoses", "full")
    assert score == Score(tp=2, fp=3, fn=3, notes=3)
    assert (score.precision, score.recall, score.f1) == (0.4, 0.4, 0.4)


def test_diagnoses_at_category_level(coder: FixtureCoder) -> None:
    score = evaluate(coder, GOLD, "billing").score("diagnoses", "category")
    assert score == Score(tp=3, fp=2, fn=2, notes=3)  # N18.30 for N18.32 counts at 3 characters, I10 for I12 not
    assert (score.precision, score.recall, score.f1) == (0.6, 0.6, 0.6)


def test_subdivided_level_equals_full_on_a_gold_set_of_todays_leaves(coder: FixtureCoder) -> None:
    report = evaluate(coder, GOLD, "billing")
    assert report.score("diagnoses", "subdivided") == report.score("diagnoses", "full")


def test_a_gold_code_subdivided_since_is_matched_by_one_child() -> None:
    from revcycle.coding.evaluation import as_subdivided_gold, subdivided_gold

    gold = {"R51", "M54.5", "I10"}
    assert subdivided_gold("R51.9", gold) == "R51"
    assert subdivided_gold("M54.50", gold) == "M54.5"
    assert subdivided_gold("I10", gold) == "I10"
    assert subdivided_gold("R52", gold) == "R52"  # a prefix of the gold code, not a child of it
    assert subdivided_gold("E11.9", {"E11.65"}) == "E11.9"
    # one child counts as the gold code; a second child under it stays a false positive
    assert as_subdivided_gold(["R51.0", "R51.9", "I10", "J45.909"], gold) == {"R51", "R51.9", "I10", "J45.909"}
    outcome = NoteOutcome(
        GoldNote("n", "", None, ("R51", "M54.5", "I10")), Prediction(diagnoses=("R51.9", "M54.50", "J45.909"))
    )
    assert outcome.codes("diagnoses", "full") == ({"R51", "M54.5", "I10"}, {"R51.9", "M54.50", "J45.909"})
    assert outcome.codes("diagnoses", "subdivided") == ({"R51", "M54.5", "I10"}, {"R51", "M54.5", "J45.909"})


def test_procedures_rounded_to_four_places(coder: FixtureCoder) -> None:
    score = evaluate(coder, GOLD, "billing").score("procedures")
    assert score == Score(tp=2, fp=1, fn=1, notes=3)
    assert (score.precision, score.recall, score.f1) == (0.6667, 0.6667, 0.6667)


def test_em_accuracy_over_notes_with_a_gold_level(coder: FixtureCoder) -> None:
    em = evaluate(coder, GOLD, "billing").em_accuracy()
    assert (em.exact, em.notes, em.accuracy) == (1, 2, 0.5)
    assert [(item.note, item.gold, item.predicted) for item in em.mismatches] == [("b", "99213", "99214")]


def test_query_recall_by_containment_either_way(coder: FixtureCoder) -> None:
    queries = evaluate(coder, GOLD, "billing").query_recall()
    assert (queries.matched, queries.topics, queries.recall) == (1, 2, 0.5)
    assert query_matches("CKD stage", "ckd STAGE 3a or 3b")
    assert query_matches("heart failure type and acuity", "Heart failure type")
    assert not query_matches("fracture laterality", "fracture encounter")
    assert not query_matches("CKD stage", "")


def test_a_crash_is_reported_and_scored_as_nothing(coder: FixtureCoder) -> None:
    report = evaluate(coder, GOLD, "billing")
    assert [item.gold.id for item in report.crashes] == ["c"]
    assert report.crashes[0].prediction.error == "RuntimeError: no answer prepared"
    assert report.to_json()["crashes"] == [{"note": "c", "error": "RuntimeError: no answer prepared"}]


def test_limit_codes_only_the_first_notes(coder: FixtureCoder) -> None:
    report = evaluate(coder, GOLD, "billing", limit=2)
    assert [outcome.gold.id for outcome in report.outcomes] == ["a", "b"]
    assert report.score("diagnoses") == Score(tp=2, fp=3, fn=2, notes=2)
    with pytest.raises(RevcycleError, match="limit must be at least 1"):
        evaluate(coder, GOLD, "billing", limit=0)


def test_worst_misses_most_frequent_first_with_example_notes() -> None:
    outcomes = tuple(
        NoteOutcome(GoldNote(f"n{index}", "", None, gold), Prediction(diagnoses=predicted))
        for index, (gold, predicted) in enumerate(
            [
                (("I10", "E11.9"), ("I10", "R05.9")),
                (("E11.9", "N18.30"), ("R05.9",)),
                (("E11.9",), ("R05.9", "Z79.4")),
                (("E11.9", "N18.30"), ("E11.9",)),
                (("E11.9",), ()),
            ]
        )
    )
    report = EvaluationReport(Path("gold.yaml"), "revcycle", "billing", outcomes)
    missed, wrong = report.misses("diagnoses", top=2)
    assert [(miss.code, miss.count, miss.notes) for miss in missed] == [
        ("E11.9", 4, ("n0", "n1", "n2")),
        ("N18.30", 2, ("n1", "n3")),
    ]
    assert [(miss.code, miss.count) for miss in wrong] == [("R05.9", 3), ("Z79.4", 1)]
    missed_categories, _ = report.misses("diagnoses", "category", top=1)
    assert [(miss.code, miss.count) for miss in missed_categories] == [("E11", 4)]


def test_report_json_shape(coder: FixtureCoder) -> None:
    found = evaluate(coder, GOLD, "billing").to_json(top=15)
    assert found["scored"] == ["diagnoses", "procedures"]
    full = {"precision": 0.4, "recall": 0.4, "f1": 0.4, "tp": 2, "fp": 3, "fn": 3, "notes": 3}
    assert found["diagnoses"]["full"] == full
    assert found["diagnoses"]["category"]["f1"] == 0.6
    assert found["em"]["accuracy"] == 0.5
    assert found["queries"] == {"recall": 0.5, "matched": 1, "topics": 2}
    assert found["worst_misses"]["diagnoses"]["false_negatives"][0] == {"code": "I12.9", "count": 1, "notes": ["a"]}
    first = found["per_note"][0]
    assert first["diagnoses"] == {
        "gold": ["I12.9", "E11.22", "N18.32"],
        "predicted": ["E11.22", "N18.30", "I10"],
        "fn": ["I12.9", "N18.32"],
        "fp": ["I10", "N18.30"],
    }
    assert first["em"] == {"gold": "99214", "predicted": "99214"}


def test_codes_are_compared_upper_case_with_a_dot_after_three_characters() -> None:
    assert diagnosis_code("q62.11") == "Q62.11"
    assert diagnosis_code("e1122") == "E11.22"
    assert diagnosis_code(" n23 ") == "N23"
    assert diagnosis_code("S52.521A") == "S52.521A"


def test_nothing_predicted_and_nothing_expected_score_zero_not_undefined() -> None:
    assert (Score(0, 0, 0, 1).precision, Score(0, 0, 0, 1).recall, Score(0, 0, 0, 1).f1) == (0.0, 0.0, 0.0)


def test_codiesp_folder_is_read_as_diagnoses_only() -> None:
    gold = load_gold(CODIESP_MINI)
    assert gold.format == "codiesp"
    assert not gold.scores_procedures
    assert [note.id for note in gold.notes] == ["A-1", "B-2", "C-3"]
    assert gold.notes[0].diagnoses == ("Q62.11", "N28.89", "R31.9")
    assert gold.notes[0].text.startswith("A 30-year-old man with haematuria.")
    assert gold.notes[0].procedures == ()
    assert gold.notes[2].diagnoses == ()
    assert gold.notes[0].day is None


def test_codiesp_report_scores_diagnoses_only() -> None:
    gold = load_gold(CODIESP_MINI)
    answers = {gold.notes[0].text: result(("Q62.11", "N13.5")), gold.notes[1].text: result(("I10", "E11.9"))}
    answers[gold.notes[2].text] = result()
    report = evaluate(FixtureCoder(answers), gold, "mentions")
    assert report.kinds == ("diagnoses",)
    assert report.score("diagnoses") == Score(tp=3, fp=1, fn=2, notes=3)
    found = report.to_json()
    assert "procedures" not in found
    assert "em" not in found
    assert set(found["worst_misses"]) == {"diagnoses"}


def test_a_folder_that_is_not_codiesp_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not a CodiEsp split folder"):
        load_gold(tmp_path)


def test_a_codiesp_article_without_text_is_named(tmp_path: Path) -> None:
    (tmp_path / "text_files_en").mkdir()
    (tmp_path / "trainD.tsv").write_text("Z-9\ti10\n")
    with pytest.raises(InputFileError, match="article Z-9: no text"):
        load_gold(tmp_path)


def test_yaml_gold_set_is_read() -> None:
    gold = load_gold(EVAL_GOLD)
    assert gold.format == "revcycle"
    assert gold.scores_procedures
    first, second = gold.notes
    assert (first.id, first.day, first.diagnoses) == ("htn-dm2-ckd", date(2026, 3, 12), ("I12.9", "E11.22", "N18.32"))
    assert (first.procedures, first.em, first.queries) == (("99214",), "99214", ())
    assert "CKD stage 3b" in first.text
    assert (second.diagnoses, second.em, second.queries) == (("J45.20",), None, ("asthma severity",))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- id: x\n  file: n.txt\n", "note 1: diagnoses is missing"),
        ("- id: x\n  file: gone.txt\n  diagnoses: []\n", "note x: file: cannot read"),
        ("- id: x\n  file: n.txt\n  diagnoses: []\n  date: soon\n", "note x: date: 'soon' is not a date"),
        ("- id: x\n  file: n.txt\n  diagnoses: I10\n", "note x: diagnoses: expected a list"),
        ("- id: x\n  file: n.txt\n  diagnoses: []\n  em: 99213\n", "note x: em: expected"),
        ("id: x\n", "not a gold set"),
        ("- [unclosed\n", "line 2: not YAML"),
    ],
)
def test_malformed_yaml_names_the_place(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "n.txt").write_text("Assessment: hypertension.\n")
    gold = tmp_path / "gold.yaml"
    gold.write_text(content)
    with pytest.raises(InputFileError, match=message) as raised:
        load_gold(gold)
    assert str(gold) in str(raised.value)


def test_codiesp_codes_are_compared_without_7th_characters() -> None:
    from revcycle.coding.evaluation import codiesp_notation

    assert codiesp_notation("T14.8XXA") == "T14.8"
    assert codiesp_notation("W19.XXXA") == "W19"
    assert codiesp_notation("S52.509A") == "S52.509"
    assert codiesp_notation("E11.22") == "E11.22"
    assert codiesp_notation("I10") == "I10"


def test_unsound_names_a_code_not_billable_a_code_without_evidence_and_a_span_not_in_the_note(
    icd_store: ReferenceStore,
) -> None:
    from revcycle.coding.evaluation import unsound
    from revcycle.coding.result import Evidence

    text = "Type 2 diabetes. Hypertension."
    sound = DiagnosisSuggestion("E11.9", "", (Evidence(0, 15, "Type 2 diabetes"),), 0.9, "")
    assert unsound(icd_store, DAY, text, replace(result(), diagnoses=(sound,))) == []
    category = DiagnosisSuggestion("E11", "", (Evidence(0, 15, "Type 2 diabetes"),), 0.9, "")
    bare = DiagnosisSuggestion("I10", "", (), 0.9, "")
    moved = DiagnosisSuggestion("I10", "", (Evidence(0, 12, "Hypertension"),), 0.9, "")
    found = unsound(icd_store, DAY, text, replace(result(), diagnoses=(category, bare, moved)))
    assert found == [
        f"E11 is not billable on {DAY}",
        "I10 has no evidence",
        "I10: evidence 'Hypertension' is not the note's text at 0",
    ]
