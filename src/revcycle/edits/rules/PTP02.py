"""PTP02: a column-2 code billed with its column-1 code without the NCCI-associated modifier the edit allows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import combinations

from revcycle.domain import ServiceLine
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review, modifiers_of
from revcycle.edits.rules.MOD01 import is_em
from revcycle.refdata.edit_tables import PtpEdit

DISTINCT_SERVICE_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU"})
"""Modifier 59 and its X{EPSU} subsets (NCCI Policy Manual ch. I section E.1)."""

ANATOMIC_MODIFIERS = frozenset(
    {"E1", "E2", "E3", "E4", "FA", "LT", "RT", "LC", "LD", "RC", "LM", "RI", "TA"}
    | {f"F{digit}" for digit in range(1, 10)}
    | {f"T{digit}" for digit in range(1, 10)}
)
"""The anatomic modifiers NCCI associates with its PTP edits (eyelids, fingers, toes, sides, coronary arteries)."""


_PART_A_STAYS = frozenset({"11", "18", "21", "28", "41", "81", "82"})
"""Types of bill (facility and classification) of inpatient Part A stays and hospice: paid per stay or per day."""


def ncci_applies(review: Review) -> bool:
    """Whether the NCCI PTP, MUE and add-on code edits govern the claim.

    They apply to practitioners' claims and to outpatient institutional claims (OPPS and the other bill types the
    I/OCE edits); an inpatient Part A stay (hospital, swing bed, SNF, religious non-medical) or a hospice claim is
    not paid per HCPCS line, and the edits do not apply to it.
    """
    return review.professional or (review.claim.facility_type_code or "") not in _PART_A_STAYS


def same_day_groups(review: Review) -> dict[tuple[date, str], list[ServiceLine]]:
    """The claim's lines by date of service and performing provider: the scope of a PTP edit (once per claim)."""
    return review.derived(_same_day_groups)


def _same_day_groups(review: Review) -> dict[tuple[date, str], list[ServiceLine]]:
    groups: dict[tuple[date, str], list[ServiceLine]] = defaultdict(list)
    claim_performer: str | None = None
    for service in review.lines:
        if service.rendering_provider_id is None:
            # Most lines are the claim's rendering provider's: ask once.
            claim_performer = claim_performer or review.rendering_of(service)
            performer = claim_performer
        else:
            performer = review.rendering_of(service)
        groups[(service.service_date, performer)].append(service)
    return groups


PtpFinding = tuple[PtpEdit, ServiceLine, ServiceLine]
"""A PTP edit in force between two lines, with its column-1 line and its column-2 line."""
_NO_EDITS: tuple[PtpFinding, ...] = ()


def pair_edits(review: Review, first: ServiceLine, second: ServiceLine) -> Sequence[PtpFinding]:
    """The PTP edits in force between two lines, each with its column-1 line and its column-2 line.

    The tables key a pair column1:column2, so both orders are asked (in one question: nearly every pair has no
    edit either way); the setting's tables (practitioner for a professional claim, hospital otherwise) judge the
    pair on the lines' date of service.
    """
    code_a = first.procedure_code.strip().upper()
    code_b = second.procedure_code.strip().upper()
    if code_a == code_b:
        return _NO_EDITS
    # One question per pair of codes, whichever line comes first.
    if code_a < code_b:
        forward, backward = review.reference.ptp_both_ways(code_a, code_b, first.service_date, review.setting)
    else:
        backward, forward = review.reference.ptp_both_ways(code_b, code_a, first.service_date, review.setting)
    if forward is None and backward is None:
        return _NO_EDITS
    found = []
    if forward is not None:
        found.append((forward, first, second))
    if backward is not None:
        found.append((backward, second, first))
    return found


def claim_edits(review: Review) -> list[PtpFinding]:
    """Every PTP edit in force between two lines of the claim of the same date and provider (once per claim)."""
    return review.derived(_claim_edits)


