from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revcycle.domain import Claim, Patient, Remittance
from revcycle.domain.interchange import record_from_json, record_to_json
from revcycle.errors import InvalidRecord
from tests import strategies
from tests.demo_data import demo_document

STRATEGIES: list[Callable[[], st.SearchStrategy[Any]]] = [
    strategies.patients,
    strategies.providers,
    strategies.payers,
    strategies.coverages,
    strategies.encounters,
    strategies.claims,
    strategies.remittances,
    strategies.ledger_entries,
]


@pytest.mark.parametrize("strategy", STRATEGIES, ids=[strategy.__name__ for strategy in STRATEGIES])
def test_json_round_trip(strategy: Callable[[], st.SearchStrategy[Any]]) -> None:
    @settings(max_examples=60, deadline=None)
    @given(record=strategy())
    def check(record: Any) -> None:
        text = json.dumps(record_to_json(record))
        assert record_from_json(type(record), json.loads(text)) == record

    check()


def test_money_is_written_as_decimal_strings() -> None:
    claim = record_from_json(Claim, demo_document()["claims"][0])
    written = record_to_json(claim)
    assert written["total_charge"] == "217.00"
    assert written["lines"][0]["charge"] == "185.00"  # type: ignore[index,call-overload]


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (lambda c: c["lines"][1].update(charge=32.5), "lines[1].charge", "float"),
        (lambda c: c["lines"][1].update(charge=True), "lines[1].charge", "bool"),
        (lambda c: c.update(total_charge="1.00"), "total_charge", "not the sum of the line charges"),
        (lambda c: c.update(place_of_service="00"), "place_of_service", "not a place-of-service code"),
        (lambda c: c["lines"][0].update(service_date="09/08/2026"), "lines[0].service_date", "YYYY-MM-DD"),
        (lambda c: c["lines"][0].update(service_date=20260908), "lines[0].service_date", "a number"),
        (lambda c: c["lines"][0].update(diagnosis_pointers=[4]), "lines[0].diagnosis_pointers", "points past"),
        (lambda c: c.update(lines={}), "lines", "expected a list"),
        (lambda c: c.update(diagnoses=["E11.22"]), "diagnoses[0]", "expected an object"),
        (lambda c: c["lines"][0].update(extra=1), "lines[0].extra", "not a field of ServiceLine"),
        (lambda c: c.pop("patient_id"), "patient_id", "is required"),
        (lambda c: c.update(kind="dental"), "kind", "not one of professional, institutional"),
        (lambda c: c["diagnoses"][0].update(code="E11.2.2"), "diagnoses[0].code", "not an ICD-10-CM code"),
    ],
)
def test_bad_claim_json_names_the_field(change: Callable[[dict[str, Any]], object], field: str, reason: str) -> None:
    document = demo_document()["claims"][0]
    change(document)
    with pytest.raises(InvalidRecord) as caught:
        record_from_json(Claim, document)
    assert caught.value.record == "Claim"
    assert caught.value.field == field
    assert reason in caught.value.reason


def test_not_an_object() -> None:
    with pytest.raises(InvalidRecord, match="expected an object, found a list"):
        record_from_json(Patient, [])


def test_nested_path_prefix() -> None:
    remittance = demo_document()["remittances"][0]
    remittance["claims"][0]["service_payments"][1]["adjustments"][0]["group"] = "XX"
    with pytest.raises(InvalidRecord) as caught:
        record_from_json(Remittance, remittance, "remittances[0]")
    assert caught.value.field == "remittances[0].claims[0].service_payments[1].adjustments[0].group"
