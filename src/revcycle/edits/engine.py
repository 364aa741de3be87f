"""The scrubber: runs the selected edits over each claim and turns what they find into findings.

For each claim the engine picks the edits its payer's policy runs (built-in edits plus the rules of the payer's
packs), gives each a `Review`, and collects problems. An edit that crashes becomes an error finding naming the
edit, and the edits whose reference table is not loaded become one warning per missing table that names them: the
run never stops, and no finding pretends an edit looked at a claim it could not check. Rules of the domain that the
claim breaks as submitted are reported by `INT00` unless another edit already names the same field.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from revcycle.domain import ClaimKind
from revcycle.edits.config import ScrubConfig, matches
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Finding, Problem, Severity
from revcycle.edits.reference import EditReference
from revcycle.edits.registry import builtin_edits
from revcycle.edits.review import History, Review, Submitted, modifiers_of
from revcycle.refdata.reference import NoRelease

RECORD_RULES = "INT00"
"""The edit that reports the domain rules a claim breaks as submitted."""
_NOT_CHECKED = re.compile(r"not checked(?: \(nor (?P<others>[A-Z0-9, ]+)\))?: (?P<reason>.*)", re.DOTALL)


def not_checked(finding: Finding) -> tuple[tuple[str, ...], str] | None:
    """The edits a "not checked" warning names and why they could not check (the missing table), else None."""
    match = _NOT_CHECKED.fullmatch(finding.message) if finding.severity is Severity.WARNING else None
    if match is None:
        return None
    others = tuple(code.strip() for code in (match["others"] or "").split(",") if code.strip())
    return (finding.code, *others), match["reason"]


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """The findings of one claim.

    Attributes:
        submitted: the claim as read.
        findings: what the edits found and the policy shows, errors first.
        suppressed: how many findings the policy hid.
    """

    submitted: Submitted
    findings: tuple[Finding, ...]
    suppressed: int = 0

    @property
    def clean(self) -> bool:
        """Whether the claim has no error: it would pass the edits on first submission."""
        return not any(finding.severity is Severity.ERROR for finding in self.findings)


@dataclass(frozen=True, slots=True)
class ScrubReport:
    """The findings of a batch and its clean-claim rate.

    Attributes:
        results: one per claim, in the order reviewed.
    """

    results: tuple[ClaimResult, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding, claim by claim."""
        return tuple(finding for result in self.results for finding in result.findings)

    @property
    def claims(self) -> int:
        """How many claims were scrubbed."""
        return len(self.results)

    @property
    def clean_claims(self) -> int:
        """How many have no error."""
        return sum(1 for result in self.results if result.clean)

    @property
    def clean_claim_rate(self) -> Decimal:
        """Clean claims as a percentage of claims, to one decimal (100.0 for an empty batch)."""
        if not self.results:
            return Decimal("100.0")
        return (Decimal(100) * self.clean_claims / self.claims).quantize(Decimal("0.1"))

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(1 for finding in self.findings if finding.severity is Severity.ERROR)

    @property
    def suppressed(self) -> int:
        """How many findings the policy hid."""
        return sum(result.suppressed for result in self.results)


