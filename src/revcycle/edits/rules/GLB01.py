"""GLB01: an E/M visit inside another procedure's postoperative global period without modifier 24."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from revcycle.domain import Claim, ClaimKind, ServiceLine
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review, modifiers_of
from revcycle.edits.rules.MOD01 import is_em

POSTOPERATIVE_DAYS = {"010": 10, "090": 90}
"""The days after the day of a procedure its global package covers, by the fee schedule's global days."""
MINOR = frozenset({"000", "010"})
"""Global days of an endoscopy or minor procedure: an E/M on its day needs modifier 25."""
MAJOR = "090"
"""Global days of a major surgery: an E/M the day before or the day of it needs modifier 57."""


@dataclass(frozen=True, slots=True)
class Procedure:
    """A procedure with a global period, from the claim under review or an earlier claim of the patient.

    Attributes:
        service: the procedure's line.
        claim: the claim it was billed on.
        global_days: the fee schedule's global days (``000``, ``010``, ``090``).
        performer: the NPI (or provider id) of who performed it.
    """

    service: ServiceLine
    claim: Claim
    global_days: str
    performer: str

    @property
    def day(self) -> date:
        """The date of the procedure."""
        return self.service.service_date

    def where(self, review: Review) -> str:
        """Where the procedure is billed, for messages."""
        if self.claim is review.claim:
            return f"line {self.service.line_number}"
        return f"line {self.service.line_number} of claim {self.claim.patient_control_number}"


def performer(review: Review, claim: Claim, service: ServiceLine) -> str:
    """Who performed a line of any claim of the patient: its rendering NPI, else the claim's, else the billing one."""
    if claim is review.claim:
        return review.rendering_of(service)
    provider_id = service.rendering_provider_id or claim.rendering_provider_id or claim.billing_provider_id
    provider = review.provider(provider_id)
    return provider.npi if provider is not None else provider_id


def procedures(review: Review) -> list[Procedure]:
    """The procedures with a 000, 010 or 090 global period on the claim and the patient's other professional claims."""
    found = []
    claims = [review.claim, *(other for other in review.history.of_patient(review.claim))]
    for claim in claims:
        if claim.kind is not ClaimKind.PROFESSIONAL:
            continue
        for service in claim.lines:
            row = review.reference.fee_schedule(service.procedure_code.strip().upper(), service.service_date)
            global_days = row.get("global_days") if row else None
            if global_days in MINOR or global_days == MAJOR:
                found.append(Procedure(service, claim, global_days, performer(review, claim, service)))
    return found


Visit = tuple[ServiceLine, frozenset[str], list[Procedure]]
"""An E/M line, its modifiers and the procedures of the same performer."""


def visits(review: Review) -> list[Visit]:
    """The claim's E/M lines, each with its modifiers and the procedures of the same performer.

    Once per claim: GLB01-GLB03 read them, and the procedures are gathered from the patient's other claims too.
    """
    return review.derived(_visits)


def _visits(review: Review) -> list[Visit]:
    em_lines = [service for service in review.lines if is_em(service.procedure_code)]
    if not em_lines:
        return []
    found = procedures(review)
    found_visits = []
    for service in em_lines:
        npi = review.rendering_of(service)
        found_visits.append(
            (service, modifiers_of(service), [procedure for procedure in found if procedure.performer == npi])
        )
    return found_visits


def in_postoperative_period(procedure: Procedure, day: date) -> bool:
    """Whether ``day`` is one of the days after the procedure that its global period covers."""
    days = POSTOPERATIVE_DAYS.get(procedure.global_days)
    return days is not None and procedure.day < day <= procedure.day + timedelta(days=days)


def decision_window(procedure: Procedure, day: date) -> bool:
    """Whether ``day`` is the day before or the day of a major surgery (where a visit needs modifier 57)."""
    return procedure.global_days == MAJOR and procedure.day - timedelta(days=1) <= day <= procedure.day


class EmInPostoperativePeriod(Edit):
    """An E/M visit falls in the postoperative global period of a procedure by the same provider, without 24.

    A procedure with 10 or 90 global days (physician fee schedule) is paid for the visits of the days after it:
    an E/M visit by the same provider in that period is denied unless it is unrelated to the surgery (modifier 24),
    is the decision for a new major surgery that day or the next (57), or is significant and separate from a minor
    procedure the same day (25). The procedure may be on this claim or on an earlier claim of the patient.

    Failing: 99213 on day 5 after 10060 (010 global days), no modifier. Passing: 99213 with modifier 24.
    """

    code = "GLB01"
    name = "em-in-postop-global"
    category = Category.GLOBAL_SURGERY
    severity = Severity.ERROR
    source = (
        "CMS Claims Processing Manual ch. 12 sections 40.1 and 40.2 (global surgical package, modifier 24); "
        "physician fee schedule RVU file (global days)"
    )
    looks_at = ("lines.procedure_code", "lines.modifiers", "lines.service_date", "history")
    when_fact = visits
    kinds = frozenset({ClaimKind.PROFESSIONAL})

    def check(self, review: Review) -> Iterator[Problem]:
        """Report each E/M line in a postoperative period that no modifier takes out of it."""
        for service, modifiers, done in visits(review):
            if "24" in modifiers:
                continue
            day = service.service_date
            if "25" in modifiers and any(p.day == day and p.global_days in MINOR for p in done):
                continue
            if "57" in modifiers and any(decision_window(p, day) for p in done):
                continue
            procedure = next((p for p in done if in_postoperative_period(p, day)), None)
            if procedure is None:
                continue
            yield Problem(
                f"E/M {service.procedure_code} (line {service.line_number}) on {day} is within the "
                f"{int(procedure.global_days)}-day postoperative period of {procedure.service.procedure_code} on "
                f"{procedure.day} ({procedure.where(review)}) by the same provider; the visits of that period are "
                "paid with the procedure",
                line=service.line_number,
                field=review.line_field(service, "modifiers"),
                fix=f"if the visit was unrelated to {procedure.service.procedure_code}, append modifier 24 to line "
                f"{service.line_number} (with the diagnosis that shows it); otherwise remove the line",
            )
