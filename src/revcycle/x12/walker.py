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
from dataclasses import dataclass

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
    # the loops it opens, outermost first: the child loop, and the loops that start it when it starts with a loop
    opens: tuple[_Layout, ...] = ()


@dataclass(slots=True)
class _Layout:
    """What the walker needs of one loop of the guide, computed once per guide.

    Attributes:
        spec: the loop.
        table: the candidates of each segment id, in the loop's order.
        required: the positions of the loop's required children, which closing it checks; not the first child,
            which an instance always has (it opened it), so that a loop with no other required child is not visited
            when it closes.
        keyed: for a segment id whose uses in the loop each have codes of their own in the same simple element
            (REF01, DTM01, NM101, ...), that element's position and the use of each code; see `_keyed`.
    """

    spec: LoopSpec
    table: dict[str, list[_Candidate]]
    required: tuple[int, ...]
    keyed: dict[str, tuple[int, dict[str, _Candidate]]]


class _OpenLoop:
    """One open loop instance: its spec, where the walker is in it, and how often each child occurred.

    A new instance is open because its first child just occurred, so that child counts once and is the position.
    Made by `_open_loop`.
    """

    __slots__ = ("counts", "keyed", "position", "required", "spec", "start", "table")

    spec: LoopSpec
    table: dict[str, list[_Candidate]]
    keyed: dict[str, tuple[int, dict[str, _Candidate]]]
    required: tuple[int, ...]
    position: int
    counts: list[int]
    start: Segment


_new_object = object.__new__


def _open_loop(layout: _Layout, start: Segment) -> _OpenLoop:
    """A new instance of the loop `layout`, opened by the segment `start`.

    Filled by a function rather than by an `__init__`: a class call runs `__init__` in a frame of its own entered
    from C, which costs more than the filling, and a claim or a service line opens a loop.
    """
    open_loop: _OpenLoop = _new_object(_OpenLoop)
    open_loop.spec = layout.spec
    open_loop.table = layout.table
    open_loop.keyed = layout.keyed
    open_loop.required = layout.required
    open_loop.position = 0
    open_loop.counts = counts = [0] * len(layout.spec.children)
    counts[0] = 1
    open_loop.start = start
    return open_loop


class _GuideLayout:
    """The layouts of every loop of a guide and the segment ids it uses anywhere (computed once per guide)."""

    def __init__(self, guide: Guide) -> None:
        self.known_ids: set[str] = set()
        self.root = self._layout(guide.root)

    def _layout(self, loop: LoopSpec) -> _Layout:
        table: dict[str, list[_Candidate]] = {}
        for index, child in enumerate(loop.children):
            if isinstance(child, LoopSpec):
                opens = [self._layout(child)]
                while isinstance(opens[-1].spec.children[0], LoopSpec):  # a loop that starts with a loop opens both
                    opens.append(opens[-1].table[child.first.id][0].opens[0])
                table.setdefault(child.first.id, []).append(_Candidate(index, child.first, child, opens=tuple(opens)))
            else:
                self.known_ids.add(child.id)
                table.setdefault(child.id, []).append(_Candidate(index, child, None))
        required = tuple(index for index, child in enumerate(loop.children) if child.usage == "R" and index)
        keyed = {segment_id: found for segment_id, uses in table.items() if (found := _keyed(uses)) is not None}
        return _Layout(loop, table, required, keyed)


def _keyed(candidates: list[_Candidate]) -> tuple[int, dict[str, _Candidate]] | None:
    """The qualifier element's position and the candidate of each of its codes, when the code alone picks the use.

    That is when every candidate has a qualifier in the same simple element and no code is shared, and none is the
    loop's first segment (which may start a new instance instead). The walker then finds the one candidate a segment
    can be by its code, where it would otherwise try each in turn.
    """
    positions = {candidate.segment.qualifier[:2] if candidate.segment.qualifier else None for candidate in candidates}
    if len(positions) != 1 or any(candidate.index == 0 for candidate in candidates):
        return None
    qualifier = positions.pop()
    if qualifier is None or qualifier[1]:
        return None
    uses: dict[str, _Candidate] = {}
    for candidate in candidates:
        codes = candidate.segment.qualifier[2] if candidate.segment.qualifier else frozenset[str]()
        if any(code in uses for code in codes):
            return None
        uses.update(dict.fromkeys(codes, candidate))
    return qualifier[0], uses


_LAYOUTS: dict[int, tuple[Guide, _GuideLayout]] = {}


def _layout_for(guide: Guide) -> _GuideLayout:
    # keyed by identity (a guide is a large frozen tree); the entry keeps the guide, so its id is never reused
    entry = _LAYOUTS.get(id(guide))
    if entry is None:
        entry = _LAYOUTS[id(guide)] = (guide, _GuideLayout(guide))
    return entry[1]


