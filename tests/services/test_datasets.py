from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine

from revcycle.errors import InputFileError
from revcycle.services.datasets import import_dataset, parse_dataset
from revcycle.services.demo import demo_dataset
from revcycle.services.records import RECORD_KINDS
from revcycle.services.summary import summarize
from revcycle.store import UnitOfWork
from tests.demo_data import demo_document


def stored_counts(engine: Engine) -> dict[str, int]:
    with UnitOfWork(engine) as unit:
        return {name: kind.of(unit).count() for name, kind in RECORD_KINDS.items()}


def test_import_then_again_changes_nothing(engine: Engine) -> None:
    first = import_dataset(engine, demo_dataset())
    counts = stored_counts(engine)
    second = import_dataset(engine, demo_dataset())
    assert first.total_added == demo_dataset().size
    assert second.total_added == 0
    assert stored_counts(engine) == counts


def test_a_conflict_late_in_the_file_stores_nothing(engine: Engine) -> None:
    import_dataset(engine, parse_dataset({"patients": demo_document()["patients"][:1]}))
    document = demo_document()
    document["patients"][0]["birth_date"] = "1999-09-09"
    with pytest.raises(InputFileError) as caught:
        import_dataset(engine, parse_dataset(document, "office.json"))
    assert caught.value.path == "office.json"
    assert caught.value.location == "patients[0]"
    assert "different content" in caught.value.reason
    assert stored_counts(engine)["patients"] == 1
    assert stored_counts(engine)["claims"] == 0


def test_a_missing_reference_names_the_record_and_field(engine: Engine) -> None:
    document = demo_document()
    document["claims"][3]["coverage_id"] = "COV-NOPE"
    with pytest.raises(InputFileError) as caught:
        import_dataset(engine, parse_dataset(document, "office.json"))
    assert caught.value.location == "claims[3].coverage_id"
    assert "COV-NOPE" in caught.value.reason
    assert set(stored_counts(engine).values()) == {0}


def test_the_same_id_twice_with_different_content_is_a_conflict(engine: Engine) -> None:
    document = demo_document()
    twin = dict(document["payers"][0], name="Another name")
    document["payers"].append(twin)
    with pytest.raises(InputFileError, match=r"payers\[0\]"):
        import_dataset(engine, parse_dataset(document))
    assert set(stored_counts(engine).values()) == {0}


def test_summary_totals_are_exact(engine: Engine) -> None:
    import_dataset(engine, demo_dataset())
    summary = summarize(engine)
    dataset = demo_dataset()
    assert summary.total_charge == sum((claim.total_charge for claim in dataset.records["claims"]), Decimal(0))
    assert summary.total_payment == dataset.records["remittances"][0].payment_amount
    assert summary.counts["practices"] == 2
    assert summary.counts["claims"] == 5


def test_the_demo_remittance_balances() -> None:
    remittance = demo_dataset().records["remittances"][0]
    assert remittance.imbalance == 0
    assert all(claim.imbalance == 0 for claim in remittance.claims)
