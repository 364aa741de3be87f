"""Placing each segment of a transaction set in its loop of the implementation guide, as an X12 parser does.

The walker keeps only the path of open loops (a stack), so it runs in constant memory however many claims a
transaction holds. For each segment it looks, from the innermost open loop outwards, for the first use of the
segment at or after the current position: a segment of that loop (its id and its qualifier code, e.g. NM1*85) or the
first segment of a child loop, which opens that loop. A loop closes when a segment lands outside it; closing checks
that its required segments and loops occurred and that none occurred too often.

A segment that matches nowhere by id and qualifier is placed by its id alone where the id is expected (so a wrong
qualifier is reported as a bad code value rather than as a stray segment); a segment whose id the guide does not use
where it stands is unexpected, and the walker stays where it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from revcycle.x12.findings import X12Finding
from revcycle.x12.guides.model import Guide, LoopSpec, SegmentSpec
from revcycle.x12.tokens import Segment

# 999 IK304 segment syntax error codes.
UNRECOGNIZED_SEGMENT = "1"
UNEXPECTED_SEGMENT = "2"
REQUIRED_SEGMENT_MISSING = "3"
LOOP_OCCURS_OVER_MAXIMUM = "4"
SEGMENT_EXCEEDS_MAXIMUM_USE = "5"
SEGMENT_NOT_IN_PROPER_SEQUENCE = "7"
NOT_USED_SEGMENT_PRESENT = "I4"


@dataclass(slots=True)
class _Candidate:
    """A place in a loop where a segment id can land: a segment of the loop, or the start of a child loop."""

    index: int  # position among the loop's children
    segment: SegmentSpec  # the segment matched (a child loop's first segment)
    loop: LoopSpec | None  # the child loop it opens, or None for a segment of the loop itself
    in_order: bool = True  # False: placed out of order, the walker's position stays


@dataclass(slots=True)
class _OpenLoop:
    """One open loop instance: its spec, where the walker is in it, and how often each child occurred."""

    spec: LoopSpec
    position: int = 0
    counts: list[int] = field(default_factory=list)
    start: Segment | None = None
    table: dict[str, list[_Candidate]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.counts:
            self.counts = [0] * len(self.spec.children)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a segment landed.

    Attributes:
        segment: the segment.
        spec: the guide's segment it was read as; None when it landed nowhere.
        loop: the id of the innermost loop it is in.
        opened: the loops the segment opened (outermost first), e.g. ``("2300",)`` for a CLM.
    """

    segment: Segment
    spec: SegmentSpec | None
    loop: str
    opened: tuple[str, ...] = ()


class _Index:
    """Per loop spec, the candidates for each segment id, in the loop's order (computed once per guide)."""

    def __init__(self) -> None:
        self._by_loop: dict[int, dict[str, list[_Candidate]]] = {}

    def candidates(self, loop: LoopSpec, segment_id: str) -> list[_Candidate]:
        return self.table(loop).get(segment_id, [])

    def table(self, loop: LoopSpec) -> dict[str, list[_Candidate]]:
        table = self._by_loop.get(id(loop))
        if table is None:
            table = {}
            for index, child in enumerate(loop.children):
                if isinstance(child, LoopSpec):
                    table.setdefault(child.first.id, []).append(_Candidate(index, child.first, child))
                else:
                    table.setdefault(child.id, []).append(_Candidate(index, child, None))
            self._by_loop[id(loop)] = table
        return table


_INDEXES: dict[int, _Index] = {}


def _index_for(guide: Guide) -> _Index:
    index = _INDEXES.get(id(guide))
    if index is None:
        index = _INDEXES[id(guide)] = _Index()
    return index


def _all_segment_ids(loop: LoopSpec, into: set[str]) -> set[str]:
    for child in loop.children:
        if isinstance(child, LoopSpec):
            _all_segment_ids(child, into)
        else:
            into.add(child.id)
    return into


