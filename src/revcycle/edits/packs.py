"""Payer rule packs: payer-specific edits written as data (YAML), applied to the claims of the payers they name.

A pack::

    pack: acme-commercial
    payers: ["60054"]                  # payer identifiers (NM109 of loop 2010BB) the pack applies to
    rules:
      - code: ACME01
        name: vitamin-d-assay-needs-a-listed-diagnosis
        message: Vitamin D assay is covered only for the diagnoses of the payer's policy
        source: Acme medical policy MP-123
        severity: error                # or warning
        procedures: ["82306"]          # the lines the rule looks at
        require:
          diagnosis_any: ["E55.9", "M81.*"]   # a diagnosis the line points to (``*`` ends a prefix)
      - code: ACME02
        name: therapy-needs-gp
        message: Outpatient physical therapy lines carry modifier GP
        source: Acme billing manual 4.2
        procedures: ["97110", "97140"]
        require:
          modifier_any: ["GP"]
        fix: add modifier GP

``require`` holds one or more of ``diagnosis_any``, ``modifier_any`` and ``prior_authorization: true``; a line of a
listed procedure breaks the rule when any requirement is not met.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from revcycle.domain import codes
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.review import Review
from revcycle.edits.yamlfile import mapping, read_yaml, string_list
from revcycle.errors import InputFileError

_RULE_CODE = re.compile(r"[A-Z][A-Z0-9]{1,11}")
_RULE_KEYS = {"code", "name", "message", "source", "severity", "procedures", "require", "fix"}
_REQUIREMENTS = {"diagnosis_any", "modifier_any", "prior_authorization"}


class PackRule(Edit):
    """A rule of a payer pack: an edit whose code, message and test come from the pack file."""

    category = Category.PAYER_RULE
    looks_at = ("lines.procedure_code", "lines.diagnosis_pointers", "lines.modifiers", "prior_authorization")

    def __init__(self, document: dict[str, Any], path: Path, where: str) -> None:
        self.code = _text(document, "code", path, where)  # type: ignore[misc]
        if not _RULE_CODE.fullmatch(self.code):
            raise InputFileError(str(path), f"{where}code", "must be 2-12 capital letters and digits")
        self.name = _text(document, "name", path, where)  # type: ignore[misc]
        self._message = _text(document, "message", path, where)
        self.source = _text(document, "source", path, where)  # type: ignore[misc]
        severity = document.get("severity", "error")
        if severity not in {"error", "warning"}:
            raise InputFileError(str(path), f"{where}severity", "must be error or warning")
        self.severity = Severity(severity)  # type: ignore[misc]
        self.procedures = frozenset(code.upper() for code in string_list(document, "procedures", path, where))
        if not self.procedures:
            raise InputFileError(str(path), f"{where}procedures", "must list the procedure codes the rule applies to")
        require = mapping(document.get("require"), path, f"{where}require")
        unknown = sorted(set(require) - _REQUIREMENTS)
        if unknown or not require:
            raise InputFileError(
                str(path), f"{where}require", f"holds one or more of {', '.join(sorted(_REQUIREMENTS))}"
            )
        self.diagnoses = tuple(_diagnosis_pattern(item) for item in string_list(require, "diagnosis_any", path, where))
        self.modifiers = frozenset(item.upper() for item in string_list(require, "modifier_any", path, where))
        self.prior_authorization = require.get("prior_authorization") is True
        fix = document.get("fix")
        self.fix = str(fix) if fix is not None else None

    def check(self, review: Review) -> Iterator[Problem]:
        """Lines of the rule's procedures that miss a requirement."""
        for service in review.lines:
            if service.procedure_code not in self.procedures:
                continue
            missing = self._missing(review, service.diagnosis_pointers, service.modifiers)
            if missing:
                yield Problem(
                    f"{self._message}: {service.procedure_code} {missing}",
                    line=service.line_number,
                    field=review.line_field(service, "procedure_code"),
                    fix=self.fix,
                )

    def _missing(self, review: Review, pointers: tuple[int, ...], modifiers: tuple[str, ...]) -> str | None:
        if self.diagnoses:
            pointed = [review.diagnosis_of(pointer) or "" for pointer in pointers]
            if not any(pattern.match(code) for code in pointed for pattern in self.diagnoses):
                shown = ", ".join(codes.icd10cm_display(code) for code in pointed if code) or "none"
                return f"points to no diagnosis the payer lists (points to {shown})"
        if self.modifiers and not self.modifiers.intersection(modifiers):
            return f"lacks one of the modifiers {', '.join(sorted(self.modifiers))}"
        if self.prior_authorization and not review.claim.prior_authorization:
            return "needs a prior authorization number on the claim"
        return None


def _diagnosis_pattern(text: str) -> re.Pattern[str]:
    bare = text.strip().upper().replace(".", "")
    if bare.endswith("*"):
        return re.compile(re.escape(bare[:-1]) + ".*")
    return re.compile(re.escape(bare))


def _text(document: dict[str, Any], key: str, path: Path, where: str) -> str:
    value = document.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputFileError(str(path), f"{where}{key}", "is required text")
    return value.strip()


@dataclass(frozen=True, slots=True)
class PayerPack:
    """A pack of payer rules.

    Attributes:
        name: the pack's name.
        payers: the payer identifiers it applies to.
        rules: its rules, as edits.
        path: the file it was read from.
    """

    name: str
    payers: frozenset[str]
    rules: tuple[PackRule, ...]
    path: Path


def read_pack(path: Path) -> PayerPack:
    """The payer rule pack in the YAML file at ``path``.

    Raises:
        InputFileError: naming the file, the rule and the key at fault.
    """
    document = mapping(read_yaml(path), path, "")
    unknown = sorted(set(document) - {"pack", "payers", "rules"})
    if unknown:
        raise InputFileError(str(path), unknown[0], "is not a pack setting (pack, payers, rules)")
    name = _text(document, "pack", path, "")
    payers = frozenset(string_list(document, "payers", path, ""))
    if not payers:
        raise InputFileError(str(path), "payers", "must list the payer identifiers the pack applies to")
    items = document.get("rules")
    if not isinstance(items, list) or not items:
        raise InputFileError(str(path), "rules", "must be a list of rules")
    rules = []
    for index, item in enumerate(items):
        where = f"rules[{index}]."
        item = mapping(item, path, where.rstrip("."))
        extra = sorted(set(item) - _RULE_KEYS)
        if extra:
            raise InputFileError(str(path), where + extra[0], "is not a rule setting")
        rules.append(PackRule(item, path, where))
    seen = [rule.code for rule in rules]
    if len(set(seen)) != len(seen):
        raise InputFileError(str(path), "rules", "two rules share a code")
    return PayerPack(name, payers, tuple(rules), path)
