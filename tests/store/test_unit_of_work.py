from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from revcycle.domain import LedgerEntry, Patient, PersonName, Posting, Sex
from revcycle.errors import Conflict, InvalidRecord, NotFound
from revcycle.store import UnitOfWork


def patient(patient_id: str, last: str = "Testperson") -> Patient:
    return Patient(id=patient_id, name=PersonName(last=last), birth_date=date(1950, 1, 1), sex=Sex.FEMALE)


def test_commit_keeps_and_leaving_without_commit_rolls_back(engine: Engine) -> None:
    with UnitOfWork(engine) as unit:
        unit.patients.add(patient("P1"))
        unit.commit()
    with UnitOfWork(engine) as unit:
        unit.patients.add(patient("P2"))
    with UnitOfWork(engine) as unit:
        assert unit.patients.ids() == ["P1"]


def test_an_error_rolls_back_everything(engine: Engine) -> None:
    def add_three() -> None:
        with UnitOfWork(engine) as unit:
            unit.patients.add(patient("P1"))
            unit.patients.add(patient("P2"))
            unit.patients.add(patient("P1", last="Other"))
            unit.commit()

    with pytest.raises(Conflict):
        add_three()
    with UnitOfWork(engine) as unit:
        assert unit.patients.count() == 0


def test_add_is_idempotent(engine: Engine) -> None:
    with UnitOfWork(engine) as unit:
        assert unit.patients.add(patient("P1")) is True
        assert unit.patients.add(patient("P1")) is False
        unit.commit()
    with UnitOfWork(engine) as unit:
        assert unit.patients.count() == 1


def test_get_missing(engine: Engine) -> None:
    with UnitOfWork(engine) as unit, pytest.raises(NotFound, match="Patient 'P9' not found"):
        unit.patients.get("P9")


def test_reference_to_missing_record(engine: Engine) -> None:
    entry = LedgerEntry(
        id="E1",
        posted_on=date(2026, 1, 2),
        description="charge",
        postings=(
            Posting(account="Assets:Receivable:Insurance", amount=Decimal("10.00")),
            Posting(account="Income:Charges", amount=Decimal("-10.00")),
        ),
        patient_id="P404",
    )
    with UnitOfWork(engine) as unit, pytest.raises(InvalidRecord) as caught:
        unit.ledger.add(entry)
    assert caught.value.field == "patient_id"


def test_money_sums_exactly_in_the_database(engine: Engine) -> None:
    """Ten thousand postings of 0.01 and 0.10 balance to the cent (floats would drift)."""
    with UnitOfWork(engine) as unit:
        for number in range(5000):
            unit.ledger.add(
                LedgerEntry(
                    id=f"E{number}",
                    posted_on=date(2026, 1, 2),
                    description="tiny",
                    postings=(
                        Posting(account="Assets:Receivable:Patients", amount=Decimal("0.10")),
                        Posting(account="Assets:Receivable:Insurance", amount=Decimal("0.01")),
                        Posting(account="Income:Charges", amount=Decimal("-0.11")),
                    ),
                )
            )
        unit.commit()
    with UnitOfWork(engine) as unit:
        balances = unit.ledger.balances()
    assert balances == {
        "Assets:Receivable:Patients": Decimal("500.00"),
        "Assets:Receivable:Insurance": Decimal("50.00"),
        "Income:Charges": Decimal("-550.00"),
    }
    assert all(isinstance(value, Decimal) for value in balances.values())
