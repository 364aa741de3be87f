"""The one error X12 input can cause: a file that is not X12, or breaks its syntax beyond reading."""

from __future__ import annotations

from revcycle.errors import InputFileError


class X12Error(InputFileError):
    """An X12 file cannot be read: no ISA, bad delimiters, a broken envelope, bytes that are not text.

    Validation problems of a readable file are findings, not this error; this is for input revcycle cannot walk.

    Attributes:
        segment_index: the 0-based index of the offending segment in the file, when known.
        offset: the byte offset of that segment in the file, when known.
    """

    def __init__(
        self, path: str, reason: str, *, segment_index: int | None = None, offset: int | None = None, segment: str = ""
    ) -> None:
        self.segment_index = segment_index
        self.offset = offset
        parts = []
        if segment_index is not None:
            parts.append(f"segment {segment_index + 1}{f' ({segment})' if segment else ''}")
        if offset is not None:
            parts.append(f"byte {offset}")
        super().__init__(path, ", ".join(parts), reason)
