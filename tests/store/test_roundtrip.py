"""Every record type, with every field, survives the store unchanged on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from revcycle.domain import (
    Claim,
    ClaimFilingIndicator,
    ClaimKind,
    Coverage,
    CoverageOrder,
    Diagnosis,
    Encounter,
    Patient,
    Payer,
    PaymentMethod,
    PersonName,
    Provider,
    ProviderKind,
    Remittance,
    ServiceLine,
    Sex,
    npi_check_digit,
)
from revcycle.store import UnitOfWork
from revcycle.store.repository import Repository, referenced_table
from tests import strategies

PARENT_PATIENT = "parent-patient"
PARENT_PAYER = "parent-payer"
PARENT_PROVIDER = "parent-provider"
PARENT_COVERAGE = "parent-coverage"
DAY = date(2026, 1, 5)


def minimal_parent(table: str, record_id: str) -> tuple[str, Any]:
    """A small valid record of the kind stored in ``table`` with ``record_id``, and its repository name."""
    if table == "patients":
        return "patients", Patient(id=record_id, name=PersonName(last="Parent"), birth_date=DAY, sex=Sex.UNKNOWN)
    if table == "providers":
        npi = "123456789" + npi_check_digit("123456789")
        return "providers", Provider(id=record_id, kind=ProviderKind.ORGANIZATION, npi=npi, name="Parent")
    if table == "payers":
        return "payers", Payer(
            id=record_id, name="Parent", payer_identifier="P", claim_filing_indicator=ClaimFilingIndicator.COMMERCIAL
        )
    if table == "coverages":
        coverage = Coverage(
            id=record_id, patient_id=PARENT_PATIENT, payer_id=PARENT_PAYER, order=CoverageOrder.PRIMARY, member_id="M"
        )
        return "coverages", coverage
    if table == "encounters":
        encounter = Encounter(
            id=record_id,
            patient_id=PARENT_PATIENT,
            start_date=DAY,
            place_of_service="11",
            billing_provider_id=PARENT_PROVIDER,
        )
        return "encounters", encounter
    if table == "claims":
        line = ServiceLine(
            line_number=1,
            procedure_code="99213",
            units=Decimal(1),
            charge=Decimal("1.00"),
            service_date=DAY,
            diagnosis_pointers=(1,),
        )
        claim = Claim(
            id=record_id,
            kind=ClaimKind.PROFESSIONAL,
            patient_control_number="PCN",
            patient_id=PARENT_PATIENT,
            coverage_id=PARENT_COVERAGE,
            billing_provider_id=PARENT_PROVIDER,
            place_of_service="11",
            diagnoses=(Diagnosis(code="I10"),),
            lines=(line,),
            total_charge=Decimal("1.00"),
        )
        return "claims", claim
    if table == "remittances":
        remittance = Remittance(
            id=record_id,
            payer_name="Parent",
            payer_identifier="P",
            payment_amount=Decimal("0.00"),
            payment_method=PaymentMethod.NON_PAYMENT,
            payment_date=DAY,
            trace_number="T",
        )
        return "remittances", remittance
    raise AssertionError(f"no parent for {table}")


def ensure(unit: UnitOfWork, table: str, record_id: str) -> None:
    """Store a minimal record in ``table`` with ``record_id`` (and the parents it needs) unless one exists."""
    repository_name, record = minimal_parent(table, record_id)
    repository: Repository[Any] = getattr(unit, repository_name)
    if repository.find(record_id) is not None:
        return
    for field, parent_id in repository.references(record):
        parent_table = referenced_table(field.rsplit(".", 1)[-1])
        assert parent_table is not None
        ensure(unit, parent_table.name, parent_id)
    repository.add(record)


def round_trip(engine: Engine, repository_name: str, record: Any) -> Any:
    """Store ``record`` with the parents it refers to, read it back in a new unit of work, then roll back."""
    with engine.connect() as connection:
        outer = connection.begin()
        try:
            with UnitOfWork(connection) as unit:
                ensure(unit, "patients", PARENT_PATIENT)
                ensure(unit, "payers", PARENT_PAYER)
                ensure(unit, "providers", PARENT_PROVIDER)
                ensure(unit, "coverages", PARENT_COVERAGE)
                repository: Repository[Any] = getattr(unit, repository_name)
                for field, parent_id in repository.references(record):
                    parent_table = referenced_table(field.rsplit(".", 1)[-1])
                    assert parent_table is not None
                    ensure(unit, parent_table.name, parent_id)
                assert repository.add(record) is True
                assert repository.add(record) is False
                unit.commit()
            with UnitOfWork(connection) as unit:
                return getattr(unit, repository_name).get(record.id)
        finally:
            outer.rollback()


CASES: list[tuple[str, Callable[[], st.SearchStrategy[Any]]]] = [
    ("patients", strategies.patients),
    ("providers", strategies.providers),
    ("payers", strategies.payers),
    ("coverages", strategies.coverages),
    ("encounters", strategies.encounters),
    ("claims", strategies.claims),
    ("remittances", strategies.remittances),
    ("ledger", strategies.ledger_entries),
]


@pytest.mark.parametrize(("repository_name", "strategy"), CASES, ids=[name for name, _ in CASES])
def test_every_record_round_trips(
    engine: Engine, repository_name: str, strategy: Callable[[], st.SearchStrategy[Any]]
) -> None:
    # Each example rolls back its own transaction, so sharing the fixture's database between examples is safe.
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(record=strategy())
    def check(record: Any) -> None:
        assert round_trip(engine, repository_name, record) == record

    check()
