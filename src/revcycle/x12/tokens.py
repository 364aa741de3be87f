"""Tokenising X12: delimiters from the ISA, then a stream of segments that each know where they were.

The ISA is fixed-length (106 characters), so its fourth character is the element separator, ISA11 the repetition
separator (5010; 4010 has U there), ISA16 the component separator and the character after ISA16 the segment
terminator. Everything else follows from those four.

Reading is streaming: a file is read in chunks and segments are yielded as they are cut, so memory stays flat however
large the file. A file may hold several interchanges, each with its own delimiters.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from revcycle.x12.errors import X12Error

ISA_LENGTH = 106
# Room for an ISA whose padded fields were trimmed or over-filled, when looking for its separators.
ISA_MAX_LENGTH = 200
CHUNK_BYTES = 1 << 20
# Whitespace that writers put after a segment terminator (line breaks) and that is not part of the next segment.
_LAYOUT = " \t\r\n"
_LINE_BREAKS = "\r\n"
_SEGMENT_ID_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four separators of an interchange.

    Attributes:
        element: separates elements (ISA position 4, usually ``*``).
        component: separates the components of a composite (ISA16, usually ``:``).
        repetition: separates repeats of an element (ISA11 in 5010, usually ``^``); None in 4010.
        segment: ends a segment (after ISA16, usually ``~``).
    """

    element: str = "*"
    component: str = ":"
    repetition: str | None = "^"
    segment: str = "~"


@dataclass(slots=True)
class Segment:
    """One segment: its id, its elements as text, and where it was in the file.

    Attributes:
        id: the segment identifier (``ISA``, ``CLM``, ``SV1``, ...).
        elements: the elements after the id; ``elements[0]`` is element 01. Composites and repeats are left joined by
            their separators: `component` and `repeats` split them.
        index: 0-based position of the segment in the file.
        offset: byte offset of the segment's first character in the file.
        delimiters: the separators of the interchange the segment belongs to.
        raw: the segment's text as read (without terminator and layout), when it came from a file.
    """

    id: str
    elements: list[str]
    index: int
    offset: int
    delimiters: Delimiters
    raw: str = ""

    def __getitem__(self, position: int) -> str:
        """Element ``position`` (1-based, as the guides number them), or ``""`` when absent."""
        elements = self.elements
        return elements[position - 1] if 0 < position <= len(elements) else ""

    def components(self, position: int) -> list[str]:
        """The components of composite element ``position``; one item for a simple element, none when absent."""
        value = self[position]
        return value.split(self.delimiters.component) if value else []

    def component(self, position: int, sub: int) -> str:
        """Component ``sub`` (1-based) of element ``position``, or ``""`` when absent."""
        parts = self.components(position)
        return parts[sub - 1] if 0 < sub <= len(parts) else ""

    def repeats(self, position: int) -> list[str]:
        """The repeats of element ``position`` (one item when it does not repeat, none when absent)."""
        value = self[position]
        if not value:
            return []
        separator = self.delimiters.repetition
        return value.split(separator) if separator else [value]

    def text(self) -> str:
        """The segment as written, without its terminator."""
        return self.raw or self.delimiters.element.join([self.id, *self.elements])

    @property
    def location(self) -> str:
        """Where the segment is, for messages: its 1-based number, id and byte offset."""
        return f"segment {self.index + 1} ({self.id}), byte {self.offset}"


_new_object = object.__new__


def _segment(
    segment_id: str, elements: list[str], index: int, offset: int, delimiters: Delimiters, raw: str
) -> Segment:
    """`Segment(...)`, made the tokenizer's way: the same object for less than half the interpreter's work.

    Calling a class runs its `__init__` in a frame of its own, entered from C; a plain function that fills the
    slots is run in the caller's, and the tokenizer makes one segment per segment of the file.
    """
    segment: Segment = _new_object(Segment)
    segment.id = segment_id
    segment.elements = elements
    segment.index = index
    segment.offset = offset
    segment.delimiters = delimiters
    segment.raw = raw
    return segment


