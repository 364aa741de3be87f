"""Reading 835 remittance advice into `Remittance` records, one per ST/SE transaction set, in one pass.

The reader walks the segments once and dispatches on the segment id; what a DTM, CAS, REF or AMT means depends only
on whether a claim (CLP) or a service line (SVC) is open, so no loop tree is built. Each remittance is yielded at its
SE, so memory holds one transaction set at a time however large the file.

Checking the file against the implementation guide is the validator's job: segments the records have no place for
are skipped. But a value that a posting would rely on and cannot be read (an amount that is not dollars and cents, a
date that is not a date, an unknown CAS group, a claim outside a transaction set) raises `X12Error` naming the
segment, its number and the element, never a partial remittance.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from revcycle.domain import codes
from revcycle.domain.fields import RECORD_ID, FieldError, member, optional_line, trusted
from revcycle.domain.fields import line as text_line
from revcycle.domain.money import money, quantity
from revcycle.domain.npi import is_valid_npi
from revcycle.domain.parties import ClaimFilingIndicator
from revcycle.domain.remittance import (
    Adjustment,
    AdjustmentGroup,
    ClaimPayment,
    ClaimStatus,
    CreditDebit,
    PaymentMethod,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
)
from revcycle.domain.source import Source
from revcycle.errors import InvalidRecord
from revcycle.x12.errors import X12Error
from revcycle.x12.tokens import Segment

# Segments that may stand between transaction sets; anything else there would be money with no remittance to hold it.
_ENVELOPE = frozenset({"ISA", "GS", "GE", "IEA", "TA1"})
# CAS02/03/04, CAS05/06/07, ... CAS17/18/19: up to six (reason, amount, quantity) triplets, as 0-based indexes.
_CAS_TRIPLETS = (1, 4, 7, 10, 13, 16)
_CAS_ELEMENTS = 19
# PLB03/04, PLB05/06, ... PLB13/14: up to six (reason:reference, amount) pairs, as 1-based positions.
_PLB_PAIRS = (3, 5, 7, 9, 11, 13)
# MOA03-07 and MIA05, MIA20-23 carry remark codes (RARCs); the other MOA/MIA elements are amounts and percentages
# that inform (outpatient reimbursement rate, DRG amount, ...) but take no part in balancing or posting.
_MOA_REMARKS = (3, 4, 5, 6, 7)
_MIA_REMARKS = (5, 20, 21, 22, 23)
# The CLP06 code of 005010X221A1 that the domain's ClaimFilingIndicator does not list (17, Dental Maintenance
# Organization): read as unknown rather than refusing a remittance over a plan type.
_FILING_INDICATORS_NOT_IN_DOMAIN = frozenset({"17"})
_MAX_ID = 64
_CACHE_LIMIT = 1 << 16
GROUPS = {group.value: group for group in AdjustmentGroup}
STATUSES = {status.value: status for status in ClaimStatus}
_FILING = {indicator.value: indicator for indicator in ClaimFilingIndicator}
# CLP06 as read: the domain's indicators, and those it does not list read as unknown.
FILING_INDICATORS: dict[str, ClaimFilingIndicator | None] = {
    **_FILING,
    **dict.fromkeys(_FILING_INDICATORS_NOT_IN_DOMAIN),
}


def read_835(segments: Iterable[Segment], path: str) -> Iterator[Remittance]:
    """The remittances of an 835 file, one per ST/SE transaction set, yielded as each SE is read.

    Args:
        segments: the file's segments in order, as `revcycle.x12.tokens.read_file` yields them.
        path: the file's name, for sources and errors.

    Raises:
        X12Error: a transaction set that is not an 835, a segment outside any transaction set, a transaction set
            without BPR, TRN or N1*PR, or a value that cannot form a record (naming the segment and element).
    """
    reader = RemittanceReader(path)
    take = reader.take
    for segment in segments:
        remittance = take(segment)
        if remittance is not None:
            yield remittance
    reader.finish()


class _Line:
    """A service line (loop 2110) while its segments are read."""

    __slots__ = (
        "adjustments",
        "allowed",
        "billed_procedure_code",
        "charge",
        "code",
        "control_number",
        "modifiers",
        "paid",
        "period_start",
        "remarks",
        "segment",
        "service_date",
        "units_billed",
        "units_paid",
    )

    def __init__(
        self,
        segment: Segment,
        code: str | None,
        modifiers: list[str],
        charge: Decimal,
        paid: Decimal,
    ) -> None:
        self.segment = segment
        self.code = code
        self.modifiers = modifiers
        self.charge = charge
        self.paid = paid
        self.units_paid: Decimal | None = None
        self.units_billed: Decimal | None = None
        self.billed_procedure_code: str | None = None
        self.service_date: date | None = None
        self.period_start: date | None = None
        self.control_number: str | None = None
        self.allowed: Decimal | None = None
        self.adjustments: list[Adjustment] = []
        self.remarks: list[str] = []


class _Claim:
    """A claim (loop 2100) while its segments are read."""

    __slots__ = ("adjustments", "lines", "patient_name", "remarks", "segment", "statement_from", "statement_to")

    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self.patient_name: str | None = None
        self.statement_from: date | None = None
        self.statement_to: date | None = None
        self.adjustments: list[Adjustment] = []
        self.remarks: list[str] = []
        self.lines: list[ServicePayment] = []


class RemittanceReader:
    """The state of one pass over an 835: the open transaction set, claim and line."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.transaction: Segment | None = None
        # Values repeat across a file (fee schedule amounts, dates of service, procedure codes, CO-45 adjustments):
        # each text is parsed, and each adjustment made and checked, once. The records are frozen, so sharing one
        # is safe; the caches are cleared when full so memory stays flat on any file.
        self._amounts: dict[str, Decimal] = {}
        self._quantities: dict[str, Decimal] = {}
        self._dates: dict[str, date] = {}
        self._procedures: dict[str, str | None] = {}
        self._modifiers: dict[str, bool] = {}
        self._adjustments: dict[tuple[AdjustmentGroup, str, str, str], Adjustment] = {}
        self.handlers: dict[str, Callable[[Segment], None]] = {
            "ST": self._st,
            "BPR": self._bpr,
            "TRN": self._trn,
            "N1": self._n1,
            "LX": self._lx,
            "CLP": self._clp,
            "CAS": self._cas,
            "NM1": self._nm1,
            "MIA": self._mia,
            "MOA": self._moa,
            "DTM": self._dtm,
            "REF": self._ref,
            "AMT": self._amt,
            "SVC": self._svc,
            "LQ": self._lq,
            "PLB": self._plb,
        }
        self._start()

    def _start(self) -> None:
        self.bpr: Segment | None = None
        self.payment_amount: Decimal | None = None
        self.credit_debit = CreditDebit.CREDIT
        self.payment_method: PaymentMethod | None = None
        self.payment_date: date | None = None
        self.production_date: date | None = None
        self.trn: Segment | None = None
        self.payer_name: str | None = None
        self.payer_identifier: str | None = None
        self.payee_name: str | None = None
        self.payee_npi: str | None = None
        self.claim: _Claim | None = None
        self.line: _Line | None = None
        self.claims: list[ClaimPayment] = []
        self.provider_adjustments: list[ProviderAdjustment] = []

    def take(self, segment: Segment) -> Remittance | None:
        """Read one segment; the remittance when it is the SE that completes one."""
        handler = self.handlers.get(segment.id)
        if handler is not None:
            handler(segment)
        elif segment.id == "SE":
            return self.end_transaction(segment)
        elif self.transaction is None and segment.id not in _ENVELOPE:
            raise self.fail(segment, "is outside any ST/SE transaction set")
        return None

    def finish(self) -> None:
        """The end of the file: a transaction set still open there has lost its SE."""
        if self.transaction is not None:
            raise self.fail(self.transaction, "the transaction set has no SE")

    # -- errors and element values ------------------------------------------------------------------------------

    def fail(self, segment: Segment, reason: str) -> X12Error:
        """The error for ``segment``, naming its number and id."""
        return X12Error(self.path, reason, segment_index=segment.index, offset=segment.offset, segment=segment.id)

    def _inside(self, segment: Segment) -> None:
        if self.transaction is None:
            raise self.fail(segment, "is outside any ST/SE transaction set")

    def _amount(self, segment: Segment, position: int) -> Decimal:
        elements = segment.elements
        text = elements[position - 1] if position <= len(elements) else ""
        value = self._amounts.get(text)
        if value is None:
            if not text:
                raise self.fail(segment, f"element {segment.id}{position:02d} (an amount) is required and empty")
            try:
                value = money(text)
            except FieldError:
                raise self.fail(
                    segment, f"element {segment.id}{position:02d}: {text!r} is not an amount in dollars and cents"
                ) from None
            _remember(self._amounts, text, value)
        return value

    def _optional_amount(self, segment: Segment, position: int) -> Decimal | None:
        return self._amount(segment, position) if segment[position] else None

    def _quantity(self, segment: Segment, position: int, text: str) -> Decimal | None:
        if not text:
            return None
        value = self._quantities.get(text)
        if value is None:
            try:
                value = quantity(text)
            except FieldError as error:
                raise self.fail(segment, f"element {segment.id}{position:02d}: {error}") from None
            _remember(self._quantities, text, value)
        return value

    def _date(self, segment: Segment, position: int) -> date:
        text = segment[position]
        value = self._dates.get(text)
        if value is not None:
            return value
        if len(text) == 8 and text.isascii() and text.isdigit():
            try:
                value = date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                pass
            else:
                _remember(self._dates, text, value)
                return value
        raise self.fail(segment, f"element {segment.id}{position:02d}: {text!r} is not a date (CCYYMMDD)")

    def _procedure_code(self, code: str) -> str | None:
        """The code as the domain stores procedures, or None when it is not a CPT, HCPCS or CDT code."""
        try:
            return self._procedures[code]
        except KeyError:
            pass
        value = procedure_or_none(code)
        _remember(self._procedures, code, value)
        return value

    def _modifier(self, text: str) -> bool:
        """Whether ``text`` is a procedure modifier the records accept (remembered per text)."""
        valid = self._modifiers.get(text)
        if valid is None:
            valid = is_modifier(text)
            _remember(self._modifiers, text, valid)
        return valid

    def _code[E: StrEnum](self, segment: Segment, position: int, enum: type[E]) -> E:
        try:
            return member(enum, segment[position])
        except FieldError as error:
            raise self.fail(segment, f"element {segment.id}{position:02d}: {error}") from None

    @staticmethod
    def _remarks(segment: Segment, positions: Iterable[int]) -> list[str]:
        # Remark codes explain a decision and move no money: one that is not of RARC form (de-identified samples
        # write X999) is left out rather than refusing the payment; the validator reports it against the code list.
        found = []
        for position in positions:
            text = segment[position]
            if text:
                code = remark_or_none(text)
                if code is not None:
                    found.append(code)
        return found

    # -- the transaction set --------------------------------------------------------------------------------------

    def _st(self, segment: Segment) -> None:
        if self.transaction is not None:
            raise self.fail(
                segment, f"a new transaction set starts before the SE of the one at {self.transaction.location}"
            )
        if segment[1] != "835":
            raise self.fail(segment, f"element ST01: {segment[1]!r} is not an 835 transaction set")
        self._start()
        self.transaction = segment

    def _bpr(self, segment: Segment) -> None:
        self._inside(segment)
        self.bpr = segment
        self.payment_amount = self._amount(segment, 2)
        self.credit_debit = self._code(segment, 3, CreditDebit)
        self.payment_method = self._code(segment, 4, PaymentMethod)
        # BPR16 is required; TR3 examples copied with one element too few put it in BPR15, and some payers leave
        # it out of non-payment advices: the production date (DTM*405) is then the best date the file gives.
        self.payment_date = self._date(segment, 16) if segment[16] else None

    def _trn(self, segment: Segment) -> None:
        self._inside(segment)
        self.trn = segment

    def _n1(self, segment: Segment) -> None:
        self._inside(segment)
        entity = segment[1]
        if entity == "PR":
            self.payer_name = segment[2] or None
            self.payer_identifier = segment[4] or None
        elif entity == "PE":
            self.payee_name = segment[2] or None
            npi = segment[4]
            # The payee's NPI identifies us, not the money: a payer's mistyped NPI is the validator's finding, and
            # refusing the whole payment over it would keep the deposit from being posted.
            if segment[3] == "XX" and npi and is_valid_npi(npi):
                self.payee_npi = npi

    def _lx(self, segment: Segment) -> None:
        self._inside(segment)
        self._close_claim()

    def _plb(self, segment: Segment) -> None:
        self._inside(segment)
        self._close_claim()
        provider = segment[1]
        fiscal_period_end = self._date(segment, 2)
        for position in _PLB_PAIRS:
            composite, amount_text = segment[position], segment[position + 1]
            if not composite and not amount_text:
                continue
            parts = _composite(segment, position)
            reason = parts[0]
            reference = parts[1] if len(parts) > 1 and parts[1] else None
            if not reason:
                raise self.fail(segment, f"element {segment.id}{position:02d}-1: the adjustment reason is missing")
            amount = self._amount(segment, position + 1)
            try:
                adjustment = ProviderAdjustment(
                    provider_identifier=provider,
                    fiscal_period_end=fiscal_period_end,
                    reason_code=reason,
                    reference=reference,
                    amount=amount,
                )
            except InvalidRecord as error:
                raise self.fail(segment, f"elements PLB{position:02d}/PLB{position + 1:02d}: {error}") from None
            self.provider_adjustments.append(adjustment)

    def end_transaction(self, segment: Segment) -> Remittance:
        """Close the open transaction set at its SE and make its remittance."""
        start = self.transaction
        if start is None:
            raise self.fail(segment, "is outside any ST/SE transaction set")
        self._close_claim()
        bpr, trn = self.bpr, self.trn
        if bpr is None or self.payment_amount is None or self.payment_method is None:
            raise self.fail(start, "the transaction set has no BPR (the payment amount and method)")
        if trn is None or not trn[2]:
            raise self.fail(start, "the transaction set has no TRN02 (the check or EFT trace number)")
        payment_date = self.payment_date or self.production_date
        if payment_date is None:
            raise self.fail(bpr, "element BPR16 (the payment date) is empty and there is no DTM*405 to stand in")
        if not self.payer_name:
            raise self.fail(start, "the transaction set has no N1*PR with the payer's name")
        payer_identifier = self.payer_identifier or trn[3]
        if not payer_identifier:
            raise self.fail(trn, "neither N1*PR N104 nor TRN03 identifies the payer")
        try:
            remittance = Remittance(
                id=remittance_id(payer_identifier, trn[2], start[2]),
                payer_name=self.payer_name,
                payer_identifier=payer_identifier,
                payment_amount=self.payment_amount,
                payment_method=self.payment_method,
                payment_date=payment_date,
                trace_number=trn[2],
                credit_debit=self.credit_debit,
                payee_name=self.payee_name,
                payee_npi=self.payee_npi,
                claims=tuple(self.claims),
                provider_adjustments=tuple(self.provider_adjustments),
                source=Source(path=self.path, location=f"segment {start.index + 1} (ST)"),
            )
        except InvalidRecord as error:
            raise self.fail(start, str(error)) from None
        self.transaction = None
        self._start()
        return remittance

    # -- claims (loop 2100) ---------------------------------------------------------------------------------------

    def _clp(self, segment: Segment) -> None:
        self._inside(segment)
        self._close_claim()
        if self.bpr is None:
            raise self.fail(segment, "a claim comes before the BPR (the payment it belongs to)")
        self.claim = _Claim(segment)

    def _open_claim(self, segment: Segment) -> _Claim:
        claim = self.claim
        if claim is None:
            raise self.fail(segment, "is not within a claim (no CLP before it)")
        return claim

    def _close_claim(self) -> None:
        claim = self.claim
        if claim is None:
            return
        self._close_line()
        segment = claim.segment
        status = STATUSES.get(segment[2]) or self._code(segment, 2, ClaimStatus)
        total_charge = self._amount(segment, 3)
        paid = self._amount(segment, 4)
        patient_responsibility = self._optional_amount(segment, 5)
        filing = segment[6]
        indicator = (
            None
            if not filing or filing in _FILING_INDICATORS_NOT_IN_DOMAIN
            else _FILING.get(filing) or self._code(segment, 6, ClaimFilingIndicator)
        )
        values: dict[str, Any] = {
            "patient_control_number": segment[1],
            "status": status,
            "total_charge": total_charge,
            "paid": paid,
            "patient_responsibility": patient_responsibility,
            "claim_filing_indicator": indicator,
            "payer_claim_control_number": segment[7] or None,
            "facility_type_code": segment[8] or None,
            "frequency": segment[9] or None,
            "patient_name": claim.patient_name,
            "statement_from": claim.statement_from,
            "statement_to": claim.statement_to,
            "adjustments": tuple(claim.adjustments),
            "remark_codes": tuple(claim.remarks),
            "service_payments": tuple(claim.lines),
        }
        # The amounts, codes, dates and parts were checked as they were parsed; the free-text ids and the name are
        # checked here, so the record need not check everything again. Text that fails goes through the record's
        # own constructor, whose error names the field.
        try:
            for name, length in _CLAIM_TEXTS:
                values[name] = (text_line if name == "patient_control_number" else optional_line)(
                    values[name], max_length=length
                )
            payment = trusted(ClaimPayment, values)
        except FieldError:
            try:
                payment = ClaimPayment(**values)
            except InvalidRecord as error:
                raise self.fail(segment, str(error)) from None
            raise  # pragma: no cover - the record accepted what the check refused: a bug
        self.claims.append(payment)
        self.claim = None

    def _cas(self, segment: Segment) -> None:
        self._inside(segment)
        target = self.line.adjustments if self.line is not None else self._open_claim(segment).adjustments
        elements = segment.elements
        count = len(elements)
        group = GROUPS.get(elements[0]) if count else None
        if group is None:
            group = self._code(segment, 1, AdjustmentGroup)
        if count > _CAS_ELEMENTS and any(elements[_CAS_ELEMENTS:]):
            raise self.fail(segment, f"element CAS{_CAS_ELEMENTS + 1:02d}: a CAS holds at most six adjustments")
        known = self._adjustments
        for index in _CAS_TRIPLETS:
            if index >= count:
                break
            reason = elements[index]
            amount_text = elements[index + 1] if index + 1 < count else ""
            quantity_text = elements[index + 2] if index + 2 < count else ""
            key = (group, reason, amount_text, quantity_text)
            adjustment = known.get(key)
            if adjustment is None:
                if not reason:
                    if amount_text or quantity_text:
                        raise self.fail(segment, f"element CAS{index + 1:02d}: an amount without its reason code")
                    continue
                amount = self._amount(segment, index + 2)
                units = self._quantity(segment, index + 3, quantity_text)
                try:
                    adjustment = Adjustment(group=group, reason_code=reason, amount=amount, quantity=units)
                except InvalidRecord as error:
                    raise self.fail(segment, f"element CAS{index + 1:02d}: {error}") from None
                _remember(known, key, adjustment)
            target.append(adjustment)

    def _nm1(self, segment: Segment) -> None:
        self._inside(segment)
        if segment[1] != "QC" or self.claim is None:
            return
        last, first, middle, suffix = segment[3], segment[4], segment[5], segment[7]
        if not last:
            return
        # The same form as PersonName: "LAST, FIRST MIDDLE SUFFIX".
        given = " ".join(part for part in (first, middle) if part)
        name = f"{last}, {given}" if given else last
        self.claim.patient_name = f"{name} {suffix}" if suffix else name

    def _moa(self, segment: Segment) -> None:
        self._inside(segment)
        claim = self._open_claim(segment)
        claim.remarks.extend(self._remarks(segment, _MOA_REMARKS))

    def _mia(self, segment: Segment) -> None:
        self._inside(segment)
        claim = self._open_claim(segment)
        claim.remarks.extend(self._remarks(segment, _MIA_REMARKS))

    def _dtm(self, segment: Segment) -> None:
        self._inside(segment)
        qualifier = segment[1]
        line = self.line
        if line is not None:
            if qualifier == "472":
                line.service_date = self._date(segment, 2)
            elif qualifier == "150":
                line.period_start = self._date(segment, 2)
            # DTM*151, the end of a service period, has no field in ServicePayment.
        elif self.claim is not None:
            if qualifier == "232":
                self.claim.statement_from = self._date(segment, 2)
            elif qualifier == "233":
                self.claim.statement_to = self._date(segment, 2)
        elif qualifier == "405":
            self.production_date = self._date(segment, 2)

    def _ref(self, segment: Segment) -> None:
        self._inside(segment)
        if self.line is not None and segment[1] == "6R":
            self.line.control_number = segment[2] or None

    def _amt(self, segment: Segment) -> None:
        self._inside(segment)
        if self.line is not None and segment[1] == "B6":
            self.line.allowed = self._amount(segment, 2)

    # -- service lines (loop 2110) --------------------------------------------------------------------------------

    def _svc(self, segment: Segment) -> None:
        self._inside(segment)
        self._open_claim(segment)
        self._close_line()
        qualifier_and_code = _composite(segment, 1)
        line = _Line(
            segment,
            self._procedure_code(qualifier_and_code[1] if len(qualifier_and_code) > 1 else ""),
            [modifier for modifier in qualifier_and_code[2:6] if modifier],
            self._amount(segment, 2),
            self._amount(segment, 3),
        )
        elements = segment.elements
        count = len(elements)
        if count > 4:
            line.units_paid = self._quantity(segment, 5, elements[4])
            if count > 5 and elements[5]:
                # SVC06 is informational (the code as submitted); one the domain cannot hold is left out.
                billed = _composite(segment, 6)
                line.billed_procedure_code = self._procedure_code(billed[1]) if len(billed) > 1 else None
            if count > 6:
                line.units_billed = self._quantity(segment, 7, elements[6])
        self.line = line

    def _lq(self, segment: Segment) -> None:
        self._inside(segment)
        line = self.line
        if line is None:
            raise self.fail(segment, "is not within a service line (no SVC before it)")
        # LQ*RX carries NCPDP reject codes, which are not RARCs and have no place in the records.
        if segment[1] == "HE":
            line.remarks.extend(self._remarks(segment, (2,)))

    def _close_line(self) -> None:
        line, claim = self.line, self.claim
        if line is None or claim is None:
            return
        self.line = None
        if line.code is None:
            # The domain's ServicePayment holds CPT/HCPCS (and CDT) codes only; a line coded otherwise (a revenue
            # code under NU, an NDC under N4, a payer's local code under ZZ, or no code) cannot become one. Its
            # money is kept where posting finds it: CLP03/CLP04 already include the line, and its adjustments and
            # remarks move to the claim, so the claim still balances. Only the line-level split is lost.
            claim.adjustments.extend(line.adjustments)
            claim.remarks.extend(line.remarks)
            return
        values: dict[str, Any] = {
            "procedure_code": line.code,
            "charge": line.charge,
            "paid": line.paid,
            "modifiers": tuple(line.modifiers),
            "units_paid": line.units_paid,
            "units_billed": line.units_billed,
            "billed_procedure_code": line.billed_procedure_code,
            "service_date": line.service_date or line.period_start,
            "line_control_number": line.control_number,
            "allowed_amount": line.allowed,
            "adjustments": tuple(line.adjustments),
            "remark_codes": tuple(line.remarks),
        }
        # Every other value was checked as it was parsed (amounts, quantities, dates, codes, remarks, adjustments):
        # the modifiers and the line id are the ones left, and then the record need not check them all again.
        try:
            values["line_control_number"] = optional_line(line.control_number, max_length=50)
            if not line.modifiers or all(self._modifier(modifier) for modifier in line.modifiers):
                payment = trusted(ServicePayment, values)
            else:
                payment = ServicePayment(**values)  # raises, naming the modifier
        except FieldError as error:
            raise self.fail(line.segment, f"ServicePayment.line_control_number: {error}") from None
        except InvalidRecord as error:
            raise self.fail(line.segment, str(error)) from None
        claim.lines.append(payment)


