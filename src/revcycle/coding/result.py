"""What the coder suggests for one note: codes with their evidence, codes set aside, and clinician queries.

Every record here is a value: it is written to JSON as the `revcycle code note --json` contract says, and the same
JSON is what the REST API returns and what the evaluation harness reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the note that supports a code: ``text == note[start:end]``."""

    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        """The span as the JSON contract writes it."""
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class DiagnosisSuggestion:
    """One ICD-10-CM code the note supports.

    Attributes:
        code: the code with its dot (``E11.22``), billable on the encounter date.
        description: its tabular title.
        evidence: the spans of the note that support it, in note order.
        confidence: from 0 to 1, how sure the coder is (section weight, match quality, assertion).
        rationale: one sentence a coder can check: what was read and which rule turned it into this code.
        path: the steps that produced it, e.g. ``("synonym: DM2", "tabular: E11.2-", "guideline: I.A.15 with")``.
        assertion: the mention's status in mentions mode (``present``, ``negated``, ...); ``present`` in billing mode.
    """

    code: str
    description: str
    evidence: tuple[Evidence, ...]
    confidence: float
    rationale: str
    path: tuple[str, ...] = ()
    assertion: str = "present"

    def to_json(self) -> dict[str, Any]:
        """The suggestion as the JSON contract writes it."""
        return {
            "code": self.code,
            "description": self.description,
            "evidence": [span.to_json() for span in self.evidence],
            "confidence": round(self.confidence, 2),
            "rationale": self.rationale,
            "path": list(self.path),
            "assertion": self.assertion,
        }


@dataclass(frozen=True, slots=True)
class ExcludedCode:
    """A code the note mentions but that is not reported, and why.

    Attributes:
        code: the code that was set aside.
        reason: ``negated``, ``uncertain``, ``historical``, ``family``, ``hypothetical``, ``conditional``,
            ``integral symptom of E11.9``, ``excluded by J44.1 (Excludes1)``, ``combined into I13.0``, ...
        evidence: the spans that mention it.
    """

    code: str
    reason: str
    evidence: tuple[Evidence, ...]

    def to_json(self) -> dict[str, Any]:
        """The exclusion as the JSON contract writes it."""
        return {"code": self.code, "reason": self.reason, "evidence": [span.to_json() for span in self.evidence]}


@dataclass(frozen=True, slots=True)
class ProcedureSuggestion:
    """One CPT or HCPCS code for a service the note documents.

    Attributes:
        code: the CPT or HCPCS code (never its CPT descriptor: that is the AMA's).
        modifiers: modifiers in the order a claim would carry them.
        units: service units (for a drug, the documented dose over the HCPCS descriptor's amount, rounded up).
        evidence: the spans that document the service.
        rationale: how the code, units and modifiers were decided.
        confidence: from 0 to 1.
    """

    code: str
    modifiers: tuple[str, ...]
    units: int
    evidence: tuple[Evidence, ...]
    rationale: str
    confidence: float = 0.9

    def to_json(self) -> dict[str, Any]:
        """The suggestion as the JSON contract writes it."""
        return {
            "code": self.code,
            "modifiers": list(self.modifiers),
            "units": self.units,
            "evidence": [span.to_json() for span in self.evidence],
            "rationale": self.rationale,
            "confidence": round(self.confidence, 2),
        }


@dataclass(frozen=True, slots=True)
class ClinicianQuery:
    """A compliant, non-leading question to the clinician when documentation blocks a specific or payable code.

    Attributes:
        about: what is missing, short: ``CKD stage``, ``fracture laterality``, ``heart failure type``.
        text: the question as it would be sent, citing the documentation it is about.
        options: the choices for a multiple-choice query, always ending with "Other (please specify)" and
            "Clinically undetermined"; empty for an open query.
        evidence: the spans the query is about.
    """

    about: str
    text: str
    options: tuple[str, ...]
    evidence: tuple[Evidence, ...]

    def to_json(self) -> dict[str, Any]:
        """The query as the JSON contract writes it."""
        return {
            "about": self.about,
            "text": self.text,
            "options": list(self.options),
            "evidence": [span.to_json() for span in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class EmLevel:
    """The office or outpatient E/M level of a visit and how it was reached.

    Attributes:
        code: 99202-99205 (new patient), 99211-99215 (established) or a preventive code 99381-99397.
        basis: ``mdm`` (medical decision making), ``time`` (documented total time) or ``preventive``.
        problems: the MDM level of the problems addressed (``minimal``, ``low``, ``moderate``, ``high``); None by time.
        data: the MDM level of the data reviewed and analysed; None by time.
        risk: the MDM level of the risk of patient management; None by time.
        minutes: the documented total time, when there is one.
        reasoning: the steps a coder can check, one per element.
        evidence: the spans each element was read from.
    """

    code: str
    basis: str
    problems: str | None
    data: str | None
    risk: str | None
    minutes: int | None
    reasoning: tuple[str, ...]
    evidence: tuple[Evidence, ...]

    def to_json(self) -> dict[str, Any]:
        """The level as the JSON contract writes it."""
        return {
            "code": self.code,
            "basis": self.basis,
            "problems": self.problems,
            "data": self.data,
            "risk": self.risk,
            "minutes": self.minutes,
            "reasoning": list(self.reasoning),
            "evidence": [span.to_json() for span in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class CodingResult:
    """Everything the coder suggests for one note.

    Attributes:
        encounter_date: the date the codes were judged on (stated in the note, given, or today).
        mode: ``billing`` (the guidelines applied) or ``mentions`` (every recognised condition with its assertion).
        diagnoses: in claim order, the first-listed diagnosis first.
        excluded: codes the note mentions that are not reported, with the reason.
        procedures: CPT/HCPCS codes, the E/M first when there is one.
        queries: questions for the clinician.
        em: the E/M level and its reasoning, when the note is a visit.
    """

    encounter_date: date
    mode: str
    diagnoses: tuple[DiagnosisSuggestion, ...]
    excluded: tuple[ExcludedCode, ...] = ()
    procedures: tuple[ProcedureSuggestion, ...] = ()
    queries: tuple[ClinicianQuery, ...] = ()
    em: EmLevel | None = None
    warnings: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The result as the `revcycle code note --json` contract writes it."""
        return {
            "encounter_date": self.encounter_date.isoformat(),
            "mode": self.mode,
            "diagnoses": [item.to_json() for item in self.diagnoses],
            "excluded": [item.to_json() for item in self.excluded],
            "procedures": [item.to_json() for item in self.procedures],
            "queries": [item.to_json() for item in self.queries],
            "em": self.em.to_json() if self.em else None,
            "warnings": list(self.warnings),
        }
