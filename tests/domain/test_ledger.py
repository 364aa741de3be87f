import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revcycle.domain import LedgerEntry, Posting
from revcycle.domain.ledger import account
from revcycle.errors import InvalidRecord
from tests import strategies
from tests.domain.builders import make_entry


@pytest.mark.parametrize(
    "name",
    [
        "Assets:Cash",
        "Liabilities:Refunds-Due",
        "Equity:Opening",
        "Income:Charges:99213",
        "Expenses:Write-Off:Bad-Debt",
        "Assets:Receivable:Insurance:payer-1",
    ],
)
def test_accounts_have_a_root_and_names(name: str) -> None:
    assert account(name) == name
    assert account(f"  {name} ") == name


@pytest.mark.parametrize(
    "name",
    [
        "Assets",
        "Asset:Cash",
        "assets:cash",
        "Assets::Cash",
        "Assets:Cash:",
        "Assets:Ca sh",
        "Assets:-Cash",
        "Revenue:X",
    ],
)
def test_a_malformed_account_is_refused(name: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        Posting(account=name, amount=Decimal("1.00"))

    assert (caught.value.record, caught.value.field) == ("Posting", "account")
    assert "is not an account (one of Assets, Liabilities, Equity, Income, Expenses" in caught.value.reason


def test_a_posting_moves_money() -> None:
    posting = Posting(account="Assets:Cash", amount="-10")  # type: ignore[arg-type]

    assert posting.amount == Decimal("-10.00")
    assert str(posting.amount) == "-10.00"


@pytest.mark.parametrize("amount", [Decimal(0), Decimal("0.00"), Decimal("-0.00"), "0", 0])
def test_a_posting_of_zero_is_refused(amount: Any) -> None:
    with pytest.raises(InvalidRecord) as caught:
        Posting(account="Assets:Cash", amount=amount)

    assert (caught.value.record, caught.value.field) == ("Posting", "amount")
    assert caught.value.reason == "a posting moves a non-zero amount"


def test_a_balanced_entry() -> None:
    entry = make_entry(claim_id="clm-1", patient_id="pat-1")

    assert sum(posting.amount for posting in entry.postings) == 0
    assert entry.remittance_id is None


def test_an_entry_that_does_not_balance_is_refused() -> None:
    postings = (
        Posting(account="Assets:Receivable:Insurance:MEDICARE", amount=Decimal("125.00")),
        Posting(account="Income:Charges", amount=Decimal("-124.99")),
    )
    with pytest.raises(InvalidRecord) as caught:
        make_entry(postings=postings)

    assert (caught.value.record, caught.value.field) == ("LedgerEntry", "postings")
    assert caught.value.reason == "the postings sum to 0.01, not zero"


@pytest.mark.parametrize(
    "postings",
    [pytest.param((Posting(account="Assets:Cash", amount=Decimal("1.00")),), id="one"), pytest.param((), id="none")],
)
def test_an_entry_of_fewer_than_two_postings_is_refused(postings: tuple[Posting, ...]) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_entry(postings=postings)

    assert (caught.value.record, caught.value.field) == ("LedgerEntry", "postings")
    assert caught.value.reason == "an entry has at least two postings"


def test_a_split_payment_balances() -> None:
    postings = [
        Posting(account="Assets:Cash", amount=Decimal("70.00")),
        Posting(account="Expenses:Contractual", amount=Decimal("20.00")),
        Posting(account="Assets:Receivable:Patient", amount=Decimal("10.00")),
        Posting(account="Assets:Receivable:Insurance:MEDICARE", amount=Decimal("-100.00")),
    ]

    assert make_entry(postings=postings).postings == tuple(postings)


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"id": "entry 1"}, "id", "is not an identifier"),
        ({"posted_on": "2024-03-01"}, "posted_on", "is not a date"),
        ({"description": " "}, "description", "is required and empty"),
        ({"description": "x" * 201}, "description", "at most 200"),
        ({"postings": ({"account": "Assets:Cash", "amount": "1.00"},)}, "postings[0]", "is not a Posting"),
        ({"postings": None}, "postings", "is not a list"),
        ({"claim_id": "clm 1"}, "claim_id", "is not an identifier"),
        ({"remittance_id": ""}, "remittance_id", "is not an identifier"),
        ({"patient_id": "-p"}, "patient_id", "is not an identifier"),
    ],
)
def test_a_bad_entry_names_its_field(fields: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_entry(**fields)

    assert (caught.value.record, caught.value.field) == ("LedgerEntry", field)
    assert fragment in caught.value.reason


@given(strategies.ledger_entries(), st.integers(min_value=1, max_value=100_000), st.data())
def test_moving_any_posting_by_any_amount_unbalances_the_entry(
    entry: LedgerEntry, cents: int, data: st.DataObject
) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(entry.postings) - 1))
    changed = entry.postings[index]
    new_amount = changed.amount + Decimal(cents).scaleb(-2)
    if new_amount == 0:
        new_amount += Decimal("0.01")
    postings = list(entry.postings)
    postings[index] = dataclasses.replace(changed, amount=new_amount)

    with pytest.raises(InvalidRecord) as caught:
        dataclasses.replace(entry, postings=tuple(postings))

    assert (caught.value.record, caught.value.field) == ("LedgerEntry", "postings")
    assert "not zero" in caught.value.reason


@given(strategies.ledger_entries())
def test_reversing_an_entry_balances_too(entry: LedgerEntry) -> None:
    reversal = dataclasses.replace(
        entry,
        id=f"rev-{entry.id}"[:64],
        postings=tuple(dataclasses.replace(posting, amount=-posting.amount) for posting in entry.postings),
    )

    assert sum(posting.amount for posting in reversal.postings) == 0
