from datetime import date
from typing import Any

import pytest
from hypothesis import given

from revcycle.domain import (
    Address,
    ClaimFilingIndicator,
    Coverage,
    CoverageOrder,
    PersonName,
    ProviderKind,
    Relationship,
    Sex,
    Subscriber,
)
from revcycle.errors import InvalidRecord
from tests import strategies
from tests.domain.builders import make_address, make_coverage, make_patient, make_payer, make_provider

ADDRESS = Address(line1="1 Main St", city="Springfield", state="IL", postal_code="627011234")


# Names and addresses


@pytest.mark.parametrize(
    ("name", "written"),
    [
        (PersonName(last="Doe"), "Doe"),
        (PersonName(last="Doe", first="Jane"), "Doe, Jane"),
        (PersonName(last="Doe", first="Jane", middle="Q"), "Doe, Jane Q"),
        (PersonName(last="Doe", middle="Q"), "Doe, Q"),
        (PersonName(last="Doe", first="John", suffix="Jr"), "Doe, John Jr"),
        (PersonName(last="O'Brien", first="Seán"), "O'Brien, Seán"),
    ],
)
def test_a_person_name_is_written_last_name_first(name: PersonName, written: str) -> None:
    assert str(name) == written


@pytest.mark.parametrize(
    ("field", "limit"),
    [("last", 60), ("first", 35), ("middle", 25), ("suffix", 10)],
)
def test_name_parts_have_limits(field: str, limit: int) -> None:
    fields = {"last": "Doe", field: "x" * limit}
    assert getattr(PersonName(**fields), field) == "x" * limit

    with pytest.raises(InvalidRecord) as caught:
        PersonName(**{"last": "Doe", field: "x" * (limit + 1)})

    assert (caught.value.record, caught.value.field) == ("PersonName", field)
    assert f"at most {limit} are allowed" in caught.value.reason


def test_an_address_is_stripped_and_normalised() -> None:
    address = Address(line1=" 1 Main St ", line2="  ", city=" Springfield ", state=" il ", postal_code="62701-1234")

    assert address == ADDRESS
    assert address.line2 == ""


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"line1": ""}, "line1", "is required and empty"),
        ({"city": "   "}, "city", "is required and empty"),
        ({"city": "x" * 31}, "city", "at most 30"),
        ({"line2": "x" * 56}, "line2", "at most 55"),
        ({"postal_code": "6270"}, "postal_code", "is not a ZIP code"),
        ({"state": "I"}, "state", "is not a two-letter state code"),
    ],
)
def test_a_bad_address_names_its_field(fields: dict[str, str], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_address(**fields)

    assert (caught.value.record, caught.value.field) == ("Address", field)
    assert fragment in caught.value.reason


# Patients


def test_a_patient_with_codes_given_as_text() -> None:
    patient = make_patient(sex="M", medical_record_number=" MRN-1 ", address=ADDRESS)

    assert patient.sex is Sex.MALE
    assert patient.medical_record_number == "MRN-1"
    assert patient.address == ADDRESS


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(1980, 6, 15), date(2024, 6, 14), 43),
        (date(1980, 6, 15), date(2024, 6, 15), 44),
        (date(1980, 6, 15), date(1980, 6, 15), 0),
        (date(2000, 2, 29), date(2023, 2, 28), 22),
        (date(2000, 2, 29), date(2023, 3, 1), 23),
        (date(2000, 2, 29), date(2024, 2, 29), 24),
        (date(1999, 12, 31), date(2000, 1, 1), 0),
    ],
)
def test_age_on_the_date_of_service(birth: date, day: date, age: int) -> None:
    assert make_patient(birth_date=birth).age_on(day) == age


def test_a_patient_address_must_be_an_address() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_patient(address="1 Main St, Springfield IL")

    assert (caught.value.record, caught.value.field) == ("Patient", "address")
    assert caught.value.reason.startswith("'1 Main St, Springfield IL' is not a")
    assert caught.value.reason.endswith("Address")


# Providers


def test_a_provider_kind_may_be_given_by_its_code() -> None:
    provider = make_provider(kind="2", first_name="", taxonomy="282n00000x", tax_id="12-3456789")

    assert provider.kind is ProviderKind.ORGANIZATION
    assert (provider.taxonomy, provider.tax_id) == ("282N00000X", "123456789")


def test_display_names() -> None:
    assert make_provider().display_name == "Welby, Marcus"
    assert make_provider(first_name="").display_name == "Welby"
    assert make_provider(kind=ProviderKind.ORGANIZATION, name="Springfield Clinic", first_name="").display_name == (
        "Springfield Clinic"
    )


def test_an_organisation_has_no_first_name() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_provider(kind=ProviderKind.ORGANIZATION, name="Springfield Clinic", first_name="Marcus")

    assert (caught.value.record, caught.value.field) == ("Provider", "first_name")
    assert caught.value.reason == "an organisation has no first name"


