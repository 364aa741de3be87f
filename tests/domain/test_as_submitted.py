"""Records made as submitted: rules of a well-formed record are listed, not raised; malformed values still raise."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from revcycle.domain import Provider, ProviderKind
from revcycle.domain.fields import as_submitted
from revcycle.errors import InvalidRecord
from tests.domain.builders import make_claim

GOOD_NPI = "1234567893"


def test_a_total_that_is_not_the_sum_is_listed_inside_and_refused_outside() -> None:
    claim = make_claim()
    with as_submitted() as broken:
        made = replace(claim, total_charge=claim.total_charge + Decimal("1.00"))
    assert made.total_charge == claim.total_charge + Decimal("1.00")
    assert [(error.record, error.field) for error in broken] == [("Claim", "total_charge")]
    with pytest.raises(InvalidRecord, match="sum of the line charges"):
        replace(claim, total_charge=claim.total_charge + Decimal("1.00"))


def test_a_wrong_npi_check_digit_is_a_rule_but_a_short_npi_is_malformed() -> None:
    with as_submitted() as broken:
        provider = Provider(id="P1", kind=ProviderKind.INDIVIDUAL, npi="1234567890", name="Doe")
    assert provider.npi == "1234567890"
    assert [error.field for error in broken] == ["npi"]
    with as_submitted(), pytest.raises(InvalidRecord, match="10 digits"):
        Provider(id="P1", kind=ProviderKind.INDIVIDUAL, npi="12345", name="Doe")
    assert Provider(id="P1", kind=ProviderKind.INDIVIDUAL, npi=GOOD_NPI, name="Doe").npi == GOOD_NPI
