"""National Provider Identifier: ten digits whose last is a Luhn check digit over the 80840 card-issuer prefix.

CMS defines the check digit as the ISO/IEC 7812 Luhn digit computed as if the NPI were preceded by the prefix
80840 (health applications, United States), so a mistyped NPI is caught before a payer rejects the claim.
"""

from __future__ import annotations

NPI_PREFIX = "80840"


def _luhn_sum(digits: str) -> int:
    """The Luhn sum of ``digits`` whose last digit will be the check digit (so doubling starts at the right)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total


def npi_check_digit(first_nine: str) -> str:
    """The check digit that completes the first nine digits of an NPI."""
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError(f"{first_nine!r} is not nine digits")
    return str((10 - _luhn_sum(NPI_PREFIX + first_nine) % 10) % 10)


def npi_problem(value: str) -> str | None:
    """What is wrong with ``value`` as an NPI, or None when it is a valid one."""
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        return f"{value!r} is not an NPI: an NPI is 10 digits"
    if value[0] not in "12":
        return f"{value!r} is not an NPI: an NPI starts with 1 or 2"
    if npi_check_digit(value[:9]) != value[9]:
        return f"{value!r} is not an NPI: its check digit should be {npi_check_digit(value[:9])}"
    return None


def is_valid_npi(value: str) -> bool:
    """Whether ``value`` is ten digits starting with 1 or 2 with a correct 80840-prefixed Luhn check digit."""
    return npi_problem(value) is None
