"""Placing each segment of a transaction set in its loop of the implementation guide, as an X12 parser does.

The walker keeps only the path of open loops (a stack), so it runs in constant memory however many claims a
transaction holds. For each segment it looks, from the innermost open loop outwards, for the first use of the
segment at or after the current position: a segment of that loop (its id and its qualifier code, e.g. NM1*85) or the
first segment of a child loop, which opens that loop. A loop closes when a segment lands outside it; closing checks
that its required segments and loops occurred and that none occurred too often.

A segment that matches nowhere by id and qualifier is placed by its id alone where the id is expected (so a wrong
qualifier is reported as a bad code value rather than as a stray segment); a segment whose id the guide does not use
where it stands is unexpected, and the walker stays where it was.

Searching that way takes a hundred-odd bytecodes a segment, and a file makes the same few moves (a claim's
segments, a service line's) over and over. So between segments each open loop is kept as a `_Level`: its layout,
position and counts, interned per guide. What one loop does with a segment depends on that loop alone (take it, or
pass it on outwards, closing), so a search that reported nothing is remembered as a `_Move` of each level it went
through, under the segment's id and qualifier code; the next time the same segment meets the same levels it is
placed by a lookup or two. Anything else (a finding, a level or code not met before) is placed by the search, which
stays the only definition of where a segment goes.
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
    # the loops it opens, outermost first: the child loop, and the loops that start it when it starts with a loop
    opens: tuple[_Layout, ...] = ()


@dataclass(slots=True, eq=False)
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
        bounded: for each child, whether it has a maximum (uses or repeats); see `_Level`.
    """

    spec: LoopSpec
    table: dict[str, list[_Candidate]]
    required: tuple[int, ...]
    keyed: dict[str, tuple[int, dict[str, _Candidate]]]
    bounded: tuple[bool, ...] = field(default=())


class _OpenLoop:
    """One open loop instance: its spec, where the walker is in it, and how often each child occurred.

    A new instance is open because its first child just occurred, so that child counts once and is the position.
    Made by `_open_loop`.
    """

    __slots__ = ("counts", "keyed", "layout", "position", "required", "spec", "start", "table")

    layout: _Layout
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
    open_loop.layout = layout
    open_loop.spec = layout.spec
    open_loop.table = layout.table
    open_loop.keyed = layout.keyed
    open_loop.required = layout.required
    open_loop.position = 0
    open_loop.counts = counts = [0] * len(layout.spec.children)
    counts[0] = 1
    open_loop.start = start
    return open_loop


# How many levels a guide keeps, and how many codes of one segment id a level keeps moves for: bounds on the memory
# of a file that keeps the walker in new states (a segment repeated past its maximum is counted exactly).
LEVEL_LIMIT = 16_384
MOVES_PER_ID = 64


class _Level:
    """One open loop between two segments, without the segment that opened it; interned per guide.

    A count of a child with a maximum is exact (the walker compares it with the maximum and names it in findings);
    a count of an unbounded child is kept as 0 or 1, all the walker asks of it (whether a required child occurred),
    so that a loop's hundredth claim is at the same level as its second.

    Attributes:
        layout: the loop.
        position: the index of the last child that occurred.
        counts: how often each child occurred, as above.
        loop: the loop's id.
        ways: the moves learned here, for each segment id.
    """

    __slots__ = ("counts", "layout", "loop", "position", "ways")

    def __init__(self, layout: _Layout, position: int, counts: tuple[int, ...]) -> None:
        self.layout = layout
        self.position = position
        self.counts = counts
        self.loop = layout.spec.id
        self.ways: dict[str, _Ways] = {}


@dataclass(slots=True)
class _Ways:
    """The moves a level has learned for one segment id, by the segment's qualifier code.

    Attributes:
        spot: the 0-based element that holds the id's qualifier in this guide, or -1 when no use of the id has one.
        composite: the qualifier is the first component of that element (SVC01-1, HI01-1).
        moves: the move by qualifier code (``""`` for an id without one, or for an empty qualifier).
    """

    spot: int
    composite: bool
    moves: dict[str, _Move]


class _Pass:
    """The move of a loop that does not take a segment: it closes (with nothing missing) and the parent decides."""

    __slots__ = ()


