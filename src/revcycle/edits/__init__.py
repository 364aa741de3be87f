"""The claim scrubber: open, explained, data-driven edits run over claims before they are submitted."""

from revcycle.edits.config import EditPolicy, ScrubConfig, load_config
from revcycle.edits.edit import Edit
from revcycle.edits.engine import ClaimResult, Scrubber, ScrubReport
from revcycle.edits.finding import Category, Finding, Problem, Severity
from revcycle.edits.reference import EditReference
from revcycle.edits.review import History, Review, Submitted

__all__ = [
    "Category",
    "ClaimResult",
    "Edit",
    "EditPolicy",
    "EditReference",
    "Finding",
    "History",
    "Problem",
    "Review",
    "ScrubConfig",
    "ScrubReport",
    "Scrubber",
    "Severity",
    "Submitted",
    "load_config",
]