def delimiters_of(text: str, path: str, offset: int) -> Delimiters:
    """The delimiters declared by the ISA at the start of `text`.

    The ISA is fixed at 106 characters, but senders that trim its padded fields are common, so the separators are
    found by counting: the character after ``ISA`` separates elements, the one after the 16th separator is ISA16 (the
    component separator) and the next one ends the segment. The validator reports an ISA that is not 106 long.

    Raises:
        X12Error: the ISA has fewer than 16 elements, or its separators are letters, digits or not distinct.
    """
    element = text[3:4]
    position = 3
    for _ in range(15):  # the separator at position 3 is the first of 16
        position = text.find(element, position + 1, ISA_MAX_LENGTH)
        if position < 0:
            raise X12Error(
                path,
                f"the ISA does not have 16 elements separated by {element!r}",
                segment_index=0,
                offset=offset,
                segment="ISA",
            )
    component, terminator = text[position + 1 : position + 2], text[position + 2 : position + 3]
    isa11 = text.split(element, 12)[11] if text.count(element, 0, position) >= 12 else ""
    repetition: str | None = isa11 if len(isa11) == 1 and not isa11.isalnum() and isa11 != component else None
    chosen = [element, component, terminator] + ([repetition] if repetition else [])
    for character in chosen:
        if len(character) != 1 or character.isalnum() or character == " ":
            raise X12Error(
                path,
                f"delimiter {character!r} is missing, a letter, a digit or a space",
                segment_index=0,
                offset=offset,
            )
    if len(set(chosen)) != len(chosen):
        raise X12Error(path, f"the ISA's delimiters are not distinct: {chosen}", segment_index=0, offset=offset)
    found = Delimiters(element=element, component=component, repetition=repetition, segment=terminator)
    # One object per distinct set, so what is cached per delimiters (compiled patterns) is shared across files.
    return _INTERNED.setdefault(found, found)


_INTERNED: dict[Delimiters, Delimiters] = {}


class _Reader:
    """The file's text, decoded chunk by chunk, with the byte offset of what is left unread.

    UTF-8 is assumed; a file that is not UTF-8 is read as Latin-1 from the first byte that is not (X12's extended
    character set predates UTF-8 and many senders write Latin-1); a file that starts with a UTF-16 byte-order mark or
    with ``ISA`` in UTF-16 is read as UTF-16.
    """

    def __init__(self, chunks: Iterable[bytes], path: str) -> None:
        self._chunks = iter(chunks)
        self._decoder: codecs.IncrementalDecoder | None = None
        self._path = path
        self.buffer = ""
        self.offset = 0  # byte offset of buffer[0] in the file
        self.ended = False
        self._bytes_per_character = 0  # 0: variable (UTF-8), else fixed

    def byte_length(self, text: str) -> int:
        """How many bytes of the file `text` took."""
        if self._bytes_per_character:
            return len(text) * self._bytes_per_character
        return len(text) if text.isascii() else len(text.encode("utf-8"))

    @property
    def fixed_width(self) -> bool:
        """Whether every character took the same number of bytes (so offsets are arithmetic)."""
        return self._bytes_per_character == 1

    def _choose_decoder(self, chunk: bytes) -> codecs.IncrementalDecoder:
        if chunk.startswith((codecs.BOM_UTF16_LE, b"I\0S\0A\0")):
            self._bytes_per_character = 2
            return codecs.getincrementaldecoder("utf-16-le")()
        if chunk.startswith((codecs.BOM_UTF16_BE, b"\0I\0S\0A")):
            self._bytes_per_character = 2
            return codecs.getincrementaldecoder("utf-16-be")()
        return codecs.getincrementaldecoder("utf-8")()  # a BOM stays text before the ISA, its bytes counted

    def read_more(self) -> bool:
        """Append the next chunk's text to the buffer; False at the end of the file."""
        for chunk in self._chunks:
            if self._decoder is None:
                self._decoder = self._choose_decoder(chunk)
            try:
                text = self._decoder.decode(chunk)
            except UnicodeDecodeError:
                self._decoder = codecs.getincrementaldecoder("latin-1")()
                self._bytes_per_character = 1
                text = self._decoder.decode(chunk)
            if text:
                self.buffer += text
                return True
        if not self.ended:
            self.ended = True
            if self._decoder is not None:
                try:
                    self.buffer += self._decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    raise X12Error(self._path, "the file ends inside a multi-byte character") from None
        return False

    def consume(self, characters: int) -> None:
        """Drop the first `characters` of the buffer, keeping the byte offset right."""
        self.offset += self.byte_length(self.buffer[:characters])
        self.buffer = self.buffer[characters:]


