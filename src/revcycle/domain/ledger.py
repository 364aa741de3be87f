"""The double-entry accounts-receivable ledger: every change in what is owed is a balanced entry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from revcycle.domain.fields import FieldError, Normaliser, a_date, instance, line, optional, record_id
from revcycle.domain.money import ZERO_MONEY, format_money, money

ACCOUNT_ROOTS = ("Assets", "Liabilities", "Equity", "Income", "Expenses")
_ACCOUNT = re.compile(r"(?:Assets|Liabilities|Equity|Income|Expenses)(?::[A-Za-z0-9][A-Za-z0-9-]*)+")


def account(value: object) -> str:
    """A ledger account: a root (Assets, Liabilities, Equity, Income, Expenses) and colon-separated parts."""
    text = line(value, max_length=200)
    if not _ACCOUNT.fullmatch(text):
        roots = ", ".join(ACCOUNT_ROOTS)
        raise FieldError(f"{value!r} is not an account (one of {roots}, then ':'-separated names)")
    return text


@dataclass(frozen=True, slots=True, kw_only=True)
class Posting:
    """One leg of a ledger entry: an amount into one account.

    Attributes:
        account: the account, e.g. ``Assets:Receivable:Insurance:MEDICARE``.
        amount: debit positive, credit negative; the postings of an entry sum to zero.
    """

    account: str
    amount: Decimal

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("account", account)
        check("amount", money)
        if self.amount == 0:
            raise check.fail("amount", "a posting moves a non-zero amount")


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerEntry:
    """A balanced journal entry: a charge, payment, adjustment, transfer or write-off.

    Attributes:
        id: revcycle's identifier of the entry; posting the same source twice reuses it, so nothing doubles.
        posted_on: the accounting date of the entry.
        description: what happened, in a biller's words.
        postings: two or more legs that sum to zero.
        claim_id: the claim the entry concerns, if any.
        remittance_id: the remittance it posts, if any.
        patient_id: the patient whose balance it changes, if any.
    """

    id: str
    posted_on: date
    description: str
    postings: tuple[Posting, ...]
    claim_id: str | None = None
    remittance_id: str | None = None
    patient_id: str | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("id", record_id)
        check("posted_on", a_date)
        check("description", line, max_length=200)
        postings = check.each("postings", instance(Posting))
        for field in ("claim_id", "remittance_id", "patient_id"):
            check(field, optional(record_id))
        if len(postings) < 2:
            raise check.fail("postings", "an entry has at least two postings")
        total = sum((posting.amount for posting in postings), ZERO_MONEY)
        if total != 0:
            raise check.fail("postings", f"the postings sum to {format_money(total)}, not zero")
