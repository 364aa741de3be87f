"""Validation findings: values that say which rule a readable X12 file breaks, and exactly where.

A finding is not an exception: a file with findings is still read, and the findings are reported (and acknowledged in
a 999) together. Each carries the 999 syntax error codes that describe it, so an acknowledgment can be written from
the findings alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """Whether the finding makes the transaction invalid."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, kw_only=True)
class X12Finding:
    """One broken rule of the X12 syntax, the implementation guide or the 835 balancing.

    Attributes:
        rule: a short stable name of the rule, e.g. ``required-segment``, ``element-length``, ``claim-balance``.
        message: what is wrong, in words, naming the values found.
        path: the file.
        segment_index: 0-based index of the segment in the file; None for a finding about the whole file.
        segment_id: the segment's id (``CLM``).
        loop: the implementation-guide loop the segment is in (``2300``), when known.
        element: the 1-based element position, when the finding is about an element.
        component: the 1-based component position within a composite element.
        repetition: the 1-based repeat of a repeating element.
        transaction: ST02 of the transaction set, when the finding is inside one.
        position_in_transaction: the segment's position counted from ST = 1 (IK302).
        severity: error (the transaction is invalid) or warning.
        segment_error_code: the 999 IK304 code (e.g. ``3`` required segment missing, ``I4`` not used segment present).
        element_error_code: the 999 IK403 code (e.g. ``1`` required element missing, ``7`` invalid code value).
        data_element: the data element reference number (IK402), e.g. ``782``.
        value: the offending value (IK404), when there is one.
    """

    rule: str
    message: str
    path: str = ""
    segment_index: int | None = None
    segment_id: str | None = None
    loop: str | None = None
    element: int | None = None
    component: int | None = None
    repetition: int | None = None
    transaction: str | None = None
    position_in_transaction: int | None = None
    severity: Severity = Severity.ERROR
    segment_error_code: str | None = None
    element_error_code: str | None = None
    data_element: str | None = None
    value: str | None = None

    @property
    def location(self) -> str:
        """Where, in words: segment number and id, loop, element position."""
        parts = []
        if self.segment_index is not None:
            parts.append(f"segment {self.segment_index + 1}{f' ({self.segment_id})' if self.segment_id else ''}")
        if self.loop:
            parts.append(f"loop {self.loop}")
        if self.element is not None and self.segment_id:
            position = f"{self.segment_id}{self.element:02d}"
            if self.component is not None:
                position += f"-{self.component}"
            parts.append(f"element {position}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.path, self.location) if part)
        return f"{where}: {self.message} [{self.rule}]" if where else f"{self.message} [{self.rule}]"

    def to_json(self) -> dict[str, object]:
        """The finding as JSON for the CLI and API (empty fields left out)."""
        data: dict[str, object] = {"rule": self.rule, "severity": str(self.severity), "message": self.message}
        for name in (
            "path",
            "segment_index",
            "segment_id",
            "loop",
            "element",
            "component",
            "repetition",
            "transaction",
            "position_in_transaction",
            "segment_error_code",
            "element_error_code",
            "data_element",
            "value",
        ):
            value = getattr(self, name)
            if value is not None and value != "":
                data[name] = value
        return data