class Walker:
    """Walks the segments of one transaction set (ST to SE) through a guide, reporting structure findings.

    Call `place` for each segment from ST to SE, then `finish`. Findings go to `report`.
    """

    def __init__(self, guide: Guide, report: Callable[[X12Finding], None], path: str = "") -> None:
        self.guide = guide
        self._report = report
        self._path = path
        self._index = _index_for(guide)
        self._stack: list[_OpenLoop] = []
        self._known_ids = _all_segment_ids(guide.root, set())
        self.transaction = ""
        self.position_in_transaction = 0
        self.last_spec: SegmentSpec | None = None
        self.opened: tuple[str, ...] = ()

    @property
    def loop(self) -> str:
        """The id of the innermost open loop."""
        return self._stack[-1].spec.id if self._stack else ""

    def place(self, segment: Segment) -> SegmentSpec | None:
        """Place one segment; return the guide's segment it was read as (also kept as `last_spec`), or None.

        `loop` is then the innermost loop it is in, and `opened` the loops it opened (outermost first).
        """
        # The common case first, without the general search: the next segment of the innermost loop.
        stack = self._stack
        if stack and segment.id != "ST":
            top = stack[-1]
            for candidate in top.table.get(segment.id, ()):
                index = candidate.index
                if index == 0:
                    break  # the loop's first segment again starts a new instance: the general search decides
                if index < top.position:
                    continue
                spec = candidate.segment
                if candidate.loop is not None or (
                    index == top.position and spec.max_use is not None and top.counts[index] >= spec.max_use
                ):
                    break
                qualifier = spec.qualifier
                if qualifier is not None:
                    position, component, codes = qualifier
                    elements = segment.elements
                    value = elements[position - 1] if position <= len(elements) else ""
                    if component and value:
                        value = value.split(segment.delimiters.component, component)[component - 1]
                    if value not in codes:
                        continue
                self.position_in_transaction += 1
                top.position = index
                top.counts[index] += 1
                if spec.usage == "N":
                    self._check_usage(segment, spec)
                self.opened = ()
                self.last_spec = spec
                return spec
        placement = self._place(segment)
        self.opened = placement.opened
        self.last_spec = placement.spec
        return placement.spec

    def _place(self, segment: Segment) -> Placement:
        self.position_in_transaction += 1
        if segment.id == "ST":
            self.position_in_transaction = 1
            self.transaction = segment[2]
            self._stack = [
                _OpenLoop(self.guide.root, position=0, start=segment, table=self._index.table(self.guide.root))
            ]
            self._stack[0].counts[0] = 1
            return Placement(segment, self.guide.root.first, self.guide.root.id)
        separator = segment.delimiters.component

        def qualified(spec: SegmentSpec) -> bool:
            return spec.matches(segment.id, segment.elements, separator)

        def same_id(spec: SegmentSpec) -> bool:
            return spec.id == segment.id

        found = (
            self._find(segment, qualified)
            or self._find_out_of_order(segment, qualified)
            or self._find(segment, same_id)
        )
        if found is None:
            code = UNEXPECTED_SEGMENT if segment.id in self._known_ids else UNRECOGNIZED_SEGMENT
            where = f"in loop {self.loop}" if self.loop else "here"
            self._finding(
                segment,
                "unexpected-segment" if code == UNEXPECTED_SEGMENT else "unrecognized-segment",
                f"{segment.id} is not expected {where} by {self.guide.version}",
                code,
            )
            return Placement(segment, None, self.loop)
        depth, candidate = found
        for open_loop in self._stack[depth + 1 :][::-1]:
            self._close(open_loop)
        del self._stack[depth + 1 :]
        parent = self._stack[depth]
        if candidate.in_order:
            parent.position = candidate.index
        parent.counts[candidate.index] += 1
        count = parent.counts[candidate.index]
        if candidate.loop is None:
            spec = candidate.segment
            if spec.max_use is not None and count > spec.max_use:
                self._finding(
                    segment,
                    "segment-repeat",
                    f"{spec.id} ({spec.name}) occurs {count} times in loop {parent.spec.id}; at most {spec.max_use}",
                    SEGMENT_EXCEEDS_MAXIMUM_USE,
                )
            self._check_usage(segment, spec)
            return Placement(segment, spec, parent.spec.id)
        opened = self._open(segment, parent, candidate.loop, count)
        return Placement(segment, candidate.segment, self.loop, opened)

    def _open(self, segment: Segment, parent: _OpenLoop, loop: LoopSpec, count: int) -> tuple[str, ...]:
        if loop.repeat is not None and count > loop.repeat:
            self._finding(
                segment,
                "loop-repeat",
                f"loop {loop.id} ({loop.name}) occurs {count} times in loop {parent.spec.id}; at most {loop.repeat}",
                LOOP_OCCURS_OVER_MAXIMUM,
            )
        if loop.usage == "N":
            self._finding(
                segment, "not-used-loop", f"loop {loop.id} ({loop.name}) is not used", NOT_USED_SEGMENT_PRESENT
            )
        opened = [loop.id]
        current = _OpenLoop(loop, position=0, start=segment, table=self._index.table(loop))
        current.counts[0] = 1
        self._stack.append(current)
        first = loop.children[0]
        while isinstance(first, LoopSpec):  # a loop that starts with a loop opens both
            inner = _OpenLoop(first, position=0, start=segment, table=self._index.table(first))
            inner.counts[0] = 1
            self._stack.append(inner)
            opened.append(first.id)
            first = first.children[0]
        self._check_usage(segment, first)
        return tuple(opened)

    def _find(self, segment: Segment, accepts: Callable[[SegmentSpec], bool]) -> tuple[int, _Candidate] | None:
        """The innermost open loop with a candidate at or after its position that `accepts` the segment."""
        for depth in range(len(self._stack) - 1, -1, -1):
            open_loop = self._stack[depth]
            for candidate in self._index.candidates(open_loop.spec, segment.id):
                if candidate.index < open_loop.position or (candidate.index == 0 and candidate.loop is None):
                    continue  # behind the walker, or the loop's own first segment, which starts a new instance
                if candidate.index == open_loop.position and candidate.loop is None:
                    spec = candidate.segment
                    if spec.max_use is not None and open_loop.counts[candidate.index] >= spec.max_use:
                        # the same segment again past its maximum: a later use of the id may take it
                        later = self._later(open_loop, candidate, accepts)
                        if later is not None:
                            return depth, later
                if accepts(candidate.segment):
                    return depth, candidate
        return None

    def _find_out_of_order(
        self, segment: Segment, accepts: Callable[[SegmentSpec], bool]
    ) -> tuple[int, _Candidate] | None:
        """A segment of an open loop that the guide puts before where the walker is: placed, and reported."""
        for depth in range(len(self._stack) - 1, -1, -1):
            open_loop = self._stack[depth]
            for candidate in self._index.candidates(open_loop.spec, segment.id):
                # index 0 starts a new instance of the loop: never out of order
                if 0 < candidate.index < open_loop.position and candidate.loop is None and accepts(candidate.segment):
                    self._finding(
                        segment,
                        "segment-order",
                        f"{segment.id} ({candidate.segment.name}) comes after segments the guide puts after it "
                        f"in loop {open_loop.spec.id}",
                        SEGMENT_NOT_IN_PROPER_SEQUENCE,
                    )
                    return depth, _Candidate(candidate.index, candidate.segment, None, in_order=False)
        return None

    def _later(
        self, open_loop: _OpenLoop, current: _Candidate, accepts: Callable[[SegmentSpec], bool]
    ) -> _Candidate | None:
        for candidate in self._index.candidates(open_loop.spec, current.segment.id):
            if candidate.index > current.index and accepts(candidate.segment):
                return candidate
        return None

    def _check_usage(self, segment: Segment, spec: SegmentSpec) -> None:
        if spec.usage == "N":
            self._finding(segment, "not-used-segment", f"{spec.id} ({spec.name}) is not used", NOT_USED_SEGMENT_PRESENT)

    def _close(self, open_loop: _OpenLoop) -> None:
        for index, child in enumerate(open_loop.spec.children):
            if child.usage == "R" and open_loop.counts[index] == 0:
                if isinstance(child, LoopSpec):
                    what = f"loop {child.id} ({child.name}), which starts with {child.first.id}"
                else:
                    what = f"segment {child.id} ({child.name})"
                start = open_loop.start
                self._report(
                    X12Finding(
                        rule="required-segment",
                        message=f"loop {open_loop.spec.id} ({open_loop.spec.name}) lacks the required {what}",
                        path=self._path,
                        segment_index=start.index if start else None,
                        segment_id=start.id if start else None,
                        loop=open_loop.spec.id,
                        transaction=self.transaction,
                        segment_error_code=REQUIRED_SEGMENT_MISSING,
                    )
                )

    def finish(self) -> None:
        """Close every open loop (at SE), checking what each required."""
        for open_loop in self._stack[::-1]:
            self._close(open_loop)
        self._stack = []

    def _finding(self, segment: Segment, rule: str, message: str, code: str) -> None:
        self._report(
            X12Finding(
                rule=rule,
                message=message,
                path=self._path,
                segment_index=segment.index,
                segment_id=segment.id,
                loop=self.loop or None,
                transaction=self.transaction,
                position_in_transaction=self.position_in_transaction,
                segment_error_code=code,
            )
        )
