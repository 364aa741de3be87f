"""Recording a coder's decisions: one unit of work, idempotent, and the synonyms each kind of decision teaches."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from revcycle.errors import Conflict, InvalidRecord
from revcycle.services.coding_decisions import (
    decisions_json,
    encounter_decisions,
    normalise_code,
    normalise_phrase,
    parse_batch,
    record_decisions,
    synonym_table,
    synonyms_of,
)
from revcycle.services.datasets import import_dataset, parse_dataset
from revcycle.store import tables
from tests.api.helpers import prerequisites_of_claims

NOW = datetime(2026, 9, 8, 16, 0, tzinfo=UTC)


def batch(*decisions: dict[str, Any], **change: Any) -> dict[str, Any]:
    document = {"organisation": "riverbend", "encounter_id": "ENC-1", "decided_by": "coder-1"}
    return document | {"decisions": list(decisions)} | change


EDIT = {"decision": "edit", "suggested_code": "E11.9", "final_code": "e1122", "evidence_text": "Diabetic  nephropathy."}
ACCEPT = {"decision": "accept", "suggested_code": "I10", "evidence_text": "essential hypertension"}
ADD = {"decision": "add", "final_code": "N18.31", "evidence_text": "CKD stage 3a"}
REJECT = {"decision": "reject", "suggested_code": "I10", "evidence_text": "Essential hypertension"}
CPT = {"decision": "accept", "code_system": "cpt", "suggested_code": "20610", "evidence_text": "knee injection"}


@pytest.fixture
def stored(engine: Engine) -> Engine:
    import_dataset(engine, parse_dataset(prerequisites_of_claims()))
    return engine


def record(engine: Engine, *decisions: dict[str, Any], **change: Any) -> dict[str, Any]:
    return record_decisions(engine, parse_batch(batch(*decisions, **change), NOW)).as_json()


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        decisions = connection.scalar(select(func.count()).select_from(tables.coding_decisions))
        synonyms = connection.scalar(select(func.sum(tables.coding_synonyms.c.times_confirmed)))
    return int(decisions or 0), int(synonyms or 0)


def test_phrases_and_codes_are_normalised() -> None:
    assert normalise_phrase("  Diabetic \n nephropathy. ") == "diabetic nephropathy"
    assert normalise_code("e1122", "icd10cm") == "E11.22"
    assert normalise_code("I10", "icd10cm") == "I10"
    assert normalise_code("99213", "cpt") == "99213"
    assert normalise_code("j3301", "hcpcs") == "J3301"
    assert normalise_code("99213", "hcpcs") == "99213"
    assert normalise_code("E11.22", "cpt") is None
    assert normalise_code("hello", "icd10cm") is None


def test_edits_and_adds_teach_synonyms_and_only_icd10cm_feeds_the_coder(stored: Engine) -> None:
    outcome = record(stored, EDIT, ADD, {**CPT, "decision": "add", "suggested_code": None, "final_code": "20610"})
    assert len(outcome["recorded"]) == 3
    assert outcome["unchanged"] == []
    assert [(item["phrase"], item["code"], item["times_confirmed"]) for item in outcome["synonyms"]] == [
        ("diabetic nephropathy", "E11.22", 1),
        ("ckd stage 3a", "N18.31", 1),
        ("knee injection", "20610", 1),
    ]
    assert synonyms_of(stored, "riverbend") == [("ckd stage 3a", "N18.31"), ("diabetic nephropathy", "E11.22")]
    assert synonyms_of(stored, "lakeside") == []
    assert [item.code for item in synonym_table(stored, "riverbend")] == ["N18.31", "E11.22", "20610"]


def test_an_accept_confirms_a_taught_pair_and_teaches_none(stored: Engine) -> None:
    assert record(stored, ACCEPT, CPT)["synonyms"] == []
    assert synonym_table(stored, "riverbend") == []
    record(stored, {**EDIT, "evidence_text": "essential hypertension", "suggested_code": "I10", "final_code": "I11.9"})
    accepted = {**ACCEPT, "suggested_code": "I11.9"}
    assert record(stored, accepted)["synonyms"][0]["times_confirmed"] == 2
    assert synonyms_of(stored, "riverbend") == [("essential hypertension", "I11.9")]


def test_recording_the_same_batch_twice_changes_nothing(stored: Engine) -> None:
    first = record(stored, EDIT, ACCEPT, ADD)
    again = record(stored, EDIT, ACCEPT, ADD)
    assert again == {"recorded": [], "unchanged": first["recorded"], "synonyms": []}
    assert counts(stored) == (3, 2)
    with_ids = [{**EDIT, "id": "ui-1", "decided_at": "2026-09-08T18:00:00+02:00"}]
    record(stored, *with_ids)
    assert record(stored, *with_ids)["unchanged"] == ["ui-1"]
    assert counts(stored) == (4, 3)
    retried = {**ADD, "decided_at": "2026-09-09T08:00:00Z"}
    assert record(stored, retried)["unchanged"] == first["recorded"][2:]
    with pytest.raises(Conflict):
        record(stored, {**with_ids[0], "decided_at": "2026-09-09T08:00:00Z"})


def test_the_same_key_with_other_content_is_a_conflict_and_nothing_is_kept(stored: Engine) -> None:
    record(stored, {**EDIT, "id": "ui-1"})
    with pytest.raises(Conflict, match="ui-1"):
        record(stored, ADD, {**EDIT, "id": "ui-1", "final_code": "E11.21"})
    assert counts(stored) == (1, 1)


def test_a_reject_takes_one_confirmation_away_and_removes_the_pair_at_zero(stored: Engine) -> None:
    record(stored, {**ADD, "final_code": "I10", "evidence_text": "essential hypertension"})
    record(stored, ACCEPT, decided_by="coder-2")
    assert record(stored, REJECT)["synonyms"][0]["times_confirmed"] == 1
    assert synonyms_of(stored, "riverbend") == [("essential hypertension", "I10")]
    assert record(stored, REJECT, decided_by="coder-2")["synonyms"][0]["times_confirmed"] == 0
    assert synonyms_of(stored, "riverbend") == []
    assert record(stored, REJECT, decided_by="coder-3")["synonyms"] == []
    assert len(encounter_decisions(stored, "ENC-1")) == 5


def test_decisions_are_kept_with_the_encounter(stored: Engine) -> None:
    record(stored, {**EDIT, "decided_at": "2026-09-08T10:00:00Z", "decided_by": "coder-9"})
    shown = decisions_json(encounter_decisions(stored, "ENC-1"))
    assert shown == [
        {
            "id": shown[0]["id"],
            "organisation": "riverbend",
            "encounter_id": "ENC-1",
            "code_system": "icd10cm",
            "suggested_code": "E11.9",
            "decision": "edit",
            "final_code": "E11.22",
            "evidence_text": "Diabetic  nephropathy.",
            "decided_by": "coder-9",
            "decided_at": "2026-09-08T10:00:00+00:00",
        }
    ]


def test_an_unknown_encounter_is_refused(stored: Engine) -> None:
    with pytest.raises(InvalidRecord, match="ENC-99") as raised:
        record(stored, EDIT, encounter_id="ENC-99")
    assert raised.value.field == "encounter_id"
    assert counts(stored) == (0, 0)


@pytest.mark.parametrize(
    ("document", "field", "reason"),
    [
        ([], "", "JSON object"),
        (batch(), "decisions", "non-empty list"),
        (batch(EDIT, organisation=""), "organisation", "non-empty"),
        (batch({**EDIT, "decision": "maybe"}), "decisions[0].decision", "not one of"),
        (batch({**EDIT, "code_system": "snomed"}), "decisions[0].code_system", "not one of"),
        (batch({**EDIT, "final_code": "ABC"}), "decisions[0].final_code", "not a icd10cm code"),
        (batch({**EDIT, "final_code": None}), "decisions[0].final_code", "needs the code the coder chose"),
        (batch({**EDIT, "final_code": "E11.9"}), "decisions[0].final_code", "use accept"),
        (batch({**ACCEPT, "final_code": "I11.9"}), "decisions[0].final_code", "use edit"),
        (batch({**REJECT, "final_code": "I10"}), "decisions[0].final_code", "no final code"),
        (batch({**ADD, "suggested_code": "N18.30"}), "decisions[0].suggested_code", "use edit"),
        (batch({**ACCEPT, "suggested_code": None}), "decisions[0].suggested_code", "needs the code"),
        (batch({**ADD, "evidence_text": " . "}), "decisions[0].evidence_text", "words"),
        (batch({**ADD, "evidence_text": "x" * 201}), "decisions[0].evidence_text", "at most 200"),
        (batch({**ADD, "decided_at": "yesterday"}), "decisions[0].decided_at", "ISO 8601"),
        (batch(ADD, decided_by=None), "decisions[0].decided_by", "required"),
        (batch() | {"decisions": ["accept"]}, "decisions[0]", "object"),
    ],
)
def test_bad_batches_name_the_field(document: Any, field: str, reason: str) -> None:
    with pytest.raises(InvalidRecord, match=reason) as raised:
        parse_batch(document)
    assert raised.value.field == field