# The free-text fields of ClaimPayment and their lengths, as its own checks have them.
_CLAIM_TEXTS = (
    ("patient_control_number", 38),
    ("payer_claim_control_number", 50),
    ("facility_type_code", 2),
    ("frequency", 1),
    ("patient_name", 120),
)


def procedure_or_none(code: str) -> str | None:
    """The code as the domain stores procedures, or None when it is not a CPT, HCPCS or CDT code."""
    try:
        return codes.procedure_code(code)
    except FieldError:
        return None


def is_modifier(text: str) -> bool:
    """Whether ``text`` is a procedure modifier as written (not one the records would first normalise)."""
    try:
        return codes.modifier(text) == text
    except FieldError:
        return False


def remark_or_none(text: str) -> str | None:
    """The remark code (RARC) ``text`` is, or None when it is not of RARC form."""
    try:
        return codes.rarc(text)
    except FieldError:
        return None


def _composite(segment: Segment, position: int) -> list[str]:
    """The components of a composite that starts with a two-character code (SVC01, SVC06, PLB03...).

    TR3 examples, and files copied from them, separate these components with ``>`` while their ISA16 declares
    another separator: when the declared one is absent and a separator character follows the qualifier, that
    character is the only reading that makes the element a composite.
    """
    value = segment[position]
    separator = segment.delimiters.component
    if separator not in value and len(value) > 2 and not value[2].isalnum() and not value[2].isspace():
        separator = value[2]
    return value.split(separator)


def _remember[K, V](cache: dict[K, V], key: K, value: V) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def remittance_id(payer_identifier: str, trace_number: str, control_number: str) -> str:
    """A deterministic record id for a remittance: the payer, the trace number and ST02.

    Reading the same file twice gives the same ids, so importing it again changes nothing. When the parts hold
    characters a record id cannot, or are too long, a digest of them keeps the id unique.
    """
    plain = f"ERA:{payer_identifier}:{trace_number}:{control_number}"
    if len(plain) <= _MAX_ID and RECORD_ID.fullmatch(plain):
        return plain
    digest = hashlib.sha256(plain.encode()).hexdigest()[:16]
    readable = "".join(character if character.isascii() and character.isalnum() else "-" for character in trace_number)
    return f"ERA:{readable[: _MAX_ID - len(digest) - 5]}:{digest}"
