import pytest
from hypothesis import given
from hypothesis import strategies as st

from revcycle.domain import is_valid_npi, npi_check_digit
from revcycle.domain.npi import npi_problem
from revcycle.errors import InvalidRecord
from tests import strategies
from tests.domain.builders import CMS_EXAMPLE_NPI, make_provider, make_remittance


def luhn_valid(number: str) -> bool:
    """The textbook Luhn check, written independently of revcycle's: double every second digit from the right."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit // 10 + digit % 10
    return total % 10 == 0


def test_the_cms_example_npi_is_valid() -> None:
    assert npi_check_digit("123456789") == "3"
    assert is_valid_npi(CMS_EXAMPLE_NPI)
    assert make_provider(npi=CMS_EXAMPLE_NPI).npi == CMS_EXAMPLE_NPI


def test_an_npi_is_stripped() -> None:
    assert make_provider(npi=" 1234567893 ").npi == CMS_EXAMPLE_NPI


@pytest.mark.parametrize(
    ("npi", "fragment"),
    [
        ("1234567890", "its check digit should be 3"),
        ("1234567894", "its check digit should be 3"),
        ("123456789", "an NPI is 10 digits"),
        ("12345678931", "an NPI is 10 digits"),
        ("12345678A3", "an NPI is 10 digits"),
        ("ABCDEFGHIJ", "an NPI is 10 digits"),
        ("1234-56789", "an NPI is 10 digits"),
        ("\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff13", "an NPI is 10 digits"),
        ("", "an NPI is 10 digits"),
        ("3234567893", "an NPI starts with 1 or 2"),
        ("0234567893", "an NPI starts with 1 or 2"),
    ],
)
def test_a_malformed_npi_is_refused(npi: str, fragment: str) -> None:
    assert not is_valid_npi(npi)
    with pytest.raises(InvalidRecord) as caught:
        make_provider(npi=npi)

    assert caught.value.record == "Provider"
    assert caught.value.field == "npi"
    assert fragment in caught.value.reason
    assert "is not an NPI" in caught.value.reason


def test_an_npi_that_is_not_text_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_provider(npi=1234567893)

    assert (caught.value.record, caught.value.field) == ("Provider", "npi")
    assert "is not an NPI" in caught.value.reason


def test_a_bad_payee_npi_names_the_remittance_field() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_remittance(payee_npi="1234567890")

    assert (caught.value.record, caught.value.field) == ("Remittance", "payee_npi")
    assert "check digit should be 3" in caught.value.reason


@pytest.mark.parametrize(
    "first_nine", ["12345678", "1234567890", "12345678A", "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19"]
)
def test_the_check_digit_needs_nine_digits(first_nine: str) -> None:
    with pytest.raises(ValueError, match="is not nine digits"):
        npi_check_digit(first_nine)


def test_npi_problem_is_none_for_a_valid_npi() -> None:
    assert npi_problem(CMS_EXAMPLE_NPI) is None


@given(strategies.npis())
def test_generated_npis_pass_the_prefixed_luhn_check(npi: str) -> None:
    assert is_valid_npi(npi)
    assert luhn_valid("80840" + npi)


@given(strategies.npis(), st.integers(min_value=1, max_value=9))
def test_changing_the_check_digit_makes_an_npi_invalid(npi: str, change: int) -> None:
    wrong = npi[:9] + str((int(npi[9]) + change) % 10)

    assert not is_valid_npi(wrong)
    assert npi_problem(wrong) == f"{wrong!r} is not an NPI: its check digit should be {npi[9]}"


@given(st.from_regex(r"[12][0-9]{9}", fullmatch=True))
def test_validity_agrees_with_the_textbook_luhn_check(npi: str) -> None:
    assert is_valid_npi(npi) == luhn_valid("80840" + npi)


@given(strategies.npis(), st.integers(min_value=0, max_value=8), st.integers(min_value=1, max_value=9))
def test_a_single_mistyped_digit_is_caught(npi: str, position: int, change: int) -> None:
    typo = npi[:position] + str((int(npi[position]) + change) % 10) + npi[position + 1 :]

    assert not is_valid_npi(typo)