def _claim_edits(review: Review) -> list[PtpFinding]:
    found: list[PtpFinding] = []
    if not ncci_applies(review):
        return found
    for services in same_day_groups(review).values():
        for first, second in combinations(services, 2):
            found.extend(pair_edits(review, first, second))
    return found


_GLOBAL_SURGERY_MODIFIERS = frozenset({"58", "78", "79"})
"""Staged, return-to-OR and unrelated procedures in a global period: they bypass an edit on any procedure."""
_EM_MODIFIERS = frozenset({"24", "25", "27", "57"})
"""Modifiers of an E/M visit: they bypass an edit only when the column-2 code is the E/M visit."""


def is_lab(code: str) -> bool:
    """Whether a code is a clinical laboratory test (CPT 80047-89398 or a proprietary laboratory analysis ####U)."""
    code = code.strip().upper()
    if len(code) == 5 and code[:4].isdigit() and code[4] == "U":
        return True
    return code.isdigit() and 80047 <= int(code) <= 89398


def bypassed(column1: ServiceLine, column2: ServiceLine) -> bool:
    """Whether the lines carry an NCCI-associated modifier that may bypass an edit of modifier indicator 1.

    The modifier goes on the column-2 line, except the anatomic modifiers, which may be on either line as long as
    the two lines do not name the same site (NCCI Policy Manual ch. I section E).
    """
    modifiers = modifiers_of(column2)
    if modifiers & (DISTINCT_SERVICE_MODIFIERS | _GLOBAL_SURGERY_MODIFIERS):
        return True
    if modifiers & _EM_MODIFIERS and is_em(column2.procedure_code):
        return True
    if "91" in modifiers and is_lab(column2.procedure_code):
        return True
    sites1 = modifiers_of(column1) & ANATOMIC_MODIFIERS
    sites2 = modifiers & ANATOMIC_MODIFIERS
    return bool(sites1 | sites2) and sites1 != sites2


class PtpModifierMissing(Edit):
    """A column-2 code is billed with its column-1 code without an NCCI-associated modifier.

    An NCCI PTP edit with modifier indicator 1 lets both codes be paid when the services were distinct (a different
    session, anatomic site, encounter or practitioner) and a modifier says so: 59 or XE/XS/XP/XU on the column-2
    line, anatomic modifiers naming different sites, 24/25/27/57 when the column-2 code is an E/M visit, 58/78/79
    for procedures in a global period, 91 for a repeated laboratory test. Without one the column-2 line is denied.

    Failing: 0001U and its column-2 code 0030U on the same date, no modifier. Passing: 0030U with modifier XU.
    """

    code = "PTP02"
    name = "ncci-ptp-modifier-missing"
    category = Category.NCCI_PTP
    severity = Severity.ERROR
    source = (
        "NCCI Policy Manual for Medicare Services, ch. I section E (modifiers and modifier indicators); CMS NCCI PTP "
        "edits (practitioner and hospital tables)"
    )
    looks_at = ("lines.procedure_code", "lines.service_date", "lines.rendering_provider_id", "lines.modifiers")
    when_fact = claim_edits

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each column-2 line of an indicator-1 edit that no modifier bypasses."""
        # Run only on a claim where claim_edits finds something (`when_fact`).
        for edit, column1, column2 in claim_edits(review):
            if edit.modifier_indicator != "1" or bypassed(column1, column2):
                continue
            yield Problem(
                f"{column2.procedure_code} (line {column2.line_number}) is a column-2 code of "
                f"{column1.procedure_code} (line {column1.line_number}) on {column2.service_date} for the same "
                f"provider (NCCI PTP edit {edit.column1}/{edit.column2}, modifier indicator 1) and carries no "
                "NCCI-associated modifier, so it is denied",
                line=column2.line_number,
                field=review.line_field(column2, "modifiers"),
                fix=f"if the services were distinct, append the modifier that says how (XE, XS, XP or XU, else 59; "
                f"an anatomic modifier; 25 for a separate E/M) to line {column2.line_number}; otherwise remove "
                f"line {column2.line_number}",
            )
