"""What the scrubber reports: findings, as values that point to a claim, a line and a field."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is: an error will be rejected or denied; a warning is a risk to look at."""

    ERROR = "error"
    WARNING = "warning"


class Category(StrEnum):
    """The family of an edit, by the official edits and conventions it enforces."""

    CODE_VALIDITY = "code_validity"
    ICD_CONVENTION = "icd_convention"
    NCCI_PTP = "ncci_ptp"
    MUE = "mue"
    ADD_ON = "add_on"
    GLOBAL_SURGERY = "global_surgery"
    MODIFIER = "modifier"
    AGE_SEX = "age_sex"
    CLAIM_INTEGRITY = "claim_integrity"
    PROVIDER = "provider"
    DUPLICATE = "duplicate"
    TIMELY_FILING = "timely_filing"
    PAYER_RULE = "payer_rule"


@dataclass(frozen=True, slots=True)
class Problem:
    """What an edit found, before the engine names it with the edit's code, category and severity.

    Attributes:
        message: what is wrong, in the biller's words; None to use the edit's message (its docstring's first line).
        line: the service line's number (LX), None for the claim as a whole.
        field: the field at fault, as a path into the claim (``lines[1].modifiers``, ``diagnoses[0]``).
        fix: a safe correction to suggest, if there is one.
        severity: the severity of this problem when it differs from the edit's (an MCE list that is an error on an
            inpatient bill and a warning elsewhere).
    """

    message: str | None = None
    line: int | None = None
    field: str | None = None
    fix: str | None = None
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem of one claim, as the CLI, the API and the store report it.

    Attributes:
        claim: the patient control number (CLM01) of the claim.
        line: the service line number (LX01), None when the finding is about the claim.
        code: the edit's code, e.g. ``PTP01``; a payer pack rule's own code.
        name: the edit's name, e.g. ``ncci-ptp-bundled``.
        category: the edit's family.
        severity: error or warning (after any downgrade the configuration asks for).
        message: what is wrong.
        source: the official source the edit enforces.
        fix: a safe correction, when one can be suggested.
        field: the field at fault, as a path into the claim.
        claim_id: the claim record's id (the patient control number may repeat across payers).
    """

    claim: str
    line: int | None
    code: str
    name: str
    category: Category
    severity: Severity
    message: str
    source: str
    fix: str | None = None
    field: str | None = None
    claim_id: str | None = None

    def as_json(self) -> dict[str, object]:
        """The finding in the JSON shape of `revcycle claim scrub --json` and the API."""
        return {
            "claim": self.claim,
            "line": self.line,
            "code": self.code,
            "name": self.name,
            "category": str(self.category),
            "severity": str(self.severity),
            "message": self.message,
            "source": self.source,
            "fix": self.fix,
            "field": self.field,
        }