_SEEN_SEGMENT_IDS: set[str] = set()


def _is_segment_id(text: str) -> bool:
    if text in _SEEN_SEGMENT_IDS:
        return True
    valid = 2 <= len(text) <= 3 and text[:1].isalpha() and all(c in _SEGMENT_ID_CHARACTERS for c in text)
    if valid:
        _SEEN_SEGMENT_IDS.add(text)
    return valid


def _is_separator(character: str) -> bool:
    return not character.isalnum() and not character.isspace()


def _find_isa(reader: _Reader) -> bool:
    """Move the reader to the next ISA with its 106 characters buffered; False when the file has none left."""
    while True:
        position = reader.buffer.find("ISA")
        while position >= 0 and len(reader.buffer) >= position + 4 and not _is_separator(reader.buffer[position + 3]):
            position = reader.buffer.find("ISA", position + 1)
        if position >= 0 and len(reader.buffer) >= position + ISA_MAX_LENGTH:
            reader.consume(position)
            return True
        if position < 0:
            reader.consume(max(len(reader.buffer) - 2, 0))  # keep a possible "IS" split across chunks
        if not reader.read_more():
            if position >= 0:
                reader.consume(position)
                return True  # a short ISA: delimiters_of says what is wrong
            return False


def _not_a_segment(path: str, segment_id: str, index: int, offset: int) -> X12Error:
    what = f"{segment_id[:20]!r} is not a segment id" if segment_id else "a segment with no id"
    return X12Error(path, what, segment_index=index, offset=offset)


def _cut(text: str, terminator: str, unwrap: bool) -> str | None:
    """Where the fast loop of `tokenize` cuts `text`; None when a segment in it may hold a line break to unwrap.

    Writers put segments one a line (terminator, then LF or CR LF); a line break anywhere else is in a wrapped
    segment. When every terminator of `text` is followed by the same line break, the cut includes it, so that no
    piece but the first starts with layout (stripping it would copy every segment); the text a chunk starts with is
    either an ISA or the line break after the previous chunk's last terminator.
    """
    lead = terminator + text  # it starts right after a terminator (or at an ISA): line breaks there are layout
    line_feeds = lead.count("\n")
    if not unwrap or (not line_feeds and "\r" not in lead):
        return terminator
    after = lead.count(terminator + "\n")
    terminators = lead.count(terminator) - 1  # those of `text`
    if "\r" in lead:
        crlf = lead.count(terminator + "\r\n")
        if lead.count("\r") != crlf or line_feeds != after + crlf:
            return None
        every = not after and crlf - text.startswith("\r\n") == terminators
        return terminator + "\r\n" if every else terminator
    if line_feeds != after:
        return None
    return terminator + "\n" if after - text.startswith("\n") == terminators else terminator


def _strip_first(pieces: list[str]) -> int:
    """Strip the layout before the first piece (a chunk starts after a terminator); how many characters it was."""
    if not pieces:
        return 0
    first = pieces[0]
    pieces[0] = stripped = first.lstrip(_LAYOUT)
    return len(first) - len(stripped)