class Walker:
    """Walks the segments of one transaction set (ST to SE) through a guide, reporting structure findings.

    Call `place` for each segment from ST to SE, then `finish`. Findings go to `report`.
    """

    def __init__(self, guide: Guide, report: Callable[[X12Finding], None], path: str = "") -> None:
        self.guide = guide
        self._report = report
        self._path = path
        self._layout = _layout_for(guide)
        self._stack: list[_OpenLoop] = []
        self.transaction = ""
        self.position_in_transaction = 0

    @property
    def loop(self) -> str:
        """The id of the innermost open loop."""
        return self._stack[-1].spec.id if self._stack else ""

    def place(self, segment: Segment) -> SegmentSpec | None:
        """Place one segment; return the guide's segment it was read as, or None. `loop` is then the loop it is in."""
        # The common cases first, without the general search: the next segment of the innermost loop, the first
        # segment of one of its child loops, or (in `_reopen`) a new instance of an open loop.
        stack = self._stack
        segment_id = segment.id
        if not stack or segment_id == "ST":
            return self._place(segment)
        top = stack[-1]
        keyed = top.keyed.get(segment_id)
        if keyed is not None:
            # The segment's code names the one use of the id it can be; trying the uses in turn, as below, would
            # skip the others for their codes and end at the same one (or at none: the general search).
            position, uses = keyed
            try:
                value = segment.elements[position - 1]
            except IndexError:
                value = ""
            found = uses.get(value)
            if found is None or found.index < top.position:
                return self._place(segment)
        else:
            candidates = top.table.get(segment_id)
            if candidates is None:
                return self._reopen(segment, len(stack) - 2)
            at = top.position
            for candidate in candidates:
                index = candidate.index
                if index == 0:  # the loop's first segment: a new instance of it, or of a loop further out
                    return self._reopen(segment, len(stack) - 1)
                if index < at:
                    continue
                qualifier = candidate.segment.qualifier
                if qualifier is not None:
                    position, component, codes = qualifier
                    try:
                        value = segment.elements[position - 1]
                    except IndexError:
                        value = ""
                    if component and value:
                        value = value.split(segment.delimiters.component, component)[component - 1]
                    if value not in codes:
                        continue  # another use of the id (NM1*QC, then NM1*IL): a later candidate may take it
                found = candidate
                break
            else:
                return self._place(segment)
        # `found` is a use of the id in the innermost loop, at or after the position
        if found.loop is not None:
            self.position_in_transaction += 1
            return self._enter(top, found, segment)
        index = found.index
        spec = found.segment
        counts = top.counts
        if index == top.position and spec.max_use is not None and counts[index] >= spec.max_use:
            # the same segment past its maximum: a later use of the id may take it, or it is reported
            return self._place(segment)
        self.position_in_transaction += 1
        top.position = index
        counts[index] += 1
        if spec.usage == "N":
            self._check_usage(segment, spec)
        return spec

    def _reopen(self, segment: Segment, depth: int) -> SegmentSpec | None:
        """Place a segment that the loops above `depth` have no use for: `_find`'s qualified pass, from `depth` down.

        The usual cases are the first segment of an open loop (the next claim's CLP, the next line's SVC), which
        opens a new instance through its parent's candidate, and the first segment of a loop further out (a claim's
        CLM after the subscriber's name, the next subscriber's HL). The loops inside are closed as `_place` closes
        them. A use past its maximum (which `_find` may pass over to a later use) and a segment no open loop takes
        go to the general search.
        """
        stack = self._stack
        segment_id, elements, separator = segment.id, segment.elements, segment.delimiters.component
        while depth >= 0:
            open_loop = stack[depth]
            candidates = open_loop.table.get(segment_id)
            if candidates is not None:
                position = open_loop.position
                for candidate in candidates:
                    index = candidate.index
                    if index < position or (index == 0 and candidate.loop is None):
                        continue  # behind the walker, or the loop's own first segment (a new instance, found below)
                    spec = candidate.segment
                    if (
                        index == position
                        and candidate.loop is None
                        and spec.max_use is not None
                        and open_loop.counts[index] >= spec.max_use
                    ):
                        return self._place(segment)
                    if spec.matches(segment_id, elements, separator):
                        self.position_in_transaction += 1
                        self._close_above(depth)
                        return self._enter(open_loop, candidate, segment)
            depth -= 1
        return self._place(segment)

    def _place(self, segment: Segment) -> SegmentSpec | None:
        self.position_in_transaction += 1
        if segment.id == "ST":
            self.position_in_transaction = 1
            self.transaction = segment[2]
            self._stack = [_open_loop(self._layout.root, segment)]
            return self.guide.root.first
        found = self._find(segment, True) or self._find_out_of_order(segment) or self._find(segment, False)
        if found is None:
            code = UNEXPECTED_SEGMENT if segment.id in self._layout.known_ids else UNRECOGNIZED_SEGMENT
            where = f"in loop {self.loop}" if self.loop else "here"
            self._finding(
                segment,
                "unexpected-segment" if code == UNEXPECTED_SEGMENT else "unrecognized-segment",
                f"{segment.id} is not expected {where} by {self.guide.version}",
                code,
            )
            return None
        depth, candidate = found
        self._close_above(depth)
        return self._enter(self._stack[depth], candidate, segment)

    def _close_above(self, depth: int) -> None:
        """Close the loops inside the one at `depth`, innermost first."""
        stack = self._stack
        if depth + 1 < len(stack):
            for open_loop in stack[:depth:-1]:
                if open_loop.required:
                    self._close(open_loop)
            del stack[depth + 1 :]

    def _enter(self, parent: _OpenLoop, candidate: _Candidate, segment: Segment) -> SegmentSpec:
        """Count the segment as `candidate` of the innermost open loop `parent`, opening the loops it starts."""
        index = candidate.index
        if candidate.in_order:
            parent.position = index
        parent.counts[index] += 1
        count = parent.counts[index]
        spec = candidate.segment
        loop = candidate.loop
        if loop is None:
            if spec.max_use is not None and count > spec.max_use:
                self._finding(
                    segment,
                    "segment-repeat",
                    f"{spec.id} ({spec.name}) occurs {count} times in loop {parent.spec.id}; at most {spec.max_use}",
                    SEGMENT_EXCEEDS_MAXIMUM_USE,
                )
            if spec.usage == "N":
                self._check_usage(segment, spec)
            return spec
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
        stack = self._stack
        for layout in candidate.opens:
            stack.append(_open_loop(layout, segment))
        if spec.usage == "N":
            self._check_usage(segment, spec)
        return spec

    def _find(self, segment: Segment, qualified: bool) -> tuple[int, _Candidate] | None:
        """The innermost open loop with a candidate at or after its position that takes the segment.

        `qualified`: the candidate must match the segment's qualifier code too, not only its id.
        """
        segment_id, elements, separator = segment.id, segment.elements, segment.delimiters.component
        stack = self._stack
        for depth in range(len(stack) - 1, -1, -1):
            open_loop = stack[depth]
            candidates = open_loop.table.get(segment_id)
            if candidates is None:
                continue
            for candidate in candidates:
                index = candidate.index
                if index < open_loop.position or (index == 0 and candidate.loop is None):
                    continue  # behind the walker, or the loop's own first segment, which starts a new instance
                spec = candidate.segment
                if (
                    index == open_loop.position
                    and candidate.loop is None
                    and spec.max_use is not None
                    and open_loop.counts[index] >= spec.max_use
                ):
                    # the same segment again past its maximum: a later use of the id may take it
                    later = self._later(open_loop, candidate, segment, qualified)
                    if later is not None:
                        return depth, later
                if not qualified or spec.matches(segment_id, elements, separator):
                    return depth, candidate
        return None

    def _find_out_of_order(self, segment: Segment) -> tuple[int, _Candidate] | None:
        """A segment of an open loop that the guide puts before where the walker is: placed, and reported."""
        segment_id, elements, separator = segment.id, segment.elements, segment.delimiters.component
        for depth in range(len(self._stack) - 1, -1, -1):
            open_loop = self._stack[depth]
            for candidate in open_loop.table.get(segment_id, ()):
                # index 0 starts a new instance of the loop: never out of order
                if (
                    0 < candidate.index < open_loop.position
                    and candidate.loop is None
                    and candidate.segment.matches(segment_id, elements, separator)
                ):
                    self._finding(
                        segment,
                        "segment-order",
                        f"{segment.id} ({candidate.segment.name}) comes after segments the guide puts after it "
                        f"in loop {open_loop.spec.id}",
                        SEGMENT_NOT_IN_PROPER_SEQUENCE,
                    )
                    return depth, _Candidate(candidate.index, candidate.segment, None, in_order=False)
        return None

    def _later(self, open_loop: _OpenLoop, current: _Candidate, segment: Segment, qualified: bool) -> _Candidate | None:
        separator = segment.delimiters.component
        for candidate in open_loop.table.get(current.segment.id, ()):
            if candidate.index > current.index and (
                not qualified or candidate.segment.matches(segment.id, segment.elements, separator)
            ):
                return candidate
        return None

    def _check_usage(self, segment: Segment, spec: SegmentSpec) -> None:
        if spec.usage == "N":
            self._finding(segment, "not-used-segment", f"{spec.id} ({spec.name}) is not used", NOT_USED_SEGMENT_PRESENT)

    def _close(self, open_loop: _OpenLoop) -> None:
        children, counts = open_loop.spec.children, open_loop.counts
        for index in open_loop.required:
            if counts[index] == 0:
                child = children[index]
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
                        segment_index=start.index,
                        segment_id=start.id,
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
