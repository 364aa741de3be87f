"""The validator: SNIP types 1 and 2 over a whole file, and the 835 balancing rules.

One pass over the segments, in constant memory:

- SNIP 1 (integrity): the envelope nests (ISA, GS, ST ... SE, GE, IEA), each trailer's count and control number
  agree with its header, the ISA is 106 characters, element values have the X12 types and lengths;
- SNIP 2 (implementation guide): every segment lands in a loop of the guide, required segments, loops and elements
  are there, nothing occurs more often than allowed, code values are the guide's, syntax notes hold, the HL
  hierarchy counts from 1 and each parent exists;
- 835 balancing: per service line charge - Σ CAS = paid, per claim charge - Σ claim and line CAS = paid, and
  BPR02 = Σ CLP04 - Σ PLB.

Findings are values (`X12Finding`); only a file that cannot be tokenized raises `X12Error`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from revcycle.x12.elements import MEMO_LIMIT, Problem, SegmentChecker, element_findings, element_problems, findings_of
from revcycle.x12.findings import Severity, X12Finding
from revcycle.x12.guides.model import Guide, SegmentSpec
from revcycle.x12.guides.registry import envelope_segments, guide_for
from revcycle.x12.tokens import ISA_LENGTH, Delimiters, Segment, read_file
from revcycle.x12.walker import Walker

ZERO = Decimal("0")


@dataclass(slots=True)
class TransactionResult:
    """What the validator found about one transaction set.

    Attributes:
        identifier: ST01.
        control_number: ST02.
        version: the implementation guide version applied (ST03, else GS08).
        guide: the guide label (``837P``, ``835``, ...); None when revcycle has no guide for it.
        segment_index: the index of its ST in the file.
        errors: how many error findings fell inside it.
    """

    identifier: str
    control_number: str
    version: str
    guide: str | None
    segment_index: int
    errors: int = 0

    @property
    def accepted(self) -> bool:
        """Whether the transaction set is free of errors."""
        return self.errors == 0


@dataclass(slots=True)
class ValidationResult:
    """The findings of a file and a summary of its transaction sets.

    Attributes:
        path: the file.
        findings: every finding, in file order.
        transactions: each transaction set met.
        groups: each functional group met, as (GS01, GS06, GS08).
    """

    path: str
    findings: list[X12Finding] = field(default_factory=list)
    transactions: list[TransactionResult] = field(default_factory=list)
    groups: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[X12Finding]:
        """The findings that make the file invalid."""
        return [finding for finding in self.findings if finding.severity is Severity.ERROR]

    @property
    def valid(self) -> bool:
        """Whether the file has no error finding."""
        return not self.errors


# Beyond this exponent an amount is not money, and summing such amounts could overflow the decimal context.
_LARGEST_EXPONENT = 99_999


def _amount(text: str) -> Decimal | None:
    """The amount an element holds: ZERO when empty; None when unreadable as one (the element checks report it).

    A signalling NaN, an infinity or an amount of absurd size is unreadable too: adding it could raise a decimal
    error (an infinity less an infinity, an overflow).
    """
    try:
        value = Decimal(text) if text else ZERO
    except InvalidOperation:
        return None
    if value.is_finite():  # the usual case: one predicate, not three
        return value if value.adjusted() <= _LARGEST_EXPONENT else None
    return None if value.is_snan() or value.is_infinite() else value


class _Amounts(dict[str, Decimal]):
    """Amount texts read as ``_amount(text) or ZERO``, remembered: a remittance repeats its amounts (fees, co-pays)."""

    def __missing__(self, text: str) -> Decimal:
        if len(self) >= MEMO_LIMIT:
            self.clear()
        value = self[text] = _amount(text) or ZERO
        return value


class _Balancer:
    """The 835 balancing rules, fed the segments of one transaction set.

    `handlers` maps the ids of the segments that carry amounts (CAS, SVC, CLP, LX, PLB, BPR) to the method that takes
    them, so that the validator passes only those; `end` takes the SE.
    """

    def __init__(self, validator: _Validator) -> None:
        self._validator = validator
        self.payment: tuple[Segment, Decimal, bool] | None = None
        self.paid_total = ZERO
        self.plb_total = ZERO
        self.claim: Segment | None = None
        self.claim_values = (ZERO, ZERO)
        self.claim_adjusted = ZERO
        self.line: Segment | None = None
        self.line_values = (ZERO, ZERO)
        self.line_adjusted = ZERO
        self.handlers: dict[str, Callable[[Segment], None]] = {
            "CAS": self._cas,
            "SVC": self._svc,
            "CLP": self._clp,
            "LX": self._lx,
            "PLB": self._plb,
            "BPR": self._bpr,
        }
        self._amounts = validator.amounts
        self._adjustments = validator.adjustments

    def _cas(self, segment: Segment) -> None:
        text = segment.raw
        adjusted = self._adjustments.get(text)  # never holds "" (a segment made in code)
        if adjusted is None:
            amounts = self._amounts
            # CAS03, 06, 09, 12, 15, 18, each as _amount reads it (ZERO when empty, zero or unreadable)
            adjusted = sum([amounts[amount] for amount in segment.elements[2:18:3]], ZERO)
            if text:
                if len(self._adjustments) >= MEMO_LIMIT:
                    self._adjustments.clear()
                self._adjustments[text] = adjusted
        if self.line is not None:
            self.line_adjusted += adjusted
        elif self.claim is not None:
            self.claim_adjusted += adjusted

    def _svc(self, segment: Segment) -> None:
        if self.line is not None:
            self._close_line()
        self.line = segment
        elements, amounts = segment.elements, self._amounts
        # SVC02 and SVC03, read in place when both are there (`_charge_and_paid` otherwise)
        self.line_values = (
            (amounts[elements[1]], amounts[elements[2]]) if len(elements) > 2 else self._charge_and_paid(segment, 2)
        )

    def _clp(self, segment: Segment) -> None:
        self._close_claim()
        self.claim = segment
        elements, amounts = segment.elements, self._amounts
        # CLP03 and CLP04, as in _svc
        self.claim_values = (
            (amounts[elements[2]], amounts[elements[3]]) if len(elements) > 3 else self._charge_and_paid(segment, 3)
        )
        self.paid_total += self.claim_values[1]

    def _charge_and_paid(self, segment: Segment, position: int) -> tuple[Decimal, Decimal]:
        """Elements `position` and `position + 1` as amounts (ZERO for an element that is not there)."""
        amounts = self._amounts
        return amounts[segment[position]], amounts[segment[position + 1]]

    def _lx(self, segment: Segment) -> None:
        self._close_claim()

    def _plb(self, segment: Segment) -> None:
        self._close_claim()
        self.plb_total += sum((_amount(segment[n]) or ZERO for n in range(4, 15, 2)), ZERO)

    def _bpr(self, segment: Segment) -> None:
        self.payment = (segment, _amount(segment[2]) or ZERO, segment[3] == "D")

    def end(self, se: Segment) -> None:
        """Close the last claim and check the payment against the claims and provider adjustments."""
        self._close_claim()
        self._close_transaction(se)

    def _close_line(self) -> None:
        if self.line is None:
            return
        charge, paid = self.line_values
        imbalance = charge - self.line_adjusted - paid
        if imbalance:
            self._validator.balance_finding(
                self.line,
                "line-balance",
                f"service line does not balance: charge {charge} - adjustments {self.line_adjusted} - paid {paid} "
                f"= {imbalance}",
            )
        self.claim_adjusted += self.line_adjusted
        self.line, self.line_adjusted = None, ZERO

    def _close_claim(self) -> None:
        self._close_line()
        if self.claim is None:
            return
        charge, paid = self.claim_values
        imbalance = charge - self.claim_adjusted - paid
        if imbalance:
            self._validator.balance_finding(
                self.claim,
                "claim-balance",
                f"claim {self.claim[1]!r} does not balance: charge {charge} - adjustments {self.claim_adjusted} "
                f"- paid {paid} = {imbalance}",
            )
        self.claim, self.claim_adjusted = None, ZERO

    def _close_transaction(self, se: Segment) -> None:
        if self.payment is None:
            return
        bpr, amount, debit = self.payment
        expected = self.paid_total - self.plb_total
        signed = -amount if debit else amount
        if signed != expected:
            self._validator.balance_finding(
                bpr,
                "payment-balance",
                f"BPR02 {amount} is not Σ CLP04 {self.paid_total} - Σ PLB {self.plb_total} = {expected}",
            )


class _Validator:
    def __init__(self, path: str) -> None:
        self.result = ValidationResult(path)
        self.path = path
        self.envelope = envelope_segments()
        self.isa: Segment | None = None
        self.gs: Segment | None = None
        self.st: Segment | None = None
        self.groups_in_interchange = 0
        self.sets_in_group = 0
        self.segments_in_set = 0
        self.walker: Walker | None = None
        self.transaction: TransactionResult | None = None
        self.balancer: _Balancer | None = None
        self.hl_ids: dict[str, tuple[Segment, str]] = {}
        self.hl_with_children: set[str] = set()
        self.hl_expected = 1
        # per delimiters and guide segment, its element checks (with their memo), kept across the transaction sets
        self._checkers: dict[Delimiters, dict[SegmentSpec, SegmentChecker]] = {}
        # the 835 balancer's memos, kept across transaction sets: amounts by text, CAS adjustment totals by segment
        self.amounts = _Amounts()
        self.adjustments: dict[str, Decimal] = {}

    # -- findings --------------------------------------------------------------------------------------------------
    def report(self, finding: X12Finding) -> None:
        self.result.findings.append(finding)
        if finding.severity is Severity.ERROR and self.transaction is not None:
            self.transaction.errors += 1

    def finding(self, segment: Segment | None, rule: str, message: str, **details: object) -> None:
        in_set = self.walker is not None and segment is not None and segment.id not in ("ISA", "GS", "GE", "IEA")
        self.report(
            X12Finding(
                rule=rule,
                message=message,
                path=self.path,
                segment_index=segment.index if segment else None,
                segment_id=segment.id if segment else None,
                loop=(self.walker.loop or None) if in_set and self.walker else None,
                transaction=self.st[2] if in_set and self.st else None,
                position_in_transaction=self.walker.position_in_transaction if in_set and self.walker else None,
                **details,  # type: ignore[arg-type]
            )
        )

    def balance_finding(self, segment: Segment, rule: str, message: str) -> None:
        self.report(
            X12Finding(
                rule=rule,
                message=message,
                path=self.path,
                segment_index=segment.index,
                segment_id=segment.id,
                transaction=self.st[2] if self.st else None,
            )
        )

    # -- the envelope ----------------------------------------------------------------------------------------------
    def run(self, segments: Iterable[Segment]) -> None:
        """Check every segment: the envelope's by their handlers, the body of each transaction set by `_body`."""
        iterator = iter(segments)
        for segment in iterator:
            following: Segment | None = segment
            while following is not None:
                self._outside_body(following)
                following = self._body(iterator) if self.st is not None else None

    def _outside_body(self, segment: Segment) -> None:
        handler = _ENVELOPE.get(segment.id)
        if handler is not None:
            handler(self, segment)
        else:
            self.finding(segment, "outside-transaction", f"{segment.id} outside a transaction set (ST ... SE)")

    def _isa(self, segment: Segment) -> None:
        if self.isa is not None:
            self.finding(segment, "envelope", "an ISA before the previous interchange's IEA")
        self.isa, self.groups_in_interchange = segment, 0
        length = len(segment.text()) + 1
        if length != ISA_LENGTH:
            self.finding(segment, "isa-length", f"the ISA is {length} characters; it is fixed at {ISA_LENGTH}")
        self._envelope_elements(segment)

    def _gs(self, segment: Segment) -> None:
        if self.isa is None:
            self.finding(segment, "envelope", "GS outside an interchange")
        if self.gs is not None:
            self.finding(segment, "envelope", "a GS before the previous group's GE")
        self.gs, self.sets_in_group = segment, 0
        self.groups_in_interchange += 1
        self.result.groups.append((segment[1], segment[6], segment[8]))
        self._envelope_elements(segment)

    def _st(self, segment: Segment) -> None:
        if self.gs is None:
            self.finding(segment, "envelope", "ST outside a functional group")
        if self.st is not None:
            self.finding(segment, "envelope", "an ST before the previous transaction set's SE")
        self.st = segment
        self.sets_in_group += 1
        self.segments_in_set = 1
        version = segment[3] or (self.gs[8] if self.gs else "")
        guide: Guide | None = guide_for(segment[1], version)
        self.transaction = TransactionResult(
            segment[1], segment[2], version, guide.transaction if guide else None, segment.index
        )
        self.result.transactions.append(self.transaction)
        self.hl_ids, self.hl_with_children, self.hl_expected = {}, set(), 1
        self.balancer = _Balancer(self) if segment[1] == "835" else None
        if guide is None:
            self.walker = None
            self.finding(
                segment,
                "unsupported-transaction",
                f"no implementation guide for transaction set {segment[1]!r} version {version!r}: revcycle validates "
                "the HIPAA 5010 837P, 837I, 835, 277CA, 277, 276, 270, 271 and 999",
                segment_error_code="1",
            )
            return
        if self.gs is not None and self.gs[8] and segment[3] and self.gs[8] != segment[3]:
            self.finding(
                segment,
                "version-mismatch",
                f"ST03 {segment[3]!r} differs from the group's GS08 {self.gs[8]!r}",
                severity=Severity.WARNING,
            )
        self.walker = Walker(guide, self.report, self.path)
        self._place(self.walker, segment)

    def _se(self, segment: Segment) -> None:
        if self.st is None:
            self.finding(segment, "envelope", "SE without its ST")
            return
        self.segments_in_set += 1
        if self.walker is not None:
            self._place(self.walker, segment)
            self.walker.finish()
        if self.balancer is not None:
            self.balancer.end(segment)
        if segment[1] != str(self.segments_in_set):
            self.finding(
                segment,
                "se-count",
                f"SE01 says {segment[1]!r} segments; the transaction set has {self.segments_in_set}",
                element=1,
                element_error_code="",
            )
        if segment[2] != self.st[2]:
            self.finding(segment, "control-number", f"SE02 {segment[2]!r} is not the ST02 {self.st[2]!r}", element=2)
        self._check_hl_children()
        self.st, self.walker, self.balancer, self.transaction = None, None, None, None

    def _ge(self, segment: Segment) -> None:
        if self.gs is None:
            self.finding(segment, "envelope", "GE without its GS")
            return
        if self.st is not None:
            self.finding(segment, "envelope", f"GE before the SE of transaction set {self.st[2]!r}")
            self.st, self.walker, self.transaction = None, None, None
        if segment[1] != str(self.sets_in_group):
            self.finding(
                segment, "ge-count", f"GE01 says {segment[1]!r} transaction sets; the group has {self.sets_in_group}"
            )
        if segment[2] != self.gs[6]:
            self.finding(segment, "control-number", f"GE02 {segment[2]!r} is not the GS06 {self.gs[6]!r}")
        self._envelope_elements(segment)
        self.gs = None

    def _iea(self, segment: Segment) -> None:
        if self.isa is None:
            self.finding(segment, "envelope", "IEA without its ISA")
            return
        if self.gs is not None:
            self.finding(segment, "envelope", f"IEA before the GE of group {self.gs[6]!r}")
            self.gs = None
        if segment[1] != str(self.groups_in_interchange):
            self.finding(
                segment,
                "iea-count",
                f"IEA01 says {segment[1]!r} groups; the interchange has {self.groups_in_interchange}",
            )
        if segment[2] != self.isa[13]:
            self.finding(segment, "control-number", f"IEA02 {segment[2]!r} is not the ISA13 {self.isa[13]!r}")
        self._envelope_elements(segment)
        self.isa = None

    def _envelope_elements(self, segment: Segment) -> None:
        spec = self.envelope.get(segment.id)
        if spec is None:
            return
        if segment.id == "ISA":  # its fields are fixed-width: a short one is padded, never trimmed
            for element in spec.elements:
                value = segment[element.position]
                if element.min_length and len(value) != element.min_length and element.position != 16:
                    self.finding(
                        segment,
                        "isa-field",
                        f"{element.id} ({element.name}) is {len(value)} characters; it is fixed at "
                        f"{element.min_length}",
                        element=element.position,
                    )
        for finding in element_findings(segment, spec, path=self.path, loop="", transaction="", position=0):
            if segment.id == "ISA" and finding.rule == "element-length":
                continue  # reported as isa-field above
            self.report(finding)

    # -- inside a transaction set ----------------------------------------------------------------------------------
    def _body(self, segments: Iterator[Segment]) -> Segment | None:
        """Check the segments after an ST up to the next envelope segment, which is returned (None at the end).

        This is where the time goes (a file is almost all body), so the loop keeps its state in locals, passes the
        balancer only the segments it takes, and looks a segment's element problems up by its text before checking.
        """
        walker, balancer = self.walker, self.balancer
        balance = balancer.handlers if balancer is not None else {}
        if walker is None:
            return self._unplaced_body(segments, balance)
        envelope = _ENVELOPE
        # The checkers of the delimiters the segments were cut with: those of the interchange, for every segment
        # the tokenizer cuts, so that they are looked up again only when a segment made another way has others.
        delimiters: Delimiters | None = None
        checkers: dict[SegmentSpec, SegmentChecker] = {}
        # Not counted here: the walker counts every segment it places from the ST, which is every segment of the
        # set so far (`segments_in_set`).
        for segment in segments:  # iterated directly: the interpreter then resumes the tokenizer in place
            segment_id = segment.id
            if segment_id in envelope:
                self.segments_in_set = walker.position_in_transaction
                return segment
            if segment_id in balance:  # a test, not a get: most segments carry no amount (and an 837 none)
                balance[segment_id](segment)
            spec = walker.place(segment)
            if spec is not None:
                if segment.delimiters is not delimiters:
                    delimiters = segment.delimiters
                    checkers = self._checkers_for(delimiters)
                try:  # a subscript, not `get`: a method call costs more than the lookup, and a miss is rare
                    checker = checkers[spec]
                except KeyError:
                    checker = checkers[spec] = SegmentChecker(spec, delimiters)
                problems = checker.memo.get(segment.raw)
                if problems is None:
                    problems = checker.remember(segment)
                if problems:
                    self._report_problems(walker, segment, problems)
            if segment_id == "HL":
                self._hl(segment)
        self.segments_in_set = walker.position_in_transaction
        return None

    def _unplaced_body(
        self, segments: Iterator[Segment], balance: dict[str, Callable[[Segment], None]]
    ) -> Segment | None:
        """`_body` for a transaction set without a guide: its segments are counted and balanced, nothing else."""
        count = 0
        for segment in segments:
            segment_id = segment.id
            if segment_id in _ENVELOPE:
                self.segments_in_set += count
                return segment
            count += 1
            if segment_id in balance:
                balance[segment_id](segment)
        self.segments_in_set += count
        return None

    def _checkers_for(self, delimiters: Delimiters) -> dict[SegmentSpec, SegmentChecker]:
        checkers = self._checkers.get(delimiters)
        if checkers is None:
            checkers = self._checkers[delimiters] = {}
        return checkers

    def _place(self, walker: Walker, segment: Segment) -> None:
        """Place the segment in its loop and check its elements against the guide's segment it was read as."""
        spec = walker.place(segment)
        if spec is None:
            return
        problems = element_problems(segment, spec)
        if problems:
            self._report_problems(walker, segment, problems)

    def _report_problems(self, walker: Walker, segment: Segment, problems: Sequence[Problem]) -> None:
        for finding in findings_of(
            segment,
            problems,
            path=self.path,
            loop=walker.loop,
            transaction=walker.transaction,
            position=walker.position_in_transaction,
        ):
            self.report(finding)

    def _hl(self, segment: Segment) -> None:
        number, parent, child_code = segment[1], segment[2], segment[4]
        if number != str(self.hl_expected):
            self.finding(
                segment,
                "hl-sequence",
                f"HL01 is {number!r}; HL ids count 1, 2, 3 ... and this one should be {self.hl_expected}",
                element=1,
            )
        self.hl_expected += 1
        if parent:
            if parent not in self.hl_ids:
                self.finding(segment, "hl-parent", f"HL02 {parent!r} names no earlier HL", element=2)
            else:
                self.hl_with_children.add(parent)
        self.hl_ids[number] = (segment, child_code)

    def _check_hl_children(self) -> None:
        for number, (segment, child_code) in self.hl_ids.items():
            has_children = number in self.hl_with_children
            if child_code == "1" and not has_children:
                self.finding(
                    segment, "hl-child-code", f"HL {number} says it has children (HL04 1); none follow", element=4
                )
            elif child_code == "0" and has_children:
                self.finding(
                    segment, "hl-child-code", f"HL {number} says it has no children (HL04 0); some follow", element=4
                )

    def finish(self) -> ValidationResult:
        if self.st is not None:
            self.finding(self.st, "envelope", f"transaction set {self.st[2]!r} has no SE")
        if self.gs is not None:
            self.finding(self.gs, "envelope", f"group {self.gs[6]!r} has no GE")
        if self.isa is not None:
            self.finding(self.isa, "envelope", "the interchange has no IEA")
        return self.result


_ENVELOPE = {
    "ISA": _Validator._isa,
    "GS": _Validator._gs,
    "ST": _Validator._st,
    "SE": _Validator._se,
    "GE": _Validator._ge,
    "IEA": _Validator._iea,
}


def validate_segments(segments: Iterable[Segment], path: str) -> ValidationResult:
    """Validate a file's segments (as the tokenizer yields them).

    Raises:
        X12Error: the file cannot be tokenized (no ISA, broken delimiters, ...).
    """
    validator = _Validator(path)
    validator.run(segments)
    return validator.finish()


def validate_file(path: Path | str) -> ValidationResult:
    """Validate one X12 file.

    Raises:
        X12Error: the file cannot be read or tokenized.
    """
    return validate_segments(read_file(path), str(path))