class Scrubber:
    """Runs edits over claims (see the module notes).

    Args:
        reference: the reference tables.
        config: which edits run and how; every built-in edit by default.
        edits: the edits to choose from; the built-in ones by default (tests pass their own).
    """

    def __init__(
        self, reference: EditReference, config: ScrubConfig | None = None, edits: Sequence[Edit] | None = None
    ) -> None:
        self.reference = reference
        self.config = config or ScrubConfig()
        self.edits = tuple(edits) if edits is not None else tuple(kind() for kind in builtin_edits())
        self._chosen: dict[tuple[str | None, ClaimKind], _Chosen] = {}

    def scrub(self, claims: Iterable[Submitted], as_of: date, history: History | None = None) -> ScrubReport:
        """Review every claim; each is compared with ``history`` and the claims reviewed before it."""
        history = history if history is not None else History()
        results = []
        with _collector_paused():
            for submitted in claims:
                results.append(self.review(submitted, as_of, history))
                history.add(submitted.claim)
        return ScrubReport(tuple(results))

    def review(self, submitted: Submitted, as_of: date, history: History | None = None) -> ClaimResult:
        """The findings of one claim."""
        payer_identifier = submitted.payer.payer_identifier if submitted.payer is not None else None
        chosen = self._for(payer_identifier, submitted.claim.kind)
        review = Review(
            submitted,
            self.reference,
            as_of,
            history if history is not None else History(),
            chosen.timely_filing_days,
        )
        raw: list[tuple[Edit, Problem, Severity]] = []
        append = raw.append
        unchecked: dict[str, list[Edit]] = {}
        # As the edits compare them (`modifiers_of`): a record made without its checks may hold a modifier in lower
        # case, which must not pass the edits about it over.
        lines = submitted.claim.lines
        modifiers = {modifier for service in lines if service.modifiers for modifier in modifiers_of(service)}
        # The loop every claim takes through every edit: kept free of calls it can do without (each edit's check
        # method is bound once per policy, not per claim). Most claims carry no modifier, and then no edit about
        # modifiers runs: they are left out of the loop at once. Nor do most claims have add-on lines, E/M visits
        # after a procedure or PTP pairs: the edits that report only from such a fact are passed over together when
        # it is empty (`Edit.when_fact`).
        for fact, runs in chosen.steps if modifiers else chosen.steps_without_modifiers:
            if fact is not None and not _has(review, fact):
                continue
            for edit, check, needs in runs:
                if needs is not None and needs.isdisjoint(modifiers):
                    continue
                try:
                    for problem in check(review):
                        append((edit, problem, problem.severity or edit.severity))
                except NoRelease as missing:
                    unchecked.setdefault(str(missing), []).append(edit)
                except Exception as crash:
                    # Any failure of an edit is a finding on the claim, never a stopped run.
                    reason = (
                        f"the edit failed on this claim ({type(crash).__name__}: {crash}); the claim is not checked"
                    )
                    append((edit, Problem(reason), Severity.ERROR))
        for reason, edits in unchecked.items():
            # One warning per missing table, not one per edit that needed it.
            others = f" (nor {', '.join(edit.code for edit in edits[1:])})" if len(edits) > 1 else ""
            append((edits[0], Problem(f"not checked{others}: {reason}"), Severity.WARNING))
        if not raw:
            return ClaimResult(submitted, ())
        raw = _without_covered_record_rules(raw)
        findings: list[Finding] = []
        suppressed = 0
        for edit, problem, severity in raw:
            if edit in chosen.suppressed:
                suppressed += 1
                continue
            if severity is Severity.ERROR and edit in chosen.downgraded:
                severity = Severity.WARNING
            findings.append(_finding(submitted, edit, problem, severity))
        findings.sort(key=lambda finding: (finding.severity is not Severity.ERROR, finding.line or 0))
        return ClaimResult(submitted, tuple(findings), suppressed)

    def _for(self, payer_identifier: str | None, kind: ClaimKind) -> _Chosen:
        chosen = self._chosen.get((payer_identifier, kind))
        if chosen is None:
            policy = self.config.policy_for(payer_identifier)
            pack_rules = [rule for pack in self.config.packs if payer_identifier in pack.payers for rule in pack.rules]
            edits = tuple(edit for edit in (*self.edits, *pack_rules) if policy.runs(edit) and kind in edit.kinds)
            runs = tuple((edit, edit.check, edit.when_modifiers) for edit in edits)
            chosen = self._chosen[(payer_identifier, kind)] = _Chosen(
                _steps(runs),
                _steps(tuple(run for run in runs if run[2] is None)),
                frozenset(edit for edit in edits if matches(edit, policy.suppress)),
                frozenset(edit for edit in edits if matches(edit, policy.downgrade)),
                policy.timely_filing_days,
            )
        return chosen


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for a batch, then as it was.

    Each full collection walks every object alive (the claims read, the history, the reference's memoised
    answers), and a batch allocates enough small objects (problems, findings, answers) to set off several:
    measured, the collections took about a fifth of a 10,000-claim batch's CPU time. The edits make no reference
    cycles (reference counting frees what they make as it goes; a collection after a batch finds nothing), so the
    pause costs no memory. It is process-wide: another thread's cyclic garbage waits for the batch's end too. A
    batch that finds the collector paused (by an outer batch, or by the caller) leaves it as it is.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_Run = tuple[Edit, Callable[[Review], Iterable[Problem]], frozenset[str] | None]
_Step = tuple[Callable[[Review], Sized] | None, tuple[_Run, ...]]
"""Neighbouring edits that report only from one fact of the claim (`Edit.when_fact`), or from none, with it."""


def _steps(runs: tuple[_Run, ...]) -> tuple[_Step, ...]:
    """The runs in order, neighbours that share a fact (or have none) gathered in one step."""
    steps: list[tuple[Callable[[Review], Sized] | None, list[_Run]]] = []
    for run in runs:
        fact = type(run[0]).when_fact
        if steps and steps[-1][0] is fact:
            steps[-1][1].append(run)
        else:
            steps.append((fact, [run]))
    return tuple((fact, tuple(group)) for fact, group in steps)


def _has(review: Review, fact: Callable[[Review], Sized]) -> bool:
    """Whether the claim's ``fact`` is not empty; True when working it out fails.

    The edits that share the fact then meet the failure themselves (a missing table, a crash), each as it would
    have alone: the findings say so as they always have.
    """
    try:
        return len(fact(review)) > 0
    except Exception:
        return True


@dataclass(frozen=True, slots=True)
class _Chosen:
    """The edits a payer's policy runs on one kind of claim, and how their findings are reported."""

    steps: tuple[_Step, ...]
    """The edits, in order, each with its check and the modifiers it is about (`Edit.when_modifiers`), in steps of
    neighbours that share a fact (`Edit.when_fact`)."""
    steps_without_modifiers: tuple[_Step, ...]
    """The steps of the edits that run on a claim without modifiers (those not about some modifiers only)."""
    suppressed: frozenset[Edit]
    downgraded: frozenset[Edit]
    timely_filing_days: int | None


def _without_covered_record_rules(
    raw: list[tuple[Edit, Problem, Severity]],
) -> list[tuple[Edit, Problem, Severity]]:
    """Drop `INT00`'s report of a broken domain rule when another edit's error names the same field."""
    named = {
        problem.field
        for edit, problem, severity in raw
        if edit.code != RECORD_RULES and severity is Severity.ERROR and problem.field
    }
    return [
        item
        for item in raw
        if item[0].code != RECORD_RULES
        or not item[1].field
        or not any(_within(field, item[1].field) for field in named)
    ]


def _within(field: str, broader: str) -> bool:
    """Whether ``field`` is ``broader`` or a part of it (``diagnoses[1]`` of ``diagnoses``)."""
    return field == broader or field.startswith((broader + ".", broader + "["))


def _finding(submitted: Submitted, edit: Edit, problem: Problem, severity: Severity) -> Finding:
    return Finding(
        claim=submitted.claim.patient_control_number,
        line=problem.line,
        code=edit.code,
        name=edit.name,
        category=edit.category,
        severity=severity,
        message=problem.message or edit.message(),
        source=edit.source,
        fix=problem.fix,
        field=problem.field,
        claim_id=submitted.claim.id,
    )
