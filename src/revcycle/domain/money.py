"""Money and quantities: always `Decimal`, made by one helper each, never from a float.

A float cannot hold most cent amounts exactly (0.1 + 0.2 != 0.3), and a ledger that is off by a cent does not
balance; so every amount enters revcycle through `money`, which refuses floats outright instead of rounding them.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from revcycle.domain.fields import FieldError

CENT = Decimal("0.01")
ZERO_MONEY = Decimal("0.00")
# Numeric(14, 2) in the store: twelve digits before the point.
MAX_MONEY = Decimal("999999999999.99")
QUANTITY_STEP = Decimal("0.001")
MAX_QUANTITY = Decimal("999999999999.999")

# ASCII digits only: Decimal() would also take other scripts' digits and underscores, which no payer file holds.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

type MoneyInput = Decimal | int | str
"""What `money` accepts: a Decimal, an int or a decimal string such as ``"125.50"``."""


class MoneyError(FieldError):
    """An amount that cannot be money; records turn it into `InvalidRecord` naming the field."""


def _to_decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool | float):
        raise MoneyError(f"{value!r} is a {type(value).__name__}; {what} must be a decimal string, not a float")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str) and not _PLAIN_NUMBER.fullmatch(value.strip()):
        raise MoneyError(f"{value!r} is not a decimal number (digits, an optional sign and point)")
    elif isinstance(value, int | str):
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise MoneyError(f"{value!r} is not a decimal number") from None
    else:
        raise MoneyError(f"{value!r} is a {type(value).__name__}; {what} must be a decimal string")
    if not number.is_finite():
        raise MoneyError(f"{value!r} is not a finite number")
    return number


# Amounts already made money, by value: readers of large files meet the same amounts again and again. The result
# depends only on the number (1.0 and 1.00 both give 1.00), so equal Decimals share it. Only Decimal inputs are
# looked up: a float equal to a cached Decimal must still be refused.
_MONEY_MADE: dict[Decimal, Decimal] = {}
_MONEY_CACHE_SIZE = 65_536


def money(value: object) -> Decimal:
    """An amount in dollars with exactly two decimal places.

    Raises:
        MoneyError: for floats, non-numbers, more than two decimal places (cents are never rounded away) or
            amounts too large for the store.
    """
    if not (isinstance(value, Decimal) and type(value) is Decimal and value.is_finite()):
        return _money(value)
    made = _MONEY_MADE.get(value)
    if made is None:
        made = _money(value)
        if len(_MONEY_MADE) >= _MONEY_CACHE_SIZE:
            _MONEY_MADE.clear()
        _MONEY_MADE[value] = made
    return made


def _money(value: object) -> Decimal:
    number = _to_decimal(value, "money")
    # The size first: quantizing a huge number would overflow the decimal context.
    if abs(number) > MAX_MONEY:
        raise MoneyError(f"{value!r} is larger than {MAX_MONEY}")
    if number != number.quantize(CENT):
        raise MoneyError(f"{value!r} has fractions of a cent")
    return number.quantize(CENT) + 0  # + 0 folds -0.00 into 0.00


def quantity(value: object) -> Decimal:
    """A count of units (service units, NDC quantity, CAS quantity) with at most three decimal places.

    Raises:
        MoneyError: for floats, non-numbers, more than three decimal places or numbers too large for the store.
    """
    number = _to_decimal(value, "a quantity")
    if abs(number) > MAX_QUANTITY:
        raise MoneyError(f"{value!r} is larger than {MAX_QUANTITY}")
    if number != number.quantize(QUANTITY_STEP):
        raise MoneyError(f"{value!r} has more than three decimal places")
    # One canonical form (2, 0.5), whatever the input or the database column scale (2.000).
    if number == number.to_integral_value():
        return number.quantize(Decimal(1)) + 0
    return number.normalize()


def format_money(amount: Decimal) -> str:
    """The amount as a plain decimal string with two places, as X12 and JSON output carry it."""
    return f"{amount.quantize(CENT):f}"
