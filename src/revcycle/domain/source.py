"""Where a record came from, so every finding and error about it can point back to the file."""

from __future__ import annotations

from dataclasses import dataclass

from revcycle.domain.fields import Normaliser, line


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """The place in an input file a record was read from.

    Attributes:
        path: the file as it was named when imported.
        location: the place within it: a line, a JSON path, or an X12 segment index and loop.
    """

    path: str
    location: str = ""

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("path", line, max_length=1024)
        check("location", line, max_length=200, required=False)

    def __str__(self) -> str:
        return f"{self.path}: {self.location}" if self.location else self.path
