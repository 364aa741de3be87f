"""MUE01: more units on one line than the medically unlikely edit of a per-line (MAI 1) code."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from revcycle.domain import ServiceLine
from revcycle.domain.claim import UnitBasis
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.rules.PTP02 import ncci_applies
from revcycle.refdata.edit_tables import Mue


def units_of(service: ServiceLine) -> Decimal:
    """The units an MUE counts on a line: anesthesia minutes are one service, as the anesthesia MUEs count them."""
    return Decimal(1) if service.unit_basis is UnitBasis.MINUTES else service.units


def line_mues(review: Review) -> list[Mue | None]:
    """The MUE of each line's code on its date of service, in line order, once per claim (MUE01-MUE03 read them).

    From the practitioner or outpatient hospital table. None for a line when the code has no MUE, for every line
    when MUEs do not govern the claim (an inpatient Part A stay, hospice), and when the MUE is 0 on a claim to a
    payer other than Medicare: a 0 is Medicare's policy that it does not pay the code in the setting (a preventive
    visit, a DME item on a practitioner's claim), not a count of units other payers share.
    """
    return review.derived(_line_mues)


def _line_mues(review: Review) -> list[Mue | None]:
    lines = review.lines
    if not ncci_applies(review):
        return [None] * len(lines)
    mue, setting = review.reference.mue, review.setting
    found = [mue(service.procedure_code.strip().upper(), service.service_date, setting) for service in lines]
    for index, line_mue in enumerate(found):
        if line_mue is not None and line_mue.value == 0 and not _to_medicare(review):
            found[index] = None
    return found


def _to_medicare(review: Review) -> bool:
    payer = review.submitted.payer
    return payer is not None and payer.is_medicare


def shown(units: Decimal) -> str:
    """Units as a biller writes them (``3 units``, not ``3.000``)."""
    return f"{units.normalize():f} unit{'' if units == 1 else 's'}"


def not_payable_fix(code: str, mue: Mue) -> str:
    """The fix of a code whose MUE is 0: it is not payable in the setting whose table answered."""
    return (
        f"{code} is not payable on a {mue.setting} claim (MUE 0): check the code, or bill it where it is covered "
        "(a DME supplier's claim to the DME MAC follows the DME supplier MUE table)"
    )


class MueLineUnits(Edit):
    """More units on one line than the code's medically unlikely edit (MAI 1, a per-line edit).

    A medically unlikely edit is the most units of a code one provider would report for one beneficiary on one date
    of service. With MUE adjudication indicator 1 it is applied to each claim line: a line over it is denied. Units
    above the MUE that were really given are reported on separate lines with a modifier (76, 77, 91, 59, XE/XS/
    XP/XU or an anatomic modifier) as the payer's rules allow.

    Failing: a line of an MAI-1 code with one unit more than its MUE. Passing: the same line with the MUE's units.
    """

    code = "MUE01"
    name = "mue-line-units"
    category = Category.MUE
    severity = Severity.ERROR
    source = (
        "CMS NCCI Medically Unlikely Edits (practitioner and outpatient hospital MUE tables, MUE adjudication "
        "indicator 1); NCCI Policy Manual for Medicare Services, ch. I (Medically Unlikely Edits)"
    )
    looks_at = ("lines.procedure_code", "lines.units", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each line of an MAI-1 code over its MUE."""
        for service, mue in zip(review.lines, line_mues(review), strict=True):
            if mue is None or mue.adjudication_indicator != 1:
                continue
            units = units_of(service)
            if units <= mue.value:
                continue
            fix = f"split per the payer's rules or reduce units to {mue.value}"
            yield Problem(
                f"{service.procedure_code} (line {service.line_number}) bills {shown(units)} on one line; "
                f"its {mue.setting} MUE is {mue.value} per line (MAI 1, {mue.adjudication}; rationale: "
                f"{mue.rationale}), so the line is denied",
                line=service.line_number,
                field=review.line_field(service, "units"),
                fix=fix if mue.value else not_payable_fix(service.procedure_code, mue),
            )
