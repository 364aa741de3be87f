"""Types of the C scanner of 835 files (_read835.c); see revcycle.x12.native835."""

from revcycle.domain.remittance import ClaimPayment
from revcycle.x12.tokens import Segment

def scan(
    context: object, data: bytes, base_offset: int, final: bool, /
) -> tuple[list[Segment | ClaimPayment], int] | None:
    """The segments and claims of `data` up to its last complete transaction set, or None to leave it to Python."""

def new_cache() -> object:
    """A table of answers remembered by text, for one file."""

def segments(context: object, data: bytes, base_offset: int, final: bool, /) -> tuple[list[Segment], int] | None:
    """The complete segments of `data`, or None to leave the file to the Python tokenizer."""
