from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revcycle.domain import Adjustment, AdjustmentGroup, Posting, format_money, money, quantity
from revcycle.domain.money import MAX_MONEY, MAX_QUANTITY, MoneyError
from revcycle.errors import InvalidRecord
from tests import strategies
from tests.domain.builders import make_line


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("125.5"), "125.50"),
        (Decimal("125.50"), "125.50"),
        ("125.5", "125.50"),
        (" 125.50 ", "125.50"),
        (7, "7.00"),
        ("-3.1", "-3.10"),
        ("1E+2", "100.00"),
        ("0", "0.00"),
        ("-0.00", "0.00"),
        (Decimal("-0"), "0.00"),
        ("999999999999.99", "999999999999.99"),
        ("-999999999999.99", "-999999999999.99"),
    ],
)
def test_money_has_exactly_two_places(value: Any, expected: str) -> None:
    amount = money(value)

    assert isinstance(amount, Decimal)
    assert str(amount) == expected


def test_money_refuses_a_float_saying_so() -> None:
    with pytest.raises(MoneyError) as caught:
        money(100.5)

    assert "float" in str(caught.value)
    assert "decimal string" in str(caught.value)


def test_a_float_charge_is_refused_by_the_service_line() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_line(charge=100.5)

    assert caught.value.record == "ServiceLine"
    assert caught.value.field == "charge"
    assert "100.5 is a float" in caught.value.reason
    assert "not a float" in caught.value.reason


def test_a_float_that_is_a_whole_number_of_cents_is_still_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        Posting(account="Assets:Cash", amount=0.25)  # type: ignore[arg-type]

    assert (caught.value.record, caught.value.field) == ("Posting", "amount")
    assert "float" in caught.value.reason


def test_money_refuses_a_bool() -> None:
    with pytest.raises(MoneyError) as caught:
        money(True)

    assert "bool" in str(caught.value)


@pytest.mark.parametrize("value", ["1.005", Decimal("0.001"), "-12.345"])
def test_money_refuses_fractions_of_a_cent(value: object) -> None:
    with pytest.raises(MoneyError) as caught:
        money(value)

    assert "fractions of a cent" in str(caught.value)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", Decimal("sNaN")])
def test_money_refuses_non_finite_numbers(value: object) -> None:
    with pytest.raises(MoneyError) as caught:
        money(value)

    assert "not a finite number" in str(caught.value) or "not a decimal number" in str(caught.value)


@pytest.mark.parametrize("value", ["", "abc", "12.3.4", "$12.00", "1,000.00"])
def test_money_refuses_text_that_is_not_a_number(value: str) -> None:
    with pytest.raises(MoneyError) as caught:
        money(value)

    assert "is not a decimal number" in str(caught.value)


@pytest.mark.parametrize("value", [None, [1], b"1.00", date(2024, 1, 1)])
def test_money_refuses_other_types(value: object) -> None:
    with pytest.raises(MoneyError) as caught:
        money(value)

    assert "must be a decimal string" in str(caught.value)


@pytest.mark.parametrize("value", [MAX_MONEY + Decimal("0.01"), -MAX_MONEY - Decimal("0.01"), 10**12])
def test_money_refuses_amounts_too_large_for_the_store(value: object) -> None:
    with pytest.raises(MoneyError) as caught:
        money(value)

    assert "larger than 999999999999.99" in str(caught.value)


@pytest.mark.parametrize("value", ["1e30", 10**30, Decimal("9E+999999"), "-1e28"])
def test_money_refuses_a_huge_amount_as_bad_input(value: object) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_line(charge=value)

    assert (caught.value.record, caught.value.field) == ("ServiceLine", "charge")
    assert "larger than" in caught.value.reason


def test_quantity_refuses_a_huge_quantity_as_bad_input() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_line(units="1e26")

    assert (caught.value.record, caught.value.field) == ("ServiceLine", "units")
    assert "larger than" in caught.value.reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2, "2"),
        ("2.000", "2"),
        (Decimal("2.0"), "2"),
        ("0.500", "0.5"),
        ("1.25", "1.25"),
        ("0.001", "0.001"),
        ("1E+1", "10"),
        ("-1.50", "-1.5"),
        ("-0", "0"),
    ],
)
def test_quantity_has_one_canonical_form(value: Any, expected: str) -> None:
    assert str(quantity(value)) == expected


def test_quantity_refuses_more_than_three_places() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_line(units="1.0005")

    assert (caught.value.record, caught.value.field) == ("ServiceLine", "units")
    assert "more than three decimal places" in caught.value.reason


def test_quantity_refuses_a_float() -> None:
    with pytest.raises(InvalidRecord) as caught:
        Adjustment(
            group=AdjustmentGroup.CONTRACTUAL_OBLIGATION,
            reason_code="45",
            amount=Decimal(1),
            quantity=1.5,  # type: ignore[arg-type]
        )

    assert (caught.value.record, caught.value.field) == ("Adjustment", "quantity")
    assert "a quantity must be a decimal string, not a float" in caught.value.reason


def test_quantity_refuses_numbers_too_large_for_the_store() -> None:
    with pytest.raises(MoneyError) as caught:
        quantity(MAX_QUANTITY + Decimal("0.001"))

    assert "larger than" in str(caught.value)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("5"), "5.00"),
        (Decimal("1234567.8"), "1234567.80"),
        (Decimal("-0.05"), "-0.05"),
        (Decimal("1E+3"), "1000.00"),
    ],
)
def test_format_money_writes_two_places_without_exponent(amount: Decimal, expected: str) -> None:
    assert format_money(amount) == expected


@given(strategies.money_amounts())
def test_money_is_idempotent_and_survives_text(amount: Decimal) -> None:
    assert money(amount) == amount
    assert str(money(str(amount))) == str(amount)
    assert money(format_money(amount)) == amount


@given(st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1))
def test_money_from_whole_cents_is_exact(cents: int) -> None:
    assert money(Decimal(cents).scaleb(-2)) * 100 == cents


@given(strategies.quantities())
def test_quantity_is_idempotent(units: Decimal) -> None:
    assert str(quantity(units)) == str(units)
    assert str(quantity(str(units))) == str(units)