PASS = _Pass()

# The move of the loop that takes a segment: the level it is at after, the guide segment the segment was read as,
# and the levels of the child loops the segment opened (outermost first), or PASS.
type _Move = tuple[_Level, SegmentSpec, tuple[_Level, ...]] | _Pass


class _GuideLayout:
    """The layouts of every loop of a guide and the segment ids it uses anywhere (computed once per guide).

    Also what the walkers learn of the guide as they go: the levels met and their moves.
    """

    def __init__(self, guide: Guide) -> None:
        self.known_ids: set[str] = set()
        self.root = self._layout(guide.root)
        self.spots = _qualifier_spots(guide.root)
        self.levels: dict[tuple[_Layout, int, tuple[int, ...]], _Level] = {}

    def level(self, open_loop: _OpenLoop) -> _Level:
        """The interned level of an open loop."""
        layout = open_loop.layout
        counts = tuple(
            count if bounded else min(count, 1) for count, bounded in zip(open_loop.counts, layout.bounded, strict=True)
        )
        key = (layout, open_loop.position, counts)
        found = self.levels.get(key)
        if found is None:
            if len(self.levels) >= LEVEL_LIMIT:
                self.levels.clear()  # the levels in use live on in the walkers' hands
            found = self.levels[key] = _Level(layout, open_loop.position, counts)
        return found

    def learn(self, level: _Level, segment: Segment, move: _Move) -> None:
        """Remember that `level` made `move` with `segment`, unless its id is never moved (ST, or two qualifiers)."""
        spot = self.spots.get(segment.id)
        if spot is None:
            return
        ways = level.ways.get(segment.id)
        if ways is None:
            ways = level.ways[segment.id] = _Ways(spot[0], spot[1], {})
        if len(ways.moves) < MOVES_PER_ID:
            ways.moves[_qualifier_value(segment, ways.spot, ways.composite)] = move

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
        bounded = tuple(
            (child.repeat if isinstance(child, LoopSpec) else child.max_use) is not None for child in loop.children
        )
        return _Layout(loop, table, required, keyed, bounded)


def _qualifier_spots(root: LoopSpec) -> dict[str, tuple[int, bool]]:
    """Where each segment id of a guide has its qualifier: (0-based element, whether its first component), or -1.

    Left out, so never stepped: an id whose uses put their qualifiers in different places or in a later component
    (which `_qualifier_value` does not read), and ST, whose placement starts the transaction set over.
    """
    found: dict[str, set[tuple[int, int]]] = {}

    def visit(loop: LoopSpec) -> None:
        for child in loop.children:
            if isinstance(child, LoopSpec):
                visit(child)
            else:
                spots = found.setdefault(child.id, set())
                if child.qualifier is not None:
                    spots.add(child.qualifier[:2])

    visit(root)
    readable: dict[str, tuple[int, bool]] = {}
    for segment_id, spots in found.items():
        if segment_id == "ST" or len(spots) > 1:
            continue
        position, component = spots.pop() if spots else (0, 0)
        if component <= 1:
            readable[segment_id] = (position - 1, component == 1)
    return readable