_LAYOUT_AFTER: dict[str, re.Pattern[str]] = {}


def _plain(pieces: list[str], tail: str, text: str, cut: str) -> bool:
    """Whether no piece cut from `text` at `cut` is empty or starts with layout (the first one already stripped).

    A piece after the first starts right after a cut: one followed by layout or by another cut begins a piece that
    starts with layout or is empty. The last cut begins the tail, which is not a piece.
    """
    if pieces and not pieces[0]:
        return False
    after = _LAYOUT_AFTER.get(cut)
    if after is None:
        after = _LAYOUT_AFTER[cut] = re.compile(f"{re.escape(cut)}(?:[{re.escape(_LAYOUT)}]|{re.escape(cut)})")
    return after.search(text, 0, len(text) - len(tail)) is None


def tokenize(chunks: Iterable[bytes], path: str) -> Iterator[Segment]:
    """Cut the bytes of an X12 file into segments, interchange by interchange.

    Text before the first ISA (a byte-order mark, a banner, a scenario description) and line breaks after terminators
    are skipped.

    Args:
        chunks: the file's bytes, in order, in pieces of any size.
        path: the file's name, for errors.

    Raises:
        X12Error: no ISA, a malformed ISA, bytes that are not text, text that is not a segment, or a file that ends
            inside an interchange.
    """
    reader = _Reader(chunks, path)
    new_segment = _new_object
    index = 0
    interchanges = 0
    while _find_isa(reader):
        interchanges += 1
        delimiters = delimiters_of(reader.buffer[:ISA_MAX_LENGTH], path, reader.offset)
        terminator, separator = delimiters.segment, delimiters.element
        # Line breaks are layout unless they are delimiters: some senders wrap long segments at a fixed width.
        unwrap = not any(character in _LINE_BREAKS for character in (terminator, separator, delimiters.component))
        newline_terminated = terminator == "\n"
        in_interchange = True
        while in_interchange:
            ascii_only = reader.fixed_width or reader.buffer.isascii()
            offset = reader.offset
            cut = _cut(reader.buffer, terminator, unwrap) if ascii_only and not newline_terminated else None
            pieces = reader.buffer.split(cut or terminator)
            tail = pieces.pop()  # the unfinished segment waits for the next chunk
            if cut:
                offset += _strip_first(pieces)
                if not _plain(pieces, tail, reader.buffer, cut):
                    cut = None  # a blank line or an indented segment: the general loop strips each piece
                    pieces = reader.buffer.split(terminator)
                    tail = pieces.pop()
                    offset = reader.offset
            if cut:
                # The common case, in a loop of its own: one byte a character, and no segment that is empty or
                # starts or holds layout once the leading layout of the chunk is stripped (so only the bookkeeping
                # the general loop below needs for other files is left out).
                step = len(cut)
                for piece in pieces:
                    # one split, the id then taken off the front (no partition, no copy of the rest)
                    elements = piece.split(separator)
                    segment_id = elements[0]
                    del elements[0]
                    if segment_id not in _SEEN_SEGMENT_IDS and not _is_segment_id(segment_id):
                        raise _not_a_segment(path, segment_id, index, offset)
                    # `_segment`, written out: a call per segment costs more than the filling
                    segment = new_segment(Segment)
                    segment.id = segment_id
                    segment.elements = elements
                    segment.index = index
                    segment.offset = offset
                    segment.delimiters = delimiters
                    segment.raw = piece
                    yield segment
                    offset += len(piece) + step
                    index += 1
                    if segment_id == "IEA":
                        in_interchange = False
                        break
                if step > 1 and offset > reader.offset:
                    offset -= step - 1  # the line break after the last terminator stays unread, as below
                used = offset - reader.offset
            else:
                used = 0
                for piece in pieces:
                    used += len(piece) + 1
                    stripped = piece.lstrip(_LAYOUT)
                    lead = len(piece) - len(stripped)
                    if ascii_only:
                        start = offset + lead
                        offset += len(piece) + 1
                    else:
                        start = offset + reader.byte_length(piece[:lead])
                        offset += reader.byte_length(piece) + reader.byte_length(terminator)
                    if newline_terminated:  # a CR before a line-feed terminator is layout too
                        stripped = stripped.rstrip("\r")
                    if not stripped:
                        continue
                    if unwrap and ("\n" in stripped or "\r" in stripped):
                        stripped = stripped.replace("\r", "").replace("\n", "")
                    elements = stripped.split(separator)
                    segment_id = elements[0]
                    del elements[0]
                    if segment_id not in _SEEN_SEGMENT_IDS and not _is_segment_id(segment_id):
                        raise _not_a_segment(path, segment_id, index, start)
                    yield _segment(segment_id, elements, index, start, delimiters, stripped)
                    index += 1
                    if segment_id == "IEA":
                        in_interchange = False
                        break
            reader.buffer = reader.buffer[used:]
            reader.offset = offset
            if in_interchange and not reader.read_more():
                if tail.lstrip(_LAYOUT).startswith("IEA") and not tail.strip(_LAYOUT).count(terminator):
                    # The last IEA of a file often lacks its terminator: the end of the file ends it.
                    reader.buffer += terminator
                    continue
                if tail.strip(_LAYOUT):
                    raise X12Error(
                        path,
                        f"the file ends inside a segment: {tail.strip(_LAYOUT)[:20]!r} has no terminator "
                        f"{terminator!r}",
                        segment_index=index,
                        offset=offset,
                    )
                raise X12Error(path, "the file ends before the interchange's IEA", segment_index=index, offset=offset)
    if not interchanges:
        raise X12Error(path, "no ISA segment: this is not an X12 interchange")
    if reader.buffer.strip():
        raise X12Error(path, f"text after the last IEA: {reader.buffer.strip()[:20]!r}", offset=reader.offset)


