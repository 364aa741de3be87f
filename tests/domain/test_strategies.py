import dataclasses
import unicodedata
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revcycle.domain import (
    Claim,
    ClaimFrequency,
    ClaimKind,
    ClinicalNote,
    Coverage,
    LedgerEntry,
    Provider,
    ProviderKind,
    Relationship,
    Remittance,
    is_valid_npi,
)
from tests import strategies

RECORD_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "person_names": strategies.person_names(),
    "addresses": strategies.addresses(),
    "patients": strategies.patients(),
    "providers": strategies.providers(),
    "payers": strategies.payers(),
    "subscribers": strategies.subscribers(),
    "coverages": strategies.coverages(),
    "diagnoses": strategies.diagnoses(),
    "clinical_notes": strategies.clinical_notes(),
    "encounters": strategies.encounters(),
    "sources": strategies.sources(),
    "service_lines": strategies.service_lines(),
    "institutional_service_lines": strategies.service_lines(kind=ClaimKind.INSTITUTIONAL),
    "claims": strategies.claims(),
    "adjustments": strategies.adjustments(),
    "service_payments": strategies.service_payments(),
    "claim_payments": strategies.claim_payments(),
    "provider_adjustments": strategies.provider_adjustments(),
    "remittances": strategies.remittances(),
    "postings": strategies.postings(),
    "ledger_entries": strategies.ledger_entries(),
}


def rebuild(value: Any) -> Any:
    """The value with every record in it made again from its fields, innermost first, so each re-validates."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {field.name: rebuild(getattr(value, field.name)) for field in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(rebuild(item) for item in value)
    return value


def one_line_texts_in(value: Any) -> list[str]:
    """Every string held anywhere in a record, but the text of clinical notes (which may span lines)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            text
            for field in dataclasses.fields(value)
            if not (isinstance(value, ClinicalNote) and field.name == "text")
            for text in one_line_texts_in(getattr(value, field.name))
        ]
    if isinstance(value, tuple):
        return [text for item in value for text in one_line_texts_in(item)]
    return [value] if isinstance(value, str) else []


# Generating a remittance or claim takes tens of milliseconds; a loaded machine must not fail the health check.
SLOW_DATA = settings(suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", sorted(RECORD_STRATEGIES))
@settings(SLOW_DATA, max_examples=50)
@given(data=st.data())
def test_strategy_records_rebuild_equal(name: str, data: st.DataObject) -> None:
    record = data.draw(RECORD_STRATEGIES[name])

    assert dataclasses.replace(record) == record
    rebuilt = rebuild(record)
    assert rebuilt == record
    # The same representation too: money keeps its two places and quantities their canonical form.
    assert repr(rebuilt) == repr(record)
    # One-line text is already stripped and free of control characters and line separators.
    for value in one_line_texts_in(record):
        assert value == value.strip()
        assert not any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value)


@SLOW_DATA
@given(strategies.claims())
def test_claims_keep_the_billing_rules(claim: Claim) -> None:
    assert claim.total_charge == sum((line.charge for line in claim.lines), Decimal("0.00"))
    assert 1 <= len(claim.lines) <= 5
    assert [line.line_number for line in claim.lines] == list(range(1, len(claim.lines) + 1))
    for line in claim.lines:
        assert all(1 <= pointer <= len(claim.diagnoses) for pointer in line.diagnosis_pointers)
        assert line.service_date_end is None or line.service_date_end >= line.service_date
    if claim.kind is ClaimKind.PROFESSIONAL:
        assert claim.place_of_service is not None
        assert all(line.diagnosis_pointers for line in claim.lines)
    else:
        assert claim.facility_type_code is not None
        assert claim.statement_from is not None
        assert claim.statement_to is not None
        assert all(line.revenue_code is not None for line in claim.lines)
        assert all(claim.statement_from <= line.service_date <= claim.statement_to for line in claim.lines)
    assert (claim.frequency is ClaimFrequency.ORIGINAL) == (claim.original_claim_reference is None)


@given(strategies.coverages())
def test_coverages_have_a_subscriber_unless_the_patient_is_one(coverage: Coverage) -> None:
    assert (coverage.relationship is Relationship.SELF) == (coverage.subscriber is None)


@given(strategies.providers())
def test_providers_have_valid_npis(provider: Provider) -> None:
    assert is_valid_npi(provider.npi)
    assert provider.npi[0] in "12"
    if provider.kind is ProviderKind.ORGANIZATION:
        assert provider.first_name == ""


@given(strategies.ledger_entries())
def test_ledger_entries_balance(entry: LedgerEntry) -> None:
    assert 2 <= len(entry.postings) <= 6
    assert sum(posting.amount for posting in entry.postings) == 0
    assert all(posting.amount != 0 for posting in entry.postings)
    assert any(posting.amount > 0 for posting in entry.postings)
    assert any(posting.amount < 0 for posting in entry.postings)


@SLOW_DATA
@given(strategies.remittances())
def test_remittances_stay_small_and_in_range(remittance: Remittance) -> None:
    limit = Decimal("999999999.99")
    assert len(remittance.claims) <= 3
    assert abs(remittance.payment_amount) <= limit
    assert abs(remittance.total_paid - remittance.provider_adjustment_total) <= limit
    for claim in remittance.claims:
        assert len(claim.service_payments) <= 3
        assert abs(claim.paid) <= limit


@given(st.data())
def test_money_and_quantities_have_their_canonical_form(data: st.DataObject) -> None:
    amount = data.draw(strategies.money_amounts())
    units = data.draw(strategies.quantities())

    assert amount.as_tuple().exponent == -2
    assert abs(amount) <= Decimal("999999999.99")
    assert units > 0
    written = str(units)
    assert "E" not in written
    assert "." not in written or not written.endswith("0")