def _qualifier_value(segment: Segment, spot: int, composite: bool) -> str:
    """The code a segment has where its id's qualifier is (``""`` when it has none), as the walker reads it."""
    if spot < 0:
        return ""
    elements = segment.elements
    value = elements[spot] if spot < len(elements) else ""
    return value.partition(segment.delimiters.component)[0] if composite else value


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
        # The open loops: as `_stack` while the search places a segment; between segments, as their levels and the
        # segments that opened them (`_levels` is then not empty, and `_stack` is out of date).
        self._stack: list[_OpenLoop] = []
        self._levels: list[_Level] = []
        self._starts: list[Segment] = []
        self._reported = 0  # findings reported so far: a search that reported none may be learned
        self.transaction = ""
        self.position_in_transaction = 0

    @property
    def loop(self) -> str:
        """The id of the innermost open loop."""
        if self._levels:
            return self._levels[-1].loop
        return self._stack[-1].spec.id if self._stack else ""

    def place(self, segment: Segment) -> SegmentSpec | None:
        """Place one segment; return the guide's segment it was read as, or None. `loop` is then the loop it is in."""
        levels = self._levels
        if levels:
            # Lookups by subscript, not `get`: a miss (a move not learned yet) is rare, and a method call costs
            # more than the lookup.
            try:
                ways = levels[-1].ways[segment.id]
                # `_qualifier_value`, written out: this is the path of almost every segment of a file
                spot = ways.spot
                if spot < 0:
                    value = ""
                else:
                    try:
                        value = segment.elements[spot]
                    except IndexError:
                        value = ""
                    if ways.composite:
                        value = value.partition(segment.delimiters.component)[0]
                move = ways.moves[value]
            except KeyError:
                return self._search(segment)
            if move is PASS:
                return self._pass_out(segment, value)
            level, spec, opened = move  # type: ignore[misc]  # not PASS
            levels[-1] = level
            if opened:
                levels += opened
                self._starts += [segment] * len(opened)
            self.position_in_transaction += 1
            return spec
        return self._search(segment)

    def _pass_out(self, segment: Segment, value: str) -> SegmentSpec | None:
        """`place` for a segment the innermost loop passes on: the moves of the loops further out, as learned."""
        levels = self._levels
        segment_id = segment.id
        depth = len(levels) - 1
        move: _Move = PASS
        try:
            while move is PASS:  # this loop closes; the one it is in decides
                depth -= 1
                move = levels[depth].ways[segment_id].moves[value]
        except KeyError:
            return self._search(segment)
        level, spec, opened = move  # type: ignore[misc]  # not PASS
        del levels[depth + 1 :], self._starts[depth + 1 :]
        levels[depth] = level
        if opened:
            levels += opened
            self._starts += [segment] * len(opened)
        self.position_in_transaction += 1
        return spec

    def _search(self, segment: Segment) -> SegmentSpec | None:
        """Place a segment by the search (`_walk`), and learn the moves it made when it reported nothing."""
        before = self._levels
        if before:
            self._unfold()
        opened_before = list(self._stack)
        reported = self._reported
        spec = self._walk(segment)
        stack = self._stack
        # The loop that took the segment is the last one left open (the loops after it in `opened_before` were
        # closed, those after it in `stack` opened); the loops further out are as they were.
        kept = 0
        for old, new in zip(opened_before, stack, strict=False):
            if old is not new:
                break
            kept += 1
        layout = self._layout
        unchanged = before[: kept - 1] if kept else []
        after = self._levels = unchanged + [layout.level(open_loop) for open_loop in stack[len(unchanged) :]]
        self._starts = [open_loop.start for open_loop in stack]
        if (
            kept  # (none is kept by an ST, which starts over and is never learned)
            and before
            and spec is not None
            and self._reported == reported
            and spec.matches(segment.id, segment.elements, segment.delimiters.component)
        ):
            # A segment placed by its id alone, its qualifier matching no use, is not learned: an outer loop
            # might have taken it by its code.
            for closed in before[kept:]:
                layout.learn(closed, segment, PASS)
            layout.learn(before[kept - 1], segment, (after[kept - 1], spec, tuple(after[kept:])))
        return spec

    def _unfold(self) -> None:
        """Make `_stack` the open loops of `_levels` again, each with the segment that opened it."""
        stack = []
        for level, start in zip(self._levels, self._starts, strict=True):
            open_loop: _OpenLoop = _new_object(_OpenLoop)
            layout = open_loop.layout = level.layout
            open_loop.spec, open_loop.table, open_loop.keyed = layout.spec, layout.table, layout.keyed
            open_loop.required = layout.required
            open_loop.position = level.position
            open_loop.counts = list(level.counts)
            open_loop.start = start
            stack.append(open_loop)
        self._stack = stack
        self._levels = []

    def _walk(self, segment: Segment) -> SegmentSpec | None:
        """Place a segment by searching the open loops (the definition of where a segment goes)."""
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
                self._emit(
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
        if self._levels:
            self._unfold()
        for open_loop in self._stack[::-1]:
            self._close(open_loop)
        self._stack, self._starts = [], []

    def _emit(self, finding: X12Finding) -> None:
        self._reported += 1
        self._report(finding)

    def _finding(self, segment: Segment, rule: str, message: str, code: str) -> None:
        self._emit(
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
