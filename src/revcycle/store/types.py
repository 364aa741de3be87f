"""Exact decimal column types that stay exact on SQLite too.

SQLite has no decimal type: a NUMERIC column stores a binary float, so cents could drift and SUM would add floats.
On SQLite these types store whole numbers of the smallest unit (cents, thousandths) in an INTEGER column, where
storage and SUM are exact; on PostgreSQL they are plain NUMERIC. Python code sees `Decimal` either way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Dialect, Numeric
from sqlalchemy.types import TypeDecorator, TypeEngine


class _ScaledDecimal(TypeDecorator[Decimal]):
    """A Decimal with a fixed number of places: NUMERIC(precision, places), or scaled INTEGER on SQLite."""

    impl = Numeric
    cache_ok = True
    precision = 14
    places = 2

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.places, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Decimal | int | None:
        if value is None or dialect.name != "sqlite":
            return value
        scaled = value.scaleb(self.places)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.places} decimal places")
        return int(scaled)

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            # An integer from the column, or from SUM/TOTAL over it (TOTAL returns a float of a whole number).
            return Decimal(int(value)).scaleb(-self.places)  # type: ignore[call-overload]
        return Decimal(value)  # type: ignore[arg-type]


class MoneyType(_ScaledDecimal):
    """Dollars and cents: NUMERIC(14, 2); integer cents on SQLite."""

    cache_ok = True
    precision = 14
    places = 2


class QuantityType(_ScaledDecimal):
    """Units and quantities: NUMERIC(15, 3); integer thousandths on SQLite."""

    cache_ok = True
    precision = 15
    places = 3
