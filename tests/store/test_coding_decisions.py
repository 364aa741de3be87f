"""Coding decisions and synonyms stored and read back, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from revcycle.services.datasets import import_dataset, parse_dataset
from revcycle.store import UnitOfWork
from revcycle.store.coding import CodingDecision, CodingDecisions, CodingSynonym
from tests.api.helpers import prerequisites_of_claims

MOMENT = datetime(2026, 9, 8, 14, 30, 15, 250000, tzinfo=UTC)


BASE = CodingDecision(
    id="",
    organisation="riverbend",
    encounter_id="ENC-1",
    code_system="icd10cm",
    suggested_code="E11.9",
    decision="edit",
    final_code="E11.22",
    evidence_text="diabetic nephropathy",
    decided_by="coder-1",
    decided_at=MOMENT,
)


def decision(key: str, **change: Any) -> CodingDecision:
    return replace(BASE, id=key, **change)


@pytest.fixture
def stored(engine: Engine) -> Engine:
    import_dataset(engine, parse_dataset(prerequisites_of_claims()))
    return engine


def test_decisions_read_back_as_stored(stored: Engine) -> None:
    given = [decision("d-1"), decision("d-2", decision="add", suggested_code=None, decided_at=MOMENT.replace(hour=15))]
    with UnitOfWork(stored) as unit:
        CodingDecisions(unit.connection).add(given)
        unit.commit()
    with UnitOfWork(stored) as unit:
        store = CodingDecisions(unit.connection)
        assert store.load(["d-1", "d-2", "d-3"]) == {"d-1": given[0], "d-2": given[1]}
        assert store.for_encounter("ENC-1") == given
        assert store.for_encounter("ENC-2") == []
        assert store.encounter_exists("ENC-1")
        assert not store.encounter_exists("ENC-99")


def test_a_decision_needs_a_stored_encounter(stored: Engine) -> None:
    with UnitOfWork(stored) as unit, pytest.raises(IntegrityError):
        CodingDecisions(unit.connection).add([decision("d-1", encounter_id="ENC-99")])


def test_a_synonym_is_replaced_and_removed_at_zero(stored: Engine) -> None:
    first = CodingSynonym("riverbend", "diabetic nephropathy", "E11.22", "icd10cm", 1, "d-1", "d-1")
    with UnitOfWork(stored) as unit:
        store = CodingDecisions(unit.connection)
        store.add([decision("d-1"), decision("d-2")])
        store.save_synonym(first)
        store.save_synonym(CodingSynonym("riverbend", "knee injection", "20610", "cpt", 1, "d-2", "d-2"))
        store.save_synonym(CodingSynonym("lakeside", "diabetic nephropathy", "E11.21", "icd10cm", 1, "d-2", "d-2"))
        unit.commit()
    with UnitOfWork(stored) as unit:
        store = CodingDecisions(unit.connection)
        assert store.synonym("riverbend", "diabetic nephropathy", "E11.22") == first
        assert [item.code for item in store.synonyms("riverbend")] == ["E11.22", "20610"]
        assert [item.code for item in store.synonyms("riverbend", "icd10cm")] == ["E11.22"]
        twice = CodingSynonym("riverbend", "diabetic nephropathy", "E11.22", "icd10cm", 2, "d-1", "d-2")
        store.save_synonym(twice)
        assert store.synonym("riverbend", "diabetic nephropathy", "E11.22") == twice
        store.save_synonym(CodingSynonym("riverbend", "diabetic nephropathy", "E11.22", "icd10cm", 0, "d-1", "d-2"))
        assert store.synonym("riverbend", "diabetic nephropathy", "E11.22") is None
        assert [item.organisation for item in store.synonyms("lakeside")] == ["lakeside"]