def read_file(path: Path | str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[Segment]:
    """The segments of an X12 file, read in chunks (the file is opened when the first segment is asked for).

    The C scanner cuts them where it was built (see `scanned`), giving what `read_file_in_python` gives.

    Raises:
        X12Error: as `tokenize`, and when the file cannot be opened.
    """
    if _read835 is None:
        return read_file_in_python(path, chunk_bytes)
    # The segments of each batch are handed out by C, not by resuming a generator once per segment.
    return chain.from_iterable(_batches(path, chunk_bytes))


def _batches(path: Path | str, chunk_bytes: int) -> Iterator[Sequence[Segment]]:
    """The scanner's batches; if it gives up, the Python tokenizer's segments after those given, one at a time."""
    given = 0
    try:
        for batch in scanned(path, ScanContext, _read835.segments, NATIVE_CHUNK_BYTES):
            yield batch
            given += len(batch)
        return
    except Undecided:
        pass
    for segment in read_file_in_python(path, chunk_bytes):
        if segment.index >= given:
            yield (segment,)  # one at a time: an error is raised after the segments before it, as the tokenizer does


def read_file_in_python(path: Path | str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[Segment]:
    """The segments of an X12 file cut by `tokenize`: the definition that the C scanner is held to.

    Raises:
        X12Error: as `tokenize`, and when the file cannot be opened.
    """
    name = str(path)
    # The file is read by a generator of chunks, not around the segments: one generator frame per megabyte
    # rather than one more per segment.
    return tokenize(_chunks(path, name, chunk_bytes), name)


def _chunks(path: Path | str, name: str, size: int) -> Iterator[bytes]:
    try:
        handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as error:
        raise X12Error(name, f"cannot be read: {error.strerror}") from None
    with handle:
        yield from iter(lambda: handle.read(size), b"")


def read_bytes(data: bytes, path: str = "<bytes>") -> list[Segment]:
    """All the segments of X12 held in memory."""
    return list(tokenize([data], path))


# -- the C scanner --------------------------------------------------------------------------------------------------
# `revcycle.x12._read835` (setup.py; optional: an install without a C compiler has only the Python tokenizer) cuts
# the bytes of a plain file, one interchange of ASCII with a segment a line or none, in C. Whatever it cannot decide
# as `tokenize` would (text before the ISA, bytes that are not ASCII, a wrapped segment, a second interchange, a file
# that does not end at its IEA) makes it give up, and the file is read again by the Python tokenizer from the start,
# skipping the segments already given: so segments, offsets and errors are the Python tokenizer's.

try:
    from revcycle.x12 import _read835
except ImportError:  # pragma: no cover - an install without a C compiler
    _read835 = None  # type: ignore[assignment]

# Small batches: a segment is consumed while it is still in the processor's cache (a segment with its texts is some
# hundreds of bytes). With 256 KB batches validation ran 25% slower than with the Python tokenizer, though it took
# 16% fewer instructions; with 4-16 KB batches, 25-30% faster.
NATIVE_CHUNK_BYTES = 8 << 10
SEGMENT_FIELDS = ("id", "elements", "index", "offset", "delimiters", "raw")
if tuple(field.name for field in dataclasses.fields(Segment)) != SEGMENT_FIELDS:  # the scanner fills these, so
    raise TypeError(f"the C scanner fills Segment fields {SEGMENT_FIELDS}")


def scanner_available() -> bool:
    """Whether the C scanner was built with this install."""
    return _read835 is not None


class Undecided(Exception):
    """The C scanner met what the Python tokenizer or reader must decide."""


class ScanContext:
    """What the C scanner reads from Python: the delimiters, the Segment type, and its place in the file."""

    segment_type = Segment
    segment_fields = SEGMENT_FIELDS

    def __init__(self, head: bytes, name: str) -> None:
        """The context for a file that starts with ``head``.

        Raises:
            Undecided: a file the scanner leaves to Python from its first byte.
        """
        if not head.startswith(b"ISA"):
            raise Undecided  # text before the ISA, a byte-order mark, UTF-16, or not X12 at all
        try:
            delimiters = delimiters_of(head[:ISA_MAX_LENGTH].decode("latin-1"), name, 0)
        except X12Error:
            raise Undecided from None
        separators = (delimiters.element, delimiters.component, delimiters.segment)
        if any(not separator.isascii() or separator in _LINE_BREAKS for separator in separators):
            raise Undecided  # line breaks as delimiters change what is layout
        self.delimiters = delimiters
        self.element, self.component, self.terminator = separators
        self.index = self.isa_seen = self.ended = 0


type Scan[C: ScanContext, T] = Callable[[C, bytes, int, bool], tuple[list[T], int] | None]


def scanned[C: ScanContext, T](
    path: Path | str, context_type: Callable[[bytes, str], C], scan: Scan[C, T], chunk_bytes: int
) -> Iterator[list[T]]:
    """The C scanner's batches for the file at ``path``, read ``chunk_bytes`` at a time.

    A batch ends where ``scan`` says what was read is complete (a segment, or a transaction set); the rest waits for
    the next bytes, which are doubled while nothing completes, so a huge segment or transaction costs linear time.

    Raises:
        Undecided: the scanner (or ``context_type``) leaves the file to Python; also when it cannot be opened.
    """
    try:
        handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError:
        raise Undecided from None  # the Python tokenizer says what is wrong with the file
    with handle:
        data = handle.read(max(chunk_bytes, ISA_MAX_LENGTH))  # the ISA whole, for its delimiters
        context = context_type(data, str(path))
        base, size, final = 0, chunk_bytes, False
        while True:
            result = scan(context, data, base, final)
            if result is None:
                raise Undecided
            batch, used = result
            yield batch
            if final:
                return
            if used:
                base += used
                data = data[used:]
                size = chunk_bytes
            else:
                size *= 2
            more = handle.read(size)
            final = not more
            data += more