def test_an_organisation_with_a_blank_first_name_is_fine() -> None:
    assert make_provider(kind=ProviderKind.ORGANIZATION, first_name="   ").first_name == ""


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"kind": "3"}, "kind", "is not one of 1, 2"),
        ({"taxonomy": "207Q0000X"}, "taxonomy", "is not a provider taxonomy code"),
        ({"tax_id": "12345"}, "tax_id", "is not a tax id (nine digits)"),
        ({"name": ""}, "name", "is required and empty"),
        ({"id": "prov 1"}, "id", "is not an identifier"),
    ],
)
def test_a_bad_provider_names_its_field(fields: dict[str, str], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_provider(**fields)

    assert (caught.value.record, caught.value.field) == ("Provider", field)
    assert fragment in caught.value.reason


# Payers


@pytest.mark.parametrize("days", [1, 90, 365, 3650, None])
def test_timely_filing_days(days: int | None) -> None:
    assert make_payer(timely_filing_days=days).timely_filing_days == days


@pytest.mark.parametrize(
    ("days", "fragment"), [(0, "0 is outside 1..3650"), (3651, "3651 is outside 1..3650"), (True, "not a whole number")]
)
def test_timely_filing_days_out_of_range_are_refused(days: object, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_payer(timely_filing_days=days)

    assert (caught.value.record, caught.value.field) == ("Payer", "timely_filing_days")
    assert fragment in caught.value.reason


def test_an_unknown_claim_filing_indicator_is_refused() -> None:
    assert make_payer(claim_filing_indicator="MB").claim_filing_indicator is ClaimFilingIndicator.MEDICARE_PART_B

    with pytest.raises(InvalidRecord) as caught:
        make_payer(claim_filing_indicator="XX")

    assert (caught.value.record, caught.value.field) == ("Payer", "claim_filing_indicator")
    assert "'XX' is not one of" in caught.value.reason


# Coverage


def test_the_patient_is_the_subscriber_by_default() -> None:
    coverage = make_coverage()

    assert coverage.relationship is Relationship.SELF
    assert coverage.subscriber is None


def test_a_dependant_coverage_names_its_subscriber() -> None:
    subscriber = Subscriber(name=PersonName(last="Doe", first="John"), birth_date=date(1978, 1, 2), sex=Sex.MALE)
    coverage = make_coverage(relationship="01", subscriber=subscriber, order="S")

    assert coverage.relationship is Relationship.SPOUSE
    assert coverage.order is CoverageOrder.SECONDARY
    assert coverage.subscriber == subscriber
    assert subscriber.sex is Sex.MALE


def test_a_self_coverage_with_another_subscriber_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_coverage(relationship=Relationship.SELF, subscriber=Subscriber(name=PersonName(last="Doe")))

    assert (caught.value.record, caught.value.field) == ("Coverage", "subscriber")
    assert "the patient is the subscriber (relationship 18)" in caught.value.reason


@pytest.mark.parametrize("relationship", [Relationship.CHILD, Relationship.SPOUSE, "G8"])
def test_a_dependant_coverage_without_a_subscriber_is_refused(relationship: Any) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_coverage(relationship=relationship)

    assert (caught.value.record, caught.value.field) == ("Coverage", "subscriber")
    assert "the subscriber is required" in caught.value.reason


def test_coverage_cannot_end_before_it_starts() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_coverage(effective_from=date(2024, 1, 1), effective_to=date(2023, 12, 31))

    assert (caught.value.record, caught.value.field) == ("Coverage", "effective_to")
    assert caught.value.reason == "coverage ends before it starts"


def test_coverage_of_one_day() -> None:
    coverage = make_coverage(effective_from=date(2024, 1, 1), effective_to=date(2024, 1, 1))

    assert coverage.is_active_on(date(2024, 1, 1))
    assert not coverage.is_active_on(date(2024, 1, 2))


@pytest.mark.parametrize(
    ("effective_from", "effective_to", "day", "active"),
    [
        (None, None, date(1900, 1, 1), True),
        (date(2024, 1, 1), None, date(2023, 12, 31), False),
        (date(2024, 1, 1), None, date(2099, 12, 31), True),
        (None, date(2024, 6, 30), date(2024, 6, 30), True),
        (None, date(2024, 6, 30), date(2024, 7, 1), False),
        (date(2024, 1, 1), date(2024, 6, 30), date(2024, 3, 15), True),
    ],
)
def test_coverage_is_active_within_its_dates(
    effective_from: date | None, effective_to: date | None, day: date, active: bool
) -> None:
    assert make_coverage(effective_from=effective_from, effective_to=effective_to).is_active_on(day) is active


def test_a_subscriber_must_be_a_subscriber() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_coverage(relationship=Relationship.CHILD, subscriber=PersonName(last="Doe"))

    assert (caught.value.record, caught.value.field) == ("Coverage", "subscriber")
    assert "is not a Subscriber" in caught.value.reason


def test_a_subscriber_birth_date_must_be_a_date() -> None:
    with pytest.raises(InvalidRecord) as caught:
        Subscriber(name=PersonName(last="Doe"), birth_date="1978-01-02")  # type: ignore[arg-type]

    assert (caught.value.record, caught.value.field) == ("Subscriber", "birth_date")
    assert "is not a date" in caught.value.reason


@given(strategies.coverages())
def test_coverage_is_active_on_its_first_and_last_day(coverage: Coverage) -> None:
    for day in (coverage.effective_from, coverage.effective_to):
        if day is not None:
            assert coverage.is_active_on(day)


@pytest.mark.parametrize(("indicator", "medicare"), [("MA", True), ("MB", True), ("16", False), ("CI", False)])
def test_only_medicare_part_a_and_b_are_original_medicare(indicator: str, medicare: bool) -> None:
    assert make_payer(claim_filing_indicator=indicator).is_medicare is medicare
